//! The redline as a document: the summary page and every paragraph with its changes marked,
//! typeset by the same pipeline as the report.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Result;
use serde_json::json;
use similar::{Algorithm, ChangeTag};

use super::{Comparison, Fate, Row};
use crate::assemble::{Template, escape};
use crate::load::Inputs;
use crate::pipeline::{self, Backend, Prepared};
use crate::served::{Paragraph, Snapshot};
use crate::typeset::{self, Control};

/// The report template that lays out a redline.
pub const TEMPLATE: &str = "redline";

/// Typesets the redline of `comparison` in the style of `inputs`' report, at `destination`.
pub fn make(
    inputs: &Inputs,
    comparison: &Comparison,
    old: &Snapshot,
    new: &Snapshot,
    destination: PathBuf,
    backend: &dyn Backend,
    options: &pipeline::Options,
) -> Result<PathBuf> {
    let template = Template::load(&inputs.workspace.templates, TEMPLATE)?;
    let mut extra = serde_json::Map::new();
    extra.insert(
        "redline".into(),
        json!({
            "versions_typst": versions(comparison),
            "summary": comparison.summary,
            "counts_typst": escape::markup(&counts(comparison)),
            "rows_typst": rows(comparison, old, new),
        }),
    );
    pipeline::output::ensure_folder_for(&destination, backend.extension())?;
    let prepared = Prepared {
        findings: Vec::new(),
        assembly: template.assemble_with(inputs, extra, Vec::new())?,
        destination,
        settings: typeset::Settings::for_inputs(inputs, &options.pdf_standards)?,
        // A redline is a working document between the parties, not a filing.
        provenance: false,
        forum_rules: false,
    };
    let stop = AtomicBool::new(false);
    let control = Control {
        stop: &stop,
        threads: None,
    };
    Ok(pipeline::execute(inputs, prepared, backend, options, control, None)?.pdf)
}

fn versions(comparison: &Comparison) -> String {
    let (old, new) = (&comparison.old, &comparison.new);
    escape::markup(&format!(
        "From the version of {} ({}, {} numbered paragraphs, read from {}) to the version of {} ({}, {} numbered paragraphs, made from {}).",
        old.date,
        old.status,
        old.paragraphs,
        old.from,
        new.date,
        new.status,
        new.paragraphs,
        new.from
    ))
}

fn counts(comparison: &Comparison) -> String {
    format!(
        "{} changed, {} added, {} deleted, {} moved; {} as they were.",
        comparison.changed.len(),
        comparison.added.len(),
        comparison.deleted.len(),
        comparison.moved.len(),
        comparison.unchanged
    )
}

/// Every row as a `#rl(number, id)[text]` call.
fn rows(comparison: &Comparison, old: &Snapshot, new: &Snapshot) -> String {
    let mut out = String::new();
    for row in &comparison.paragraphs {
        let before = row.old.map(|o| &old.paragraphs[o]);
        let after = row.new.map(|n| &new.paragraphs[n]);
        out.push_str("#rl([");
        out.push_str(&escape::markup(&number(row)));
        out.push_str("], [");
        escape::push_markup(&mut out, &row.id);
        out.push_str("])[");
        match (before, after) {
            (Some(before), Some(after)) if row.fate == Fate::Changed => {
                changes(&mut out, &before.text, &after.text);
                notes(&mut out, before, after);
                for key in &row.sources_changed {
                    let describe = |s: &Snapshot| s.sources.get(key).cloned().unwrap_or_default();
                    out.push_str("#linebreak()#mark-line[Source ");
                    escape::push_markup(&mut out, key);
                    out.push_str(" updated: ]");
                    out.push_str("#mark-line[");
                    changes(&mut out, &describe(old), &describe(new));
                    out.push(']');
                }
            }
            (_, Some(after)) if row.fate == Fate::Added => wrapped(&mut out, "ins", &after.text),
            (Some(before), None) => wrapped(&mut out, "del", &before.text),
            (_, Some(after)) => lines(&mut out, &after.text),
            (None, None) => {}
        }
        out.push_str("]\n");
    }
    out
}

