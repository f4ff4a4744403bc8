//! Chapter 7, exercise 1: the arithmetic opcodes (your code goes here).

use ch07_core_war::redcode::{Instruction, Modifier, Opcode};

/// Executes `op` (ADD, SUB, MUL, DIV or MOD) with `modifier` on the
/// A-value `a` and B-value `b`, writing into `target`, in a core of `size`
/// cells. Returns `false` if the process dies (a division by zero).
///
/// # Panics
///
/// If `op` is not an arithmetic opcode.
pub fn arithmetic(
    op: Opcode,
    modifier: Modifier,
    a: &Instruction,
    b: &Instruction,
    target: &mut Instruction,
    size: u32,
) -> bool {
    let _ = (op, modifier, a, b, target, size);
    unimplemented!("exercise 7.1: see README.md")
}
