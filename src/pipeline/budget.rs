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
pub fn kind(title: &str) -> &'static str {
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
        let (bookmarks, total) = crate::preflight::read_bookmarks(pdf)?;
        Self::from_bookmarks(&bookmarks, total, excludes)
    }

    /// The budget from a PDF's top-level bookmarks (title and position, as
    /// [`crate::preflight::read_bookmarks`] gives them)
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
