//! One instruction, executed: the semantics every engine shares. An engine
//! decides whose turn it is; this module decides what a turn does.

use crate::redcode::{Instruction, Mode, Modifier, Opcode};

/// What became of the process that executed an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It goes on at this address.
    Next(u32),
    /// It goes on at `next`, and asks for a new process at `new` (`SPL`);
    /// at the process limit only `next` is queued.
    Split {
        /// Where the process itself goes on.
        next: u32,
        /// Where the new process starts.
        new: u32,
    },
    /// It died (`DAT`, or a division by zero).
    Died,
}

/// An evaluated operand: the address it points at, and a copy of the
/// instruction there, taken when the operand was evaluated (the
/// standard's "register").
struct Operand {
    addr: u32,
    reg: Instruction,
}

// ANCHOR: operand
/// Evaluates an operand of the instruction at `pc`: `mode` and `offset`
/// are the operand's, as fetched. Pre-decrements happen before the target is
/// read, post-increments after its copy is taken.
#[inline(always)]
fn operand(core: &mut [Instruction], pc: u32, mode: Mode, offset: u32) -> Operand {
    let size = core.len() as u32;
    if mode == Mode::Immediate {
        // The instruction itself, as it is now: for the A-operand that is
        // the instruction as fetched; the B-operand sees what the
        // A-operand's side effects did to it (as pMARS reads it).
        return Operand {
            addr: pc,
            reg: core[pc as usize],
        };
    }
    let ptr = add(pc, offset, size);
    let p = ptr as usize;
    let addr = match mode {
        Mode::Immediate => unreachable!("handled above"),
        Mode::Direct => ptr,
        Mode::AIndirect | Mode::APostincrement => add(ptr, core[p].a, size),
        Mode::BIndirect | Mode::BPostincrement => add(ptr, core[p].b, size),
        Mode::APredecrement => {
            core[p].a = sub(core[p].a, 1, size);
            add(ptr, core[p].a, size)
        }
        Mode::BPredecrement => {
            core[p].b = sub(core[p].b, 1, size);
            add(ptr, core[p].b, size)
        }
    };
    let reg = core[addr as usize];
    match mode {
        Mode::APostincrement => core[p].a = add(core[p].a, 1, size),
        Mode::BPostincrement => core[p].b = add(core[p].b, 1, size),
        _ => {}
    }
    Operand { addr, reg }
}
// ANCHOR_END: operand

/// Executes the instruction at `pc` in `core` (whose length is the core
/// size), for one process.
#[inline]
pub fn execute(core: &mut [Instruction], pc: u32) -> Outcome {
    let size = core.len() as u32;
    let ir = core[pc as usize];
    // The A-operand first, completely; the B-operand sees its side effects.
    let a = operand(core, pc, ir.a_mode, ir.a);
    let b = operand(core, pc, ir.b_mode, ir.b);
    let next = add(pc, 1, size);
    let skip = add(pc, 2, size);
    let target = b.addr as usize;
    let (ra, rb) = (a.reg, b.reg);
    match ir.opcode {
        Opcode::Dat => Outcome::Died,
        Opcode::Mov => {
            let t = &mut core[target];
            match ir.modifier {
                Modifier::A => t.a = ra.a,
                Modifier::B => t.b = ra.b,
                Modifier::AB => t.b = ra.a,
                Modifier::BA => t.a = ra.b,
                Modifier::F => (t.a, t.b) = (ra.a, ra.b),
                Modifier::X => (t.a, t.b) = (ra.b, ra.a),
                Modifier::I => *t = ra,
            }
            Outcome::Next(next)
        }
        Opcode::Add => arithmetic(&mut core[target], ir.modifier, ra, rb, next, |b, a| {
            Some(add(b, a, size))
        }),
        Opcode::Sub => arithmetic(&mut core[target], ir.modifier, ra, rb, next, |b, a| {
            Some(sub(b, a, size))
        }),
        Opcode::Mul => arithmetic(&mut core[target], ir.modifier, ra, rb, next, |b, a| {
            Some(mul(b, a, size))
        }),
        Opcode::Div => arithmetic(&mut core[target], ir.modifier, ra, rb, next, |b, a| {
            b.checked_div(a)
        }),
        Opcode::Mod => arithmetic(&mut core[target], ir.modifier, ra, rb, next, |b, a| {
            b.checked_rem(a)
        }),
        Opcode::Jmp => Outcome::Next(a.addr),
        Opcode::Jmz => jump_if(!either_or_both(ir.modifier, rb, |v| v != 0), a.addr, next),
        Opcode::Jmn => jump_if(either_or_both(ir.modifier, rb, |v| v != 0), a.addr, next),
        Opcode::Djn => {
            let mut rb = rb;
            let t = &mut core[target];
            match ir.modifier {
                Modifier::A | Modifier::BA => {
                    t.a = sub(t.a, 1, size);
                    rb.a = sub(rb.a, 1, size);
                }
                Modifier::B | Modifier::AB => {
                    t.b = sub(t.b, 1, size);
                    rb.b = sub(rb.b, 1, size);
                }
                Modifier::F | Modifier::X | Modifier::I => {
                    (t.a, t.b) = (sub(t.a, 1, size), sub(t.b, 1, size));
                    (rb.a, rb.b) = (sub(rb.a, 1, size), sub(rb.b, 1, size));
                }
            }
            // The decremented register decides, not a fresh read of core.
            jump_if(either_or_both(ir.modifier, rb, |v| v != 0), a.addr, next)
        }
        Opcode::Spl => Outcome::Split { next, new: a.addr },
        Opcode::Slt => {
            let less = match ir.modifier {
                Modifier::A => ra.a < rb.a,
                Modifier::B => ra.b < rb.b,
                Modifier::AB => ra.a < rb.b,
                Modifier::BA => ra.b < rb.a,
                Modifier::F | Modifier::I => ra.a < rb.a && ra.b < rb.b,
                Modifier::X => ra.a < rb.b && ra.b < rb.a,
            };
            jump_if(less, skip, next)
        }
        Opcode::Cmp | Opcode::Seq => jump_if(equal(ir.modifier, &ra, &rb), skip, next),
        Opcode::Sne => jump_if(!equal(ir.modifier, &ra, &rb), skip, next),
        Opcode::Nop => Outcome::Next(next),
    }
}

