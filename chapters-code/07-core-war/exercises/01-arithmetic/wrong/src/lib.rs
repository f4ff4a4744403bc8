//! Chapter 7, exercise 1: the arithmetic opcodes (a plausible wrong solution).
//!
//! The mistake: a division by zero stops at once, so with `.F`, `.X` or
//! `.I` the other field, which pMARS still divides, is never written.

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
    // (A-side, B-side, whether the result goes into the A-field).
    let pairs: &[(u32, u32, bool)] = match modifier {
        Modifier::A => &[(a.a, b.a, true)],
        Modifier::B => &[(a.b, b.b, false)],
        Modifier::AB => &[(a.a, b.b, false)],
        Modifier::BA => &[(a.b, b.a, true)],
        Modifier::F | Modifier::I => &[(a.a, b.a, true), (a.b, b.b, false)],
        Modifier::X => &[(a.b, b.a, true), (a.a, b.b, false)],
    };
    let (n, wide) = (u64::from(size), |x: u32| u64::from(x));
    for &(x, y, into_a) in pairs {
        let result = match op {
            Opcode::Add => Some((wide(y) + wide(x)) % n),
            Opcode::Sub => Some((wide(y) + n - wide(x)) % n),
            Opcode::Mul => Some(wide(y) * wide(x) % n),
            Opcode::Div => wide(y).checked_div(wide(x)),
            Opcode::Mod => wide(y).checked_rem(wide(x)),
            other => panic!("{} is not an arithmetic opcode", other.name()),
        };
        match result {
            Some(value) => {
                let value = u32::try_from(value).expect("below the core size");
                if into_a {
                    target.a = value
                } else {
                    target.b = value
                }
            }
            None => return false,
        }
    }
    true
}
