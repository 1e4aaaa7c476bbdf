//! The assembled Typst source read as a document, with Typst's own parser: each call of the
//! house style (`#np`, `#heading`, `#list`, `#table`, `#footnote`, `#cite`…) becomes the
//! block or inline it lays out, numbered as typst numbers it. The templates keep the content
//! logic; this only knows what the house style's calls mean.

use std::collections::HashMap;

use typst_syntax::ast::{self, AstNode, Expr};

use super::model::{Block, Document, Inline, Kind, Marks, Properties, Reference};

/// What the walk counted, for the references typst resolves at layout.
#[derive(Debug, Default)]
pub struct Counted {
    /// Each labelled heading's number and title: `answers` → ("10", "Answers to the questions put").
    pub headings: HashMap<String, (String, String)>,
    /// Each part's numbered paragraphs (`#part("risk-on-return")[…]`), first and last.
    pub parts: HashMap<String, (usize, usize)>,
    /// The numbers of the paragraphs resting on the expert's own knowledge.
    pub own_knowledge: Vec<usize>,
}

/// The document in `source`, and what was counted in it.
pub fn read(source: &str) -> (Document, Counted) {
    let root = typst_syntax::parse(source);
    let mut walker = Walker {
        own_knowledge_listed: source.contains("#np-own("),
        ..Walker::default()
    };
    let mut body = Vec::new();
    if let Some(markup) = ast::Markup::from_untyped(&root) {
        walker.blocks(markup, &mut body);
    }
    walker.flush(&mut body);
    let document = Document {
        properties: walker.properties,
        cover: walker.cover,
        body,
    };
    (document, walker.counted)
}

#[derive(Default)]
struct Walker {
    properties: Properties,
    cover: Vec<Block>,
    counted: Counted,
    /// Numbered paragraphs so far.
    paragraphs: usize,
    /// Heading counters by level, and whether the appendices (lettered) have begun.
    headings: Vec<usize>,
    appendices: bool,
    /// Inline content not yet in a paragraph.
    pending: Vec<Inline>,
    /// Whether the methodology's list of own-knowledge paragraphs is printed (typst prints
    /// it only when some paragraph rests on own knowledge).
    own_knowledge_listed: bool,
}

impl Walker {
    /// The blocks of `markup`, appended to `out`.
    fn blocks(&mut self, markup: ast::Markup, out: &mut Vec<Block>) {
        for expr in markup.exprs() {
            match expr {
                Expr::Parbreak(_) => self.flush(out),
                Expr::Heading(heading) => {
                    self.flush(out);
                    let (content, label) = self.heading_body(heading.body());
                    let level = heading.depth().get();
                    out.push(self.heading(level, content, label));
                }
                Expr::ListItem(item) => {
                    self.flush(out);
                    let blocks = self.nested(item.body());
                    push_item(out, false, blocks);
                }
                Expr::EnumItem(item) => {
                    self.flush(out);
                    let blocks = self.nested(item.body());
                    push_item(out, true, blocks);
                }
                // `= Answers to the questions put <answers>`: the label names the heading.
                Expr::Label(label) => {
                    if let Some(Block::Heading {
                        number: Some(number),
                        content,
                        ..
                    }) = out.last()
                    {
                        self.counted
                            .headings
                            .insert(label.get().to_string(), (number.clone(), plain(content)));
                    }
                }
                Expr::SetRule(rule) => self.set_rule(rule),
                Expr::ShowRule(rule) => match rule.transform() {
                    // `#show: appendices`: headings from here are lettered.
                    Expr::Ident(i) if i.as_str() == "appendices" => {
                        self.appendices = true;
                        self.headings.clear();
                    }
                    Expr::FuncCall(call) if callee(call) == "report-style.with" => {
                        self.house_style(call)
                    }
                    _ => {}
                },
                Expr::FuncCall(call) => self.block_call(call, out),
                Expr::ContentBlock(block) => self.blocks(block.body(), out),
                Expr::Space(_) if self.pending.is_empty() => {}
                other => {
                    let mut inlines = std::mem::take(&mut self.pending);
                    self.inline(other, Marks::default(), &mut inlines);
                    self.pending = inlines;
                }
            }
        }
    }

    /// Blocks inside a list item, a table cell or a box.
    fn nested(&mut self, markup: ast::Markup) -> Vec<Block> {
        let saved = std::mem::take(&mut self.pending);
        let mut blocks = Vec::new();
        self.blocks(markup, &mut blocks);
        self.flush(&mut blocks);
        self.pending = saved;
        blocks
    }

