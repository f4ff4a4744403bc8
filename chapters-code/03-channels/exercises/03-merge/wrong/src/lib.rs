//! Chapter 3, exercise 3: merging channels (a plausible wrong solution).
//!
//! The mistake: the output is closed as soon as *one* input ends, not the
//! last, so what the other inputs still send is lost.

use std::cell::Cell;
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;

/// A channel that carries every value sent on any of `inputs`, and is
/// closed once every input is closed and drained.
pub fn merge<T: 'static>(inputs: Vec<Channel<T>>) -> Channel<T> {
    let output = Channel::new();
    if inputs.is_empty() {
        output.close();
        return output;
    }
    let running = Rc::new(Cell::new(inputs.len()));
    for input in inputs {
        let (output, running) = (output.clone(), Rc::clone(&running));
        spawn(move || {
            for value in input {
                if output.send(value).is_err() {
                    break; // the output was closed under us
                }
            }
            running.set(running.get() - 1);
            output.close();
        });
    }
    output
}
