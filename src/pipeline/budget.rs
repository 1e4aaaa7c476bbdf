//! The page budget: how many pages each part of a PDF takes and how many count toward the
//! forum's limit, read from the PDF's own bookmarks, so that an expert over the limit knows
//! what to cut.

use serde::{Deserialize, Serialize};

/// One part of the report: the cover and contents, a numbered part, an appendix, the
/// bibliography.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Part {
    /// The part's heading as the bookmarks give it ("6 Country conditions in Kyrgyzstan").
    pub title: String,
    /// Pages it takes, to the half page.
    pub pages: f64,
    /// Whether its pages count toward the limit.
    pub counted: bool,
}

/// The parts of a PDF and the pages that count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Budget {
    /// Every part in order, the cover and contents first.
    pub parts: Vec<Part>,
    /// All pages of the PDF.
    pub pages: usize,
    /// The pages that count toward the limit: every page but those of excluded parts.
    pub counted: f64,
}

/// What each kind of part is called in a profile's `page_limit_excludes`: `appendices`,
/// `bibliography` or `body`.
pub fn kind_of(title: &str) -> &'static str {
    kind(title)
}

fn kind(title: &str) -> &'static str {
    let bare = title.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    if bare.starts_with("Appendix") {
        "appendices"
    } else if bare == "Bibliography" || bare == "Sources" {
        "bibliography"
    } else {
        "body"
    }
}

impl Budget {
    /// The budget of `pdf`, or `None` when it has no bookmarks to read parts from. Parts
    /// whose kind (`appendices`, `bibliography`) is in `excludes` do not count.
    pub fn read(pdf: &[u8], excludes: &[String]) -> Option<Self> {
        let document = lopdf::Document::load_mem(pdf).ok()?;
        let total = document.get_pages().len();
        Self::from_bookmarks(&bookmarks(&document), total, excludes)
    }

    /// The budget from a PDF's top-level bookmarks (title and position, from [`bookmarks`])
    /// and its page count: the preflight has read them already, so the file is not parsed
    /// twice.
    pub fn from_bookmarks(
        starts: &[(String, f64)],
        total: usize,
        excludes: &[String],
    ) -> Option<Self> {
        if starts.is_empty() {
            return None;
        }
        let mut parts = vec![Part {
            title: "Cover and contents".to_string(),
            pages: half_pages(starts[0].1),
            counted: true,
        }];
        for (i, (title, start)) in starts.iter().enumerate() {
            let end = starts.get(i + 1).map_or(total as f64, |(_, next)| *next);
            parts.push(Part {
                counted: !excludes.iter().any(|e| e == kind(title)),
                title: title.clone(),
                pages: half_pages(end - start),
            });
        }
        // Counted from the exact positions, not the rounded parts, so that the whole report
        // counts every one of its pages.
        let excluded: f64 = starts
            .iter()
            .enumerate()
            .filter(|(_, (title, _))| excludes.iter().any(|e| e == kind(title)))
            .map(|(i, (_, start))| {
                starts.get(i + 1).map_or(total as f64, |(_, next)| *next) - start
            })
            .sum();
        Some(Self {
            parts,
            pages: total,
            counted: half_pages(total as f64 - excluded),
        })
    }

