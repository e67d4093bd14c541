//! A recursive-descent parser for the `$filter` subset, building an untyped [`Ast`].
//!
//! Grammar (keywords are lowercase, as OData writes them):
//! ```text
//! or     := and ("or" and)*
//! and    := not ("and" not)*
//! not    := "not" not | cmp
//! cmp    := value (("eq"|"ne"|"gt"|"ge"|"lt"|"le") value | "in" "(" value ("," value)* ")")?
//! value  := "(" or ")" | literal | name "(" [or ("," or)*] ")" | path
//! path   := name ("/" name)* ["/" ("any"|"all") "(" [name ":" or] ")"]
//! ```
//! `not` binds looser than comparisons, so `not id eq 'x'` means `not (id eq 'x')`.

use super::FilterError;
use super::ast::{Ast, CmpOp, Lambda, LambdaKind, Literal};
use super::lexer::{Tok, Token};

/// How deep parentheses, `not`, calls and lambdas may nest; keeps the recursion far from the stack's end.
const MAX_DEPTH: usize = 48;

/// Parses a token stream (ending in [`Tok::End`]) into a tree.
pub(crate) fn parse(tokens: &[Token]) -> Result<Ast, FilterError> {
    let mut p = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    if matches!(p.peek(), Tok::End) {
        return Err(FilterError::new(1, "the expression is empty"));
    }
    let ast = p.or()?;
    match p.peek() {
        Tok::End => Ok(ast),
        other => Err(FilterError::new(
            p.pos(),
            format!(
                "expected 'and', 'or' or the end of the expression, found {}",
                other.describe()
            ),
        )),
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    depth: usize,
}

const END: Tok = Tok::End;

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.at).map_or(&END, |t| &t.tok)
    }

    fn pos(&self) -> usize {
        self.tokens
            .get(self.at)
            .or(self.tokens.last())
            .map_or(1, |t| t.pos)
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens.get(self.at).cloned().unwrap_or(Token {
            tok: Tok::End,
            pos: self.pos(),
        });
        if self.at < self.tokens.len() {
            self.at += 1;
        }
        t
    }

    fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<usize, FilterError> {
        if self.peek() == want {
            Ok(self.bump().pos)
        } else {
            Err(FilterError::new(
                self.pos(),
                format!("expected {what}, found {}", self.peek().describe()),
            ))
        }
    }

    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(
                self.pos(),
                format!("the expression nests more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn or(&mut self) -> Result<Ast, FilterError> {
        let mut items = vec![self.and()?];
        while self.is_keyword("or") {
            self.bump();
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Ast::Or(Vec::new()))
        } else {
            Ast::Or(items)
        })
    }

    fn and(&mut self) -> Result<Ast, FilterError> {
        let mut items = vec![self.not()?];
        while self.is_keyword("and") {
            self.bump();
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Ast::And(Vec::new()))
        } else {
            Ast::And(items)
        })
    }

    fn not(&mut self) -> Result<Ast, FilterError> {
        if self.is_keyword("not") {
            let pos = self.bump().pos;
            self.enter()?;
            let inner = self.not();
            self.leave();
            return Ok(Ast::Not(Box::new(inner?), pos));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Ast, FilterError> {
        let left = self.value()?;
        let op = match self.peek() {
            Tok::Ident(s) => CmpOp::from_keyword(s)
                .map(Ok)
                .or_else(|| (s == "in").then_some(Err(()))),
            _ => None,
        };
        match op {
            Some(Ok(op)) => {
                let pos = self.bump().pos;
                let right = self.value()?;
                Ok(Ast::Cmp {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                    pos,
                })
            }
            Some(Err(())) => {
                let pos = self.bump().pos;
                self.expect(&Tok::LParen, "'(' after 'in'")?;
                let mut items = vec![self.value()?];
                while matches!(self.peek(), Tok::Comma) {
                    self.bump();
                    items.push(self.value()?);
                }
                self.expect(&Tok::RParen, "',' or ')' in the 'in' list")?;
                Ok(Ast::In {
                    left: Box::new(left),
                    items,
                    pos,
                })
            }
            None => Ok(left),
        }
    }

    fn value(&mut self) -> Result<Ast, FilterError> {
        self.enter()?;
        let v = self.value_inner();
        self.leave();
        v
    }

    fn value_inner(&mut self) -> Result<Ast, FilterError> {
        let Token { tok, pos } = self.bump();
        match tok {
            Tok::LParen => {
                let inner = self.or()?;
                self.expect(&Tok::RParen, "')'")?;
                Ok(inner)
            }
            Tok::Str(s) => Ok(Ast::Lit(Literal::Str(s), pos)),
            Tok::Date(d) => Ok(Ast::Lit(Literal::Date(d), pos)),
            Tok::Int(i) => Ok(Ast::Lit(Literal::Int(i), pos)),
            Tok::Ident(name) => self.name(name, pos),
            other => Err(FilterError::new(
                pos,
                format!(
                    "expected a property, a literal or '(', found {}",
                    other.describe()
                ),
            )),
        }
    }

    fn name(&mut self, name: String, pos: usize) -> Result<Ast, FilterError> {
        match name.as_str() {
            "true" => return Ok(Ast::Lit(Literal::Bool(true), pos)),
            "false" => return Ok(Ast::Lit(Literal::Bool(false), pos)),
            "null" => return Ok(Ast::Lit(Literal::Null, pos)),
            "and" | "or" | "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "in" => {
                return Err(FilterError::new(
                    pos,
                    format!("expected a property, a literal or '(', found the operator '{name}'"),
                ));
            }
            _ => {}
        }
        if matches!(self.peek(), Tok::LParen) {
            self.bump();
            let mut args = Vec::new();
            if !matches!(self.peek(), Tok::RParen) {
                args.push(self.or()?);
                while matches!(self.peek(), Tok::Comma) {
                    self.bump();
                    args.push(self.or()?);
                }
            }
            self.expect(
                &Tok::RParen,
                &format!("',' or ')' in the arguments of '{name}'"),
            )?;
            return Ok(Ast::Call { name, args, pos });
        }
        let mut segments = vec![(name, pos)];
        while matches!(self.peek(), Tok::Slash) {
            self.bump();
            let Token { tok, pos } = self.bump();
            let Tok::Ident(seg) = tok else {
                return Err(FilterError::new(
                    pos,
                    format!(
                        "expected a property name after '/', found {}",
                        tok.describe()
                    ),
                ));
            };
            let kind = match seg.as_str() {
                "any" => Some(LambdaKind::Any),
                "all" => Some(LambdaKind::All),
                _ => None,
            };
            if let (Some(kind), Tok::LParen) = (kind, self.peek()) {
                let lambda = self.lambda(kind, pos)?;
                return Ok(Ast::Path {
                    segments,
                    lambda: Some(lambda),
                });
            }
            segments.push((seg, pos));
        }
        Ok(Ast::Path {
            segments,
            lambda: None,
        })
    }

    fn lambda(&mut self, kind: LambdaKind, pos: usize) -> Result<Lambda, FilterError> {
        self.expect(&Tok::LParen, "'('")?;
        if matches!(self.peek(), Tok::RParen) {
            if kind == LambdaKind::All {
                return Err(FilterError::new(
                    self.pos(),
                    "all() needs a variable and a condition, as in all(a: a eq 'x64')",
                ));
            }
            self.bump();
            return Ok(Lambda {
                kind,
                pos,
                body: None,
            });
        }
        let Token { tok, pos: var_pos } = self.bump();
        let var = match tok {
            Tok::Ident(v) if matches!(self.peek(), Tok::Colon) => v,
            other => {
                let found = if matches!(other, Tok::Ident(_)) {
                    self.peek().describe()
                } else {
                    other.describe()
                };
                return Err(FilterError::new(
                    var_pos,
                    format!(
                        "expected a lambda variable and ':' (as in any(e: e/editionType eq 'enterprise')), found {found}"
                    ),
                ));
            }
        };
        self.bump();
        self.enter()?;
        let body = self.or();
        self.leave();
        let body = body?;
        self.expect(&Tok::RParen, "')' closing the lambda")?;
        Ok(Lambda {
            kind,
            pos,
            body: Some((var, var_pos, Box::new(body))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn p(s: &str) -> Result<Ast, FilterError> {
        parse(&tokenize(s)?)
    }

    #[test]
    fn precedence_and_flattening() {
        let ast = p("a eq 'x' or b eq 'y' and c eq 'z' or d eq 'w'").unwrap();
        let Ast::Or(items) = ast else {
            panic!("not or")
        };
        assert_eq!(items.len(), 3);
        assert!(matches!(items[1], Ast::And(ref v) if v.len() == 2));
    }

    #[test]
    fn not_binds_looser_than_comparison() {
        let ast = p("not id eq 'x'").unwrap();
        assert!(matches!(ast, Ast::Not(ref inner, 1) if matches!(**inner, Ast::Cmp { .. })));
    }

    #[test]
    fn lambdas() {
        let ast = p("supportedEditions/any(e: e/editionType eq 'enterprise')").unwrap();
        let Ast::Path {
            segments,
            lambda: Some(l),
        } = ast
        else {
            panic!("no lambda")
        };
        assert_eq!(segments.len(), 1);
        assert_eq!(l.kind, LambdaKind::Any);
        assert!(l.body.is_some());
        assert!(p("supportedArchitectures/any()").is_ok());
        assert!(p("supportedArchitectures/all()").is_err());
    }

    #[test]
    fn errors_name_positions() {
        let e = p("id eq").unwrap_err();
        assert_eq!(e.position, 6);
        let e = p("id eq 'x' foo").unwrap_err();
        assert_eq!(e.position, 11);
        let e = p("(id eq 'x'").unwrap_err();
        assert_eq!(e.position, 11);
        assert!(p("").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}id eq 'x'{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(p(&deep).unwrap_err().message.contains("nests"));
        let nots = format!("{}id eq 'x'", "not ".repeat(10_000));
        assert!(p(&nots).is_err());
        let long = vec!["id eq 'x'"; 10_000].join(" or ");
        assert!(p(&long).is_ok());
    }
}
