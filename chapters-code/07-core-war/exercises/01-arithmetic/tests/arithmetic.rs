//! Chapter 7, exercise 1: `arithmetic` does what `execute` does for ADD,
//! SUB, MUL, DIV and MOD, with every modifier.

use ch07_core_war::exec::{Outcome, execute};
use ch07_core_war::redcode::{Instruction, Mode, Modifier, Opcode};
use ch07_ex_arithmetic::arithmetic;

const SIZE: u32 = 8000;
const OPS: [Opcode; 5] = [
    Opcode::Add,
    Opcode::Sub,
    Opcode::Mul,
    Opcode::Div,
    Opcode::Mod,
];

fn dat(a: u32, b: u32) -> Instruction {
    Instruction {
        opcode: Opcode::Dat,
        modifier: Modifier::F,
        a_mode: Mode::Direct,
        a,
        b_mode: Mode::Direct,
        b,
    }
}

/// What `execute` makes of `OP.MOD $1, $2` with cells `a` and `b`: the
/// target afterwards, and whether the process lives.
fn reference(
    op: Opcode,
    modifier: Modifier,
    a: Instruction,
    b: Instruction,
) -> (Instruction, bool) {
    let mut core = vec![Instruction::EMPTY; SIZE as usize];
    core[0] = Instruction {
        opcode: op,
        modifier,
        a_mode: Mode::Direct,
        a: 1,
        b_mode: Mode::Direct,
        b: 2,
    };
    core[1] = a;
    core[2] = b;
    let alive = execute(&mut core, 0) != Outcome::Died;
    (core[2], alive)
}

fn yours(op: Opcode, modifier: Modifier, a: Instruction, b: Instruction) -> (Instruction, bool) {
    let mut target = b;
    let alive = arithmetic(op, modifier, &a, &b, &mut target, SIZE);
    (target, alive)
}

#[test]
fn a_few_cases_by_hand() {
    assert_eq!(
        yours(Opcode::Add, Modifier::AB, dat(5, 0), dat(0, 7)).0,
        dat(0, 12)
    );
    assert_eq!(
        yours(Opcode::Sub, Modifier::A, dat(5, 0), dat(3, 0)).0,
        dat(7998, 0),
        "unsigned, modulo the core"
    );
    assert_eq!(
        yours(Opcode::Mul, Modifier::B, dat(0, 7999), dat(0, 7999)).0,
        dat(0, 1),
        "no overflow"
    );
    assert_eq!(
        yours(Opcode::Add, Modifier::X, dat(1, 2), dat(10, 20)).0,
        dat(12, 21),
        "crossed"
    );
    assert_eq!(
        yours(Opcode::Mod, Modifier::BA, dat(0, 4), dat(10, 0)).0,
        dat(2, 0)
    );
}

#[test]
fn a_division_by_zero_kills_but_writes_the_other_half() {
    let (target, alive) = yours(Opcode::Div, Modifier::F, dat(0, 2), dat(7, 9));
    assert!(!alive);
    assert_eq!(target, dat(7, 4), "9 / 2 written, 7 / 0 left alone");
    let (target, alive) = yours(Opcode::Mod, Modifier::X, dat(3, 0), dat(7, 8));
    assert!(!alive);
    assert_eq!(target, dat(7, 2), "8 % 3 written into B, A left alone");
}

#[test]
fn it_agrees_with_execute_on_random_values() {
    // A small generator of its own, so that the test needs no crate.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |bound: u32| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // Small values often, so that zeros and equal fields come up.
        let bound = if seed.is_multiple_of(4) { 3 } else { bound };
        u32::try_from(seed % u64::from(bound)).expect("below the bound")
    };
    for _ in 0..5000 {
        let op = OPS[next(5) as usize];
        let modifier = Modifier::ALL[next(7) as usize];
        let (a, b) = (dat(next(SIZE), next(SIZE)), dat(next(SIZE), next(SIZE)));
        assert_eq!(
            yours(op, modifier, a, b),
            reference(op, modifier, a, b),
            "{op:?}.{modifier:?} {a:?} {b:?}"
        );
    }
}
