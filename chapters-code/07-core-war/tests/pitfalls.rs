//! The places where a fresh MARS goes wrong (`shared/mars-reference.md`),
//! each with a small program and the exact core and process queue it must
//! leave. Programs are written as load files and loaded at address 0 of a
//! core of 8000 cells.

use std::collections::VecDeque;

use ch07_core_war::battle::{Engine, Rules, Watch};
use ch07_core_war::exec::{Outcome, execute, execute_watched};
use ch07_core_war::flat::{Flat, turn_of};
use ch07_core_war::load;
use ch07_core_war::redcode::{Instruction, Mode, Modifier, Opcode, normalise};

const SIZE: u32 = 8000;

/// A core holding `program` from address 0.
fn core(program: &str) -> Vec<Instruction> {
    let warrior = load::parse(program, SIZE).unwrap_or_else(|e| panic!("{e}"));
    let mut core = vec![Instruction::EMPTY; SIZE as usize];
    core[..warrior.code.len()].copy_from_slice(&warrior.code);
    core
}

/// The instruction a load-file line means.
fn insn(line: &str) -> Instruction {
    core(line)[0]
}

fn n(value: i64) -> u32 {
    normalise(value, SIZE)
}

/// Runs one process from address 0 for `turns` turns; returns its queue.
fn run(core: &mut [Instruction], turns: usize, processes: u32) -> VecDeque<u32> {
    let mut queue = VecDeque::from([0]);
    for _ in 0..turns {
        turn_of(core, &mut queue, processes);
    }
    queue
}

#[test]
fn pitfall_1_the_b_operand_sees_the_a_operands_side_effects() {
    // A reads through p (at 2) and increments p.B; B goes through the
    // incremented p.B, to 4.
    let mut core = core("MOV.AB >2, @2\nDAT.F $0, $0\nDAT.F $0, $1\nDAT.F $7, $9\nDAT.F $0, $0");
    assert_eq!(execute(&mut core, 0), Outcome::Next(1));
    assert_eq!(core[2], insn("DAT.F $0, $2"));
    assert_eq!(core[3], insn("DAT.F $7, $9"), "the A-target is only read");
    assert_eq!(
        core[4],
        insn("DAT.F $0, $7"),
        "written through the incremented pointer"
    );
}

#[test]
fn pitfall_1_the_operation_uses_the_copies_not_fresh_reads() {
    // The B-operand's pre-decrement changes the A-target after it was
    // copied: ADD uses the copy.
    let mut core = core("ADD.AB $2, <2\nDAT.F $0, $0\nDAT.F $5, $1");
    // A: copy of cell 2 (A-field 5). B: decrements cell 2's B to 0, so
    // the target is cell 2 itself, whose B (now 0) becomes 0 + 5.
    execute(&mut core, 0);
    assert_eq!(core[2], insn("DAT.F $5, $5"));
}

#[test]
fn pitfall_2_a_post_increment_is_overwritten_by_a_move_onto_its_pointer() {
    // `>1` points at cell 1 itself (its B is 0): the copy of cell 2 lands
    // on the pointer after it was incremented, so the increment is lost.
    let mut core = core("MOV.I $2, >1\nDAT.F $0, $0\nSPL.B #3, #4");
    execute(&mut core, 0);
    assert_eq!(core[1], insn("SPL.B #3, #4"));
}

#[test]
fn pitfall_2_pre_decrements_happen_before_use_and_braces_use_the_a_field() {
    let mut core = core("MOV.I $3, {1\nDAT.F $3, $0\nDAT.F $0, $0\nNOP.F $1, $2\nDAT.F $0, $0");
    // `{1`: cell 1's A-field 3 becomes 2, so the target is 1 + 2 = 3... the
    // source itself: unchanged. Then `}`: the A-field counts up after use.
    execute(&mut core, 0);
    assert_eq!(core[1], insn("DAT.F $2, $0"));
    let mut core2 =
        self::core("MOV.I $3, }1\nDAT.F $3, $0\nDAT.F $0, $0\nNOP.F $1, $2\nDAT.F $0, $0");
    execute(&mut core2, 0);
    assert_eq!(core2[1], insn("DAT.F $4, $0"));
    assert_eq!(
        core2[4],
        insn("NOP.F $1, $2"),
        "copied to 1 + 3, before the increment"
    );
}

#[test]
fn pitfall_3_an_immediate_a_operand_is_the_instruction_itself() {
    // DIV.B #0, x divides x.B by the B-field of the DIV itself (2), and so
    // does not die.
    let mut core = core("DIV.B #0, $2\nDAT.F $0, $0\nDAT.F $0, $10");
    assert_eq!(execute(&mut core, 0), Outcome::Next(1));
    assert_eq!(core[2], insn("DAT.F $0, $5"));
}