    /// The pending inline content as a body paragraph.
    fn flush(&mut self, out: &mut Vec<Block>) {
        let content = std::mem::take(&mut self.pending);
        if content
            .iter()
            .any(|i| !matches!(i, Inline::Text(t, _) if t.trim().is_empty()))
        {
            out.push(Block::Paragraph {
                number: None,
                kind: Kind::Body,
                content: trimmed(content),
            });
        }
    }

    /// The settings of `#show: report-style.with(…)`: paper, type, header, watermark.
    fn house_style(&mut self, call: ast::FuncCall) {
        let p = &mut self.properties;
        p.paper = named_string(call, "paper").unwrap_or_else(|| "a4".into());
        p.body_pt = named_pt(call, "body-size").unwrap_or(11.0);
        p.small_pt = named_pt(call, "small-size").unwrap_or(8.5);
        p.line_spacing = match named(call, "line-spacing") {
            Some(Expr::Float(f)) => Some(f.get()),
            Some(Expr::Int(i)) => Some(i.get() as f64),
            _ => None,
        };
        p.us = named_string(call, "region").as_deref() == Some("us");
        let content = |name: &str| match named(call, name) {
            Some(expr @ Expr::ContentBlock(_)) => string_of(expr),
            _ => String::new(),
        };
        p.reference = content("reference");
        p.status = content("status");
        p.watermark = named_string(call, "watermark");
    }

    fn set_rule(&mut self, rule: ast::SetRule) {
        if !matches!(rule.target(), Expr::Ident(i) if i.as_str() == "document") {
            return;
        }
        for arg in rule.args().items() {
            let ast::Arg::Named(named) = arg else {
                continue;
            };
            match (named.name().as_str(), named.expr()) {
                ("title", expr) => self.properties.title = string_of(expr),
                ("author", expr) => self.properties.author = string_of(expr),
                ("keywords", Expr::Array(array)) => {
                    self.properties.keywords = array
                        .items()
                        .filter_map(|item| match item {
                            ast::ArrayItem::Pos(expr) => Some(string_of(expr)),
                            _ => None,
                        })
                        .collect()
                }
                _ => {}
            }
        }
    }