/// "31", "31 (was 30)", "30 (new)", "(was 9)", "14 (was 22, moved)".
fn number(row: &Row) -> String {
    match (row.number, row.was) {
        (Some(n), _) if row.moved => format!("{n} (was {}, moved)", row.was.unwrap_or(0)),
        (Some(n), Some(w)) if n == w => n.to_string(),
        (Some(n), Some(w)) => format!("{n} (was {w})"),
        (Some(n), None) => format!("{n} (new)"),
        (None, Some(w)) => format!("(was {w}, deleted)"),
        (None, None) => String::new(),
    }
}

/// The word-by-word changes from `old` to `new`, as a reader takes them in: each run of
/// changes as the words struck, then the words inserted, rather than word by word in turn. A
/// single short word the two share inside a run is taken into it (so "a copy" for "the
/// original" reads as one change, not three).
fn changes(out: &mut String, old: &str, new: &str) {
    let (mut struck, mut inserted) = (String::new(), String::new());
    let flush = |out: &mut String, struck: &mut String, inserted: &mut String| {
        let (gone, came) = (struck.trim(), inserted.trim());
        let lead = &struck[..struck.len() - struck.trim_start().len()];
        lines(
            out,
            if gone.is_empty() {
                &inserted[..inserted.len() - inserted.trim_start().len()]
            } else {
                lead
            },
        );
        if !gone.is_empty() {
            wrapped(out, "del", gone);
        }
        if !gone.is_empty() && !came.is_empty() {
            out.push(' ');
        }
        if !came.is_empty() {
            wrapped(out, "ins", came);
        }
        let trail = if came.is_empty() {
            struck.as_str()
        } else {
            inserted.as_str()
        };
        lines(out, &trail[trail.trim_end().len()..]);
        struck.clear();
        inserted.clear();
    };
    let pieces = similar::utils::diff_words(Algorithm::Patience, old, new);
    for (i, (tag, slice)) in pieces.iter().enumerate() {
        match tag {
            ChangeTag::Delete => struck.push_str(slice),
            ChangeTag::Insert => inserted.push_str(slice),
            ChangeTag::Equal => {
                let in_a_run = !(struck.is_empty() && inserted.is_empty())
                    && matches!(pieces.get(i + 1), Some((t, _)) if *t != ChangeTag::Equal);
                let short =
                    slice.split_whitespace().count() <= 1 && slice.trim().chars().count() <= 4;
                if in_a_run && short {
                    struck.push_str(slice);
                    inserted.push_str(slice);
                } else {
                    flush(out, &mut struck, &mut inserted);
                    lines(out, slice);
                }
            }
        }
    }
    flush(out, &mut struck, &mut inserted);
}

/// Footnotes that changed, each as its own marked line.
fn notes(out: &mut String, before: &Paragraph, after: &Paragraph) {
    if before.notes == after.notes {
        return;
    }
    let old = before.notes.join("\n");
    let new = after.notes.join("\n");
    out.push_str("#linebreak()#mark-line[Notes: ");
    changes(out, &old, &new);
    out.push(']');
}

/// `text` inside `#del[…]` or `#ins[…]`, line by line so a line break stays one.
fn wrapped(out: &mut String, call: &str, text: &str) {
    let pieces: Vec<&str> = text.split('\n').collect();
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str("#linebreak()");
        }
        if !piece.trim().is_empty() {
            out.push_str(&format!("#{call}["));
            escape::push_markup(out, piece);
            out.push(']');
        } else {
            escape::push_markup(out, piece);
        }
    }
}

/// Literal text, its line breaks kept.
fn lines(out: &mut String, text: &str) {
    for (i, piece) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("#linebreak()");
        }
        escape::push_markup(out, piece);
    }
}