#[test]
fn pitfall_3_an_immediate_b_operand_makes_the_instruction_its_target() {
    let mut core = core("DJN.B $0, #5");
    assert_eq!(execute(&mut core, 0), Outcome::Next(0));
    assert_eq!(core[0], insn("DJN.B $0, #4"));
}

#[test]
fn pitfall_3_an_immediate_b_operand_sees_the_a_operands_side_effects() {
    // `<0` decrements this instruction's own B-field (1 to 0) and points at
    // cell 0 + 0... then the immediate B-operand reads the instruction as
    // it is now, B-field 0, as pMARS does: 0 + the A-value's A-field (0).
    // (exhaust-ma reads it as fetched, and writes 1: `ci/compare_exhaust.py`
    // keeps its random warriors out of this corner.)
    let mut core = core("ADD.AB <0, #1");
    execute(&mut core, 0);
    assert_eq!(core[0].b, 0);
}

#[test]
fn pitfall_4_mov_x_swaps_through_the_copies_and_mov_i_copies_everything() {
    let mut core = core("MOV.X $1, $1\nDAT.F $3, $4");
    execute(&mut core, 0);
    assert_eq!(core[1], insn("DAT.F $4, $3"));
    let mut core = self::core("MOV.I $1, $2\nSPL.AB <3, }4");
    execute(&mut core, 0);
    assert_eq!(core[2], insn("SPL.AB <3, }4"));
}

#[test]
fn pitfall_7_jmn_f_jumps_if_either_field_is_non_zero_and_jmz_f_only_if_both_are_zero() {
    let mut core = core("JMN.F $5, $1\nDAT.F $0, $1");
    assert_eq!(execute(&mut core, 0), Outcome::Next(5));
    let mut core = self::core("JMZ.F $5, $1\nDAT.F $0, $1");
    assert_eq!(execute(&mut core, 0), Outcome::Next(1));
}

#[test]
fn pitfall_7_djn_f_decrements_both_and_jumps_unless_both_became_zero() {
    let mut core = core("DJN.F $5, $1\nDAT.F $1, $2");
    assert_eq!(
        execute(&mut core, 0),
        Outcome::Next(5),
        "A became 0, B 1: jump"
    );
    assert_eq!(core[1], insn("DAT.F $0, $1"));
    assert_eq!(
        execute(&mut core, 0),
        Outcome::Next(5),
        "A became -1, B 0: not both zero, so it jumps"
    );
    // Only when both decremented values are 0 does it fall through.
    let mut core = self::core("DJN.F $5, $1\nDAT.F $1, $1");
    assert_eq!(execute(&mut core, 0), Outcome::Next(1));
}

#[test]
fn pitfall_7_djn_tests_the_decremented_register_not_a_fresh_read() {
    // `>1` points at cell 1 itself (B-field 0): the register holds B = 0,
    // then the post-increment makes the cell's B 1, and DJN decrements the
    // cell back to 0. The register, decremented, is -1: DJN jumps. A fresh
    // read of the cell would see 0, and fall through.
    let mut core = core("DJN.B $3, >1\nDAT.F $0, $0");
    assert_eq!(execute(&mut core, 0), Outcome::Next(3));
    assert_eq!(core[1], insn("DAT.F $0, $0"));
}

#[test]
fn pitfall_7_slt_compares_unsigned_values() {
    // -1 is 7999, not less than 5.
    let mut core = core("SLT.A #-1, $1\nDAT.F $5, $0");
    assert_eq!(execute(&mut core, 0), Outcome::Next(1));
    let mut core = self::core("SLT.A #4, $1\nDAT.F $5, $0");
    assert_eq!(execute(&mut core, 0), Outcome::Next(2));
}

#[test]
fn pitfall_7_sne_f_skips_if_either_field_differs_and_seq_i_compares_everything() {
    let mut core = core("SNE.F $1, $2\nDAT.F $1, $2\nDAT.F $1, $3");
    assert_eq!(execute(&mut core, 0), Outcome::Next(2));
    let mut core = self::core("SEQ.I $1, $2\nDAT.F $1, $2\nDAT.AB $1, $2");
    assert_eq!(
        execute(&mut core, 0),
        Outcome::Next(1),
        "the modifiers differ"
    );
}

#[test]
fn pitfall_8_spl_queues_the_next_instruction_first_then_the_new_process() {
    let mut core = core("SPL.B $2, $0\nNOP.F $0, $0\nNOP.F $0, $0");
    assert_eq!(run(&mut core, 1, 8000), [1, 2]);
    // At the process limit, only the next instruction is queued.
    let mut core = self::core("SPL.B $2, $0\nNOP.F $0, $0\nNOP.F $0, $0");
    assert_eq!(run(&mut core, 1, 1), [1]);
    // `spl #0` splits to itself.
    let mut core = self::core("SPL.B #0, $0");
    assert_eq!(run(&mut core, 1, 8000), [1, 0]);
}

