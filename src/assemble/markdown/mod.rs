//! Markdown into Typst markup, by walking pulldown-cmark's events: brief sections, the CV,
//! and the expert's own text in the case.
//!
//! Structure comes only from Markdown syntax and is emitted as Typst function calls
//! (`#emph[...]`, `#list(...)`); every piece of text goes through [`escape::markup`], so no
//! Typst syntax in a brief can take effect.

use std::collections::HashMap;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::{cite, escape, prose};

mod html;
mod inline;
mod marked;
mod scan;

pub use html::{HtmlSettings, NoteMark, Notes, inline_html, is_web_address, to_html};
use inline::{inline_typst, push_autolinked};
pub use scan::{TopicLink, expert_notes, marks_own_knowledge, topic_links};

use marked::{Marked, Run};

/// How a piece of Markdown (a brief section, the CV, a case field) sits in the report.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Report heading level of a `#` heading in the brief (`##` is one deeper).
    pub heading_base: usize,
    /// Whether top-level paragraphs are numbered (`#np[...]`) or plain (`#par[...]`).
    pub numbered: bool,
    /// What a numbered paragraph's ID starts with: `answer-1` gives `answer-1.1`,
    /// `answer-1.2`…, unless the paragraph ends with its own `{#id}`.
    pub paragraph_ids: String,
    /// Shown in `// origin:` comments so Typst errors lead back to the brief.
    pub origin: String,
    /// Line of the file on which the Markdown starts (after front matter), 1-based.
    pub first_line: usize,
    /// The case field the Markdown is (`analysis.speech`), named in origin comments after
    /// the line; `None` for a brief section or the CV, whose file says what they are.
    pub field: Option<String>,
    /// Whether a paragraph opening with `[own knowledge]` is marked as resting on the
    /// expert's own knowledge (PD35 3.2(4)); the expert's own text only.
    pub own_knowledge: bool,
    /// What an in-text citation (`@key says`) names for a source without an author.
    pub names: std::sync::Arc<cite::Names>,
}

pub(crate) fn options() -> Options {
    // GFM: its alerts (`> [!NOTE]`) are how a brief addresses the expert, not the reader.
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
}

/// The topic a `#topic` or `#topic?` link points at, and whether it is optional.
fn topic_of(destination: &str) -> Option<(&str, bool)> {
    let id = destination.strip_prefix('#')?;
    let (id, optional) = match id.strip_suffix('?') {
        Some(id) => (id, true),
        None => (id, false),
    };
    crate::lookup::is_plain_name(id).then_some((id, optional))
}

/// An event and where in the source it comes from.
pub(super) type Placed<'a> = (Event<'a>, std::ops::Range<usize>);

/// The events of a document apart from its footnote definitions, each with its place, and
/// the definitions' events by label: a footnote's body is written where it is referenced.
pub(super) fn split_footnotes<'a>(
    events: impl Iterator<Item = Placed<'a>>,
) -> (HashMap<String, Vec<Event<'a>>>, Vec<Placed<'a>>) {
    let mut footnotes: HashMap<String, Vec<Event>> = HashMap::new();
    let mut body = Vec::new();
    let mut current: Option<(String, Vec<Event>)> = None;
    for (event, range) in events {
        match (&mut current, event) {
            (None, Event::Start(Tag::FootnoteDefinition(label))) => {
                current = Some((label.to_string(), Vec::new()))
            }
            (Some(_), Event::End(TagEnd::FootnoteDefinition)) => {
                let (label, events) = current.take().expect("inside a definition");
                footnotes.insert(label, events);
            }
            (Some((_, events)), event) => events.push(event),
            (None, event) => body.push((event, range)),
        }
    }
    (footnotes, body)
}

