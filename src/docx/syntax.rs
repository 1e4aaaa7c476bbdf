//! Reading the arguments of a Typst call from its syntax tree: the callee's name, strings,
//! numbers and lengths, a citation's key, and calls anywhere below a node.

use typst_syntax::ast::{self, AstNode, Expr};

pub fn callee(call: ast::FuncCall) -> String {
    match call.callee() {
        Expr::Ident(i) => i.as_str().to_string(),
        Expr::FieldAccess(a) => match a.target() {
            Expr::Ident(i) => format!("{}.{}", i.as_str(), a.field().as_str()),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

pub fn string_of(expr: Expr) -> String {
    match expr {
        Expr::Str(s) => s.get().to_string(),
        Expr::ContentBlock(b) => b
            .body()
            .exprs()
            .filter_map(|e| match e {
                Expr::Text(t) => Some(t.get().to_string()),
                Expr::Space(_) => Some(" ".into()),
                Expr::Escape(e) => Some(e.get().to_string()),
                _ => None,
            })
            .collect(),
        Expr::Binary(b) => string_of(b.lhs()) + &string_of(b.rhs()),
        _ => String::new(),
    }
}

pub fn first_string(call: ast::FuncCall) -> Option<String> {
    call.args().items().find_map(|arg| match arg {
        ast::Arg::Pos(Expr::Str(s)) => Some(s.get().to_string()),
        _ => None,
    })
}

pub fn named<'a>(call: ast::FuncCall<'a>, name: &str) -> Option<Expr<'a>> {
    call.args().items().find_map(|arg| match arg {
        ast::Arg::Named(n) if n.name().as_str() == name => Some(n.expr()),
        _ => None,
    })
}

pub fn named_string(call: ast::FuncCall, name: &str) -> Option<String> {
    match named(call, name)? {
        Expr::Str(s) => Some(s.get().to_string()),
        _ => None,
    }
}

pub fn named_int(call: ast::FuncCall, name: &str) -> Option<usize> {
    match named(call, name)? {
        Expr::Int(n) => usize::try_from(n.get()).ok(),
        _ => None,
    }
}

pub fn named_bool(call: ast::FuncCall, name: &str) -> bool {
    matches!(named(call, name), Some(Expr::Bool(b)) if b.get())
}

/// A `size: 24pt` argument, in points.
pub fn named_size(call: ast::FuncCall) -> Option<f64> {
    named_pt(call, "size")
}

pub fn named_pt(call: ast::FuncCall, name: &str) -> Option<f64> {
    match named(call, name)? {
        Expr::Numeric(n) => match n.get() {
            (value, ast::Unit::Pt) => Some(value),
            _ => None,
        },
        _ => None,
    }
}

pub fn named_length_cm(call: ast::FuncCall, name: &str) -> Option<f64> {
    match named(call, name)? {
        Expr::Numeric(n) => match n.get() {
            (value, ast::Unit::Cm) => Some(value),
            (value, ast::Unit::Mm) => Some(value / 10.0),
            (value, ast::Unit::Pt) => Some(value / 28.3465),
            _ => None,
        },
        _ => None,
    }
}

/// The key of `#cite(label("key"), …)`.
pub fn cited_key(call: ast::FuncCall) -> Option<String> {
    match call.args().items().next()? {
        ast::Arg::Pos(Expr::Label(label)) => Some(label.get().to_string()),
        ast::Arg::Pos(Expr::FuncCall(inner)) if callee(inner) == "label" => first_string(inner),
        _ => None,
    }
}

/// Every call of `name` anywhere below `node`, in source order.
pub fn calls<'a>(node: &'a typst_syntax::SyntaxNode, name: &str, out: &mut Vec<ast::FuncCall<'a>>) {
    for child in node.children() {
        if let Some(call) = ast::FuncCall::from_untyped(child)
            && callee(call) == name
        {
            out.push(call);
        }
        calls(child, name, out);
    }
}

/// The CSL file the report's bibliography (printed or hidden) is formatted with.
pub fn citation_style(source: &str) -> Option<String> {
    let root = typst_syntax::parse(source);
    let mut found = Vec::new();
    calls(&root, "bibliography", &mut found);
    found
        .into_iter()
        .find_map(|call| named_string(call, "style"))
}

/// The date `#set document(date: datetime(…))` gives, as `2026-11-20`.
pub fn document_date(source: &str) -> Option<String> {
    let root = typst_syntax::parse(source);
    let mut found = Vec::new();
    calls(&root, "datetime", &mut found);
    let call = found.into_iter().next()?;
    let part = |name: &str| named_int(call, name);
    Some(format!(
        "{:04}-{:02}-{:02}",
        part("year")?,
        part("month")?,
        part("day")?
    ))
}
