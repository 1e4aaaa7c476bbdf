//! The inline side of the walk: text, quotes, emphasis, links, notes and citations, and the
//! references typst resolves at layout, as the pieces of a paragraph.

use typst_syntax::ast::{self, Expr};

use super::Walker;
use super::own_mark;
use crate::docx::model::{Inline, Marks, Reference, plain, previous_char, push_text, trimmed};
use crate::docx::syntax::{callee, cited_key, first_string, named_bool, named_string, string_of};

impl Walker {
    pub(super) fn inline(&mut self, expr: Expr, marks: Marks, out: &mut Vec<Inline>) {
        let text = |s: &str, out: &mut Vec<Inline>| push_text(out, s, marks);
        match expr {
            Expr::Text(t) => text(t.get(), out),
            Expr::Space(_) | Expr::Parbreak(_) => text(" ", out),
            Expr::Linebreak(_) => out.push(Inline::Break),
            Expr::Escape(e) => text(&e.get().to_string(), out),
            Expr::Shorthand(s) => text(&s.get().to_string(), out),
            Expr::SmartQuote(q) => {
                let opening =
                    previous_char(out).is_none_or(|c| c.is_whitespace() || "([{‘“—–-/".contains(c));
                let mark = match (q.double(), opening) {
                    (true, true) => "“",
                    (true, false) => "”",
                    (false, true) => "‘",
                    (false, false) => "’",
                };
                text(mark, out)
            }
            Expr::Strong(s) => {
                for e in s.body().exprs() {
                    self.inline(
                        e,
                        Marks {
                            bold: true,
                            ..marks
                        },
                        out,
                    );
                }
            }
            Expr::Emph(e) => {
                for x in e.body().exprs() {
                    self.inline(
                        x,
                        Marks {
                            italic: true,
                            ..marks
                        },
                        out,
                    );
                }
            }
            Expr::Raw(raw) => {
                let lines: Vec<&str> = raw.lines().map(|l| l.get().as_str()).collect();
                push_text(
                    out,
                    &lines.join(" "),
                    Marks {
                        code: true,
                        ..marks
                    },
                );
            }
            Expr::Link(link) => out.push(Inline::Link(
                link.get().to_string(),
                vec![Inline::text(link.get().as_str())],
            )),
            Expr::Ref(r) => out.push(Inline::Reference(Reference::Label(r.target().to_string()))),
            Expr::Str(s) => text(&s.get(), out),
            Expr::ContentBlock(b) => {
                for e in b.body().exprs() {
                    self.inline(e, marks, out);
                }
            }
            Expr::FuncCall(call) => self.call_inline(call, marks, out),
            Expr::Ident(i) if i.as_str() == "own-mark" => out.push(own_mark()),
            _ => {}
        }
    }

    pub(super) fn call_inline(&mut self, call: ast::FuncCall, marks: Marks, out: &mut Vec<Inline>) {
        let with = |m: Marks| m;
        match callee(call).as_str() {
            "emph" => out.extend(self.content_of(
                call,
                with(Marks {
                    italic: true,
                    ..marks
                }),
            )),
            "strong" => out.extend(self.content_of(
                call,
                Marks {
                    bold: true,
                    ..marks
                },
            )),
            "strike" => out.extend(self.content_of(
                call,
                Marks {
                    strike: true,
                    ..marks
                },
            )),
            "super" => out.extend(self.content_of(
                call,
                Marks {
                    superscript: true,
                    ..marks
                },
            )),
            "sub" => out.extend(self.content_of(
                call,
                Marks {
                    subscript: true,
                    ..marks
                },
            )),
            "upper" => {
                for inline in self.content_of(call, marks) {
                    out.push(match inline {
                        Inline::Text(t, m) => Inline::Text(t.to_uppercase(), m),
                        other => other,
                    });
                }
            }
            "raw" => {
                let text = first_string(call).unwrap_or_default();
                push_text(
                    out,
                    &text,
                    Marks {
                        code: true,
                        ..marks
                    },
                );
            }
            "linebreak" => out.push(Inline::Break),
            "footnote" => {
                let content = self.content_of(call, Marks::default());
                // `#footnote(<label>)` points at a note already made: nothing new to print.
                if !content.is_empty() {
                    out.push(Inline::Note(trimmed(content)));
                }
            }
            "cite" => {
                if let Some(key) = cited_key(call) {
                    let supplement = call.args().items().find_map(|arg| match arg {
                        ast::Arg::Named(n) if n.name().as_str() == "supplement" => match n.expr() {
                            Expr::ContentBlock(b) => {
                                let mut inlines = Vec::new();
                                for e in b.body().exprs() {
                                    self.inline(e, Marks::default(), &mut inlines);
                                }
                                Some(plain(&inlines))
                            }
                            _ => None,
                        },
                        _ => None,
                    });
                    let form = named_string(call, "form");
                    out.push(Inline::Cite {
                        key,
                        form,
                        supplement,
                    });
                }
            }
            "link" => {
                let address = first_string(call).unwrap_or_default();
                let mut content = self.content_of(call, marks);
                if content.is_empty() {
                    content.push(Inline::Text(address.clone(), marks));
                }
                out.push(Inline::Link(address, content));
            }
            "topic-ref" => {
                let id = first_string(call).unwrap_or_default();
                let optional = named_bool(call, "optional");
                let words = self.content_of(call, marks);
                out.push(Inline::Reference(Reference::Topic {
                    id,
                    optional,
                    words,
                }));
            }
            "paras" => {
                let ids = call
                    .args()
                    .items()
                    .filter_map(|arg| match arg {
                        ast::Arg::Pos(expr) => Some(string_of(expr)),
                        _ => None,
                    })
                    .collect();
                out.push(Inline::Reference(Reference::Paras(ids)));
            }
            "text" | "box" | "small-print" | "addressee" | "display-text" | "align" => {
                out.extend(self.content_of(call, marks))
            }
            _ => {}
        }
    }
}
