//! The numbered paragraphs of an assembled report, read from its Typst source with Typst's
//! own parser: each paragraph's ID, number and text as a reader sees it.
//!
//! Numbers are the order of the `#np` calls in the source, which is how the `witness-paragraph`
//! counter of style.typ steps: every numbered paragraph is written by witness (a template, a
//! brief or a case field), none is made by Typst code at layout time except the methodology's
//! list of own-knowledge paragraphs, which is mirrored here.

use typst_syntax::ast::{self, AstNode, Expr};

/// A numbered paragraph as found in the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// The `id:` of its `#np` call; empty when the call has none.
    pub id: String,
    /// The text of the paragraph, and of the lists, quotations and tables under it.
    pub text: String,
    /// The text of its footnotes, in order.
    pub notes: Vec<String>,
    /// The citation keys it cites, in order, each once.
    pub cites: Vec<String>,
    /// It rests on the expert's own knowledge (`#np-own`).
    pub own_knowledge: bool,
}

/// Every numbered paragraph of `source`, in document order.
pub fn paragraphs(source: &str) -> Vec<Found> {
    let root = typst_syntax::parse(source);
    let mut walker = Walker::default();
    if let Some(markup) = ast::Markup::from_untyped(&root) {
        walker.markup(markup);
    }
    // The list of own-knowledge paragraphs is a numbered paragraph only when there are some.
    let own: Vec<usize> = (walker.found.iter().enumerate())
        .filter(|(_, p)| p.own_knowledge)
        .map(|(i, _)| i + 1)
        .collect();
    let headings = crate::docx::heading_numbers(source);
    walker
        .found
        .into_iter()
        .filter(|p| p.id != OWN_KNOWLEDGE_LIST || !own.is_empty())
        .map(|mut p| {
            if p.id == OWN_KNOWLEDGE_LIST {
                p.text = own_knowledge_list(&own);
            }
            if p.text.contains(REF_OPEN) {
                p.text = references_resolved(&p.text, &headings);
            }
            p
        })
        .collect()
}

/// Around the target of a reference in a paragraph's text until it is resolved; a link to a
/// topic has its words after the split.
const REF_OPEN: char = '\u{E010}';
const REF_SPLIT: char = '\u{E012}';
const REF_CLOSE: char = '\u{E011}';

