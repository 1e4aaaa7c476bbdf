//! The assembled Typst source read as a document, with Typst's own parser: each call of the
//! house style (`#np`, `#heading`, `#list`, `#table`, `#footnote`, `#cite`…) becomes the
//! block or inline it lays out, numbered as typst numbers it. The templates keep the content
//! logic; this only knows what the house style's calls mean.

mod inline;

use std::collections::HashMap;

use typst_syntax::ast::{self, AstNode, Expr};

use super::model::{
    Block, Document, Inline, Kind, Marks, Numbered, Properties, Reference, plain, trimmed,
};
use super::syntax::{
    callee, first_string, named, named_int, named_length_cm, named_pt, named_size, named_string,
    string_of,
};

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
    let mut own = Vec::new();
    crate::docx::syntax::calls(&root, "np-own", &mut own);
    let mut walker = Walker {
        own_knowledge_listed: !own.is_empty(),
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
        // `#heading(level: 0)` is refused by typst; here it is a level 1.
        let level = level.max(1);
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
                let id = named_string(call, "id").unwrap_or_default();
                out.push(Block::Paragraph {
                    number: Some(Numbered { number, id }),
                    kind: Kind::Body,
                    content: trimmed(content),
                });
            }
            "own-knowledge-paras" => {
                self.flush(out);
                if self.own_knowledge_listed {
                    self.paragraphs += 1;
                    out.push(Block::Paragraph {
                        number: Some(Numbered {
                            number: self.paragraphs,
                            id: OWN_KNOWLEDGE_LIST.into(),
                        }),
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
}

/// The ID style.typ gives the methodology's list of own-knowledge paragraphs.
const OWN_KNOWLEDGE_LIST: &str = "methodology.own-knowledge-list";

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

fn letter(n: usize) -> String {
    char::from_u32('A' as u32 + (n.saturating_sub(1) as u32 % 26))
        .map_or_else(String::new, String::from)
}
