//! The leak check: after a sample is made, search what a reader or a search engine can get
//! out of it for every personal value and every part of one. Any hit is a leak. What is
//! searched depends on the kind of file ([`pdf`]: the page text, the information dictionary
//! and the XMP packet; [`html`]: the visible text, the head and every attribute); the search
//! itself is one, [`search`].

mod html;
mod pdf;

use std::path::Path;

use anyhow::{Context, Result};

use super::anonymise::Personal;

/// A personal value found in the output.
#[derive(Debug, Clone)]
pub struct Leak {
    /// The field path of the personal value, such as `applicant.name`.
    pub field: String,
    /// What was found: the whole value or one of its parts.
    pub found: String,
    /// Where it was found: `text` (what a reader sees) or `metadata` (what the file says of
    /// itself: a PDF's information and XMP, a page's head and attributes).
    pub place: &'static str,
}

/// Text taken out of an output, and what part of it the text is (`text`, `metadata`).
pub type Place = (&'static str, String);

/// Needles shorter than this are matched as whole words only; longer ones anywhere, even
/// with the spaces and line-break hyphens that text extraction can put inside a word.
const LOOSE_MATCH_CHARS: usize = 5;

/// Searches the PDF at `pdf` for every personal value and part.
pub fn in_pdf(pdf: &Path, personal: &[Personal]) -> Result<Vec<Leak>> {
    let bytes = std::fs::read(pdf).with_context(|| format!("cannot read {}", pdf.display()))?;
    Ok(search(&pdf::places(&bytes)?, personal))
}

/// Searches the HTML page at `page` for every personal value and part.
pub fn in_html(page: &Path, personal: &[Personal]) -> Result<Vec<Leak>> {
    let source =
        std::fs::read_to_string(page).with_context(|| format!("cannot read {}", page.display()))?;
    Ok(search(&html::places(&source), personal))
}

/// The one search: every personal value and part, in every place, ignoring case, across
/// line breaks and line-end hyphens, in either order for right-to-left text.
pub fn search(places: &[Place], personal: &[Personal]) -> Vec<Leak> {
    let places: Vec<(&'static str, Haystack)> = places
        .iter()
        .map(|(place, text)| (*place, Haystack::new(text)))
        .collect();
    let mut leaks = Vec::new();
    for p in personal.iter().filter(|p| p.field != "expert.signature") {
        for needle in std::iter::once(&p.value).chain(&p.parts) {
            for (place, haystack) in &places {
                if haystack.contains(needle) {
                    leaks.push(Leak {
                        field: p.field.clone(),
                        found: needle.clone(),
                        place,
                    });
                }
            }
        }
    }
    leaks
}

/// Extracted text, prepared for tolerant search.
struct Haystack {
    /// Lower-cased, whitespace folded to single spaces, hyphenation at line ends undone.
    words: String,
    /// The same with every space and hyphen removed, for long needles.
    squeezed: String,
}

impl Haystack {
    fn new(text: &str) -> Self {
        let lower: String = text
            .chars()
            .filter(|c| !is_invisible(*c))
            .map(fold)
            .collect();
        let dehyphenated = undo_line_hyphenation(&lower);
        let words = format!(
            " {} ",
            dehyphenated
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        let squeezed = words
            .chars()
            .filter(|c| !c.is_whitespace() && !is_hyphen(*c))
            .collect();
        Self { words, squeezed }
    }

    fn contains(&self, needle: &str) -> bool {
        let needle: String = needle
            .chars()
            .filter(|c| !is_invisible(*c))
            .map(fold)
            .collect();
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        if needle.is_empty() {
            return false;
        }
        let variants = [needle.clone(), visual_order(&needle)];
        variants.iter().any(|n| {
            if n.chars().count() >= LOOSE_MATCH_CHARS {
                let squeezed: String = n
                    .chars()
                    .filter(|c| !c.is_whitespace() && !is_hyphen(*c))
                    .collect();
                self.squeezed.contains(&squeezed)
            } else {
                self.words.match_indices(n.as_str()).any(|(at, _)| {
                    let before = self.words[..at].chars().next_back();
                    let after = self.words[at + n.len()..].chars().next();
                    before.is_none_or(|c| !c.is_alphanumeric())
                        && after.is_none_or(|c| !c.is_alphanumeric())
                })
            }
        })
    }
}

/// A character as it is compared: lower-cased, and a typographic quote or apostrophe as the
/// straight one (typst and the web article set "O'Brien" as "O’Brien").
fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// Characters that show nothing (zero-width spaces and joiners, direction marks, the byte
/// order mark): dropped before searching, so that none can hide a name by splitting it.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{00ad}' | '\u{2010}' | '\u{2011}')
}

/// "temir-\nbekov" → "temirbekov": a hyphen at the end of a line joins the word.
fn undo_line_hyphenation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_hyphen(c) && chars.peek().is_some_and(|n| *n == '\n' || *n == '\r') {
            while chars.peek().is_some_and(|n| n.is_whitespace()) {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Right-to-left runs reversed: PDF text extraction can return them in visual order.
pub fn visual_order(text: &str) -> String {
    let is_rtl = |c: char| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF);
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars() {
        if is_rtl(c) {
            run.push(c);
        } else {
            out.extend(run.chars().rev());
            run.clear();
            out.push(c);
        }
    }
    out.extend(run.chars().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_across_line_breaks_hyphens_and_case() {
        let hay = Haystack::new("Statement of DANIYAR\nTemir-\nbekov, born in Osh. Ali-\nmov");
        assert!(hay.contains("Daniyar Temirbekov"));
        assert!(hay.contains("temirbekov"));
        assert!(hay.contains("Alimov"));
        assert!(
            !Haystack::new("legal islamic").contains("Ali"),
            "short needles match whole words only"
        );
        assert!(Haystack::new("said Ali today").contains("Ali"));
        assert!(
            Haystack::new("the T emirbekov case").contains("Temirbekov"),
            "split by extraction"
        );
        assert!(
            Haystack::new("the Temir\u{200b}bekov case").contains("Temirbekov"),
            "split by an invisible character"
        );
        assert!(
            Haystack::new("said A\u{200d}li today").contains("Ali"),
            "a short one too"
        );
        assert!(
            Haystack::new("Mr O\u{2019}Brien").contains("O'Brien"),
            "typographic apostrophe"
        );
    }
}