    fn heading(&mut self, level: usize, content: Vec<Inline>, label: Option<String>) -> Block {
        if self.headings.len() < level {
            self.headings.resize(level, 0);
        }
        self.headings[level - 1] += 1;
        self.headings.truncate(level);
        let parts: Vec<String> = self
            .headings
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if self.appendices && i == 0 {
                    letter(*n)
                } else {
                    n.to_string()
                }
            })
            .collect();
        let number = if self.appendices && level == 1 {
            format!("Appendix {}:", parts[0])
        } else {
            parts.join(".")
        };
        if let Some(label) = label {
            self.counted
                .headings
                .insert(label, (number.clone(), plain(&content)));
        }
        Block::Heading {
            level,
            number: Some(number),
            content,
        }
    }

    /// A heading's text, and the label after it (`== Minorities <topic-minorities>`).
    fn heading_body(&mut self, markup: ast::Markup) -> (Vec<Inline>, Option<String>) {
        let mut label = None;
        let mut content = Vec::new();
        for expr in markup.exprs() {
            match expr {
                Expr::Label(l) => label = Some(l.get().to_string()),
                other => self.inline(other, Marks::default(), &mut content),
            }
        }
        (trimmed(content), label)
    }

    fn block_call(&mut self, call: ast::FuncCall, out: &mut Vec<Block>) {
        let name = callee(call);
        let name = name.as_str();
        match name {
            "np" | "np-own" => {
                self.flush(out);
                self.paragraphs += 1;
                let number = self.paragraphs;
                let mut content = self.content_of(call, Marks::default());
                if name == "np-own" {
                    self.counted.own_knowledge.push(number);
                    content.push(Inline::text(" "));
                    content.push(own_mark());
                }
                out.push(Block::Paragraph {
                    number: Some(number),
                    kind: Kind::Body,
                    content: trimmed(content),
                });
            }
            "own-knowledge-paras" => {
                self.flush(out);
                if self.own_knowledge_listed {
                    self.paragraphs += 1;
                    out.push(Block::Paragraph {
                        number: Some(self.paragraphs),
                        kind: Kind::Body,
                        content: vec![Inline::Reference(Reference::Label(OWN_KNOWLEDGE.into()))],
                    });
                }
            }
            "par" | "par-own" => {
                self.flush(out);
                let mut content = self.content_of(call, Marks::default());
                if name == "par-own" {
                    content.push(Inline::text(" "));
                    content.push(own_mark());
                }
                out.push(Block::Paragraph {
                    number: None,
                    kind: Kind::Body,
                    content: trimmed(content),
                });
            }
            "heading" => {
                self.flush(out);
                let level = named_int(call, "level").unwrap_or(1);
                let content = self.content_of(call, Marks::default());
                out.push(self.heading(level, trimmed(content), None));
            }
            "list" | "enum" => {
                self.flush(out);
                let start = named_int(call, "start").unwrap_or(1);
                let items = self.content_args(call);
                out.push(Block::List {
                    ordered: name == "enum",
                    start,
                    items,
                });
            }
            "table" | "fact-table" => {
                self.flush(out);
                out.push(self.table(call, name == "fact-table"));
            }
            "quote" | "pad" => {
                self.flush(out);
                for blocks in self.content_args(call) {
                    out.extend(blocks.into_iter().map(|b| with_kind(b, Kind::Quote)));
                }
            }
            "notice" | "expert-note" => {
                self.flush(out);
                let mut blocks: Vec<Block> = self.content_args(call).concat();
                if name == "expert-note" {
                    blocks.insert(
                        0,
                        Block::Paragraph {
                            number: None,
                            kind: Kind::Notice,
                            content: vec![Inline::Text(
                                "Note to the expert, not part of the report.".into(),
                                Marks {
                                    bold: true,
                                    ..Marks::default()
                                },
                            )],
                        },
                    );
                }
                out.extend(blocks.into_iter().map(|b| with_kind(b, Kind::Notice)));
            }
            "small-print" | "addressee" => {
                let kind = if name == "small-print" {
                    Kind::Small
                } else {
                    Kind::Display
                };
                let content = self.content_of(call, Marks::default());
                self.flush(out);
                out.push(Block::Paragraph {
                    number: None,
                    kind,
                    content: trimmed(content),
                });
            }
            "page" => {
                // The cover: `#page(header: none, display-text[…])`.
                self.flush(out);
                let mut cover = Vec::new();
                for blocks in self.content_args(call) {
                    cover.extend(blocks);
                }
                self.cover.extend(cover);
            }
            "text" if named_size(call).is_some_and(|size| size >= 18.0) => {
                self.flush(out);
                let content = self.content_of(
                    call,
                    Marks {
                        bold: true,
                        ..Marks::default()
                    },
                );
                out.push(Block::Paragraph {
                    number: None,
                    kind: Kind::Title,
                    content: trimmed(content),
                });
            }
            "text" if named_size(call).is_some() => {
                self.flush(out);
                let content = self.content_of(call, Marks::default());
                out.push(Block::Paragraph {
                    number: None,
                    kind: Kind::Display,
                    content: trimmed(content),
                });
            }
            "outline" => {
                self.flush(out);
                out.push(Block::Contents);
            }
            "pagebreak" => {
                self.flush(out);
                out.push(Block::PageBreak);
            }
            "image" => {
                self.flush(out);
                if let Some(file) = first_string(call) {
                    let height_cm = named_length_cm(call, "height").unwrap_or(1.6);
                    out.push(Block::Image { file, height_cm });
                }
            }
            "line" => {
                self.flush(out);
                out.push(Block::Rule);
            }
            "bibliography" => {
                self.flush(out);
                out.push(Block::Bibliography);
            }
            // A hidden box (the bibliography typst needs but does not print), spacing, marks.
            "box" | "v" | "h" | "metadata" | "counter" | "hide" | "mark" => {}
            // Containers whose content is laid out in place.
            "block" | "align" | "display-text" | "part" | "context" => {
                if name == "part" {
                    self.part(call, out);
                } else {
                    for arg in call.args().items() {
                        if let ast::Arg::Pos(Expr::ContentBlock(block)) = arg {
                            self.blocks(block.body(), out);
                        } else if let ast::Arg::Pos(Expr::FuncCall(inner)) = arg {
                            self.block_call(inner, out);
                        }
                    }
                }
            }
            _ => {
                let mut inlines = std::mem::take(&mut self.pending);
                self.call_inline(call, Marks::default(), &mut inlines);
                self.pending = inlines;
            }
        }
    }

    /// `#part("id")[…]`: its blocks, with the numbered paragraphs it holds counted.
    fn part(&mut self, call: ast::FuncCall, out: &mut Vec<Block>) {
        let id = first_string(call).unwrap_or_default();
        let first = self.paragraphs + 1;
        for arg in call.args().items() {
            if let ast::Arg::Pos(Expr::ContentBlock(block)) = arg {
                self.blocks(block.body(), out);
            }
        }
        self.flush(out);
        self.counted.parts.insert(id, (first, self.paragraphs));
    }

    fn table(&mut self, call: ast::FuncCall, facts: bool) -> Block {
        let mut columns = if facts { 2 } else { 1 };
        let mut cells = Vec::new();
        let mut header = false;
        for arg in call.args().items() {
            match arg {
                ast::Arg::Named(named) if named.name().as_str() == "columns" => {
                    columns = match named.expr() {
                        Expr::Int(n) => n.get().max(1) as usize,
                        Expr::Array(array) => array.items().count().max(1),
                        _ => columns,
                    }
                }
                ast::Arg::Pos(Expr::ContentBlock(block)) => cells.push(self.nested(block.body())),
                ast::Arg::Pos(Expr::FuncCall(inner)) if callee(inner) == "table.header" => {
                    header = true;
                    for cell in self.content_args(inner) {
                        cells.push(cell);
                    }
                }
                // A fact-table row: `([Label], [Value])`.
                ast::Arg::Pos(Expr::Array(row)) => {
                    for item in row.items() {
                        if let ast::ArrayItem::Pos(Expr::ContentBlock(block)) = item {
                            cells.push(self.nested(block.body()));
                        }
                    }
                }
                _ => {}
            }
        }
        Block::Table {
            columns,
            header,
            cells,
            ruled: !facts,
        }
    }

    /// Each content-block argument of `call`, as blocks.
    fn content_args(&mut self, call: ast::FuncCall) -> Vec<Vec<Block>> {
        let mut out = Vec::new();
        for arg in call.args().items() {
            match arg {
                ast::Arg::Pos(Expr::ContentBlock(block)) => out.push(self.nested(block.body())),
                ast::Arg::Pos(Expr::FuncCall(inner)) => {
                    let mut blocks = Vec::new();
                    let saved = std::mem::take(&mut self.pending);
                    self.block_call(inner, &mut blocks);
                    self.flush(&mut blocks);
                    self.pending = saved;
                    out.push(blocks);
                }
                _ => {}
            }
        }
        out
    }

    /// The inline content of `call`'s content arguments.
    fn content_of(&mut self, call: ast::FuncCall, marks: Marks) -> Vec<Inline> {
        let mut out = Vec::new();
        for arg in call.args().items() {
            match arg {
                ast::Arg::Pos(Expr::ContentBlock(block)) => {
                    for expr in block.body().exprs() {
                        self.inline(expr, marks, &mut out);
                    }
                }
                ast::Arg::Pos(Expr::FuncCall(inner)) => self.call_inline(inner, marks, &mut out),
                _ => {}
            }
        }
        out
    }

    fn inline(&mut self, expr: Expr, marks: Marks, out: &mut Vec<Inline>) {
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

    fn call_inline(&mut self, call: ast::FuncCall, marks: Marks, out: &mut Vec<Inline>) {
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

/// The label the methodology's list of own-knowledge paragraphs is resolved under.
pub const OWN_KNOWLEDGE: &str = "witness-own-knowledge-list";

fn own_mark() -> Inline {
    Inline::Text(
        "(own knowledge)".into(),
        Marks {
            italic: true,
            ..Marks::default()
        },
    )
}

fn push_item(out: &mut Vec<Block>, ordered: bool, blocks: Vec<Block>) {
    if let Some(Block::List {
        ordered: o, items, ..
    }) = out.last_mut()
        && *o == ordered
    {
        items.push(blocks);
        return;
    }
    out.push(Block::List {
        ordered,
        start: 1,
        items: vec![blocks],
    });
}

fn with_kind(block: Block, kind: Kind) -> Block {
    match block {
        Block::Paragraph {
            number, content, ..
        } => Block::Paragraph {
            number,
            kind,
            content,
        },
        other => other,
    }
}

/// Appends text, joined to the run before it when the marks are the same.
fn push_text(out: &mut Vec<Inline>, text: &str, marks: Marks) {
    if let Some(Inline::Text(last, m)) = out.last_mut()
        && *m == marks
    {
        last.push_str(text);
        return;
    }
    out.push(Inline::Text(text.to_string(), marks));
}

fn previous_char(out: &[Inline]) -> Option<char> {
    match out.last()? {
        Inline::Text(t, _) => t.chars().last(),
        _ => Some('x'),
    }
}

/// Runs of white space as one space, none at the ends: as typst lays out markup.
fn trimmed(content: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for inline in content {
        match inline {
            Inline::Text(text, marks) => {
                let mut folded = String::with_capacity(text.len());
                let mut space = false;
                for c in text.chars() {
                    if c.is_whitespace() && c != '\u{a0}' {
                        space = true;
                    } else {
                        if space {
                            folded.push(' ');
                        }
                        space = false;
                        folded.push(c);
                    }
                }
                if space {
                    folded.push(' ');
                }
                let joins_space = folded.starts_with(' ')
                    && out
                        .last()
                        .is_some_and(|l| matches!(l, Inline::Text(t, _) if t.ends_with(' ')));
                let folded = if joins_space {
                    folded[1..].to_string()
                } else {
                    folded
                };
                if !folded.is_empty() {
                    out.push(Inline::Text(folded, marks));
                }
            }
            other => out.push(other),
        }
    }
    if let Some(Inline::Text(first, _)) = out.first_mut() {
        *first = first.trim_start().to_string();
    }
    if let Some(Inline::Text(last, _)) = out.last_mut() {
        *last = last.trim_end().to_string();
    }
    out.retain(|i| !matches!(i, Inline::Text(t, _) if t.is_empty()));
    out
}

/// The text of inline content, without its marks.
pub fn plain(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Text(t, _) => out.push_str(t),
            Inline::Link(_, c) => out.push_str(&plain(c)),
            Inline::Break => out.push(' '),
            _ => {}
        }
    }
    out
}

