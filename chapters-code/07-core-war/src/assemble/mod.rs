//! The assembler: Redcode source (or a load file, which is Redcode too)
//! to a [`Warrior`], as pMARS 0.9.2 assembles it.
//!
//! Two passes. The first reads each line: labels, pseudo-ops (`EQU`,
//! `ORG`, `END`), an instruction with its operand texts. The second
//! evaluates every operand, with `EQU` names replaced by their text (a
//! text substitution, as in pMARS), labels as offsets from the instruction
//! that uses them, and pMARS's predefined constants.

mod expr;

use std::collections::HashMap;
use std::fmt;

use crate::battle::Rules;
use crate::redcode::{Instruction, Mode, Modifier, Opcode, Warrior, normalise};

/// Source that could not be assembled: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What was wrong, and what was expected instead.
    pub message: String,
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for AsmError {}

/// The simulator's settings, which source may read as pMARS's predefined
/// constants (`CORESIZE`, `MAXPROCESSES`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Environment {
    /// `CORESIZE`: values are reduced modulo it.
    pub size: u32,
    /// `MAXPROCESSES`.
    pub processes: u32,
    /// `MAXCYCLES`.
    pub cycles: u32,
    /// `MAXLENGTH`.
    pub max_length: u32,
    /// `MINDISTANCE`.
    pub min_distance: u32,
    /// `WARRIORS`.
    pub warriors: u32,
    /// `ROUNDS`.
    pub rounds: u32,
}

impl Environment {
    /// The settings of a battle of `warriors` warriors over `rounds`
    /// rounds under `rules`.
    pub fn of(rules: &Rules, warriors: u32, rounds: u32) -> Environment {
        Environment {
            size: rules.size,
            processes: rules.processes,
            cycles: rules.cycles,
            max_length: rules.max_length,
            min_distance: rules.min_distance,
            warriors,
            rounds,
        }
    }
}

/// Reads the warrior in the file at `path`, Redcode source or a load file
/// (whose instructions assemble as they are), under `env`.
///
/// # Errors
///
/// A message that names the file: it cannot be read, it does not
/// assemble (with the line and column), or it is longer than
/// `env.max_length`.
pub fn read_warrior(path: &str, env: &Environment) -> Result<Warrior, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let warrior = assemble(&text, env).map_err(|e| format!("{path}: {e}"))?;
    if warrior.code.len() > env.max_length as usize {
        return Err(format!(
            "{path}: {} instructions, more than -l {} allows",
            warrior.code.len(),
            env.max_length
        ));
    }
    Ok(warrior)
}

impl Default for Environment {
    fn default() -> Environment {
        Environment {
            size: 8000,
            processes: 8000,
            cycles: 80_000,
            max_length: 100,
            min_distance: 100,
            warriors: 2,
            rounds: 1,
        }
    }
}

/// An instruction as the first pass read it.
struct Line {
    line: usize,
    opcode: Opcode,
    modifier: Option<Modifier>,
    operands: Vec<Operand>,
}

/// An operand's mode (if written) and its expression's text, with the
/// column the text starts at.
struct Operand {
    mode: Option<Mode>,
    text: String,
    column: usize,
}

/// Everything the first pass gathers.
#[derive(Default)]
struct Program {
    lines: Vec<Line>,
    labels: HashMap<String, usize>,
    equs: HashMap<String, String>,
    /// `ORG`'s or `END`'s expression, and where it was.
    start: Option<(String, usize, usize)>,
    asserts: Vec<(String, usize, usize)>,
    name: String,
    author: String,
}

/// Assembles `source` for the settings in `env`.
///
/// # Errors
///
/// The first problem found, with its line and column: an unknown opcode,
/// modifier or name, a missing or extra operand, a bad expression, a label
/// defined twice, an `;assert` that fails, no instruction at all.
pub fn assemble(source: &str, env: &Environment) -> Result<Warrior, AsmError> {
    let program = first_pass(source)?;
    if program.lines.is_empty() {
        return Err(AsmError {
            line: 1,
            column: 1,
            message: "no instructions: an empty warrior".into(),
        });
    }
    let mut code = Vec::with_capacity(program.lines.len());
    for (address, line) in program.lines.iter().enumerate() {
        code.push(second_pass(&program, line, address, env)?);
    }
    let start = match &program.start {
        None => 0,
        Some((text, line, column)) => {
            let value = evaluate(&program, text, 0, *line, *column, env)?;
            usize::try_from(value)
                .ok()
                .filter(|&start| start < code.len())
                .ok_or_else(|| AsmError {
                    line: *line,
                    column: *column,
                    message: format!(
                        "the start ({value}) lies outside the warrior's {} instructions",
                        code.len()
                    ),
                })?
        }
    };
    for (text, line, column) in &program.asserts {
        if evaluate(&program, text, 0, *line, *column, env)? == 0 {
            return Err(AsmError {
                line: *line,
                column: *column,
                message: format!("assertion failed: {}", text.trim()),
            });
        }
    }
    // pMARS's names for a warrior that does not give them.
    let or = |text: String, default: &str| {
        if text.is_empty() {
            default.to_owned()
        } else {
            text
        }
    };
    Ok(Warrior {
        name: or(program.name, "Unknown"),
        author: or(program.author, "Anonymous"),
        code,
        start: start as u32,
    })
}