#[test]
fn pitfall_9_dat_and_an_empty_cell_kill() {
    let mut core = core("JMP.B $1, $0");
    assert_eq!(run(&mut core, 2, 8000), [], "cell 1 is DAT.F $0, $0");
    assert_eq!(execute(&mut self::core("DAT.F #1, #2"), 0), Outcome::Died);
}

#[test]
fn pitfall_10_a_division_by_zero_kills_after_the_other_half_is_written() {
    let mut core = core("DIV.F $1, $2\nDAT.F $0, $2\nDAT.F $7, $9");
    assert_eq!(execute(&mut core, 0), Outcome::Died);
    assert_eq!(core[2], insn("DAT.F $7, $4"), "9 / 2 written, 7 / 0 not");
    // Operands are unsigned: -1 % 5 is 7999 % 5.
    let mut core = self::core("MOD.AB #5, $1\nDAT.F $0, $-1");
    execute(&mut core, 0);
    assert_eq!(core[1].b, 7999 % 5);
}

#[test]
fn pitfall_11_multiplication_does_not_overflow() {
    let mut core = core("MUL.B $1, $1\nDAT.F $0, $-1");
    execute(&mut core, 0);
    assert_eq!(core[1].b, ((7999u64 * 7999) % 8000) as u32);
}

#[test]
fn pitfall_12_jmp_and_spl_still_evaluate_their_b_operand() {
    let mut core = core("JMP.B $3, <1\nDAT.F $0, $5");
    assert_eq!(execute(&mut core, 0), Outcome::Next(3));
    assert_eq!(core[1].b, 4);
    let mut core = self::core("SPL.B $3, >1\nDAT.F $0, $5");
    execute(&mut core, 0);
    assert_eq!(core[1].b, 6);
}

#[test]
fn pitfall_13_no_read_or_write_limits() {
    let mut core = core("MOV.I $0, $4000");
    execute(&mut core, 0);
    assert_eq!(core[4000], insn("MOV.I $0, $4000"));
}

#[test]
fn pitfall_14_two_warriors_tie_after_exactly_twice_the_cycles() {
    let imp = insn("MOV.I $0, $1");
    let mut core = vec![Instruction::EMPTY; SIZE as usize];
    core[0] = imp;
    core[4000] = imp;
    let rules = Rules {
        cycles: 100,
        ..Rules::default()
    };
    let end = Flat.round(&mut core, &[0, 4000], 1, &rules, Watch::default());
    assert_eq!(end.survivors, [true, true]);
    assert_eq!(end.executed, 200);
}

#[test]
fn pitfall_16_p_space_is_refused_clearly() {
    let err = load::parse("LDP.AB #0, $1", SIZE).unwrap_err();
    assert!(err.message.contains("P-space"), "{err}");
}

#[test]
fn values_are_normalised_in_the_core() {
    let i = insn("MOV.I $-1, #8001");
    assert_eq!(
        (i.opcode, i.modifier, i.a_mode, i.a, i.b_mode, i.b),
        (
            Opcode::Mov,
            Modifier::I,
            Mode::Direct,
            n(-1),
            Mode::Immediate,
            1
        )
    );
}

/// The cells `execute_watched` says the instruction at 0 wrote, in order.
fn writes(program: &str) -> (Outcome, Vec<u32>) {
    let mut core = core(program);
    let mut wrote = Vec::new();
    let outcome = execute_watched(&mut core, 0, |addr| wrote.push(addr));
    (outcome, wrote)
}

#[test]
fn a_watched_instruction_reports_its_moved_pointers_then_its_b_target() {
    assert_eq!(writes("MOV.I $0, $1"), (Outcome::Next(1), vec![1]));
    // `}` moves the pointer at 2, `<` the one at 3; the target is 3 + 0.
    let (_, wrote) = writes("ADD.AB }2, <3\nDAT.F $0, $0\nDAT.F $0, $0\nDAT.F $0, $0");
    assert_eq!(wrote, [2, 3, 2]);
    // A jump writes no target; a DAT's operands still move their pointers.
    assert_eq!(writes("JMP.B <3, $0").1, [3]);
    assert_eq!(writes("DAT.F >1, {2").0, Outcome::Died);
    assert_eq!(writes("DAT.F >1, {2").1, [1, 2]);
    // Division by zero in both fields writes nothing; in one, the other.
    let both = writes("DIV.F $1, $2\nDAT.F $0, $0\nDAT.F $5, $5");
    assert_eq!(both, (Outcome::Died, vec![]));
    assert_eq!(writes("DIV.F $2, $1\nDAT.F $6, $6\nDAT.F $2, $0").1, [1]);
    assert_eq!(writes("DJN.B $0, $1").1, [1]);
}
