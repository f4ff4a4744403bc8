//! Chapter 1, exercise 1: a generator.
//!
//! Implement [`Generator`]: an [`Iterator`] whose items are the values a
//! tasklet yields. The task is in this exercise's `README.md`; check your
//! work with `cargo test -p ch01-ex-generator`.

use std::marker::PhantomData;

use ch01_tasklets::{StackPool, Yielder};

/// An iterator over the values that a tasklet passes to
/// [`Yielder::suspend`].
///
/// It is built on a `ch01_tasklets::Tasklet<(), T>`: every call to
/// [`next`](Iterator::next) resumes the tasklet once. A yielded value is the
/// next item; once the tasklet's function returns, the iterator is exhausted
/// and returns `None` for ever after; if it panics, the panic goes on in the
/// caller of `next`.
pub struct Generator<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

impl<T: 'static> Generator<T> {
    /// A generator whose items are the values `f` passes to
    /// [`Yielder::suspend`], taking its stack from `pool`. Nothing of `f`
    /// runs until the first call to `next`.
    ///
    /// # Panics
    ///
    /// Panics if `pool` cannot give a stack.
    pub fn new(pool: &StackPool, f: impl FnOnce(&Yielder<(), T>) + 'static) -> Generator<T> {
        let _ = (pool, f);
        todo!("create the tasklet that runs `f`")
    }
}

impl<T: 'static> Iterator for Generator<T> {
    type Item = T;

    /// Resumes the tasklet: `Some` of the value it yields, `None` once it
    /// has finished (without resuming it again). A panic of the tasklet is
    /// resumed in the caller.
    fn next(&mut self) -> Option<T> {
        todo!("resume the tasklet and turn its `Step` into an `Option`")
    }
}
