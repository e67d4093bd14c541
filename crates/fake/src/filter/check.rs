//! Gives the untyped tree types and meaning: resolves property paths and lambda variables, and rejects what Graph
//! would reject (unknown properties, comparisons across types, ordering on enums, unknown functions, enum literals
//! that are not members when enums are strict).

use super::FilterError;
use super::ast::{Ast, CmpOp, LambdaKind, Literal};
use super::schema::{Elem, EnumKind, Ty};

/// A property path from a scope: the image (`scope` 0) or the element a lambda variable names (its depth).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Access {
    pub(crate) scope: usize,
    pub(crate) path: Vec<String>,
}

/// `startswith`, `endswith`, `contains`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFn {
    StartsWith,
    EndsWith,
    Contains,
}

/// `tolower`, `toupper`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseFn {
    Lower,
    Upper,
}

/// Something that has a value: a literal, a property, a case function over one, or a condition used as a boolean.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Lit(Literal),
    Access(Access, Ty),
    Case(CaseFn, Box<Operand>),
    Cond(Box<Expr>),
}

/// A checked condition, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Const(bool),
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Cmp {
        op: CmpOp,
        left: Operand,
        right: Operand,
    },
    In {
        left: Operand,
        items: Vec<Operand>,
    },
    Text {
        func: TextFn,
        left: Operand,
        right: Operand,
    },
    Lambda {
        kind: LambdaKind,
        collection: Access,
        body: Option<Box<Expr>>,
    },
}

const FUNCTIONS: &str = "startswith, endswith, contains, tolower, toupper";

/// Checks a whole expression; it must be a condition.
pub(crate) fn check(ast: &Ast, strict_enums: bool) -> Result<Expr, FilterError> {
    let mut c = Checker {
        strict_enums,
        vars: Vec::new(),
    };
    c.condition(ast)
}

struct Checker {
    strict_enums: bool,
    /// Lambda variables in scope, outermost first; variable `k` has scope `k + 1`.
    vars: Vec<(String, Ty)>,
}