/// What a name is defined as.
enum Name {
    /// A label: the address of the next instruction.
    Label,
    /// An `EQU`: its text.
    Equ(String),
}

impl Program {
    /// Defines `name` (with the line and column it was written at), as a
    /// label or an `EQU`; a name may be defined once.
    fn define(
        &mut self,
        (name, line, column): (String, usize, usize),
        what: Name,
    ) -> Result<(), AsmError> {
        if self.labels.contains_key(&name) || self.equs.contains_key(&name) {
            return Err(AsmError {
                line,
                column,
                message: format!("{name} is defined twice"),
            });
        }
        match what {
            Name::Label => {
                self.labels.insert(name, self.lines.len());
            }
            Name::Equ(text) => {
                self.equs.insert(name, text);
            }
        }
        Ok(())
    }
}

fn first_pass(source: &str) -> Result<Program, AsmError> {
    let lines: Vec<&str> = source.lines().collect();
    // Text before a `;redcode` line is not Redcode (mail headers, notes).
    let first = lines
        .iter()
        .position(|l| l.trim_start().to_ascii_lowercase().starts_with(";redcode"))
        .map_or(0, |at| at + 1);
    let numbered: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .skip(first)
        .map(|(index, raw)| (index + 1, (*raw).to_owned()))
        .collect();
    let expanded = expand_for(&numbered)?;
    let mut program = Program::default();
    let mut pending: Vec<(String, usize, usize)> = Vec::new();
    for (number, raw) in &expanded {
        let (number, raw) = (*number, raw.as_str());
        let (code, comment) = match raw.find(';') {
            Some(at) => (&raw[..at], Some((&raw[at + 1..], at + 2))),
            None => (raw, None),
        };
        if let Some((comment, column)) = comment {
            let lower = comment.to_ascii_lowercase();
            if lower.starts_with("name") {
                program.name = comment[4..].trim().to_owned();
            } else if lower.starts_with("author") {
                program.author = comment[6..].trim().to_owned();
            } else if lower.starts_with("assert") {
                program
                    .asserts
                    .push((comment[6..].to_owned(), number, column + 6));
            }
        }
        let mut rest = code;
        let mut column = 1;
        loop {
            let trimmed = rest.trim_start();
            column += rest.len() - trimmed.len();
            rest = trimmed;
            let word_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            if word_len == 0 {
                if !rest.is_empty() {
                    return Err(not_an_opcode(&pending, number, column, rest));
                }
                break; // labels alone on a line apply to the next instruction
            }
            let word = &rest[..word_len];
            let after = rest[word_len..]
                .strip_prefix(':')
                .unwrap_or(&rest[word_len..]);
            let upper = word.to_ascii_uppercase();
            let (op_name, modifier_name) = match upper.split_once('.') {
                Some((op, m)) => (op, Some(m)),
                None => (upper.as_str(), None),
            };
            let operands_column = column + (rest.len() - after.len());
            match op_name {
                "EQU" => {
                    if pending.is_empty() {
                        return Err(AsmError {
                            line: number,
                            column,
                            message: "EQU needs a label before it".into(),
                        });
                    }
                    for label in pending.drain(..) {
                        program.define(label, Name::Equ(after.trim().to_owned()))?;
                    }
                    break;
                }
                "ORG" => {
                    program.start = Some((after.to_owned(), number, operands_column));
                    break;
                }
                "END" => {
                    if !after.trim().is_empty() {
                        program.start = Some((after.to_owned(), number, operands_column));
                    }
                    return finish(program, pending);
                }
                "LDP" | "STP" | "PIN" => {
                    return Err(AsmError {
                        line: number,
                        column,
                        message: format!("{op_name}: P-space is not supported"),
                    });
                }
                _ => {}
            }
            if let Some(opcode) = Opcode::from_name(op_name) {
                let modifier = match modifier_name {
                    None => None,
                    Some(m) => Some(Modifier::from_name(m).ok_or_else(|| AsmError {
                        line: number,
                        column: column + op_name.len() + 1,
                        message: format!(
                            "unknown modifier {m:?}: expected A, B, AB, BA, F, X or I"
                        ),
                    })?),
                };
                for label in pending.drain(..) {
                    program.define(label, Name::Label)?;
                }
                let operands = split_operands(after, operands_column, number)?;
                program.lines.push(Line {
                    line: number,
                    opcode,
                    modifier,
                    operands,
                });
                break;
            }
            if modifier_name.is_some() {
                return Err(AsmError {
                    line: number,
                    column,
                    message: format!("unknown opcode {op_name:?}"),
                });
            }
            if !word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                return Err(not_an_opcode(&pending, number, column, rest));
            }
            pending.push((word.to_owned(), number, column));
            column += rest.len() - after.len();
            rest = after;
        }
    }
    finish(program, pending)
}