    /// The biggest parts first, for a message: "country conditions 9.5 pp, bibliography 3 pp".
    pub fn biggest(&self, how_many: usize) -> String {
        let mut parts: Vec<&Part> = self.parts.iter().filter(|p| p.pages > 0.0).collect();
        parts.sort_by(|a, b| b.pages.total_cmp(&a.pages));
        parts
            .iter()
            .take(how_many)
            .map(|p| format!("{} {}", strip_number(&p.title), pages(p.pages)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every part in order, as `render` prints it.
    pub fn summary(&self) -> String {
        self.parts
            .iter()
            .filter(|p| p.pages > 0.0)
            .map(|p| {
                let mark = if p.counted { "" } else { " (not counted)" };
                format!("{} {}{mark}", strip_number(&p.title), pages(p.pages))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The top-level bookmarks of a PDF: each title, and where it points as pages from the start
/// (2.25 is a quarter of the way down the third page).
pub fn bookmarks(document: &lopdf::Document) -> Vec<(String, f64)> {
    let pages = document.get_pages();
    let page_of: std::collections::HashMap<lopdf::ObjectId, usize> = pages
        .iter()
        .map(|(number, id)| (*id, *number as usize - 1))
        .collect();
    let mut starts: Vec<(String, f64)> = Vec::new();
    let first = (|| {
        let outlines = document.catalog().ok()?.get(b"Outlines").ok()?;
        let outlines = document.dereference(outlines).ok()?.1.as_dict().ok()?;
        outlines
            .get(b"First")
            .ok()
            .and_then(|o| o.as_reference().ok())
    })();
    let mut item = first;
    // Bounded: a malformed /Next chain could loop.
    for _ in 0..10_000 {
        let Some(id) = item else { break };
        let Ok(entry) = document.get_dictionary(id) else {
            break;
        };
        if let Some(position) = position(document, entry, &page_of) {
            starts.push((title(entry), position));
        }
        item = entry.get(b"Next").ok().and_then(|o| o.as_reference().ok());
    }
    starts
}

/// "9.5 pp", "1 p".
pub fn pages(n: f64) -> String {
    if (n - 1.0).abs() < f64::EPSILON {
        "1 p".to_string()
    } else {
        format!("{n} pp")
    }
}

fn strip_number(title: &str) -> &str {
    title
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start()
}

fn half_pages(n: f64) -> f64 {
    (n * 2.0).round() / 2.0
}

/// Where a bookmark points, as pages from the start of the document: 2.25 is a quarter of the
/// way down the third page.
fn position(
    document: &lopdf::Document,
    entry: &lopdf::Dictionary,
    page_of: &std::collections::HashMap<lopdf::ObjectId, usize>,
) -> Option<f64> {
    let destination = match entry.get(b"Dest") {
        Ok(dest) => document.dereference(dest).ok()?.1.clone(),
        Err(_) => {
            let action = document.dereference(entry.get(b"A").ok()?).ok()?.1;
            let d = action.as_dict().ok()?.get(b"D").ok()?;
            document.dereference(d).ok()?.1.clone()
        }
    };
    let array = destination.as_array().ok()?;
    let page_id = array.first()?.as_reference().ok()?;
    let page = *page_of.get(&page_id)?;
    let height = page_height(document, page_id).unwrap_or(842.0);
    let top = array.get(3).and_then(|y| y.as_float().ok()).map(f64::from);
    let down = top.map_or(0.0, |y| ((height - y) / height).clamp(0.0, 1.0));
    Some(page as f64 + down)
}

fn page_height(document: &lopdf::Document, page: lopdf::ObjectId) -> Option<f64> {
    let mut dictionary = document.get_dictionary(page).ok()?;
    // /MediaBox may be inherited from the page tree.
    for _ in 0..32 {
        if let Ok(mediabox) = dictionary.get(b"MediaBox") {
            let values = document
                .dereference(mediabox)
                .ok()?
                .1
                .as_array()
                .ok()?
                .clone();
            let number = |i: usize| values.get(i).and_then(|v| v.as_float().ok()).map(f64::from);
            return Some(number(3)? - number(1)?);
        }
        let parent = dictionary.get(b"Parent").ok()?.as_reference().ok()?;
        dictionary = document.get_dictionary(parent).ok()?;
    }
    None
}

/// A bookmark's title, decoded from PDF text (UTF-16 with a byte-order mark, or the Latin
/// range of PDFDocEncoding).
fn title(entry: &lopdf::Dictionary) -> String {
    let Ok(lopdf::Object::String(bytes, _)) = entry.get(b"Title") else {
        return String::new();
    };
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    bytes.iter().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_named_by_kind() {
        assert_eq!(kind("Appendix A: Curriculum vitae"), "appendices");
        assert_eq!(kind("Bibliography"), "bibliography");
        assert_eq!(kind("6 Country conditions in Kyrgyzstan"), "body");
        assert_eq!(strip_number("6.1 Freedom of speech"), "Freedom of speech");
        assert_eq!(pages(1.0), "1 p");
        assert_eq!(pages(9.5), "9.5 pp");
    }
}
