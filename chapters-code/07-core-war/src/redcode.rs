//! Redcode's instructions as the core holds them: an opcode, a modifier,
//! and two operands, each an addressing mode and a number.

use std::fmt;

/// What an instruction does (ICWS'94, without P-space).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Opcode {
    /// Kills the process that executes it.
    Dat,
    /// Copies the A-value to the B-target.
    Mov,
    /// Adds the A-value to the B-target.
    Add,
    /// Subtracts the A-value from the B-target.
    Sub,
    /// Multiplies the B-target by the A-value.
    Mul,
    /// Divides the B-target by the A-value; by zero, kills the process.
    Div,
    /// The remainder of the B-target by the A-value; by zero, kills.
    Mod,
    /// Jumps to the A-target.
    Jmp,
    /// Jumps to the A-target if the B-value is zero.
    Jmz,
    /// Jumps to the A-target if the B-value is not zero.
    Jmn,
    /// Decrements the B-target, and jumps unless it became zero.
    Djn,
    /// Starts a new process at the A-target.
    Spl,
    /// Skips the next instruction if the A-value is less than the B-value.
    Slt,
    /// Skips the next instruction if the two values are equal (the old
    /// name of `SEQ`).
    Cmp,
    /// Skips the next instruction if the two values are equal.
    Seq,
    /// Skips the next instruction if the two values differ.
    Sne,
    /// Does nothing.
    Nop,
}

impl Opcode {
    /// Every opcode, in the order of [`Opcode::name`]'s table.
    pub const ALL: [Opcode; 17] = [
        Opcode::Dat,
        Opcode::Mov,
        Opcode::Add,
        Opcode::Sub,
        Opcode::Mul,
        Opcode::Div,
        Opcode::Mod,
        Opcode::Jmp,
        Opcode::Jmz,
        Opcode::Jmn,
        Opcode::Djn,
        Opcode::Spl,
        Opcode::Slt,
        Opcode::Cmp,
        Opcode::Seq,
        Opcode::Sne,
        Opcode::Nop,
    ];

    /// Its name in capitals, as listings print it.
    pub fn name(self) -> &'static str {
        match self {
            Opcode::Dat => "DAT",
            Opcode::Mov => "MOV",
            Opcode::Add => "ADD",
            Opcode::Sub => "SUB",
            Opcode::Mul => "MUL",
            Opcode::Div => "DIV",
            Opcode::Mod => "MOD",
            Opcode::Jmp => "JMP",
            Opcode::Jmz => "JMZ",
            Opcode::Jmn => "JMN",
            Opcode::Djn => "DJN",
            Opcode::Spl => "SPL",
            Opcode::Slt => "SLT",
            Opcode::Cmp => "CMP",
            Opcode::Seq => "SEQ",
            Opcode::Sne => "SNE",
            Opcode::Nop => "NOP",
        }
    }

    /// The opcode named `name`, in any case.
    pub fn from_name(name: &str) -> Option<Opcode> {
        Opcode::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(name))
    }
}

/// Which fields of the A- and B-instructions an opcode works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modifier {
    /// A-field to A-field.
    A,
    /// B-field to B-field.
    B,
    /// A-field of the A-instruction to the B-field of the B-instruction.
    AB,
    /// B-field of the A-instruction to the A-field of the B-instruction.
    BA,
    /// Both fields, A to A and B to B.
    F,
    /// Both fields, crossed: A to B and B to A.
    X,
    /// The whole instruction (like `F` where only fields make sense).
    I,
}

impl Modifier {
    /// Every modifier.
    pub const ALL: [Modifier; 7] = [
        Modifier::A,
        Modifier::B,
        Modifier::AB,
        Modifier::BA,
        Modifier::F,
        Modifier::X,
        Modifier::I,
    ];

    /// Its name in capitals.
    pub fn name(self) -> &'static str {
        match self {
            Modifier::A => "A",
            Modifier::B => "B",
            Modifier::AB => "AB",
            Modifier::BA => "BA",
            Modifier::F => "F",
            Modifier::X => "X",
            Modifier::I => "I",
        }
    }

    /// The modifier named `name`, in any case.
    pub fn from_name(name: &str) -> Option<Modifier> {
        Modifier::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }
}

