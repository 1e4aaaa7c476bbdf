//! What was served: every numbered paragraph of a report with its stable ID, its number and
//! its text, recorded beside the PDF so that later commands (`witness diff`, an addendum's
//! cross-references) refer to exactly what the other side read.
//!
//! A paragraph's ID comes from where its text is: the part or topic and its place within it
//! (`analysis.freedom-of-speech.2`, `answer-1.3`, `freedom-of-speech.4`), or the expert's own
//! `{#summons}` at the end of the paragraph. Editing one part leaves the IDs of every other
//! part as they were.

pub mod text;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::load::Inputs;

/// The snapshot format; a later witness reads older ones.
pub const FORMAT: u32 = 1;

/// One render's numbered paragraphs, as served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The format of this file ([`FORMAT`]).
    pub format: u32,
    /// The report's reference.
    pub reference: String,
    /// The report's date as printed ("20 November 2026").
    pub date: String,
    /// `draft` or `final`.
    pub status: String,
    /// The jurisdiction profile it was written under.
    pub jurisdiction: String,
    /// The case file it was made from, as the command that rendered it named it.
    pub case: String,
    /// The SHA-256 of the PDF these paragraphs were printed in, when one was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_sha256: Option<String>,
    /// Every numbered paragraph, in order: the first is para 1.
    pub paragraphs: Vec<Paragraph>,
    /// What each cited source was, by key: publisher, title, date and address, so that a
    /// source updated in the brief shows in the paragraphs that cite it.
    #[serde(default)]
    pub sources: BTreeMap<String, String>,
}

/// One numbered paragraph as served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Its stable ID.
    pub id: String,
    /// Its number in the report ("para 22").
    pub number: usize,
    /// Its text as the reader sees it, with citations as `[@key]`; the lists, quotations
    /// and tables under it follow on lines of their own.
    pub text: String,
    /// Its footnotes' text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The sources it cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
}

impl Snapshot {
    /// The numbered paragraphs of `source`, the Typst witness assembled for `inputs`.
    pub fn of(inputs: &Inputs, source: &str) -> Self {
        let case = &inputs.case.case;
        let paragraphs: Vec<Paragraph> = text::paragraphs(source)
            .into_iter()
            .enumerate()
            .map(|(i, found)| Paragraph {
                id: if found.id.is_empty() {
                    format!("para.{}", i + 1)
                } else {
                    found.id
                },
                number: i + 1,
                text: found.text,
                notes: found.notes,
                cites: found.cites,
            })
            .collect();
        let mut sources = BTreeMap::new();
        for key in paragraphs.iter().flat_map(|p| &p.cites) {
            if let Some((_, source)) = inputs.find_source(key) {
                let parts = [
                    &source.publisher,
                    &source.title,
                    &source.published,
                    &source.url,
                ];
                let described: Vec<&str> = parts.iter().filter_map(|p| p.as_deref()).collect();
                sources.insert(key.clone(), described.join(", "));
            }
        }
        Snapshot {
            format: FORMAT,
            reference: case.report.reference.clone(),
            date: case.report.date.to_string(),
            status: format!("{:?}", case.report.status).to_lowercase(),
            jurisdiction: case.report.jurisdiction.clone(),
            case: crate::diagnostic::display_path(&inputs.case.path),
            pdf_sha256: None,
            paragraphs,
            sources,
        }
    }

    /// The paragraph with ID `id`.
    pub fn paragraph(&self, id: &str) -> Option<&Paragraph> {
        self.paragraphs.iter().find(|p| p.id == id)
    }

    /// The numbers of what `reference` names: the paragraph with that ID, or every paragraph
    /// of that part (`freedom-of-speech` for `freedom-of-speech.1`, `.2`…). Empty when it
    /// names nothing.
    pub fn resolve(&self, reference: &str) -> Vec<usize> {
        if let Some(paragraph) = self.paragraph(reference) {
            return vec![paragraph.number];
        }
        let part = format!("{reference}.");
        self.paragraphs
            .iter()
            .filter(|p| p.id.starts_with(&part))
            .map(|p| p.number)
            .collect()
    }

    /// The snapshot at `path`, or made now from the case file at `path` (loaded and
    /// assembled, not checked or typeset: the numbers come from the source), with the case's
    /// inputs.
    pub fn from_path(path: &Path) -> Result<(Self, Option<Inputs>)> {
        if path.extension().is_some_and(|e| e == "json") {
            return Ok((Self::read(path)?, None));
        }
        let inputs = crate::load::load(path)?;
        let template = crate::pipeline::load_template(&inputs)?;
        let assembly = template.assemble(&inputs)?;
        Ok((Self::of(&inputs, &assembly.main), Some(inputs)))
    }

