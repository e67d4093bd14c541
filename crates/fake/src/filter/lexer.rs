//! Splits a `$filter` expression into tokens, each with the 1-based character position it starts at.

use chrono::NaiveDate;

use super::FilterError;

/// One token of a `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// A name: a property, a lambda variable, a function, or a keyword (`and`, `eq`, `true`, ...).
    Ident(String),
    /// A quoted string with doubled quotes already collapsed.
    Str(String),
    /// An unquoted `YYYY-MM-DD` date.
    Date(NaiveDate),
    /// An integer.
    Int(i64),
    LParen,
    RParen,
    Comma,
    Colon,
    Slash,
    /// The end of the input.
    End,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Str(s) => format!("string '{}'", s.replace('\'', "''")),
            Tok::Date(d) => format!("date {}", d.format("%Y-%m-%d")),
            Tok::Int(i) => format!("number {i}"),
            Tok::LParen => "'('".to_owned(),
            Tok::RParen => "')'".to_owned(),
            Tok::Comma => "','".to_owned(),
            Tok::Colon => "':'".to_owned(),
            Tok::Slash => "'/'".to_owned(),
            Tok::End => "the end of the expression".to_owned(),
        }
    }
}

/// A token and the 1-based character position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: usize,
}

/// Tokenizes the whole expression; the last token is always [`Tok::End`].
pub(crate) fn tokenize(input: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let pos = i + 1;
        let single = match c {
            ' ' | '\t' | '\r' | '\n' => {
                i += 1;
                continue;
            }
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            ':' => Some(Tok::Colon),
            '/' => Some(Tok::Slash),
            _ => None,
        };
        if let Some(tok) = single {
            out.push(Token { tok, pos });
            i += 1;
            continue;
        }
        if c == '\'' {
            let (s, next) = string_literal(&chars, i)?;
            out.push(Token {
                tok: Tok::Str(s),
                pos,
            });
            i = next;
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let (tok, next) = number_or_date(&chars, i)?;
            out.push(Token { tok, pos });
            i = next;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(chars.get(start..i).unwrap_or_default().iter().collect()),
                pos,
            });
        } else {
            return Err(unexpected_char(c, pos));
        }
    }
    out.push(Token {
        tok: Tok::End,
        pos: chars.len() + 1,
    });
    Ok(out)
}

fn unexpected_char(c: char, pos: usize) -> FilterError {
    let hint = match c {
        '+' | '*' => "; arithmetic is not supported",
        '"' => "; strings are quoted with single quotes ('text')",
        '=' | '<' | '>' | '!' => "; use the operators eq, ne, gt, ge, lt, le",
        '&' | '|' => "; use the operators and, or",
        _ => "",
    };
    FilterError::new(pos, format!("unexpected character '{c}'{hint}"))
}

/// Reads `'...'` starting at `start` (the opening quote); `''` inside stands for one quote.
fn string_literal(chars: &[char], start: usize) -> Result<(String, usize), FilterError> {
    let mut s = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(FilterError::new(
                    start + 1,
                    "unterminated string literal (a quote inside a string is written twice: 'it''s')",
                ));
            }
            Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                s.push('\'');
                i += 2;
            }
            Some('\'') => return Ok((s, i + 1)),
            Some(c) => {
                s.push(*c);
                i += 1;
            }
        }
    }
}

/// Reads an integer (`42`, `-7`) or a date (`2026-10-13`) starting at `start`.
fn number_or_date(chars: &[char], start: usize) -> Result<(Tok, usize), FilterError> {
    let mut i = start + 1;
    while chars
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || *c == '-')
    {
        i += 1;
    }
    let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
    let pos = start + 1;
    if chars.get(i).is_some_and(|c| *c == 'T' || *c == ':') {
        return Err(FilterError::new(
            pos,
            format!(
                "date-time literals are not supported ('{text}T...'); dates are written YYYY-MM-DD, without quotes"
            ),
        ));
    }
    if chars.get(i).is_some_and(|c| c.is_alphabetic() || *c == '.') {
        return Err(FilterError::new(
            pos,
            format!(
                "malformed literal starting '{text}': only integers and YYYY-MM-DD dates are supported"
            ),
        ));
    }
    let b = text.as_bytes();
    let is_date_shape = b.len() == 10
        && b.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if is_date_shape {
        return intune_osimages_model::parse_graph_date(&text)
            .map(|d| (Tok::Date(d), i))
            .map_err(|e| FilterError::new(pos, format!("invalid date literal {text}: {e}")));
    }
    let digits = text.strip_prefix('-').unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map(|n| (Tok::Int(n), i))
            .map_err(|_| FilterError::new(pos, format!("integer literal {text} is out of range")));
    }
    Err(FilterError::new(
        pos,
        format!("malformed literal '{text}': expected an integer or a date written YYYY-MM-DD"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn doubled_quotes_collapse() {
        assert_eq!(toks("'it''s'"), vec![Tok::Str("it's".into()), Tok::End]);
        assert_eq!(toks("''''"), vec![Tok::Str("'".into()), Tok::End]);
    }

    #[test]
    fn dates_and_integers() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 13).unwrap();
        assert_eq!(
            toks("2026-10-13 -5 12"),
            vec![Tok::Date(d), Tok::Int(-5), Tok::Int(12), Tok::End]
        );
        assert!(
            tokenize("2026-02-30")
                .unwrap_err()
                .message
                .contains("invalid date")
        );
        assert!(
            tokenize("2026-10-13T00:00:00Z")
                .unwrap_err()
                .message
                .contains("date-time")
        );
        assert!(tokenize("1-2").is_err());
    }

    #[test]
    fn positions_count_characters() {
        let t = tokenize("é eq 'x'").unwrap();
        assert_eq!(t[1].pos, 3);
        assert_eq!(t[2].pos, 6);
        assert_eq!(t[3].pos, 9);
        let err = tokenize("id eq 'x").unwrap_err();
        assert_eq!(err.position, 7);
        let err = tokenize("id+eq").unwrap_err();
        assert_eq!(err.position, 3);
        assert!(err.message.contains("arithmetic"));
    }
}