/// `text` with each marked reference as typst prints it: a reference to a heading as
/// "Section 10"; a link to a topic as "section 6.1, Freedom of speech and the media" (after
/// its words, in brackets, when optional; its words alone when the report leaves the topic
/// out).
fn references_resolved(
    text: &str,
    headings: &std::collections::HashMap<String, (String, String)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(REF_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + REF_OPEN.len_utf8()..];
        let close = after.find(REF_CLOSE).unwrap_or(after.len());
        let marked = &after[..close];
        match marked.split_once(REF_SPLIT) {
            Some((target, words)) => {
                let (label, optional) = match target.strip_suffix('?') {
                    Some(label) => (label, true),
                    None => (target, false),
                };
                match headings.get(label) {
                    Some((number, title)) if optional => {
                        out.push_str(&format!("{words} (section {number}, {title})"))
                    }
                    Some((number, title)) => out.push_str(&format!("section {number}, {title}")),
                    None => out.push_str(words),
                }
            }
            None => match headings.get(marked) {
                Some((number, _)) => out.push_str(&format!("Section {number}")),
                None => out.push_str(&format!("@{marked}")),
            },
        }
        rest = after.get(close + REF_CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The ID style.typ gives the paragraph `own-knowledge-paras()` writes.
const OWN_KNOWLEDGE_LIST: &str = "methodology.own-knowledge-list";

fn own_knowledge_list(numbers: &[usize]) -> String {
    let listed: Vec<String> = numbers.iter().map(usize::to_string).collect();
    let listed = match listed.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    if numbers.len() == 1 {
        format!("Paragraph {listed} rests on my own knowledge and is marked \"(own knowledge)\".")
    } else {
        format!("Paragraphs {listed} rest on my own knowledge and are marked \"(own knowledge)\".")
    }
}

/// Calls whose content is shown under the paragraph before them.
const BLOCKS: &[&str] = &[
    "list",
    "enum",
    "table",
    "quote",
    "pad",
    "notice",
    "terms",
    "figure",
    "block",
    "align",
    "expert-note",
    "par",
    "par-own",
];

#[derive(Default)]
struct Walker {
    found: Vec<Found>,
    /// The paragraph that text outside any paragraph belongs to: the last one, until a heading.
    open: bool,
}

impl Walker {
    fn markup(&mut self, markup: ast::Markup) {
        for expr in markup.exprs() {
            match expr {
                Expr::Heading(_) => self.open = false,
                Expr::FuncCall(call) => self.call(call),
                Expr::ListItem(_)
                | Expr::EnumItem(_)
                | Expr::Strong(_)
                | Expr::Emph(_)
                | Expr::Text(_) => self.attach(|text| text.expr(expr)),
                Expr::ContentBlock(block) => self.markup(block.body()),
                Expr::Contextual(_) => {}
                _ => {}
            }
        }
    }

    fn call(&mut self, call: ast::FuncCall) {
        let name = callee(call);
        match name {
            "np" | "np-own" => {
                let mut text = Text::default();
                let mut id = String::new();
                for arg in call.args().items() {
                    match arg {
                        ast::Arg::Named(named) if named.name().as_str() == "id" => {
                            if let Expr::Str(s) = named.expr() {
                                id = s.get().to_string();
                            }
                        }
                        ast::Arg::Pos(Expr::ContentBlock(block)) => text.markup(block.body()),
                        _ => {}
                    }
                }
                self.found.push(Found {
                    id,
                    text: text.finish(),
                    notes: text.notes,
                    cites: text.cites,
                    own_knowledge: name == "np-own",
                });
                self.open = true;
            }
            "heading" => self.open = false,
            "own-knowledge-paras" => self.found.push(Found {
                id: OWN_KNOWLEDGE_LIST.into(),
                ..Found::default()
            }),
            _ if contains_paragraph(call.to_untyped()) => {
                for arg in call.args().items() {
                    if let ast::Arg::Pos(Expr::ContentBlock(block)) = arg {
                        self.markup(block.body());
                    }
                }
            }
            _ if BLOCKS.contains(&name) => self.attach(|text| text.call(call)),
            _ => {}
        }
    }

    /// Adds what `write` gathers to the open paragraph, on a line of its own.
    fn attach(&mut self, write: impl FnOnce(&mut Text)) {
        let Some(paragraph) = self.found.last_mut().filter(|_| self.open) else {
            return;
        };
        let mut text = Text::default();
        write(&mut text);
        let more = text.finish();
        if !more.is_empty() {
            paragraph.text.push('\n');
            paragraph.text.push_str(&more);
        }
        paragraph.notes.extend(text.notes);
        for key in text.cites {
            if !paragraph.cites.contains(&key) {
                paragraph.cites.push(key);
            }
        }
    }
}

/// Whether a numbered paragraph is written anywhere inside `node`.
fn contains_paragraph(node: &typst_syntax::SyntaxNode) -> bool {
    node.children().any(|child| {
        let is_call = ast::FuncCall::from_untyped(child)
            .is_some_and(|call| matches!(callee(call), "np" | "np-own" | "own-knowledge-paras"));
        is_call || contains_paragraph(child)
    })
}

/// The name a call is made by: `list` for `#list(…)`, `table` for `#table.header(…)`.
fn callee(call: ast::FuncCall) -> &'static str {
    fn leak(name: &str) -> &'static str {
        // Only names witness knows are compared; anything else is "".
        const KNOWN: &[&str] = &[
            "np",
            "np-own",
            "own-knowledge-paras",
            "heading",
            "footnote",
            "cite",
            "label",
            "link",
            "list",
            "enum",
            "table",
            "quote",
            "pad",
            "notice",
            "terms",
            "figure",
            "block",
            "align",
            "expert-note",
            "par",
            "par-own",
            "raw",
            "linebreak",
            "topic-ref",
            "paras",
            "metadata",
            "emph",
            "strong",
            "strike",
            "sub",
            "super",
            "underline",
        ];
        KNOWN
            .iter()
            .find(|known| **known == name)
            .copied()
            .unwrap_or("")
    }
    match call.callee() {
        Expr::Ident(ident) => leak(ident.as_str()),
        Expr::FieldAccess(access) => match access.target() {
            Expr::Ident(ident) => leak(ident.as_str()),
            _ => "",
        },
        _ => "",
    }
}