fn letter(n: usize) -> String {
    char::from_u32('A' as u32 + (n.saturating_sub(1) as u32 % 26))
        .map_or_else(String::new, String::from)
}

fn callee(call: ast::FuncCall) -> String {
    match call.callee() {
        Expr::Ident(i) => i.as_str().to_string(),
        Expr::FieldAccess(a) => match a.target() {
            Expr::Ident(i) => format!("{}.{}", i.as_str(), a.field().as_str()),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn string_of(expr: Expr) -> String {
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

fn first_string(call: ast::FuncCall) -> Option<String> {
    call.args().items().find_map(|arg| match arg {
        ast::Arg::Pos(Expr::Str(s)) => Some(s.get().to_string()),
        _ => None,
    })
}

fn named<'a>(call: ast::FuncCall<'a>, name: &str) -> Option<Expr<'a>> {
    call.args().items().find_map(|arg| match arg {
        ast::Arg::Named(n) if n.name().as_str() == name => Some(n.expr()),
        _ => None,
    })
}

fn named_string(call: ast::FuncCall, name: &str) -> Option<String> {
    match named(call, name)? {
        Expr::Str(s) => Some(s.get().to_string()),
        _ => None,
    }
}

fn named_int(call: ast::FuncCall, name: &str) -> Option<usize> {
    match named(call, name)? {
        Expr::Int(n) => usize::try_from(n.get()).ok(),
        _ => None,
    }
}

fn named_bool(call: ast::FuncCall, name: &str) -> bool {
    matches!(named(call, name), Some(Expr::Bool(b)) if b.get())
}

/// A `size: 24pt` argument, in points.
fn named_size(call: ast::FuncCall) -> Option<f64> {
    named_pt(call, "size")
}

fn named_pt(call: ast::FuncCall, name: &str) -> Option<f64> {
    match named(call, name)? {
        Expr::Numeric(n) => match n.get() {
            (value, ast::Unit::Pt) => Some(value),
            _ => None,
        },
        _ => None,
    }
}

fn named_length_cm(call: ast::FuncCall, name: &str) -> Option<f64> {
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
fn cited_key(call: ast::FuncCall) -> Option<String> {
    match call.args().items().next()? {
        ast::Arg::Pos(Expr::Label(label)) => Some(label.get().to_string()),
        ast::Arg::Pos(Expr::FuncCall(inner)) if callee(inner) == "label" => first_string(inner),
        _ => None,
    }
}

/// Every call of `name` anywhere below `node`, in source order.
fn calls<'a>(node: &'a typst_syntax::SyntaxNode, name: &str, out: &mut Vec<ast::FuncCall<'a>>) {
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
