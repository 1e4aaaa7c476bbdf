//! The web article's notes: each citation group (and each Markdown footnote) becomes one
//! numbered note at the end of the page, linked both ways, with each source written out in
//! full and linked to its address.

use pulldown_cmark_escape::{escape_href, escape_html};
use serde::Serialize;

use crate::assemble::cite::capitalised;
use crate::assemble::markdown::{self, NoteMark, Notes};
use crate::citation::{Cite, CiteGroup};
use crate::load::Inputs;
use crate::load::briefs::Source;

/// One note, as the template lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    /// Its number, from 1 in the order of the page.
    pub number: usize,
    /// The note's own id, the target of the citation's link.
    pub id: String,
    /// The id of the citation in the text, the target of the note's back-link.
    pub ref_id: String,
    /// The note's text, as HTML made from escaped text.
    pub html: String,
}

/// The notes of one page, numbered as they are met.
pub struct PageNotes<'a> {
    inputs: &'a Inputs,
    /// The notes so far.
    pub notes: Vec<Note>,
    /// The sources already given in full: a later note gives them short, as the PDF's note
    /// style does, still linked to their address.
    cited: std::collections::HashSet<String>,
}

impl<'a> PageNotes<'a> {
    /// No notes yet; sources are looked up in `inputs`' bibliographies.
    pub fn new(inputs: &'a Inputs) -> Self {
        Self {
            inputs,
            notes: Vec::new(),
            cited: Default::default(),
        }
    }

    /// Adds a note holding `html` and returns the linked numbers that stand in the text.
    fn add(&mut self, html: String) -> NoteMark {
        let number = self.notes.len() + 1;
        let note = Note {
            number,
            id: format!("note-{number}"),
            ref_id: format!("cite-{number}"),
            html,
        };
        let mark = NoteMark {
            first: format!(
                "<sup class=\"note-ref\"><a href=\"#{}\" id=\"{}\" role=\"doc-noteref\" aria-label=\"Note {number}\">{number}</a></sup>",
                note.id, note.ref_id
            ),
            again: format!(
                "<sup class=\"note-ref again\"><a href=\"#{}\" role=\"doc-noteref\" aria-label=\"Note {number}\">{number}</a></sup>",
                note.id
            ),
        };
        self.notes.push(note);
        mark
    }

    fn source(&self, key: &str) -> Option<&'a Source> {
        self.inputs.find_source(key).map(|(_, source)| source)
    }

    /// One cited source in full: prefix, the source, locator, suffix.
    fn cite_html(&mut self, cite: &Cite, first: bool, out: &mut String) {
        if let Some(prefix) = &cite.prefix {
            // A note starts with a capital, as in the PDF's notes: "See …".
            let prefix = if first {
                capitalised(prefix)
            } else {
                prefix.clone()
            };
            out.push_str(&markdown::inline_html(&prefix));
            out.push(' ');
        }
        match self.source(&cite.key) {
            Some(source) if self.cited.insert(cite.key.clone()) => push_source(out, source),
            Some(source) => push_short(out, source),
            None => push_escaped(out, &cite.key),
        }
        if let Some(locator) = &cite.locator {
            out.push_str(", ");
            push_escaped(out, locator);
        }
        if let Some(suffix) = &cite.suffix {
            if !suffix.starts_with([',', '.', ';', ':', ')', '!', '?']) {
                out.push(' ');
            }
            out.push_str(&markdown::inline_html(suffix));
        }
    }
}

impl Notes for PageNotes<'_> {
    fn cite(&mut self, group: &CiteGroup) -> String {
        let mut html = String::new();
        for (i, cite) in group.cites.iter().enumerate() {
            if i > 0 {
                html.push_str("; ");
            }
            self.cite_html(cite, i == 0, &mut html);
        }
        let ends_in_stop = group
            .cites
            .last()
            .and_then(|c| c.suffix.as_deref())
            .is_some_and(|s| s.trim_end().ends_with(['.', '!', '?']));
        if !ends_in_stop {
            html.push('.');
        }
        // `@key says`: the text names the source, as the PDF's in-text citation does.
        let mut named = String::new();
        if group.in_text {
            for cite in &group.cites {
                let name = self.source(&cite.key).and_then(|s| s.publisher.as_deref());
                push_escaped(&mut named, name.unwrap_or(&cite.key));
            }
        }
        named + &self.add(html).first
    }

    fn footnote(&mut self, html: String) -> NoteMark {
        self.add(html)
    }
}

/// A source as a note gives it: publisher, title, date, address and when it was visited.
fn push_source(out: &mut String, source: &Source) {
    let mut parts: Vec<String> = Vec::new();
    if let Some(publisher) = &source.publisher {
        parts.push(escaped(publisher));
    }
    if let Some(title) = &source.title {
        parts.push(format!("<cite>{}</cite>", escaped(title)));
    }
    if let Some(published) = &source.published {
        parts.push(escaped(&display_date(published)));
    }
    if let Some(url) = source
        .url
        .as_deref()
        .filter(|u| markdown::is_web_address(u))
    {
        let mut link = String::from("<a href=\"");
        escape_href(&mut link, url).expect("writing to a String");
        link.push_str("\">");
        push_escaped(&mut link, url);
        link.push_str("</a>");
        if let Some(accessed) = &source.accessed {
            link.push_str(&format!(" (accessed {})", escaped(&display_date(accessed))));
        }
        parts.push(link);
    }
    if parts.is_empty() {
        push_escaped(out, &source.key);
    }
    out.push_str(&parts.join(", "));
}

/// A source given again: its publisher and title, the title linked to its address.
fn push_short(out: &mut String, source: &Source) {
    if let Some(publisher) = &source.publisher {
        push_escaped(out, publisher);
        if source.title.is_some() {
            out.push_str(", ");
        }
    }
    let Some(title) = &source.title else {
        if source.publisher.is_none() {
            push_escaped(out, &source.key);
        }
        return;
    };
    out.push_str("<cite>");
    match source
        .url
        .as_deref()
        .filter(|u| markdown::is_web_address(u))
    {
        Some(url) => {
            out.push_str("<a href=\"");
            escape_href(&mut *out, url).expect("writing to a String");
            out.push_str("\">");
            push_escaped(out, title);
            out.push_str("</a>");
        }
        None => push_escaped(out, title),
    }
    out.push_str("</cite>");
}

/// `2025-01-16` as "16 January 2025" and `2025-01` as "January 2025"; a year alone, or any
/// other form, as written.
pub fn display_date(date: &str) -> String {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d") {
        return day.format("%-d %B %Y").to_string();
    }
    if let Ok(month) = chrono::NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d") {
        return month.format("%B %Y").to_string();
    }
    date.to_string()
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    escape_html(out, text).expect("writing to a String");
}