/// How an operand's number is used to find the cell it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// `#`: the number itself; the cell is the instruction's own.
    Immediate,
    /// `$`: the cell that many cells away.
    Direct,
    /// `*`: through the A-field of that cell.
    AIndirect,
    /// `@`: through the B-field of that cell.
    BIndirect,
    /// `{`: through the A-field of that cell, decremented first.
    APredecrement,
    /// `<`: through the B-field of that cell, decremented first.
    BPredecrement,
    /// `}`: through the A-field of that cell, incremented after.
    APostincrement,
    /// `>`: through the B-field of that cell, incremented after.
    BPostincrement,
}

impl Mode {
    /// Whether evaluating an operand in this mode changes a field of the
    /// cell its offset points at (a decrement or an increment).
    pub fn moves_pointer(self) -> bool {
        matches!(
            self,
            Mode::APredecrement | Mode::BPredecrement | Mode::APostincrement | Mode::BPostincrement
        )
    }

    /// Every mode.
    pub const ALL: [Mode; 8] = [
        Mode::Immediate,
        Mode::Direct,
        Mode::AIndirect,
        Mode::BIndirect,
        Mode::APredecrement,
        Mode::BPredecrement,
        Mode::APostincrement,
        Mode::BPostincrement,
    ];

    /// The character that writes it.
    pub fn symbol(self) -> char {
        match self {
            Mode::Immediate => '#',
            Mode::Direct => '$',
            Mode::AIndirect => '*',
            Mode::BIndirect => '@',
            Mode::APredecrement => '{',
            Mode::BPredecrement => '<',
            Mode::APostincrement => '}',
            Mode::BPostincrement => '>',
        }
    }

    /// The mode written `symbol`.
    pub fn from_symbol(symbol: char) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.symbol() == symbol)
    }
}

/// One cell of the core. Its numbers are kept normalised, in `0..size`
/// for the core they are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instruction {
    /// What it does.
    pub opcode: Opcode,
    /// Which fields it works on.
    pub modifier: Modifier,
    /// The A-operand's mode.
    pub a_mode: Mode,
    /// The A-operand's number (the A-field).
    pub a: u32,
    /// The B-operand's mode.
    pub b_mode: Mode,
    /// The B-operand's number (the B-field).
    pub b: u32,
}

impl Instruction {
    /// What an empty core holds: `DAT.F $0, $0`.
    pub const EMPTY: Instruction = Instruction {
        opcode: Opcode::Dat,
        modifier: Modifier::F,
        a_mode: Mode::Direct,
        a: 0,
        b_mode: Mode::Direct,
        b: 0,
    };

    /// Shows it as pMARS lists it, in a core of `size` cells: numbers above
    /// `size / 2` as negative ones, `MOV.I  $     1, $    -2`.
    pub fn listing(&self, size: u32) -> Listing<'_> {
        Listing { insn: self, size }
    }
}

/// An instruction shown in pMARS's listing notation (see
/// [`Instruction::listing`]).
pub struct Listing<'a> {
    insn: &'a Instruction,
    size: u32,
}

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = self.insn;
        write!(
            f,
            "{:>3}.{:<2} {}{:>6}, {}{:>6}",
            i.opcode.name(),
            i.modifier.name(),
            i.a_mode.symbol(),
            signed(i.a, self.size),
            i.b_mode.symbol(),
            signed(i.b, self.size),
        )
    }
}

/// A normalised number shown as pMARS shows it: in `(-size/2, size/2]`.
pub fn signed(value: u32, size: u32) -> i64 {
    let value = i64::from(value);
    if value > i64::from(size) / 2 {
        value - i64::from(size)
    } else {
        value
    }
}

/// `value` reduced into `0..size`, whatever its sign.
pub fn normalise(value: i64, size: u32) -> u32 {
    u32::try_from(value.rem_euclid(i64::from(size))).expect("a remainder below a u32 fits")
}

/// A warrior ready to load: its instructions, normalised for one core
/// size, and where its first process starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warrior {
    /// From `;name`, or empty.
    pub name: String,
    /// From `;author`, or empty.
    pub author: String,
    /// The instructions, loaded from the warrior's first cell on.
    pub code: Vec<Instruction>,
    /// The offset of the first instruction to execute (`ORG`).
    pub start: u32,
}