/// The A-value and the B-value as the modifier pairs them: (A-side,
/// B-side, which B-target field), one pair or two.
#[inline(always)]
fn pairs(modifier: Modifier, ra: Instruction, rb: Instruction) -> [Option<(u32, u32, Field)>; 2] {
    match modifier {
        Modifier::A => [Some((ra.a, rb.a, Field::A)), None],
        Modifier::B => [Some((ra.b, rb.b, Field::B)), None],
        Modifier::AB => [Some((ra.a, rb.b, Field::B)), None],
        Modifier::BA => [Some((ra.b, rb.a, Field::A)), None],
        Modifier::F | Modifier::I => [Some((ra.a, rb.a, Field::A)), Some((ra.b, rb.b, Field::B))],
        Modifier::X => [Some((ra.b, rb.a, Field::A)), Some((ra.a, rb.b, Field::B))],
    }
}

#[derive(Clone, Copy)]
enum Field {
    A,
    B,
}

#[inline(always)]
fn write(t: &mut Instruction, field: Field, value: u32) {
    match field {
        Field::A => t.a = value,
        Field::B => t.b = value,
    }
}

/// The arithmetic opcodes: the B-target's field(s) become `op(b, a)`.
/// `None` (a division by zero) leaves that field alone and kills the
/// process, after the other field is written.
#[inline(always)]
fn arithmetic(
    target: &mut Instruction,
    modifier: Modifier,
    ra: Instruction,
    rb: Instruction,
    next: u32,
    op: impl Fn(u32, u32) -> Option<u32>,
) -> Outcome {
    let mut died = false;
    for (a, b, field) in pairs(modifier, ra, rb).into_iter().flatten() {
        match op(b, a) {
            Some(value) => write(target, field, value),
            None => died = true,
        }
    }
    if died {
        Outcome::Died
    } else {
        Outcome::Next(next)
    }
}

/// Whether `test` holds for the B-value's field the modifier names; for
/// `.F .X .I`, for either field (so `JMZ.F` jumps only if both are zero).
#[inline(always)]
fn either_or_both(modifier: Modifier, rb: Instruction, test: impl Fn(u32) -> bool) -> bool {
    match modifier {
        Modifier::A | Modifier::BA => test(rb.a),
        Modifier::B | Modifier::AB => test(rb.b),
        Modifier::F | Modifier::X | Modifier::I => test(rb.a) || test(rb.b),
    }
}

/// `SEQ`/`CMP`'s test (`SNE` is its negation).
#[inline(always)]
fn equal(modifier: Modifier, ra: &Instruction, rb: &Instruction) -> bool {
    match modifier {
        Modifier::A => ra.a == rb.a,
        Modifier::B => ra.b == rb.b,
        Modifier::AB => ra.a == rb.b,
        Modifier::BA => ra.b == rb.a,
        Modifier::F => ra.a == rb.a && ra.b == rb.b,
        Modifier::X => ra.a == rb.b && ra.b == rb.a,
        Modifier::I => ra == rb,
    }
}

#[inline(always)]
fn jump_if(condition: bool, then: u32, otherwise: u32) -> Outcome {
    Outcome::Next(if condition { then } else { otherwise })
}

#[inline(always)]
fn add(x: u32, y: u32, size: u32) -> u32 {
    let sum = x + y;
    if sum >= size { sum - size } else { sum }
}

#[inline(always)]
fn sub(x: u32, y: u32, size: u32) -> u32 {
    if x >= y { x - y } else { x + size - y }
}

#[inline(always)]
fn mul(x: u32, y: u32, size: u32) -> u32 {
    u32::try_from(u64::from(x) * u64::from(y) % u64::from(size)).expect("below the core size")
}