    /// Reads a snapshot written by [`Snapshot::write`].
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the snapshot {}", path.display()))?;
        let snapshot: Snapshot = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a snapshot witness wrote (the `.snapshot.json` beside a rendered report)",
                path.display()
            )
        })?;
        if snapshot.format > FORMAT {
            bail!(
                "{} was written by a newer witness (snapshot format {}); this one reads format {FORMAT}",
                path.display(),
                snapshot.format
            );
        }
        Ok(snapshot)
    }

    /// Writes the snapshot as pretty JSON, atomically.
    pub fn write(&self, destination: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).expect("a snapshot serialises");
        crate::write::atomic_write(destination, format!("{json}\n").as_bytes())
    }
}

/// The snapshot beside an output: `KG-2026-014.snapshot.json` beside `KG-2026-014.pdf`.
pub fn snapshot_path(output: &Path) -> PathBuf {
    output.with_extension("snapshot.json")
}

/// What the IDs of a case field's paragraphs start with: `answer-2` for
/// `questions[1].answer`, `guidance-1` for `country_guidance[0].reasons`, `qualifications` for
/// `expert.qualifications`, the field's own name otherwise (`analysis.freedom-of-speech`).
pub fn id_prefix(field: &str) -> String {
    let indexed = |table: &str, rest: &str| -> Option<usize> {
        let inner = field.strip_prefix(table)?.strip_prefix('[')?;
        let (index, tail) = inner.split_once(']')?;
        (tail == rest)
            .then(|| index.parse::<usize>().ok())
            .flatten()
    };
    let prefix = if let Some(i) = indexed("questions", ".answer") {
        format!("answer-{}", i + 1)
    } else if let Some(i) = indexed("country_guidance", ".reasons") {
        format!("guidance-{}", i + 1)
    } else if let Some(i) = indexed("points", ".response") {
        format!("point-{}", i + 1)
    } else {
        field.strip_prefix("expert.").unwrap_or(field).to_string()
    };
    prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Whether `id` is one an expert may set with `{#id}`: a letter, then letters, digits, `-`
/// and `_`. No dot, so it never equals an ID witness derives.
pub fn is_explicit_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        // `--` is a dash to Markdown's smart punctuation (the web article), not an ID.
        && !id.contains("--")
}

/// The `{#id}` that ends a paragraph's source, if it has one: the ID and where the marker
/// starts.
pub fn explicit_id(paragraph: &str) -> Option<(&str, usize)> {
    let trimmed = paragraph.trim_end();
    let inner = trimmed.strip_suffix('}')?;
    let open = inner.rfind("{#")?;
    let id = &inner[open + 2..];
    is_explicit_id(id).then_some((id, open))
}

/// "para 12", "paras 12 and 15", "paras 12–14, 20 and 22".
pub fn paras(numbers: &[usize]) -> String {
    let mut numbers = numbers.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    let mut spans: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        // Two in a row are two numbers; three or more a range.
        if j - i >= 2 {
            spans.push(format!("{}–{}", numbers[i], numbers[j]));
        } else {
            spans.extend(numbers[i..=j].iter().map(usize::to_string));
        }
        i = j + 1;
    }
    let joined = match spans.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    format!(
        "{} {joined}",
        if numbers.len() > 1 { "paras" } else { "para" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_lists_read_as_a_tribunal_writes_them() {
        assert_eq!(paras(&[12]), "para 12");
        assert_eq!(paras(&[12, 15]), "paras 12 and 15");
        assert_eq!(paras(&[12, 13]), "paras 12 and 13");
        assert_eq!(paras(&[22, 12, 15]), "paras 12, 15 and 22");
        assert_eq!(paras(&[12, 13, 14, 20, 22]), "paras 12–14, 20 and 22");
    }

    #[test]
    fn an_explicit_id_ends_a_paragraph_and_has_no_dot() {
        assert_eq!(
            explicit_id("The summons. {#summons}\n"),
            Some(("summons", 13))
        );
        assert_eq!(explicit_id("Text {#a.b}"), None);
        assert_eq!(explicit_id("Text {#two words}"), None);
        assert_eq!(explicit_id("{#summons} opens it"), None);
    }
}