/// Repeats every `FOR count` … `ROF` block `count` times, as pMARS does:
/// in the `k`-th copy, the block's counter (the label before `FOR`) reads
/// `k`, and `&counter` glued to a name makes it unique (`x&i` is `x01`,
/// `x02`…). Blocks nest; `FOR 0` leaves its lines out (a common way to
/// write a long comment). Each line keeps its number in the source.
fn expand_for(lines: &[(usize, String)]) -> Result<Vec<(usize, String)>, AsmError> {
    let mut out = Vec::with_capacity(lines.len());
    let mut at = 0;
    while at < lines.len() {
        let (number, line) = &lines[at];
        let Some((counter, count_text)) = for_header(line) else {
            if is_rof(line) {
                return Err(AsmError {
                    line: *number,
                    column: 1,
                    message: "ROF without a FOR before it".into(),
                });
            }
            out.push((*number, line.clone()));
            at += 1;
            continue;
        };
        // The block's body: up to the ROF that closes this FOR.
        let mut depth = 1;
        let mut end = at + 1;
        while end < lines.len() {
            if for_header(&lines[end].1).is_some() {
                depth += 1;
            } else if is_rof(&lines[end].1) {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            end += 1;
        }
        if depth != 0 {
            return Err(AsmError {
                line: *number,
                column: 1,
                message: "FOR without a ROF to close it".into(),
            });
        }
        let count = for_count(&count_text, *number)?;
        let body = expand_for(&lines[at + 1..end])?;
        for k in 1..=count {
            for (n, text) in &body {
                out.push((
                    *n,
                    match &counter {
                        Some(name) => substitute_counter(text, name, k),
                        None => text.clone(),
                    },
                ));
            }
        }
        at = end + 1;
    }
    Ok(out)
}

/// `[counter] FOR count`: the counter's name, if any, and the count's
/// text. `None` for any other line.
fn for_header(line: &str) -> Option<(Option<String>, String)> {
    let code = line.split(';').next().unwrap_or("");
    let mut words = code.split_whitespace();
    let first = words.next()?;
    if first.eq_ignore_ascii_case("FOR") {
        return Some((None, code.trim_start()[3..].to_owned()));
    }
    let second = words.next()?;
    if second.eq_ignore_ascii_case("FOR") {
        let after = code.find(second).map_or("", |at| &code[at + 3..]);
        return Some((
            Some(first.trim_end_matches(':').to_owned()),
            after.to_owned(),
        ));
    }
    None
}

fn is_rof(line: &str) -> bool {
    let code = line.split(';').next().unwrap_or("");
    code.split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("ROF"))
}

/// A FOR's count: an expression of numbers and predefined constants.
fn for_count(text: &str, line: usize) -> Result<u32, AsmError> {
    let env = Environment::default();
    let error = |message: String| AsmError {
        line,
        column: 1,
        message,
    };
    let tokens = expr::lex(text).map_err(|(_, m)| error(m))?;
    let value = expr::evaluate(&tokens, text.len(), &mut |name| {
        predefined(name, 0, &env)
            .ok_or_else(|| format!("FOR's count can only use numbers and constants, not {name:?}"))
    })
    .map_err(|(_, m)| error(m))?;
    u32::try_from(value)
        .ok()
        .filter(|&n| n <= 10_000)
        .ok_or_else(|| error(format!("FOR {value}: the count must be 0 to 10000")))
}