/// Converts `markdown` to Typst markup.
pub fn to_typst(markdown: &str, settings: &Settings) -> String {
    let marked = Marked::new(markdown);
    // Footnote bodies are emitted where they are referenced, as Typst footnotes.
    let (footnotes, body) =
        split_footnotes(Parser::new_ext(&marked.source, options()).into_offset_iter());

    let mut writer = Writer::new(settings, &footnotes, &marked);
    writer.line_starts = line_starts(markdown);
    for (event, range) in body {
        let starts_block = matches!(
            event,
            Event::Rule
                | Event::Start(
                    Tag::Paragraph
                        | Tag::Heading { .. }
                        | Tag::BlockQuote(_)
                        | Tag::CodeBlock(_)
                        | Tag::List(_)
                        | Tag::Table(_)
                        | Tag::HtmlBlock
                )
        );
        if writer.depth == 0 && starts_block {
            writer.origin_comment(range.start);
        }
        if settings.own_knowledge
            && writer.depth == 0
            && matches!(event, Event::Start(Tag::Paragraph))
        {
            writer.own_knowledge = opens_with_own_knowledge(&marked.source[range.start..]);
        }
        if settings.numbered && writer.depth == 0 && matches!(event, Event::Start(Tag::Paragraph)) {
            writer.explicit_id = crate::served::explicit_id(&marked.source[range.clone()])
                .map(|(id, _)| id.to_string());
        }
        writer.event(event);
    }
    writer.flush_text();
    writer.out.push_str(crate::typeset::ORIGIN_END);
    writer.out
}

struct Writer<'a> {
    out: String,
    /// Consecutive text events, joined so that a citation split across them is seen whole.
    text: String,
    /// How many container blocks (lists, quotes, tables) enclose the current event.
    depth: usize,
    settings: &'a Settings,
    footnotes: &'a HashMap<String, Vec<Event<'a>>>,
    /// Footnotes already emitted, by Markdown label, with the Typst label they were given:
    /// a second reference points at the first (`#footnote(<label>)`), as Markdown means, and
    /// each body is emitted once, so nested references cannot multiply the output.
    footnote_labels: HashMap<String, String>,
    /// Starts every Typst footnote label, unique to the section (its origin) within a report.
    footnote_prefix: String,
    /// Footnotes whose body is being emitted; a reference to one of them from inside itself
    /// is a cycle (fuzzing found `[^a]: see [^a]` overflowing the stack) and stays literal.
    expanding: Vec<String>,
    line_starts: Vec<usize>,
    /// Inside a code block: its language and text so far, emitted whole as `#raw`.
    code: Option<(String, String)>,
    /// How many Typst calls (quotes, lists, emphasis, links, footnotes…) enclose the
    /// current event; see [`MAX_NESTING`].
    nesting: usize,
    /// For each open Markdown tag that may wrap others: whether its Typst call was emitted
    /// (`false`: too deep, its content goes into the enclosing call instead).
    wrapped: Vec<bool>,
    /// The paragraph being opened starts with [`prose::OWN_KNOWLEDGE`]: it is marked, and the
    /// marker is taken off its first text.
    own_knowledge: bool,
    /// The marker is still to be taken off the paragraph's first text.
    marker_pending: bool,
    /// How many numbered paragraphs have been opened: the next one's derived ID.
    paragraphs: usize,
    /// The `{#id}` that ends the paragraph being opened, to be taken off its last text.
    explicit_id: Option<String>,
    /// How many links enclose the current text: inside one, an address is not linked again.
    in_link: usize,
    /// The source with its citations as tokens, and the groups they stand for.
    marked: &'a Marked,
}

/// Whether Markdown starting a paragraph opens with the own-knowledge marker.
fn opens_with_own_knowledge(paragraph: &str) -> bool {
    paragraph
        .get(..prose::OWN_KNOWLEDGE.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prose::OWN_KNOWLEDGE))
}

/// The deepest nesting of Typst calls emitted; anything deeper keeps its text but not its
/// structure. typst refuses deep nesting (parsing depth 256; show-rule depth 64, of which a
/// block quote with a paragraph in it takes four), and fuzzing found a brief line of 184 `>`
/// (quotes in quotes) that made source typst could not parse. Eight leaves room for the
/// report template's own nesting; no real brief comes near it.
const MAX_NESTING: usize = 8;