impl Checker {
    fn condition(&mut self, ast: &Ast) -> Result<Expr, FilterError> {
        match ast {
            Ast::Or(items) => Ok(Expr::Or(
                items
                    .iter()
                    .map(|a| self.condition(a))
                    .collect::<Result<_, _>>()?,
            )),
            Ast::And(items) => Ok(Expr::And(
                items
                    .iter()
                    .map(|a| self.condition(a))
                    .collect::<Result<_, _>>()?,
            )),
            Ast::Not(inner, _) => Ok(Expr::Not(Box::new(self.condition(inner)?))),
            Ast::Cmp {
                op,
                left,
                right,
                pos,
            } => {
                let (l, lt) = self.operand(left)?;
                let (r, rt) = self.operand(right)?;
                self.comparable(*op, (&l, lt, left.pos()), (&r, rt, right.pos()), *pos)?;
                Ok(Expr::Cmp {
                    op: *op,
                    left: l,
                    right: r,
                })
            }
            Ast::In { left, items, pos } => {
                let (l, lt) = self.operand(left)?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let (r, rt) = self.operand(item)?;
                    self.comparable(CmpOp::Eq, (&l, lt, left.pos()), (&r, rt, item.pos()), *pos)?;
                    out.push(r);
                }
                Ok(Expr::In {
                    left: l,
                    items: out,
                })
            }
            Ast::Lit(Literal::Bool(b), _) => Ok(Expr::Const(*b)),
            Ast::Lit(lit, pos) => Err(FilterError::new(
                *pos,
                format!(
                    "expected a condition, found the literal {}",
                    describe_literal(lit)
                ),
            )),
            Ast::Path {
                segments,
                lambda: Some(lambda),
            } => {
                let (collection, ty) = self.resolve(segments)?;
                let Ty::Collection(elem) = ty else {
                    return Err(FilterError::new(
                        lambda.pos,
                        format!(
                            "any() and all() apply to collections, and '{}' is {}",
                            join(segments),
                            ty.graph_name()
                        ),
                    ));
                };
                let body = match &lambda.body {
                    None => None,
                    Some((var, var_pos, body)) => {
                        Some(Box::new(self.lambda_body(var, *var_pos, elem, body)?))
                    }
                };
                Ok(Expr::Lambda {
                    kind: lambda.kind,
                    collection,
                    body,
                })
            }
            Ast::Path {
                segments,
                lambda: None,
            } => {
                let (_, ty) = self.resolve(segments)?;
                let hint = match ty {
                    Ty::Collection(_) => format!(
                        "; to test its elements write {}/any(x: ...)",
                        join(segments)
                    ),
                    _ => "; compare it with eq, ne, gt, ge, lt or le".to_owned(),
                };
                Err(FilterError::new(
                    ast.pos(),
                    format!(
                        "expected a condition, found '{}' ({}){hint}",
                        join(segments),
                        ty.graph_name()
                    ),
                ))
            }
            Ast::Call { name, args, pos } => match text_fn(name) {
                Some(func) => {
                    let [left, right] = args.as_slice() else {
                        return Err(FilterError::new(
                            *pos,
                            format!("{name}() takes 2 arguments, found {}", args.len()),
                        ));
                    };
                    let l = self.text_operand(name, left)?;
                    let r = self.text_operand(name, right)?;
                    Ok(Expr::Text {
                        func,
                        left: l,
                        right: r,
                    })
                }
                None if case_fn(name).is_some() => Err(FilterError::new(
                    *pos,
                    format!("expected a condition, found {name}(), which returns a string"),
                )),
                None => Err(unknown_function(name, *pos)),
            },
        }
    }

    fn lambda_body(
        &mut self,
        var: &str,
        var_pos: usize,
        elem: Elem,
        body: &Ast,
    ) -> Result<Expr, FilterError> {
        if self.vars.iter().any(|(v, _)| v == var) || var == "$it" {
            return Err(FilterError::new(
                var_pos,
                format!("the lambda variable '{var}' is already in use; choose another name"),
            ));
        }
        self.vars.push((var.to_owned(), elem.ty()));
        let out = self.condition(body);
        self.vars.pop();
        out
    }

    fn operand(&mut self, ast: &Ast) -> Result<(Operand, Ty), FilterError> {
        match ast {
            Ast::Lit(lit, _) => Ok((Operand::Lit(lit.clone()), literal_ty(lit))),
            Ast::Path {
                segments,
                lambda: None,
            } => {
                let (access, ty) = self.resolve(segments)?;
                Ok((Operand::Access(access, ty), ty))
            }
            Ast::Call { name, args, pos } if case_fn(name).is_some() || text_fn(name).is_none() => {
                let Some(func) = case_fn(name) else {
                    return Err(unknown_function(name, *pos));
                };
                let [arg] = args.as_slice() else {
                    return Err(FilterError::new(
                        *pos,
                        format!("{name}() takes 1 argument, found {}", args.len()),
                    ));
                };
                let inner = self.text_operand(name, arg)?;
                Ok((Operand::Case(func, Box::new(inner)), Ty::String))
            }
            _ => Ok((Operand::Cond(Box::new(self.condition(ast)?)), Ty::Bool)),
        }
    }

    fn text_operand(&mut self, func: &str, ast: &Ast) -> Result<Operand, FilterError> {
        let (op, ty) = self.operand(ast)?;
        if ty.is_textual() || ty == Ty::Null {
            Ok(op)
        } else {
            Err(FilterError::new(
                ast.pos(),
                format!(
                    "{func}() takes strings, but this argument is {}",
                    ty.graph_name()
                ),
            ))
        }
    }

    fn resolve(&self, segments: &[(String, usize)]) -> Result<(Access, Ty), FilterError> {
        let Some(((first, first_pos), rest)) = segments.split_first() else {
            return Err(FilterError::new(1, "expected a property"));
        };
        let (scope, mut ty, mut path) = if first == "$it" {
            (0, Ty::Image, Vec::new())
        } else if let Some(k) = self.vars.iter().rposition(|(v, _)| v == first) {
            (
                k + 1,
                self.vars.get(k).map_or(Ty::Image, |v| v.1),
                Vec::new(),
            )
        } else {
            match Ty::Image.property(first) {
                Some(ty) => (0, ty, vec![first.clone()]),
                None => {
                    let hint = if self.vars.is_empty() {
                        String::new()
                    } else {
                        let names: Vec<&str> = self.vars.iter().map(|(v, _)| v.as_str()).collect();
                        format!(" (lambda variables in scope: {})", names.join(", "))
                    };
                    return Err(FilterError::new(
                        *first_pos,
                        format!(
                            "Could not find a property named '{first}' on type '{}'{hint}",
                            Ty::Image.graph_name()
                        ),
                    ));
                }
            }
        };
        let mut walked = first.clone();
        for (name, pos) in rest {
            let next = match ty {
                Ty::Image | Ty::Edition | Ty::Update => ty.property(name).ok_or_else(|| {
                    FilterError::new(
                        *pos,
                        format!(
                            "Could not find a property named '{name}' on type '{}'",
                            ty.graph_name()
                        ),
                    )
                })?,
                Ty::Collection(_) => {
                    return Err(FilterError::new(
                        *pos,
                        format!(
                            "'{walked}' is a collection; to test its elements write {walked}/any(x: x/{name} ...)"
                        ),
                    ));
                }
                _ => {
                    return Err(FilterError::new(
                        *pos,
                        format!(
                            "'{walked}' is {} and has no property '{name}'",
                            ty.graph_name()
                        ),
                    ));
                }
            };
            path.push(name.clone());
            walked.push('/');
            walked.push_str(name);
            ty = next;
        }
        Ok((Access { scope, path }, ty))
    }

    fn comparable(
        &self,
        op: CmpOp,
        (l, lt, lpos): (&Operand, Ty, usize),
        (r, rt, rpos): (&Operand, Ty, usize),
        op_pos: usize,
    ) -> Result<(), FilterError> {
        for (ty, pos) in [(lt, lpos), (rt, rpos)] {
            if !ty.is_primitive() {
                let hint = match ty {
                    Ty::Collection(_) => "; to test a collection's elements use any() or all()",
                    _ => "",
                };
                return Err(FilterError::new(
                    pos,
                    format!("{} cannot be compared{hint}", ty.graph_name()),
                ));
            }
        }
        if op.is_ordering() {
            for ty in [lt, rt] {
                if matches!(ty, Ty::Enum(_) | Ty::Bool) {
                    return Err(FilterError::new(
                        op_pos,
                        format!(
                            "{} values can be compared only with eq and ne",
                            ty.graph_name()
                        ),
                    ));
                }
            }
        }
        let enum_vs_literal = match (lt, r, rt, l) {
            (Ty::Enum(kind), Operand::Lit(Literal::Str(s)), _, _) => Some((kind, s, rpos)),
            (_, _, Ty::Enum(kind), Operand::Lit(Literal::Str(s))) => Some((kind, s, lpos)),
            _ => None,
        };
        if let Some((kind, s, pos)) = enum_vs_literal {
            self.enum_member(kind, s, pos)?;
        }
        let ok =
            lt == Ty::Null || rt == Ty::Null || (lt.is_textual() && rt.is_textual()) || lt == rt;
        if ok {
            return Ok(());
        }
        let hint = if (lt == Ty::Date && rt == Ty::String) || (lt == Ty::String && rt == Ty::Date) {
            "; write dates without quotes, as in e/supportEndDate lt 2026-10-13"
        } else {
            ""
        };
        Err(FilterError::new(
            op_pos,
            format!(
                "cannot compare {} with {}{hint}",
                lt.graph_name(),
                rt.graph_name()
            ),
        ))
    }

    fn enum_member(&self, kind: EnumKind, value: &str, pos: usize) -> Result<(), FilterError> {
        if !self.strict_enums || kind.members().contains(&value) {
            return Ok(());
        }
        let suggestion = kind
            .members()
            .iter()
            .find(|m| m.eq_ignore_ascii_case(value))
            .map(|m| format!("; did you mean '{m}'?"))
            .unwrap_or_default();
        Err(FilterError::new(
            pos,
            format!(
                "'{value}' is not a member of {}{suggestion} (members: {})",
                kind.graph_name(),
                kind.members().join(", ")
            ),
        ))
    }
}