/// `text` with `&name` replaced by `k` in two digits, and `name` itself
/// by `k`.
fn substitute_counter(text: &str, name: &str, k: u32) -> String {
    let glued = text.replace(&format!("&{name}"), &format!("{k:02}"));
    let mut out = String::with_capacity(glued.len());
    let mut rest = glued.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        let end = start
            + rest[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len() - start);
        out.push_str(&rest[..start]);
        let word = &rest[start..end];
        if word == name {
            out.push_str(&k.to_string());
        } else {
            out.push_str(word);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// What went wrong when operand text came where an opcode was due: the
/// word before it on this line, taken for a label, was meant as an opcode.
fn not_an_opcode(
    pending: &[(String, usize, usize)],
    line: usize,
    column: usize,
    rest: &str,
) -> AsmError {
    match pending.last() {
        Some((word, at_line, at_column)) if *at_line == line => AsmError {
            line,
            column: *at_column,
            message: format!("unknown opcode {word:?}"),
        },
        _ => AsmError {
            line,
            column,
            message: format!(
                "expected a label or an opcode, found {:?}",
                rest.chars().next().unwrap_or(' ')
            ),
        },
    }
}

fn finish(program: Program, pending: Vec<(String, usize, usize)>) -> Result<Program, AsmError> {
    // Labels after the last instruction point just past it (pMARS allows
    // that, for `END label`-style starts; any use is an error later).
    let mut program = program;
    for label in pending {
        program.define(label, Name::Label)?;
    }
    Ok(program)
}

/// The operands after an opcode: none, one or two, split at the comma
/// outside parentheses; each with the mode its first character writes.
fn split_operands(text: &str, column: usize, line: usize) -> Result<Vec<Operand>, AsmError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut begin = 0;
    for (at, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((begin, &text[begin..at]));
                begin = at + 1;
            }
            _ => {}
        }
    }
    parts.push((begin, &text[begin..]));
    if parts.len() > 2 {
        return Err(AsmError {
            line,
            column: column + parts[2].0,
            message: "more than two operands".into(),
        });
    }
    parts
        .into_iter()
        .map(|(offset, part)| {
            let trimmed = part.trim_start();
            let mut column = column + offset + (part.len() - trimmed.len());
            let mode = trimmed.chars().next().and_then(Mode::from_symbol);
            let text = match mode {
                Some(_) => {
                    column += 1;
                    &trimmed[1..]
                }
                None => trimmed,
            };
            if text.trim().is_empty() {
                return Err(AsmError {
                    line,
                    column,
                    message: "expected an expression for this operand".into(),
                });
            }
            Ok(Operand {
                mode,
                text: text.to_owned(),
                column,
            })
        })
        .collect()
}

fn second_pass(
    program: &Program,
    line: &Line,
    address: usize,
    env: &Environment,
) -> Result<Instruction, AsmError> {
    let error = |message: String| AsmError {
        line: line.line,
        column: 1,
        message,
    };
    let value = |operand: &Operand| -> Result<u32, AsmError> {
        let v = evaluate(
            program,
            &operand.text,
            address,
            line.line,
            operand.column,
            env,
        )?;
        Ok(normalise(v, env.size))
    };
    let op = line.opcode;
    let operands = line
        .operands
        .iter()
        .map(|operand| with_equ_mode(program, operand, line.line))
        .collect::<Result<Vec<Operand>, AsmError>>()?;
    let ((a_mode, a), (b_mode, b)) = match operands.as_slice() {
        [] => return Err(error(format!("{} needs an operand", op.name()))),
        [only] => {
            let v = value(only)?;
            match op {
                // `DAT x` is `DAT #0, x`.
                Opcode::Dat => ((Mode::Immediate, 0), (only.mode.unwrap_or(Mode::Direct), v)),
                // The B-operand defaults to `$0` (the draft says `#0`).
                Opcode::Jmp | Opcode::Spl | Opcode::Nop => {
                    ((only.mode.unwrap_or(Mode::Direct), v), (Mode::Direct, 0))
                }
                _ => return Err(error(format!("{} needs two operands", op.name()))),
            }
        }
        [first, second] => (
            (first.mode.unwrap_or(Mode::Direct), value(first)?),
            (second.mode.unwrap_or(Mode::Direct), value(second)?),
        ),
        _ => unreachable!("split_operands allows two at most"),
    };
    let modifier = line
        .modifier
        .unwrap_or_else(|| default_modifier(op, a_mode, b_mode));
    Ok(Instruction {
        opcode: op,
        modifier,
        a_mode,
        a,
        b_mode,
        b,
    })
}