/// Text gathered from markup: what the reader sees, with citations as `[@key]`.
#[derive(Default)]
struct Text {
    out: String,
    notes: Vec<String>,
    cites: Vec<String>,
}

impl Text {
    fn finish(&mut self) -> String {
        let text = std::mem::take(&mut self.out);
        // One space between words, line breaks between the blocks of a paragraph kept.
        text.lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn markup(&mut self, markup: ast::Markup) {
        for expr in markup.exprs() {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: Expr) {
        match expr {
            Expr::Text(text) => self.out.push_str(text.get()),
            Expr::Space(_) | Expr::Linebreak(_) => self.out.push(' '),
            Expr::Parbreak(_) => self.out.push('\n'),
            Expr::Escape(escape) => self.out.push(escape.get()),
            Expr::Shorthand(shorthand) => self.out.push(shorthand.get()),
            Expr::SmartQuote(quote) => self.out.push(if quote.double() { '"' } else { '\'' }),
            Expr::Strong(strong) => self.markup(strong.body()),
            Expr::Emph(emph) => self.markup(emph.body()),
            Expr::Raw(raw) => {
                let lines: Vec<&str> = raw.lines().map(|l| l.get().as_str()).collect();
                self.out.push_str(&lines.join(" "));
            }
            Expr::Link(link) => self.out.push_str(link.get()),
            // A reference (`@answers`): marked here, and printed as typst prints it ("Section
            // 10") once the headings are counted.
            Expr::Ref(reference) => {
                self.out.push(REF_OPEN);
                self.out.push_str(reference.target());
                self.out.push(REF_CLOSE);
            }
            Expr::ListItem(item) => self.item(item.body()),
            Expr::EnumItem(item) => self.item(item.body()),
            Expr::ContentBlock(block) => self.markup(block.body()),
            Expr::Str(s) => self.out.push_str(&s.get()),
            Expr::FuncCall(call) => self.call(call),
            _ => {}
        }
    }

    fn item(&mut self, body: ast::Markup) {
        self.out.push_str("\n• ");
        self.markup(body);
        self.out.push('\n');
    }

    fn call(&mut self, call: ast::FuncCall) {
        match callee(call) {
            "footnote" => {
                let mut note = Text::default();
                for arg in call.args().items() {
                    if let ast::Arg::Pos(Expr::ContentBlock(block)) = arg {
                        note.markup(block.body());
                    }
                }
                let text = note.finish();
                if !text.is_empty() {
                    self.notes.push(text);
                }
                self.notes.extend(note.notes);
                self.cite_all(note.cites);
            }
            "cite" => {
                if let Some(key) = cited_key(call) {
                    self.out.push_str(&format!("[@{key}]"));
                    self.cite_all([key]);
                }
            }
            "metadata" | "label" | "linebreak" => self.out.push(' '),
            // A link to a topic: its words, marked, resolved as typst prints it once the
            // headings are counted ("section 6.1, Freedom of speech and the media").
            "topic-ref" => {
                let optional = call.args().items().any(|arg| matches!(arg, ast::Arg::Named(n) if n.name().as_str() == "optional" && matches!(n.expr(), Expr::Bool(b) if b.get())));
                let id = call.args().items().find_map(|arg| match arg {
                    ast::Arg::Pos(Expr::Str(s)) => Some(s.get().to_string()),
                    _ => None,
                });
                let mut words = Text::default();
                for arg in call.args().items() {
                    if let ast::Arg::Pos(Expr::ContentBlock(body)) = arg {
                        words.markup(body.body());
                    }
                }
                self.out.push(REF_OPEN);
                self.out.push_str(&format!(
                    "topic-{}{}",
                    id.unwrap_or_default(),
                    if optional { "?" } else { "" }
                ));
                self.out.push(REF_SPLIT);
                self.out.push_str(&words.out);
                self.out.push(REF_CLOSE);
            }
            // Positional arguments in order: list items, table cells, a link's text (its
            // address when it has none), a quotation's body.
            name => {
                let block = matches!(name, "list" | "enum" | "table" | "terms");
                let mut has_content = false;
                let mut address = None;
                for arg in call.args().items() {
                    match arg {
                        ast::Arg::Pos(Expr::ContentBlock(body)) => {
                            has_content = true;
                            if block {
                                self.out.push_str("\n• ");
                            }
                            self.markup(body.body());
                            if block {
                                self.out.push('\n');
                            }
                        }
                        ast::Arg::Pos(Expr::Str(s)) if name == "link" => address = Some(s.get()),
                        ast::Arg::Pos(Expr::FuncCall(inner)) => self.call(inner),
                        _ => {}
                    }
                }
                if !has_content && let Some(address) = address {
                    self.out.push_str(&address);
                }
            }
        }
    }

    fn cite_all(&mut self, keys: impl IntoIterator<Item = String>) {
        for key in keys {
            if !self.cites.contains(&key) {
                self.cites.push(key);
            }
        }
    }
}

/// The key of `#cite(label("key"), …)` or `#cite(<key>, …)`.
fn cited_key(call: ast::FuncCall) -> Option<String> {
    match call.args().items().next()? {
        ast::Arg::Pos(Expr::Label(label)) => Some(label.get().to_string()),
        ast::Arg::Pos(Expr::FuncCall(inner)) if callee(inner) == "label" => {
            match inner.args().items().next()? {
                ast::Arg::Pos(Expr::Str(s)) => Some(s.get().to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_numbered_in_order_with_their_ids_and_text() {
        let source = r#"
= Part
#np(id: "a.1")[First \*literal\* text, #emph[emphasised]#cite(label("hrw-2025")).]
#list([one], [two])
#np(id: "b.1")[Second#footnote[See #cite(label("ai-2024"), form: "full")\.]]
= Next
#list([not attached])
#block(breakable: false)[#np(id: "c.1")[Third]]
"#;
        let found = paragraphs(source);
        let ids: Vec<&str> = found.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["a.1", "b.1", "c.1"]);
        assert_eq!(
            found[0].text,
            "First *literal* text, emphasised[@hrw-2025].\n• one\n• two"
        );
        assert_eq!(found[0].cites, ["hrw-2025"]);
        assert_eq!(found[1].text, "Second");
        assert_eq!(found[1].notes, ["See [@ai-2024]."]);
        assert_eq!(found[1].cites, ["ai-2024"]);
        assert_eq!(found[2].text, "Third");
    }

    #[test]
    fn the_own_knowledge_list_counts_only_when_a_paragraph_rests_on_own_knowledge() {
        let without = "#np(id: \"a\")[x]\n#own-knowledge-paras()\n#np(id: \"b\")[y]";
        let ids: Vec<String> = paragraphs(without).into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["a", "b"]);
        let with = "#np(id: \"a\")[x]\n#own-knowledge-paras()\n#np-own(id: \"b\")[y]\n#np-own(id: \"c\")[z]";
        let found = paragraphs(with);
        assert_eq!(found.len(), 4);
        assert_eq!(
            found[1].text,
            "Paragraphs 3 and 4 rest on my own knowledge and are marked \"(own knowledge)\"."
        );
    }
}
