//! The assembler: pMARS's rules for source (EQU as text, relative labels,
//! precedence, default modifiers, missing operands, `;redcode`, `;assert`),
//! load files read as source, and errors with line and column, never a
//! panic.

use std::path::Path;

use ch07_core_war::assemble::{AsmError, Environment, assemble};
use ch07_core_war::load;
use ch07_core_war::redcode::{Instruction, Warrior};
use proptest::prelude::*;

fn asm(source: &str) -> Warrior {
    assemble(source, &Environment::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn err(source: &str) -> AsmError {
    assemble(source, &Environment::default()).expect_err("an error")
}

/// The instruction a load-file line means (every field written out).
fn insn(line: &str) -> Instruction {
    load::parse(line, 8000)
        .unwrap_or_else(|e| panic!("{e}"))
        .code[0]
}

fn code(source: &str) -> Vec<Instruction> {
    asm(source).code
}

#[test]
fn pitfall_15_equ_is_text_substitution_not_a_value() {
    let warrior = asm("k1 equ 3+4\nk2 equ k1*2\n dat #k2, #0");
    assert_eq!(warrior.code, [insn("DAT.F #11, #0")]);
}

#[test]
fn pitfall_15_an_equ_text_may_carry_a_mode() {
    assert_eq!(code("bomb equ #0\n mov bomb, 1"), [insn("MOV.AB #0, $1")]);
    assert_eq!(code("ptr equ @2\n jmp ptr"), [insn("JMP.B @2, $0")]);
}

#[test]
fn for_blocks_repeat_with_their_counter() {
    assert_eq!(
        code("i for 3\n dat #i, #0\n rof"),
        [
            insn("DAT.F #1, #0"),
            insn("DAT.F #2, #0"),
            insn("DAT.F #3, #0")
        ]
    );
    // `&i` glues the counter, in two digits, to make names unique.
    assert_eq!(
        code("i for 2\nx&i dat #0, #0\n rof\n jmp x02"),
        [
            insn("DAT.F #0, #0"),
            insn("DAT.F #0, #0"),
            insn("JMP.B $-1, $0")
        ]
    );
    // Blocks nest; FOR 0 leaves its lines out.
    let nested = code("i for 2\nj for 2\n dat #i, #j\n rof\n rof\n for 0\n not redcode\n rof");
    let pairs: Vec<(u32, u32)> = nested.iter().map(|i| (i.a, i.b)).collect();
    assert_eq!(pairs, [(1, 1), (1, 2), (2, 1), (2, 2)]);
    assert_eq!(code("n for CORESIZE / 4000\n nop #n\n rof").len(), 2);
}

#[test]
fn unbalanced_for_blocks_are_errors() {
    assert!(err(" dat 0\n rof").message.contains("ROF without a FOR"));
    let e = err(" dat 0\ni for 2\n dat 0");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("without a ROF"), "{e}");
}

#[test]
fn pitfall_15_labels_are_relative_to_the_instruction_that_uses_them() {
    let source = "top  mov top, bot\n     jmp top\nbot  dat #0, #0";
    assert_eq!(
        code(source),
        [
            insn("MOV.I $0, $2"),
            insn("JMP.B $-1, $0"),
            insn("DAT.F #0, #0")
        ]
    );
}

#[test]
fn pitfall_15_multiplication_binds_tighter_and_values_wrap_at_the_core_size() {
    assert_eq!(code("dat #2+3*4, #-1"), [insn("DAT.F #14, #7999")]);
    assert_eq!(code("dat #(2+3)*4, #8003"), [insn("DAT.F #20, #3")]);
    assert_eq!(code("dat #7/2, #-7%3"), [insn("DAT.F #3, #-1")]);
}

#[test]
fn pitfall_15_a_label_alone_on_a_line_names_the_next_instruction() {
    let source = "loop\n  jmp loop";
    assert_eq!(code(source), [insn("JMP.B $0, $0")]);
}

#[test]
fn pitfall_15_org_and_end_set_the_start() {
    assert_eq!(asm("  org go\n  dat 0\ngo jmp 0").start, 1);
    assert_eq!(asm("  dat 0\n  dat 0\ngo jmp 0\n  end go").start, 2);
    assert_eq!(asm("  dat 0\n  dat 0\n  end 1").start, 1);
}

#[test]
fn pitfall_15_text_before_redcode_is_ignored_and_case_does_not_matter_for_opcodes() {
    let source =
        "From: somebody\nthis is not redcode\n;redcode-94\n;name Tiny\n;author Me\n  Mov.I $0, $1";
    let warrior = asm(source);
    assert_eq!(
        (warrior.name.as_str(), warrior.author.as_str()),
        ("Tiny", "Me")
    );
    assert_eq!(warrior.code, [insn("MOV.I $0, $1")]);
}

#[test]
fn pitfall_15_predefined_constants_and_assert() {
    assert_eq!(
        code("dat #CORESIZE-1, #MAXLENGTH"),
        [insn("DAT.F #7999, #100")]
    );
    assert!(assemble(";assert CORESIZE == 8000\n dat 0", &Environment::default()).is_ok());
    let e = err(";assert CORESIZE == 800\n dat 0");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("assertion failed"), "{e}");
}

