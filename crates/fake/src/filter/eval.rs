//! Evaluates a checked expression against one image stored as JSON. Never fails: a value of the wrong shape (a
//! catalog seeded with odd data, an enum value written in lenient mode) simply does not match.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::NaiveDate;
use serde_json::Value;

use super::ast::{CmpOp, LambdaKind, Literal};
use super::check::{Access, CaseFn, Expr, Operand, TextFn};
use super::schema::Ty;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
enum Val<'a> {
    Str(Cow<'a, str>),
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
    Null,
    /// Stored data of the wrong shape for its property.
    Bad,
}

/// Whether `expr` holds for the image at the bottom of `stack` (lambda elements are pushed above it).
pub(crate) fn eval<'a>(expr: &'a Expr, stack: &mut Vec<&'a Value>) -> bool {
    match expr {
        Expr::Const(b) => *b,
        Expr::Or(items) => items.iter().any(|e| eval(e, stack)),
        Expr::And(items) => items.iter().all(|e| eval(e, stack)),
        Expr::Not(inner) => !eval(inner, stack),
        Expr::Cmp { op, left, right } => {
            let l = operand(left, stack);
            let r = operand(right, stack);
            compare(*op, &l, &r)
        }
        Expr::In { left, items } => {
            let l = operand(left, stack);
            items
                .iter()
                .any(|item| compare(CmpOp::Eq, &l, &operand(item, stack)))
        }
        Expr::Text { func, left, right } => {
            let (Val::Str(l), Val::Str(r)) = (operand(left, stack), operand(right, stack)) else {
                return false;
            };
            match func {
                TextFn::StartsWith => l.starts_with(&*r),
                TextFn::EndsWith => l.ends_with(&*r),
                TextFn::Contains => l.contains(&*r),
            }
        }
        Expr::Lambda {
            kind,
            collection,
            body,
        } => {
            let Some(Value::Array(items)) = lookup(collection, stack) else {
                return *kind == LambdaKind::All;
            };
            let Some(body) = body else {
                return !items.is_empty();
            };
            let mut test = |item: &'a Value| {
                stack.push(item);
                let hit = eval(body, stack);
                stack.pop();
                hit
            };
            match kind {
                LambdaKind::Any => items.iter().any(&mut test),
                LambdaKind::All => items.iter().all(&mut test),
            }
        }
    }
}

fn lookup<'a>(access: &Access, stack: &[&'a Value]) -> Option<&'a Value> {
    let mut at: &'a Value = stack.get(access.scope)?;
    for name in &access.path {
        at = at.get(name)?;
    }
    Some(at)
}

fn operand<'a>(op: &'a Operand, stack: &mut Vec<&'a Value>) -> Val<'a> {
    match op {
        Operand::Lit(lit) => match lit {
            Literal::Str(s) => Val::Str(Cow::Borrowed(s)),
            Literal::Date(d) => Val::Date(*d),
            Literal::Int(i) => Val::Int(*i),
            Literal::Bool(b) => Val::Bool(*b),
            Literal::Null => Val::Null,
        },
        Operand::Access(access, ty) => from_json(lookup(access, stack), *ty),
        Operand::Case(func, inner) => match operand(inner, stack) {
            Val::Str(s) => Val::Str(Cow::Owned(match func {
                CaseFn::Lower => s.to_lowercase(),
                CaseFn::Upper => s.to_uppercase(),
            })),
            other => other,
        },
        Operand::Cond(expr) => Val::Bool(eval(expr, stack)),
    }
}

/// Reads stored JSON as the type the schema gives it; a missing property is `null`, as in OData.
fn from_json(value: Option<&Value>, ty: Ty) -> Val<'_> {
    match (value, ty) {
        (None | Some(Value::Null), _) => Val::Null,
        (Some(Value::String(s)), Ty::String | Ty::Enum(_)) => Val::Str(Cow::Borrowed(s)),
        (Some(Value::String(s)), Ty::Date) => {
            intune_osimages_model::parse_graph_date(s).map_or(Val::Bad, Val::Date)
        }
        (Some(Value::Number(n)), Ty::Int) => n.as_i64().map_or(Val::Bad, Val::Int),
        (Some(Value::Bool(b)), Ty::Bool) => Val::Bool(*b),
        _ => Val::Bad,
    }
}

fn compare(op: CmpOp, l: &Val<'_>, r: &Val<'_>) -> bool {
    let ordering = match (l, r) {
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        (Val::Str(a), Val::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Val::Date(a), Val::Date(b)) => Some(a.cmp(b)),
        (Val::Int(a), Val::Int(b)) => Some(a.cmp(b)),
        (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let ordered = !matches!((l, r), (Val::Null, _) | (_, Val::Null));
    match (op, ordering) {
        (CmpOp::Eq, o) => o == Some(Ordering::Equal),
        (CmpOp::Ne, o) => o != Some(Ordering::Equal),
        (_, None) => false,
        (_, Some(_)) if !ordered => false,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
    }
}
