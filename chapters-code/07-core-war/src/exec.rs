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
    // The instruction itself, as it is now: for the A-operand that is the
    // instruction as fetched; the B-operand sees what the A-operand's side
    // effects did to it (as pMARS reads it).
    if mode == Mode::Immediate {
        return Operand {
            addr: pc,
            reg: core[pc as usize],
        };
    }
    // The cell the offset points at, and the field of it that points on.
    let ptr = add(pc, offset, size);
    let cell = &mut core[ptr as usize];
    let addr = match mode {
        Mode::Immediate | Mode::Direct => ptr,
        Mode::AIndirect | Mode::APostincrement => add(ptr, cell.a, size),
        Mode::BIndirect | Mode::BPostincrement => add(ptr, cell.b, size),
        Mode::APredecrement => {
            cell.a = sub(cell.a, 1, size);
            add(ptr, cell.a, size)
        }
        Mode::BPredecrement => {
            cell.b = sub(cell.b, 1, size);
            add(ptr, cell.b, size)
        }
    };
    let reg = core[addr as usize];
    let cell = &mut core[ptr as usize];
    match mode {
        Mode::APostincrement => cell.a = add(cell.a, 1, size),
        Mode::BPostincrement => cell.b = add(cell.b, 1, size),
        _ => {}
    }
    Operand { addr, reg }
}
// ANCHOR_END: operand

/// Executes the instruction at `pc` in `core` (whose length is the core
/// size), for one process.
#[inline(always)]
pub fn execute(core: &mut [Instruction], pc: u32) -> Outcome {
    execute_watched(core, pc, |_| {})
}

/// Like [`execute`], and tells `wrote` the address of each cell the
/// instruction writes, in the order it writes them (a pointer's
/// decrement or increment, then the B-target).
#[inline(always)]
pub fn execute_watched(core: &mut [Instruction], pc: u32, mut wrote: impl FnMut(u32)) -> Outcome {
    let size = core.len() as u32;
    let ir = core[pc as usize];
    // The A-operand first, completely; the B-operand sees its side effects.
    let a = operand(core, pc, ir.a_mode, ir.a);
    let b = operand(core, pc, ir.b_mode, ir.b);
    // The pointers that `<`, `>`, `{` and `}` moved.
    for (mode, offset) in [(ir.a_mode, ir.a), (ir.b_mode, ir.b)] {
        if mode.moves_pointer() {
            wrote(add(pc, offset, size));
        }
    }
    let next = add(pc, 1, size);
    let (ra, rb) = (a.reg, b.reg);
    let target = &mut core[b.addr as usize];
    let m = ir.modifier;
    let mut target_written = || wrote(b.addr);
    match ir.opcode {
        Opcode::Dat => Outcome::Died,
        Opcode::Mov => {
            target_written();
            match m {
                Modifier::A => target.a = ra.a,
                Modifier::B => target.b = ra.b,
                Modifier::AB => target.b = ra.a,
                Modifier::BA => target.a = ra.b,
                Modifier::F => (target.a, target.b) = (ra.a, ra.b),
                Modifier::X => (target.a, target.b) = (ra.b, ra.a),
                Modifier::I => *target = ra,
            }
            Outcome::Next(next)
        }
        Opcode::Add | Opcode::Sub | Opcode::Mul | Opcode::Div | Opcode::Mod => {
            let op = ir.opcode;
            let lives = arithmetic(target, m, ra, rb, &mut target_written, |b, a| match op {
                Opcode::Add => Some(add(b, a, size)),
                Opcode::Sub => Some(sub(b, a, size)),
                Opcode::Mul => Some(mul(b, a, size)),
                Opcode::Div => b.checked_div(a),
                _ => b.checked_rem(a),
            });
            if lives {
                Outcome::Next(next)
            } else {
                Outcome::Died
            }
        }
        Opcode::Jmp => Outcome::Next(a.addr),
        Opcode::Jmz => jump_if(!either_or_both(m, rb, |v| v != 0), a.addr, next),
        Opcode::Jmn => jump_if(either_or_both(m, rb, |v| v != 0), a.addr, next),
        Opcode::Djn => {
            target_written();
            let mut rb = rb;
            let dec = |v| sub(v, 1, size);
            match m {
                Modifier::A | Modifier::BA => (target.a, rb.a) = (dec(target.a), dec(rb.a)),
                Modifier::B | Modifier::AB => (target.b, rb.b) = (dec(target.b), dec(rb.b)),
                Modifier::F | Modifier::X | Modifier::I => {
                    (target.a, target.b) = (dec(target.a), dec(target.b));
                    (rb.a, rb.b) = (dec(rb.a), dec(rb.b));
                }
            }
            // The decremented register decides, not a fresh read of core.
            jump_if(either_or_both(m, rb, |v| v != 0), a.addr, next)
        }
        Opcode::Spl => Outcome::Split { next, new: a.addr },
        Opcode::Slt => {
            let less = match m {
                Modifier::A => ra.a < rb.a,
                Modifier::B => ra.b < rb.b,
                Modifier::AB => ra.a < rb.b,
                Modifier::BA => ra.b < rb.a,
                Modifier::F | Modifier::I => ra.a < rb.a && ra.b < rb.b,
                Modifier::X => ra.a < rb.b && ra.b < rb.a,
            };
            jump_if(less, add(pc, 2, size), next)
        }
        Opcode::Cmp | Opcode::Seq => jump_if(equal(m, &ra, &rb), add(pc, 2, size), next),
        Opcode::Sne => jump_if(!equal(m, &ra, &rb), add(pc, 2, size), next),
        Opcode::Nop => Outcome::Next(next),
    }
}

/// The arithmetic opcodes: the B-target's field(s) become `op(b, a)`.
/// `None` (a division by zero) leaves that field alone and kills the
/// process, after the other field is written. Returns whether the
/// process lives.
#[inline(always)]
fn arithmetic(
    target: &mut Instruction,
    modifier: Modifier,
    ra: Instruction,
    rb: Instruction,
    written: &mut impl FnMut(),
    op: impl Fn(u32, u32) -> Option<u32>,
) -> bool {
    let mut lives = true;
    let mut set = |field: &mut u32, b: u32, a: u32| match op(b, a) {
        Some(value) => {
            *field = value;
            written();
        }
        None => lives = false,
    };
    match modifier {
        Modifier::A => set(&mut target.a, rb.a, ra.a),
        Modifier::B => set(&mut target.b, rb.b, ra.b),
        Modifier::AB => set(&mut target.b, rb.b, ra.a),
        Modifier::BA => set(&mut target.a, rb.a, ra.b),
        Modifier::F | Modifier::I => {
            set(&mut target.a, rb.a, ra.a);
            set(&mut target.b, rb.b, ra.b);
        }
        Modifier::X => {
            set(&mut target.a, rb.a, ra.b);
            set(&mut target.b, rb.b, ra.a);
        }
    }
    lives
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