#[test]
fn pitfall_5_default_modifiers() {
    let source = "\
        dat 1, 2\n nop 1, 2\n\
        mov #1, 2\n mov 1, #2\n mov 1, 2\n\
        add #1, 2\n add 1, #2\n add 1, 2\n\
        slt #1, 2\n slt 1, 2\n\
        jmz 1, 2\n spl 1, 2\n seq 1, 2\n sne #1, 2\n cmp 1, #2";
    let modifiers: Vec<&str> = code(source).iter().map(|i| i.modifier.name()).collect();
    assert_eq!(
        modifiers,
        [
            "F", "F", "AB", "B", "I", "AB", "B", "F", "AB", "B", "B", "B", "I", "AB", "B"
        ]
    );
}

#[test]
fn pitfall_6_missing_operands() {
    assert_eq!(code("dat 5"), [insn("DAT.F #0, $5")]);
    assert_eq!(code("dat #5"), [insn("DAT.F #0, #5")]);
    assert_eq!(code("jmp 2"), [insn("JMP.B $2, $0")]);
    assert_eq!(code("spl 2"), [insn("SPL.B $2, $0")]);
    assert_eq!(code("nop 2"), [insn("NOP.F $2, $0")]);
    assert!(err("mov 1").message.contains("two operands"));
    assert!(err("nop").message.contains("needs an operand"));
}

#[test]
fn every_benchmark_load_file_assembles_to_what_the_load_reader_reads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("warriors/benchmark");
    for name in ["fixed", "jaguar", "stalker", "npaper2"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.rc"))).expect("the file");
        let from_load = load::parse(&text, 8000).expect("a load file");
        let assembled = asm(&text);
        assert_eq!(assembled.code, from_load.code, "{name}");
        assert_eq!(assembled.start, from_load.start, "{name}");
    }
}

#[test]
fn written_load_files_assemble_back_to_the_same_warrior() {
    let warrior = asm(
        ";name Dwarf\n;author A. K. Dewdney\n org start\nstart add #4, 3\n mov 2, @2\n jmp -2\n dat #0, #0",
    );
    let text = load::write(&warrior, 8000);
    assert_eq!(asm(&text), warrior);
}

#[test]
fn errors_say_where_and_what() {
    let e = err("  mov 1, 2\n  mvo 1, 2");
    assert_eq!((e.line, e.column), (2, 3));
    assert!(e.message.contains("unknown opcode"), "{e}");
    let e = err("  mov.q 1, 2");
    assert!(e.message.contains("unknown modifier"), "{e}");
    let e = err("  mov 1, nowhere");
    assert_eq!((e.line, e.column), (1, 10));
    assert!(e.message.contains("unknown name"), "{e}");
    let e = err("x dat 0\nx dat 0");
    assert!(e.message.contains("defined twice"), "{e}");
    // A label after the last instruction may not reuse an EQU's name.
    let e = err("k equ 1\n dat 0\nk");
    assert!(e.message.contains("defined twice"), "{e}");
    let e = err("  dat #1/0");
    assert!(e.message.contains("division by zero"), "{e}");
    let e = err("  ldp 0, 1");
    assert!(e.message.contains("P-space"), "{e}");
    let e = err("; nothing here");
    assert!(e.message.contains("empty"), "{e}");
    let e = err("a equ b\nb equ a\n dat #a");
    assert!(e.message.contains("without end"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Random text: an error or a warrior, never a panic.
    #[test]
    fn random_source_never_panics(source in "\\PC{0,200}") {
        let _ = assemble(&source, &Environment::default());
    }

    /// Plausible Redcode, mutated: an error or a warrior, never a panic.
    #[test]
    fn mutated_redcode_never_panics(
        lines in prop::collection::vec(
            (
                prop::sample::select(vec!["", "x ", "top ", "k equ ", "org ", "end "]),
                prop::sample::select(vec!["mov", "add.ab", "dat", "jmp", "spl", "djn.f", "seq.i", "div", "nop", "equ", "xyz"]),
                "[#$*@{}<>]?[-+]?[0-9a-z()*/%+! ]{0,8}",
                prop::option::of("[#$*@{}<>]?[-+]?[0-9a-z()*/%+ ]{0,8}"),
            ),
            1..12,
        )
    ) {
        let source: String = lines
            .iter()
            .map(|(label, op, a, b)| match b {
                Some(b) => format!("{label}{op} {a}, {b}\n"),
                None => format!("{label}{op} {a}\n"),
            })
            .collect();
        let _ = assemble(&source, &Environment::default());
    }
}
