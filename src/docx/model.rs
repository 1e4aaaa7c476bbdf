//! The report as Word sees it: headings, numbered paragraphs, lists, tables and notes, read
//! from the assembled Typst source, with the numbers the PDF prints.

/// How a run of text is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    pub italic: bool,
    pub bold: bool,
    pub strike: bool,
    pub superscript: bool,
    pub subscript: bool,
    pub code: bool,
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Literal text.
    Text(String, Marks),
    /// A footnote witness wrote, with its content.
    Note(Vec<Inline>),
    /// A citation: its key, the form typst is asked for (`None`: a note of its own, grouped
    /// with the citations next to it), and its locator.
    Cite {
        key: String,
        form: Option<String>,
        supplement: Option<String>,
    },
    /// A link to an address.
    Link(String, Vec<Inline>),
    /// A line break inside the paragraph.
    Break,
    /// What typst works out at layout time, resolved once the whole report is read.
    Reference(Reference),
}

/// A reference typst resolves at layout: witness resolves it the same way, from the numbers
/// it has counted.
#[derive(Debug, Clone, PartialEq)]
pub enum Reference {
    /// `@answers`: "section 10".
    Label(String),
    /// `#paras("risk-on-return", …)`: "paras 12–15 and 20".
    Paras(Vec<String>),
    /// `#topic-ref("minorities")[words]`: "section 6.3, Minorities", or the words with the
    /// reference after them (`optional`).
    Topic {
        id: String,
        optional: bool,
        words: Vec<Inline>,
    },
}

/// A numbered paragraph's number and its stable ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered {
    pub number: usize,
    pub id: String,
}

/// The kind of a plain paragraph, which sets its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Body,
    /// The cover's large title.
    Title,
    /// The cover's smaller lines and the addressee.
    Display,
    /// Small print: the cover note, labels under a signature.
    Small,
    /// A box the reader must see (illustrative content, a note to the expert in a draft).
    Notice,
    /// A block quotation.
    Quote,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading, its level from 1, and the number typst gives it ("6.2", "Appendix A:").
    Heading {
        level: usize,
        number: Option<String>,
        content: Vec<Inline>,
    },
    /// A paragraph; `number` for the report's numbered paragraphs.
    Paragraph {
        number: Option<Numbered>,
        kind: Kind,
        content: Vec<Inline>,
    },
    /// A bulleted or numbered list: each item its blocks.
    List {
        ordered: bool,
        start: usize,
        items: Vec<Vec<Block>>,
    },
    /// A table of `columns` columns, cells in reading order, the first row a header.
    Table {
        columns: usize,
        header: bool,
        cells: Vec<Vec<Block>>,
        /// Ruled (a table of the report) or not (the facts on the cover).
        ruled: bool,
    },
    /// The contents (a Word TOC field).
    Contents,
    /// A new page.
    PageBreak,
    /// An image from the build folder (a signature), `height_cm` high.
    Image { file: String, height_cm: f64 },
    /// A horizontal rule or a line to sign on.
    Rule,
    /// The bibliography, when the report prints one.
    Bibliography,
}

/// What `#set document(…)` and the house style's settings (`#show: report-style.with(…)`)
/// say of the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties {
    pub title: String,
    pub author: String,
    pub keywords: Vec<String>,
    /// `a4` or `us-letter`.
    pub paper: String,
    /// The body text's size and the least any text may be, in points.
    pub body_pt: f64,
    pub small_pt: f64,
    /// The line spacing a rule requires (1.5), or none for the house leading.
    pub line_spacing: Option<f64>,
    /// American quotation marks.
    pub us: bool,
    /// The running header: the reference and the status.
    pub reference: String,
    pub status: String,
    /// The watermark across every page of a draft.
    pub watermark: Option<String>,
}

/// The whole document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub properties: Properties,
    /// The cover: set on a page of its own, with no header.
    pub cover: Vec<Block>,
    pub body: Vec<Block>,
}

impl Inline {
    /// Plain text in the default marks.
    pub fn text(text: impl Into<String>) -> Self {
        Inline::Text(text.into(), Marks::default())
    }
}

/// Appends text, joined to the run before it when the marks are the same.
pub fn push_text(out: &mut Vec<Inline>, text: &str, marks: Marks) {
    // XML 1.0 cannot hold control characters (a form feed pasted into a code span); typst
    // prints none of them either.
    let owned: String;
    let text = if text
        .chars()
        .any(|c| c.is_control() && c != '\t' && c != '\n')
    {
        owned = text
            .chars()
            .filter(|c| !c.is_control() || *c == '\t' || *c == '\n')
            .collect();
        owned.as_str()
    } else {
        text
    };
    if let Some(Inline::Text(last, m)) = out.last_mut()
        && *m == marks
    {
        last.push_str(text);
        return;
    }
    out.push(Inline::Text(text.to_string(), marks));
}

pub fn previous_char(out: &[Inline]) -> Option<char> {
    match out.last()? {
        Inline::Text(t, _) => t.chars().last(),
        _ => Some('x'),
    }
}

/// Runs of white space as one space, none at the ends: as typst lays out markup.
pub fn trimmed(content: Vec<Inline>) -> Vec<Inline> {
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
