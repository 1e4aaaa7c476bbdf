//! The numbered paragraphs of an assembled report, from the document the DOCX back-end reads
//! the source into ([`crate::docx::read`]): one reader of the assembled Typst for both, so the
//! snapshot's numbers and text are the ones the PDF and the DOCX print.
//!
//! Numbers are the order of the `#np` calls in the source, which is how the `witness-paragraph`
//! counter of style.typ steps; references typst resolves at layout (a heading's number, the
//! paragraphs of a part, a link to a topic) are resolved the same way.

use crate::docx::model::{Block, Inline, Kind};
use crate::docx::walk::Counted;

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
}

/// Every numbered paragraph of `source`, in document order.
pub fn paragraphs(source: &str) -> Vec<Found> {
    let (document, counted) = crate::docx::read(source);
    let mut found: Vec<Found> = Vec::new();
    // Whether what follows belongs to the last numbered paragraph: until a heading.
    let mut open = false;
    for block in &document.body {
        match block {
            Block::Heading { .. } => open = false,
            Block::Paragraph {
                number: Some(numbered),
                content,
                ..
            } => {
                let mut text = Text::new(&counted);
                text.inlines(content);
                found.push(Found {
                    id: numbered.id.clone(),
                    text: text.finish(),
                    notes: text.notes,
                    cites: text.cites,
                });
                open = true;
            }
            // A plain paragraph of the template's between numbered ones ("This answer rests
            // on paras 21–30") is not part of the paragraph before it.
            Block::Paragraph {
                number: None,
                kind: Kind::Body,
                ..
            } => {}
            other if open => {
                let Some(paragraph) = found.last_mut() else {
                    continue;
                };
                let mut text = Text::new(&counted);
                text.block(other);
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
            _ => {}
        }
    }
    found
}

/// Text gathered from the document: what the reader sees, with citations as `[@key]`.
struct Text<'a> {
    counted: &'a Counted,
    out: String,
    notes: Vec<String>,
    cites: Vec<String>,
}

impl<'a> Text<'a> {
    fn new(counted: &'a Counted) -> Self {
        Text {
            counted,
            out: String::new(),
            notes: Vec::new(),
            cites: Vec::new(),
        }
    }

    /// One space between words; the lines of a paragraph's blocks kept.
    fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
            .lines()
            .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A block under a paragraph: a list's items, a table's cells, a quotation, a box.
    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph { content, .. } => {
                self.inlines(content);
                self.out.push('\n');
            }
            Block::List { items, .. } => {
                for item in items {
                    self.out.push_str("\n• ");
                    item.iter().for_each(|b| self.block(b));
                }
            }
            Block::Table { cells, .. } => {
                for cell in cells {
                    self.out.push_str("\n• ");
                    cell.iter().for_each(|b| self.block(b));
                }
            }
            _ => {}
        }
    }

    fn inlines(&mut self, content: &[Inline]) {
        for inline in content {
            match inline {
                Inline::Text(text, _) => self.out.push_str(text),
                Inline::Break => self.out.push(' '),
                Inline::Link(_, content) => self.inlines(content),
                Inline::Cite { key, .. } => {
                    self.out.push_str(&format!("[@{key}]"));
                    self.cite(key);
                }
                Inline::Note(content) => {
                    let mut note = Text::new(self.counted);
                    note.inlines(content);
                    let text = note.finish();
                    if !text.is_empty() {
                        self.notes.push(text);
                    }
                    for key in note.cites {
                        self.cite(&key);
                    }
                }
                Inline::Reference(reference) => {
                    let resolved = crate::docx::resolved(self.counted, reference);
                    self.inlines(&resolved);
                }
            }
        }
    }

    fn cite(&mut self, key: &str) {
        if !self.cites.iter().any(|k| k == key) {
            self.cites.push(key.to_string());
        }
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
            "Paragraphs 3 and 4 rest on my own knowledge and are marked “(own knowledge)”."
        );
        assert_eq!(found[2].text, "y (own knowledge)", "the mark is printed");
    }

    #[test]
    fn references_print_as_typst_prints_them() {
        let source = "= Part <p>\n#np(id: \"a\")[See @answers and #topic-ref(\"x\", optional: true)[the x part].]\n= Answers <answers>\n== X <topic-x>\n#np(id: \"b\")[y]";
        let found = paragraphs(source);
        assert_eq!(
            found[0].text,
            "See Section 2 and the x part (section 2.1, X)."
        );
    }
}
