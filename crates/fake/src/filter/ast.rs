//! The untyped syntax tree the parser builds; the checker gives it types and meaning.

use chrono::NaiveDate;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
    Null,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    /// The operator for a keyword, if it is one.
    pub(crate) fn from_keyword(s: &str) -> Option<CmpOp> {
        Some(match s {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            _ => return None,
        })
    }

    /// Whether the operator orders values rather than testing equality.
    pub(crate) fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// `any` or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LambdaKind {
    Any,
    All,
}

/// A lambda at the end of a path: `/any(v: body)`, `/all(v: body)`, or `/any()`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lambda {
    pub(crate) kind: LambdaKind,
    pub(crate) pos: usize,
    /// The variable (with its position) and the body; `None` for `any()`.
    pub(crate) body: Option<(String, usize, Box<Ast>)>,
}

/// A node of the syntax tree; `pos` is the 1-based character position it starts at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ast {
    /// `a or b or c`, flattened so long chains do not deepen the tree.
    Or(Vec<Ast>),
    /// `a and b and c`, flattened.
    And(Vec<Ast>),
    Not(Box<Ast>, usize),
    Cmp {
        op: CmpOp,
        left: Box<Ast>,
        right: Box<Ast>,
        pos: usize,
    },
    In {
        left: Box<Ast>,
        items: Vec<Ast>,
        pos: usize,
    },
    Lit(Literal, usize),
    /// `a/b/c`, optionally ending in a lambda.
    Path {
        segments: Vec<(String, usize)>,
        lambda: Option<Lambda>,
    },
    Call {
        name: String,
        args: Vec<Ast>,
        pos: usize,
    },
}

impl Ast {
    /// The position the node starts at.
    pub(crate) fn pos(&self) -> usize {
        match self {
            Ast::Or(items) | Ast::And(items) => items.first().map_or(1, Ast::pos),
            Ast::Cmp { left, .. } | Ast::In { left, .. } => left.pos(),
            Ast::Not(_, pos) | Ast::Lit(_, pos) | Ast::Call { pos, .. } => *pos,
            Ast::Path { segments, lambda } => segments
                .first()
                .map(|s| s.1)
                .or(lambda.as_ref().map(|l| l.pos))
                .unwrap_or(1),
        }
    }
}
