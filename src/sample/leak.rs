//! The leak check: after typesetting, search a sample PDF's text and metadata for every
//! personal value and every part of one. Any hit is a leak.

use std::path::Path;

use anyhow::{Context, Result};

use super::anonymise::Personal;

/// A personal value found in the PDF.
#[derive(Debug, Clone)]
pub struct Leak {
    /// The field path of the personal value, such as `applicant.name`.
    pub field: String,
    /// What was found: the whole value or one of its parts.
    pub found: String,
    /// Where it was found: `text` (the extracted page text) or `metadata`.
    pub place: &'static str,
}

/// Needles shorter than this are matched as whole words only; longer ones anywhere, even
/// with the spaces and line-break hyphens that text extraction can put inside a word.
const LOOSE_MATCH_CHARS: usize = 5;

/// Searches the PDF at `pdf` for every personal value and part.
pub fn find_leaks(pdf: &Path, personal: &[Personal]) -> Result<Vec<Leak>> {
    let bytes = std::fs::read(pdf).with_context(|| format!("cannot read {}", pdf.display()))?;
    let text = pdf_extract::extract_text_from_mem(&bytes)
        .context("cannot extract the sample PDF's text")?;
    let metadata = metadata_text(&bytes);
    let places = [
        ("text", Haystack::new(&text)),
        ("metadata", Haystack::new(&metadata)),
    ];

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
    Ok(leaks)
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
        let lower: String = text.chars().map(fold).collect();
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
        let needle: String = needle.chars().map(fold).collect();
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

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
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

/// The document information dictionary's strings and the XMP metadata packet, as text.
fn metadata_text(pdf: &[u8]) -> String {
    let Ok(document) = lopdf::Document::load_mem(pdf) else {
        // Unreadable metadata is searched as raw bytes: better a false alarm than a miss.
        return String::from_utf8_lossy(pdf).into_owned();
    };
    let mut out = String::new();
    if let Ok(info) = document
        .trailer
        .get(b"Info")
        .and_then(|o| document.dereference(o))
        .and_then(|(_, o)| o.as_dict())
    {
        for (_, value) in info.iter() {
            if let Ok(text) = lopdf::decode_text_string(value) {
                out.push_str(&text);
                out.push('\n');
            }
        }
    }
    if let Ok(catalog) = document.catalog()
        && let Ok(reference) = catalog.get(b"Metadata").and_then(|o| o.as_reference())
        && let Ok(stream) = document.get_object(reference).and_then(|o| o.as_stream())
    {
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        out.push_str(&String::from_utf8_lossy(&content));
    }
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
    }
}
