//! `witness diff`: what changed between a served version of a report and a later one, as a
//! summary ("paras 12, 15 and 22 changed; para 30 added; para 31 was 30") and as a redline
//! PDF in the report's own style.

mod compare;
mod document;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;

pub use compare::{Fate, Row, compare};
pub use document::make;

use crate::served::{Snapshot, paras};

/// Two versions of a report and what became of each paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The earlier version.
    pub old: Version,
    /// The later version.
    pub new: Version,
    /// What changed, in sentences, most telling first.
    pub summary: Vec<String>,
    /// Numbers (in the new version) of the paragraphs whose text or sources changed.
    pub changed: Vec<usize>,
    /// Numbers of the paragraphs added.
    pub added: Vec<usize>,
    /// Numbers (in the old version) of the paragraphs deleted.
    pub deleted: Vec<usize>,
    /// Paragraphs that moved: new number and old.
    pub moved: Vec<Renumbered>,
    /// Runs of paragraphs whose number changed only because others came or went.
    pub renumbered: Vec<Renumbered>,
    /// How many paragraphs are as they were, at the same number.
    pub unchanged: usize,
    /// Every paragraph, in the new version's order.
    pub paragraphs: Vec<Row>,
}

/// One version: which report, of what date, read from where.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    /// The report's reference.
    pub reference: String,
    /// The report's date as printed.
    pub date: String,
    /// `draft` or `final`.
    pub status: String,
    /// The snapshot or case file it was read from.
    pub from: String,
    /// How many numbered paragraphs it has.
    pub paragraphs: usize,
}

/// A paragraph (or a run of them) that carries a new number: `first..=last` now, `was..` before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Renumbered {
    /// The first number it now has.
    pub first: usize,
    /// The last number it now has.
    pub last: usize,
    /// The number the first had.
    pub was: usize,
}

impl Comparison {
    /// Compares `old` (read from `old_from`) with `new` (made from `new_from`).
    pub fn of(old: &Snapshot, old_from: &Path, new: &Snapshot, new_from: &Path) -> Self {
        let rows = compare(old, new);
        let numbers = |fate: Fate| -> Vec<usize> {
            rows.iter()
                .filter(|r| r.fate == fate)
                .filter_map(|r| {
                    if fate == Fate::Deleted {
                        r.was
                    } else {
                        r.number
                    }
                })
                .collect()
        };
        let changed = numbers(Fate::Changed);
        let added = numbers(Fate::Added);
        let deleted = numbers(Fate::Deleted);
        let moved: Vec<Renumbered> = rows
            .iter()
            .filter(|r| r.moved)
            .filter_map(|r| {
                Some(Renumbered {
                    first: r.number?,
                    last: r.number?,
                    was: r.was?,
                })
            })
            .collect();
        let renumbered =
            runs(
                rows.iter()
                    .filter(|r| !r.moved)
                    .filter_map(|r| match (r.number, r.was) {
                        (Some(number), Some(was)) if number != was => Some((number, was)),
                        _ => None,
                    }),
            );
        let unchanged = rows
            .iter()
            .filter(|r| r.fate == Fate::Same && !r.moved && r.number == r.was)
            .count();
        let version = |s: &Snapshot, from: &Path| Version {
            reference: s.reference.clone(),
            date: s.date.clone(),
            status: s.status.clone(),
            from: crate::diagnostic::display_path(from),
            paragraphs: s.paragraphs.len(),
        };
        let mut comparison = Comparison {
            old: version(old, old_from),
            new: version(new, new_from),
            summary: Vec::new(),
            changed,
            added,
            deleted,
            moved,
            renumbered,
            unchanged,
            paragraphs: rows,
        };
        comparison.summary = comparison.sentences();
        comparison
    }

    fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        let listed = |verb: &str, numbers: &[usize]| -> Option<String> {
            (!numbers.is_empty()).then(|| format!("{} {verb}", paras(numbers)))
        };
        out.extend(listed("changed", &self.changed));
        out.extend(listed("added", &self.added));
        if !self.deleted.is_empty() {
            out.push(format!("old {} deleted", paras(&self.deleted)));
        }
        for m in &self.moved {
            out.push(format!("para {} moved (was para {})", m.first, m.was));
        }
        for run in &self.renumbered {
            out.push(if run.first == run.last {
                format!("para {} was {}", run.first, run.was)
            } else {
                format!(
                    "paras {}–{} were {}–{}",
                    run.first,
                    run.last,
                    run.was,
                    run.was + (run.last - run.first)
                )
            });
        }
        if out.is_empty() {
            out.push("no paragraph changed".to_string());
        }
        out
    }

    /// The summary on one line: "paras 12, 15 and 22 changed; para 30 added; para 31 was 30".
    pub fn one_line(&self) -> String {
        self.summary.join("; ")
    }
}

/// Consecutive `(number, was)` pairs with the same shift, as runs.
fn runs(pairs: impl Iterator<Item = (usize, usize)>) -> Vec<Renumbered> {
    let mut out: Vec<Renumbered> = Vec::new();
    for (number, was) in pairs {
        match out.last_mut() {
            Some(run) if run.last + 1 == number && run.was + (number - run.first) == was => {
                run.last = number
            }
            _ => out.push(Renumbered {
                first: number,
                last: number,
                was,
            }),
        }
    }
    out
}

/// Where the redline goes: `-o`, else `<reference>-redline.pdf` where the report goes.
pub fn destination(inputs: &crate::load::Inputs, options: &crate::pipeline::Options) -> PathBuf {
    match &options.output {
        Some(output) => output.clone(),
        None => crate::pipeline::output::destination(inputs, options, "pdf")
            .with_file_name(format!("{}-redline.pdf", inputs.case.case.report.reference)),
    }
}

/// The case a snapshot was made from, to typeset its redline in the report's style.
pub fn case_of(snapshot: &Snapshot, path: &Path) -> Result<crate::load::Inputs> {
    // As the render named it (from where it was run), else from the snapshot's folder.
    let recorded = Path::new(&snapshot.case);
    let beside = path.parent().map(|folder| folder.join(recorded));
    let case = match beside {
        Some(beside) if !recorded.is_file() && beside.is_file() => beside,
        _ => recorded.to_path_buf(),
    };
    crate::load::load(&case).with_context(|| {
        format!(
            "the redline is typeset in the style of the report's case, and {} was made from {}, \
             which cannot be loaded; give the case file as NEW instead",
            path.display(),
            snapshot.case
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shift_is_one_run_until_the_shift_changes() {
        let pairs = [(31, 30), (32, 31), (33, 32), (40, 38)];
        assert_eq!(
            runs(pairs.into_iter()),
            [
                Renumbered {
                    first: 31,
                    last: 33,
                    was: 30
                },
                Renumbered {
                    first: 40,
                    last: 40,
                    was: 38
                }
            ]
        );
    }
}