/// An operand written without a mode whose `EQU` text begins with one
/// (`bomb equ #0` … `mov bomb, 1`) takes that mode, as pMARS's text
/// substitution gives it.
fn with_equ_mode(program: &Program, operand: &Operand, line: usize) -> Result<Operand, AsmError> {
    let same = || Operand {
        mode: operand.mode,
        text: operand.text.clone(),
        column: operand.column,
    };
    if operand.mode.is_some() {
        return Ok(same());
    }
    let expanded = expand(program, &operand.text, 0).map_err(|message| AsmError {
        line,
        column: operand.column,
        message,
    })?;
    let trimmed = expanded.trim_start();
    match trimmed.chars().next().and_then(Mode::from_symbol) {
        Some(mode) => Ok(Operand {
            mode: Some(mode),
            text: trimmed[1..].to_owned(),
            column: operand.column,
        }),
        None => Ok(same()),
    }
}

// ANCHOR: default_modifier
/// The ICWS'94 modifier of an instruction written without one.
pub fn default_modifier(op: Opcode, a_mode: Mode, b_mode: Mode) -> Modifier {
    let immediate_a = a_mode == Mode::Immediate;
    let immediate_b = b_mode == Mode::Immediate;
    match op {
        Opcode::Dat | Opcode::Nop => Modifier::F,
        Opcode::Mov | Opcode::Cmp | Opcode::Seq | Opcode::Sne if immediate_a => Modifier::AB,
        Opcode::Mov | Opcode::Cmp | Opcode::Seq | Opcode::Sne if immediate_b => Modifier::B,
        Opcode::Mov | Opcode::Cmp | Opcode::Seq | Opcode::Sne => Modifier::I,
        Opcode::Add | Opcode::Sub | Opcode::Mul | Opcode::Div | Opcode::Mod if immediate_a => {
            Modifier::AB
        }
        Opcode::Add | Opcode::Sub | Opcode::Mul | Opcode::Div | Opcode::Mod if immediate_b => {
            Modifier::B
        }
        Opcode::Add | Opcode::Sub | Opcode::Mul | Opcode::Div | Opcode::Mod => Modifier::F,
        Opcode::Slt if immediate_a => Modifier::AB,
        Opcode::Slt => Modifier::B,
        Opcode::Jmp | Opcode::Jmz | Opcode::Jmn | Opcode::Djn | Opcode::Spl => Modifier::B,
    }
}
// ANCHOR_END: default_modifier

/// Evaluates `text` as the instruction at `address` sees it.
fn evaluate(
    program: &Program,
    text: &str,
    address: usize,
    line: usize,
    column: usize,
    env: &Environment,
) -> Result<i64, AsmError> {
    let expanded = expand(program, text, 0).map_err(|message| AsmError {
        line,
        column,
        message,
    })?;
    let tokens = expr::lex(&expanded).map_err(|(offset, message)| AsmError {
        line,
        column: column + offset,
        message,
    })?;
    let mut name = |name: &str| -> Result<i64, String> {
        if let Some(&at) = program.labels.get(name) {
            return Ok(at as i64 - address as i64);
        }
        predefined(name, address, env).ok_or_else(|| {
            format!("unknown name {name:?}: not a label, an EQU or a predefined constant")
        })
    };
    expr::evaluate(&tokens, expanded.len(), &mut name).map_err(|(offset, message)| AsmError {
        line,
        column: if expanded == text {
            column + offset
        } else {
            column
        },
        message,
    })
}

/// `text` with every `EQU` name replaced by its text, again and again.
fn expand(program: &Program, text: &str, depth: usize) -> Result<String, String> {
    if depth > 64 {
        return Err("EQU names refer to each other without end".into());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic() || c == '_') {
        // A name begins here unless it continues a number (`12ab` is an
        // error the lexer reports).
        let end = start
            + rest[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len() - start);
        out.push_str(&rest[..start]);
        let word = &rest[start..end];
        match program.equs.get(word) {
            Some(replacement) => {
                out.push_str(replacement);
                changed = true;
            }
            None => out.push_str(word),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    if changed {
        expand(program, &out, depth + 1)
    } else {
        Ok(out)
    }
}

/// pMARS's predefined constants.
fn predefined(name: &str, address: usize, env: &Environment) -> Option<i64> {
    Some(i64::from(match name {
        "CORESIZE" => env.size,
        "MAXPROCESSES" => env.processes,
        "MAXCYCLES" => env.cycles,
        "MAXLENGTH" => env.max_length,
        "MINDISTANCE" => env.min_distance,
        "WARRIORS" => env.warriors,
        "ROUNDS" => env.rounds,
        "VERSION" => 92,
        "CURLINE" => return Some(address as i64),
        _ => return None,
    }))
}
