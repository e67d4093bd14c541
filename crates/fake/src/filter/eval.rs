//! Evaluates a checked expression against one image: a `serde_json::Value`, or the filterable properties the store
//! keeps parsed beside an image's text (see `fields.rs`). Never fails: a value of the wrong shape (a catalog seeded
//! with odd data, an enum value written in lenient mode) simply does not match.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::NaiveDate;
use serde_json::Value;

use super::ast::{CmpOp, LambdaKind, Literal};
use super::check::{Access, CaseFn, Expr, Operand, TextFn};
use super::schema::Ty;

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Str(Cow<'a, str>),
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
    Null,
    /// Stored data of the wrong shape for its property.
    Bad,
}

/// A JSON value as the evaluator reads it: an object's members by name, an array's elements, and a primitive read as
/// the type the schema gives it.
pub(crate) trait Tree<'a>: Copy {
    /// The elements of an array.
    type Items: Iterator<Item = Self>;

    /// The member `name` of an object; `None` for a missing member or a value that is not an object.
    fn member(self, name: &str) -> Option<Self>;

    /// The elements, when the value is an array.
    fn items(self) -> Option<Self::Items>;

    /// The value read as `ty`: `null` is [`Val::Null`], a value of another type [`Val::Bad`].
    fn read(self, ty: Ty) -> Val<'a>;
}

impl<'a> Tree<'a> for &'a Value {
    type Items = std::slice::Iter<'a, Value>;

    fn member(self, name: &str) -> Option<Self> {
        self.get(name)
    }

    fn items(self) -> Option<Self::Items> {
        self.as_array().map(|items| items.iter())
    }

    fn read(self, ty: Ty) -> Val<'a> {
        match (self, ty) {
            (Value::Null, _) => Val::Null,
            (Value::String(s), Ty::String | Ty::Enum(_)) => Val::Str(Cow::Borrowed(s)),
            (Value::String(s), Ty::Date) => {
                intune_osimages_model::parse_graph_date(s).map_or(Val::Bad, Val::Date)
            }
            (Value::Number(n), Ty::Int) => n.as_i64().map_or(Val::Bad, Val::Int),
            (Value::Bool(b), Ty::Bool) => Val::Bool(*b),
            _ => Val::Bad,
        }
    }
}

/// Whether `expr` holds for the image at the bottom of `stack` (lambda elements are pushed above it).
pub(crate) fn eval<'a, T: Tree<'a>>(expr: &'a Expr, stack: &mut Vec<T>) -> bool {
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
            let Some(mut items) = lookup(collection, stack).and_then(T::items) else {
                return *kind == LambdaKind::All;
            };
            let Some(body) = body else {
                return items.next().is_some();
            };
            let mut test = |item: T| {
                stack.push(item);
                let hit = eval(body, stack);
                stack.pop();
                hit
            };
            match kind {
                LambdaKind::Any => items.any(&mut test),
                LambdaKind::All => items.all(&mut test),
            }
        }
    }
}

fn lookup<'a, T: Tree<'a>>(access: &Access, stack: &[T]) -> Option<T> {
    let mut at = *stack.get(access.scope)?;
    for name in &access.path {
        at = at.member(name)?;
    }
    Some(at)
}

fn operand<'a, T: Tree<'a>>(op: &'a Operand, stack: &mut Vec<T>) -> Val<'a> {
    match op {
        Operand::Lit(lit) => match lit {
            Literal::Str(s) => Val::Str(Cow::Borrowed(s)),
            Literal::Date(d) => Val::Date(*d),
            Literal::Int(i) => Val::Int(*i),
            Literal::Bool(b) => Val::Bool(*b),
            Literal::Null => Val::Null,
        },
        // A missing property is `null`, as in OData.
        Operand::Access(access, ty) => lookup(access, stack).map_or(Val::Null, |v| v.read(*ty)),
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
