//! ICWS'94 load files: one assembled instruction a line, every operand
//! written out, as `mars --assemble` writes them and other simulators
//! (exhaust, pMARS) read them.
//!
//! ```text
//! ;name Dwarf
//!        ORG      START
//! START  ADD.AB #     4, $     3
//!        MOV.I  $     2, @     2
//!        JMP.B  $    -2, $     0
//!        DAT.F  #     0, #     0
//!        END
//! ```

use std::fmt;

use crate::redcode::{Instruction, Mode, Modifier, Opcode, Warrior, normalise};

/// A load file that could not be read: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column of the offending text.
    pub column: usize,
    /// What was wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for LoadError {}

/// Reads a load file for a core of `size` cells.
///
/// # Errors
///
/// A [`LoadError`] naming the line and column of the first thing that is
/// not a load file's: an unknown opcode or modifier, a missing operand, a
/// number out of range, an `ORG` outside the code.
pub fn parse(text: &str, size: u32) -> Result<Warrior, LoadError> {
    let mut warrior = Warrior {
        name: String::new(),
        author: String::new(),
        code: Vec::new(),
        start: 0,
    };
    let mut start: Option<(i64, usize)> = None;
    let mut start_label = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let (code, comment) = match raw.find(';') {
            Some(at) => (&raw[..at], Some(&raw[at + 1..])),
            None => (raw, None),
        };
        if let Some(comment) = comment {
            if let Some(name) = comment.strip_prefix("name") {
                warrior.name = name.trim().to_owned();
            } else if let Some(author) = comment.strip_prefix("author") {
                warrior.author = author.trim().to_owned();
            }
        }
        let mut words = Words::new(code, line);
        let Some(first) = words.next_word() else {
            continue;
        };
        let (label, op_word) = if first.text.eq_ignore_ascii_case("START") {
            (Some(first), words.next_word())
        } else {
            (None, Some(first))
        };
        let Some(op_word) = op_word else {
            return Err(first.error("a label alone on a line: expected an instruction after it"));
        };
        match op_word.text.to_ascii_uppercase().as_str() {
            "ORG" => {
                let at = words
                    .next_word()
                    .ok_or_else(|| op_word.error("ORG needs a start: START or a number"))?;
                start = Some((org_value(&at)?, line));
                continue;
            }
            "END" => {
                if let Some(at) = words.next_word() {
                    start = Some((org_value(&at)?, line));
                }
                break;
            }
            _ => {}
        }
        if label.is_some() {
            start_label = Some(warrior.code.len());
        }
        warrior.code.push(instruction(&op_word, &mut words, size)?);
    }
    warrior.start = match (start, start_label) {
        (Some((-1, line)), None) => {
            return Err(LoadError {
                line,
                column: 1,
                message: "ORG START, but no instruction is labelled START".into(),
            });
        }
        (Some((-1, _)), Some(at)) | (None, Some(at)) => at as i64,
        (Some((offset, _)), _) => offset,
        (None, None) => 0,
    } as u32;
    if warrior.code.is_empty() {
        return Err(LoadError {
            line: 1,
            column: 1,
            message: "no instructions: an empty warrior".into(),
        });
    }
    if warrior.start as usize >= warrior.code.len() {
        return Err(LoadError {
            line: start.map_or(1, |(_, line)| line),
            column: 1,
            message: format!(
                "the start ({}) lies outside the warrior's {} instructions",
                warrior.start,
                warrior.code.len()
            ),
        });
    }
    Ok(warrior)
}

/// `ORG`'s operand: `START` (as -1) or a non-negative number.
fn org_value(word: &Word<'_>) -> Result<i64, LoadError> {
    if word.text.eq_ignore_ascii_case("START") {
        return Ok(-1);
    }
    word.text
        .parse::<i64>()
        .ok()
        .filter(|&n| n >= 0)
        .ok_or_else(|| word.error("expected START or a non-negative number"))
}