/// Tags emitted as a Typst call that can hold further calls, and so count toward
/// [`MAX_NESTING`].
fn nests(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Table(_)
            | Tag::Heading { .. }
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Tags that are parts of a list or table: emitted exactly when their list or table is.
fn is_part(tag: &Tag) -> bool {
    matches!(tag, Tag::Item | Tag::TableHead | Tag::TableCell)
}

/// `witness-fn-<hash of origin>`: Typst labels must be unique in the whole report, and each
/// section (or CV) has its own origin. FNV-1a, so the label (and the PDF) is the same on every
/// build and every machine.
fn footnote_prefix(origin: &str) -> String {
    let hash = origin
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("witness-fn-{hash:x}")
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl<'a> Writer<'a> {
    fn new(
        settings: &'a Settings,
        footnotes: &'a HashMap<String, Vec<Event<'a>>>,
        marked: &'a Marked,
    ) -> Self {
        Self {
            out: String::with_capacity(marked.source.len() * 2),
            text: String::new(),
            depth: 0,
            settings,
            footnotes,
            footnote_labels: HashMap::new(),
            // Unique per section, and per field of a case file (all of one origin).
            footnote_prefix: footnote_prefix(&format!(
                "{}{}",
                settings.origin,
                settings.field.as_deref().unwrap_or("")
            )),
            expanding: Vec::new(),
            line_starts: Vec::new(),
            code: None,
            nesting: 0,
            wrapped: Vec::new(),
            own_knowledge: false,
            paragraphs: 0,
            explicit_id: None,
            marker_pending: false,
            in_link: 0,
            marked,
        }
    }

    fn origin_comment(&mut self, offset: usize) {
        // `offset` is in the source with tokens; the line is the original's.
        let offset = self.marked.original(offset);
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line = line + self.settings.first_line - 1;
        let field = match &self.settings.field {
            Some(field) => format!(" ({field})"),
            None => String::new(),
        };
        self.out.push_str(&format!(
            "// origin: {}:{line}{}\n",
            escape::comment(&self.settings.origin),
            escape::comment(&field)
        ));
    }

    fn flush_text(&mut self) {
        if !self.text.is_empty() {
            let mut text = std::mem::take(&mut self.text);
            if std::mem::take(&mut self.marker_pending) && opens_with_own_knowledge(&text) {
                text = text[prose::OWN_KNOWLEDGE.len()..].trim_start().to_string();
            }
            for run in marked::runs(&text, &self.marked.groups) {
                match run {
                    Run::Group(group) => {
                        cite::push_group(&mut self.out, group, &inline_typst, &self.settings.names)
                    }
                    Run::Text(text) if self.in_link > 0 => escape::push_markup(&mut self.out, text),
                    Run::Text(text) => push_autolinked(&mut self.out, text),
                }
            }
        }
    }

    fn event(&mut self, event: Event) {
        if let Event::Text(text) = &event {
            match &mut self.code {
                Some((_, code)) => code.push_str(text),
                None => self.text.push_str(text),
            }
            return;
        }
        if matches!(event, Event::End(TagEnd::Paragraph)) && self.depth == 0 {
            // `… the summons. {#summons}`: the ID is not part of the text.
            if let Some(id) = self.explicit_id.take() {
                let marker = format!("{{#{id}}}");
                let kept = self.text.trim_end().strip_suffix(&marker).map(str::len);
                if let Some(kept) = kept {
                    self.text.truncate(kept);
                    self.text.truncate(self.text.trim_end().len());
                }
            }
        }
        self.flush_text();
        match event {
            Event::Start(tag) if nests(&tag) => {
                let wrap = self.nesting < MAX_NESTING;
                self.wrapped.push(wrap);
                if wrap {
                    self.nesting += 1;
                    self.start(tag);
                }
            }
            Event::Start(tag) if is_part(&tag) => {
                let wrap = self.wrapped.last().copied().unwrap_or(true);
                self.wrapped.push(wrap);
                if wrap {
                    self.start(tag);
                }
            }
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => {
                let nested = matches!(
                    tag,
                    TagEnd::BlockQuote(_)
                        | TagEnd::List(_)
                        | TagEnd::Table
                        | TagEnd::Heading(_)
                        | TagEnd::Emphasis
                        | TagEnd::Strong
                        | TagEnd::Strikethrough
                        | TagEnd::Superscript
                        | TagEnd::Subscript
                        | TagEnd::Link
                        | TagEnd::Image
                );
                let part = matches!(tag, TagEnd::Item | TagEnd::TableHead | TagEnd::TableCell);
                if !(nested || part) {
                    self.end(tag);
                } else if self.wrapped.pop().unwrap_or(true) {
                    if nested {
                        self.nesting -= 1;
                    }
                    self.end(tag);
                } else {
                    // A flattened item or cell: keep it apart from the next one.
                    self.out.push(' ');
                }
            }
            Event::Code(code) => {
                self.out.push_str("#raw(");
                self.out.push_str(&escape::string(&code));
                self.out.push(')');
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                escape::push_markup(&mut self.out, &html)
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                escape::push_markup(&mut self.out, &math)
            }
            Event::FootnoteReference(label) => {
                let label = label.to_string();
                match self.footnotes.get(&label) {
                    Some(_) if self.expanding.contains(&label) || self.nesting >= MAX_NESTING => {
                        escape::push_markup(&mut self.out, &format!("[^{label}]"))
                    }
                    Some(_) if self.footnote_labels.contains_key(&label) => {
                        let typst_label = &self.footnote_labels[&label];
                        self.out.push_str(&format!("#footnote(<{typst_label}>)"));
                    }
                    Some(events) => {
                        let typst_label =
                            format!("{}-{}", self.footnote_prefix, self.footnote_labels.len());
                        self.footnote_labels
                            .insert(label.clone(), typst_label.clone());
                        self.expanding.push(label);
                        self.out.push_str("#footnote[");
                        self.depth += 1;
                        self.nesting += 1;
                        for event in events.clone() {
                            self.event(event);
                        }
                        self.flush_text();
                        self.nesting -= 1;
                        self.depth -= 1;
                        self.expanding.pop();
                        trim_parbreaks(&mut self.out);
                        self.out.push_str(&format!("]<{typst_label}>"));
                    }
                    None => escape::push_markup(&mut self.out, &format!("[^{label}]")),
                }
            }
            Event::SoftBreak => self.out.push(' '),
            Event::HardBreak => self.out.push_str("#linebreak()"),
            Event::Rule => self.out.push_str("#line(length: 100%)\n\n"),
            Event::TaskListMarker(done) => self.out.push_str(if done { "☑ " } else { "☐ " }),
            Event::Text(_) => unreachable!("handled above"),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Paragraph => {
                if self.depth == 0 {
                    let own = std::mem::take(&mut self.own_knowledge);
                    self.marker_pending = own;
                    let id = self.settings.numbered.then(|| {
                        self.paragraphs += 1;
                        match &self.explicit_id {
                            Some(id) => id.clone(),
                            None => format!("{}.{}", self.settings.paragraph_ids, self.paragraphs),
                        }
                    });
                    self.out
                        .push_str(&prose::paragraph_open(own, id.as_deref()));
                }
            }
            Tag::Heading { level, .. } => {
                let level = self.settings.heading_base + heading_number(level) - 1;
                self.out.push_str(&format!("#heading(level: {level})["));
            }
            Tag::BlockQuote(Some(kind)) => {
                self.depth += 1;
                let kind = format!("{kind:?}").to_lowercase();
                self.out
                    .push_str(&format!("#expert-note({})[", escape::string(&kind)));
            }
            Tag::BlockQuote(None) => {
                self.depth += 1;
                self.out.push_str("#quote(block: true)[");
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(lang) => lang.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.depth += 1;
                match start {
                    Some(n) => self.out.push_str(&format!("#enum(start: {n}, ")),
                    None => self.out.push_str("#list("),
                }
            }
            Tag::Item => self.out.push('['),
            Tag::Table(alignments) => {
                self.depth += 1;
                // GFM's `:--`, `:-:` and `--:` columns; a column without one keeps typst's.
                let align: Vec<&str> = alignments
                    .iter()
                    .map(|a| match a {
                        Alignment::None => "auto",
                        Alignment::Left => "left",
                        Alignment::Center => "center",
                        Alignment::Right => "right",
                    })
                    .collect();
                self.out.push_str(&format!(
                    "#table(columns: {}, align: ({},), ",
                    alignments.len().max(1),
                    align.join(", ")
                ));
            }
            Tag::TableHead => self.out.push_str("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => self.out.push('['),
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => self.out.push_str("#strong["),
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Superscript => self.out.push_str("#super["),
            Tag::Subscript => self.out.push_str("#sub["),
            // typst refuses an empty URL ("URL must not be empty"), which Markdown allows
            // (`[text]()`, found by fuzzing): such a link is just its text.
            Tag::Link { dest_url, .. } if dest_url.trim().is_empty() => {
                self.in_link += 1;
                self.out.push_str("#[")
            }
            Tag::Link { dest_url, .. } if topic_of(&dest_url).is_some() => {
                self.in_link += 1;
                let (id, optional) = topic_of(&dest_url).unwrap_or_default();
                self.out.push_str(&format!(
                    "#topic-ref({}, optional: {optional})[",
                    escape::string(id)
                ));
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.in_link += 1;
                // `<someone@example.org>` gives the bare address; the link needs its scheme.
                let email =
                    matches!(link_type, LinkType::Email) && !dest_url.starts_with("mailto:");
                let scheme = if email { "mailto:" } else { "" };
                self.out.push_str("#link(");
                self.out
                    .push_str(&escape::string(&format!("{scheme}{dest_url}")));
                self.out.push_str(")[");
            }
            // Images would need files from outside the build folder: keep their alt text only.
            Tag::Image { .. } => self.out.push_str("#emph["),
            Tag::HtmlBlock | Tag::MetadataBlock(_) | Tag::FootnoteDefinition(_) => {}
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.depth == 0 {
                    self.out.push_str("]\n\n");
                } else {
                    self.out.push_str("\n\n");
                }
            }
            TagEnd::Heading(_) => self.out.push_str("]\n\n"),
            TagEnd::BlockQuote(_) => {
                self.depth -= 1;
                trim_parbreaks(&mut self.out);
                self.out.push_str("]\n\n");
            }
            TagEnd::CodeBlock => {
                let (lang, code) = self.code.take().unwrap_or_default();
                self.out.push_str("#raw(block: true, ");
                if !lang.is_empty() {
                    self.out
                        .push_str(&format!("lang: {}, ", escape::string(&lang)));
                }
                self.out.push_str(&escape::string(&code));
                self.out.push_str(")\n\n");
            }
            TagEnd::List(_) | TagEnd::Table => {
                self.depth -= 1;
                self.out.push_str(")\n\n");
            }
            TagEnd::Item | TagEnd::TableCell => {
                trim_parbreaks(&mut self.out);
                self.out.push_str("], ");
            }
            TagEnd::TableHead => self.out.push_str("), "),
            TagEnd::TableRow => {}
            TagEnd::Link => {
                self.in_link = self.in_link.saturating_sub(1);
                self.out.push(']');
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Image => self.out.push(']'),
            TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) | TagEnd::FootnoteDefinition => {}
            TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }
}

fn heading_number(level: HeadingLevel) -> usize {
    level as usize
}

/// Drops trailing paragraph breaks so a content block ends where its text does.
fn trim_parbreaks(out: &mut String) {
    while out.ends_with('\n') {
        out.pop();
    }
}

#[cfg(test)]
mod tests;