fn text_fn(name: &str) -> Option<TextFn> {
    Some(match name {
        "startswith" => TextFn::StartsWith,
        "endswith" => TextFn::EndsWith,
        "contains" => TextFn::Contains,
        _ => return None,
    })
}

fn case_fn(name: &str) -> Option<CaseFn> {
    Some(match name {
        "tolower" => CaseFn::Lower,
        "toupper" => CaseFn::Upper,
        _ => return None,
    })
}

fn unknown_function(name: &str, pos: usize) -> FilterError {
    FilterError::new(
        pos,
        format!("the function '{name}' is not supported (supported functions: {FUNCTIONS})"),
    )
}

fn literal_ty(lit: &Literal) -> Ty {
    match lit {
        Literal::Str(_) => Ty::String,
        Literal::Date(_) => Ty::Date,
        Literal::Int(_) => Ty::Int,
        Literal::Bool(_) => Ty::Bool,
        Literal::Null => Ty::Null,
    }
}

fn describe_literal(lit: &Literal) -> String {
    match lit {
        Literal::Str(s) => format!("'{}'", s.replace('\'', "''")),
        Literal::Date(d) => d.format("%Y-%m-%d").to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Null => "null".to_owned(),
    }
}

fn join(segments: &[(String, usize)]) -> String {
    segments
        .iter()
        .map(|(s, _)| s.as_str())
        .collect::<Vec<_>>()
        .join("/")
}
