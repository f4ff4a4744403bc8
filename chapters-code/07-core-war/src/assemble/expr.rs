//! Expressions in operands, `ORG`, `;assert`: integers, names, `( )`, and
//! pMARS's operators, from the tightest: unary `- + !`; `* / %`; `+ -`;
//! `< > <= >=`; `== !=`; `&&`; `||`.

/// A token of an expression, and the byte offset it starts at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    Number(i64),
    Name(String),
    Op(&'static str),
    Open,
    Close,
}

const OPERATORS: [&str; 16] = [
    "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!", "(", ")",
];

/// Splits `text` into tokens, each with its byte offset in `text`.
pub(crate) fn lex(text: &str) -> Result<Vec<(Token, usize)>, (usize, String)> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            at += 1;
        } else if c.is_ascii_digit() {
            let end = at
                + text[at..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(text.len() - at);
            let number = text[at..end]
                .parse()
                .map_err(|_| (at, format!("the number {} is too large", &text[at..end])))?;
            tokens.push((Token::Number(number), at));
            at = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let end = at
                + text[at..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(text.len() - at);
            tokens.push((Token::Name(text[at..end].to_owned()), at));
            at = end;
        } else if let Some(op) = OPERATORS.iter().find(|op| text[at..].starts_with(**op)) {
            let token = match *op {
                "(" => Token::Open,
                ")" => Token::Close,
                op => Token::Op(op),
            };
            tokens.push((token, at));
            at += op.len();
        } else {
            let found = text[at..].chars().next().unwrap_or('?');
            return Err((at, format!("unexpected {found:?} in an expression")));
        }
    }
    Ok(tokens)
}

/// Evaluates tokens; `name` gives a name's value (or an error message).
pub(crate) fn evaluate(
    tokens: &[(Token, usize)],
    end: usize,
    name: &mut dyn FnMut(&str) -> Result<i64, String>,
) -> Result<i64, (usize, String)> {
    let mut parser = Parser {
        tokens,
        at: 0,
        end,
        name,
    };
    let value = parser.binary(0)?;
    match parser.tokens.get(parser.at) {
        None => Ok(value),
        Some((_, offset)) => Err((
            *offset,
            "expected an operator or the end of the expression".into(),
        )),
    }
}

struct Parser<'a, 'n> {
    tokens: &'a [(Token, usize)],
    at: usize,
    /// Offset just past the text, for errors at its end.
    end: usize,
    name: &'n mut dyn FnMut(&str) -> Result<i64, String>,
}

/// Binary operators by precedence level, loosest first.
const LEVELS: [&[&str]; 6] = [
    &["||"],
    &["&&"],
    &["==", "!="],
    &["<", ">", "<=", ">="],
    &["+", "-"],
    &["*", "/", "%"],
];

impl Parser<'_, '_> {
    fn offset(&self) -> usize {
        self.tokens
            .get(self.at)
            .map_or(self.end, |(_, offset)| *offset)
    }

    fn binary(&mut self, level: usize) -> Result<i64, (usize, String)> {
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        while let Some((Token::Op(op), offset)) = self.tokens.get(self.at) {
            if !LEVELS[level].contains(op) {
                break;
            }
            let (op, offset) = (*op, *offset);
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = apply(op, left, right)
                .ok_or((offset, format!("{op}: division by zero or overflow")))?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<i64, (usize, String)> {
        let offset = self.offset();
        let Some((token, _)) = self.tokens.get(self.at).cloned() else {
            return Err((offset, "expected a number, a name or `(`".into()));
        };
        self.at += 1;
        match token {
            Token::Number(n) => Ok(n),
            Token::Name(name) => (self.name)(&name).map_err(|message| (offset, message)),
            Token::Open => {
                let value = self.binary(0)?;
                match self.tokens.get(self.at) {
                    Some((Token::Close, _)) => {
                        self.at += 1;
                        Ok(value)
                    }
                    _ => Err((self.offset(), "expected `)`".into())),
                }
            }
            Token::Op("-") => self
                .unary()?
                .checked_neg()
                .ok_or((offset, "overflow".into())),
            Token::Op("+") => self.unary(),
            Token::Op("!") => Ok(i64::from(self.unary()? == 0)),
            Token::Op(_) | Token::Close => Err((offset, "expected a number, a name or `(`".into())),
        }
    }
}

fn apply(op: &str, a: i64, b: i64) -> Option<i64> {
    Some(match op {
        "+" => a.checked_add(b)?,
        "-" => a.checked_sub(b)?,
        "*" => a.checked_mul(b)?,
        "/" => a.checked_div(b)?,
        "%" => a.checked_rem(b)?,
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "&&" => i64::from(a != 0 && b != 0),
        "||" => i64::from(a != 0 || b != 0),
        _ => return None,
    })
}