fn instruction(
    op_word: &Word<'_>,
    words: &mut Words<'_>,
    size: u32,
) -> Result<Instruction, LoadError> {
    let (op, modifier) = op_word.text.split_once('.').ok_or_else(|| {
        op_word.error("expected OPCODE.MODIFIER: a load file writes every modifier")
    })?;
    let opcode = Opcode::from_name(op).ok_or_else(|| {
        if op.eq_ignore_ascii_case("LDP") || op.eq_ignore_ascii_case("STP") {
            op_word.error("P-space (LDP, STP) is not supported")
        } else {
            op_word.error(&format!("unknown opcode {op:?}"))
        }
    })?;
    let modifier = Modifier::from_name(modifier)
        .ok_or_else(|| op_word.error(&format!("unknown modifier {modifier:?}")))?;
    let (a_mode, a) = words.operand(size)?;
    words.expect_comma()?;
    let (b_mode, b) = words.operand(size)?;
    if let Some(extra) = words.next_word() {
        return Err(extra.error("unexpected text after the B-operand"));
    }
    Ok(Instruction {
        opcode,
        modifier,
        a_mode,
        a,
        b_mode,
        b,
    })
}

/// A word of a line, and where it starts.
#[derive(Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    line: usize,
    column: usize,
}

impl Word<'_> {
    fn error(&self, message: &str) -> LoadError {
        LoadError {
            line: self.line,
            column: self.column,
            message: message.to_owned(),
        }
    }
}

/// The words of one line: runs of characters other than blanks and commas,
/// a mode symbol on its own, and commas.
struct Words<'a> {
    text: &'a str,
    at: usize,
    line: usize,
}

impl<'a> Words<'a> {
    fn new(text: &'a str, line: usize) -> Words<'a> {
        Words { text, at: 0, line }
    }

    fn skip_blanks(&mut self) {
        let rest = &self.text[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }

    fn word_here(&self, len: usize) -> Word<'a> {
        Word {
            text: &self.text[self.at..self.at + len],
            line: self.line,
            column: self.at + 1,
        }
    }

    fn next_word(&mut self) -> Option<Word<'a>> {
        self.skip_blanks();
        let rest = &self.text[self.at..];
        let first = rest.chars().next()?;
        let len = if first == ',' || Mode::from_symbol(first).is_some() {
            first.len_utf8()
        } else {
            rest.find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(rest.len())
        };
        let word = self.word_here(len);
        self.at += len;
        Some(word)
    }

    /// A mode symbol (`$` if none is written) and a signed number.
    fn operand(&mut self, size: u32) -> Result<(Mode, u32), LoadError> {
        let (line, column) = (self.line, self.text.len() + 1);
        let missing = move || LoadError {
            line,
            column,
            message: "expected an operand: a mode and a number".into(),
        };
        let first = self.next_word().ok_or_else(missing)?;
        let mut chars = first.text.chars();
        let (mode, number) = match chars.next().and_then(Mode::from_symbol) {
            Some(mode) if first.text.len() == 1 => (mode, self.next_word().ok_or_else(missing)?),
            _ => (Mode::Direct, first),
        };
        let value: i64 = number
            .text
            .parse()
            .map_err(|_| number.error(&format!("expected a number, found {:?}", number.text)))?;
        Ok((mode, normalise(value, size)))
    }

    fn expect_comma(&mut self) -> Result<(), LoadError> {
        match self.next_word() {
            Some(word) if word.text == "," => Ok(()),
            Some(word) => Err(word.error("expected a comma between the operands")),
            None => Err(LoadError {
                line: self.line,
                column: self.text.len() + 1,
                message: "expected a comma and a B-operand".into(),
            }),
        }
    }
}

/// Writes `warrior` as a load file for a core of `size` cells.
pub fn write(warrior: &Warrior, size: u32) -> String {
    let mut out = String::from(";redcode-94\n");
    if !warrior.name.is_empty() {
        out += &format!(";name {}\n", warrior.name);
    }
    if !warrior.author.is_empty() {
        out += &format!(";author {}\n", warrior.author);
    }
    out += "       ORG      START\n";
    for (at, insn) in warrior.code.iter().enumerate() {
        let label = if at == warrior.start as usize {
            "START"
        } else {
            ""
        };
        out += &format!("{label:<6} {}\n", insn.listing(size));
    }
    out += "       END\n";
    out
}
