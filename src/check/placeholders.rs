//! Placeholders left in anything that can reach the PDF: TODO, TBC, TBD, XXX, lorem ipsum,
//! `TO WRITE:` prompts, unrendered `{{ }}`.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::load::case::Status;
use crate::load::toml_file;

const WORDS: [&str; 4] = ["TODO", "TBC", "TBD", "XXX"];
/// `to write:` is the prompt `witness new` leaves in every field the expert must fill.
const PHRASES: [&str; 4] = ["lorem ipsum", "to write:", "{{", "}}"];

/// E120 in a final report, W120 in a draft: a placeholder or prompt in any text that can
/// reach the PDF. Every string of the case file is scanned (not a list of fields, so a field
/// nobody listed cannot let one through), then the expert from witness.toml when the case
/// has none, brief.toml, the brief sections the report uses, and the CV.
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let is_final = inputs.case.case.report.status == Status::Final;
    let graded = |diagnostic: Diagnostic| {
        if is_final {
            diagnostic
                .with_code("E120")
                .with_help_suffix("a final report may not carry prompts or placeholders")
        } else {
            diagnostic.with_code("W120").into_warning()
        }
    };
    let help = "replace the placeholder with the finished text";

    let case = &inputs.case;
    let value = serde_json::to_value(&case.case).unwrap_or_default();
    for (field, text) in strings(&value, String::new()) {
        for (at, placeholder) in find(&text) {
            let written = &text[at..at + placeholder.len()];
            found.push(graded(
                case.error_at_text(
                    &field,
                    written,
                    format!("placeholder `{written}` left in the text"),
                )
                .with_help(help),
            ));
        }
    }

    // The expert witness.toml supplies when the case names none: their name is printed on
    // the cover and under the statement of truth.
    if case.case.expert.is_none()
        && let (Some(expert), Some(config)) = (
            &inputs.workspace.config.expert,
            &inputs.workspace.config_path,
        )
    {
        let text: Arc<str> = std::fs::read_to_string(config).unwrap_or_default().into();
        let value = serde_json::to_value(expert).unwrap_or_default();
        for (field, value) in strings(&value, "expert".into()) {
            for (at, placeholder) in find(&value) {
                let written = &value[at..at + placeholder.len()];
                // Qualifications kept in a file are placed in that file.
                let at = match inputs
                    .workspace
                    .prose_files
                    .iter()
                    .find(|f| f.field == field)
                {
                    Some(file) => {
                        file.error_at(written, format!("placeholder `{written}` left in the text"))
                    }
                    None => located(config, &text, &field, written),
                };
                found.push(graded(
                    at
                        .with_help("witness.toml gives this expert to every case that names none; replace the placeholder there"),
                ));
            }
        }
    }

    let brief = &inputs.brief;
    if let Ok(Some(source)) = brief.folder.read_text("brief.toml") {
        let info = &brief.info;
        let mut fields = vec![
            ("name", info.name.as_str()),
            ("adjective", &info.adjective),
            ("region", &info.region),
            ("summary", &info.summary),
            ("reviewer", &info.reviewer),
        ];
        if let Some(note) = &info.illustrative_note {
            fields.push(("illustrative_note", note));
        }
        for (field, value) in fields {
            for (at, placeholder) in find(value) {
                let written = &value[at..at + placeholder.len()];
                found.push(graded(
                    located(&source.path, &source.text, field, written)
                        .with_help("finish the brief before it is used in a report"),
                ));
            }
        }
    }

    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        for (at, placeholder) in find(section.body()) {
            let start = section.body_start + at;
            found.push(graded(
                Diagnostic::error(
                    &section.path,
                    format!("placeholder `{placeholder}` left in the brief"),
                )
                .at(section.text.clone(), Some(start..start + placeholder.len()))
                .with_help("finish the brief section before it is used in a report"),
            ));
        }
    }

    if let Some((path, text)) = &inputs.attachments.cv {
        for (at, placeholder) in find(text) {
            found.push(graded(
                Diagnostic::error(path, format!("placeholder `{placeholder}` left in the CV"))
                    .at(text.clone(), Some(at..at + placeholder.len()))
                    .with_help("finish the CV: it is printed as an appendix"),
            ));
        }
    }
}

/// A placeholder `written` inside the string at `field` of a TOML file's `text`.
fn located(file: &std::path::Path, text: &Arc<str>, field: &str, written: &str) -> Diagnostic {
    let value = toml_file::locate(text, field);
    let span = value.clone().and_then(|range| {
        let raw = text.get(range.clone())?;
        raw.find(written)
            .map(|at| range.start + at..range.start + at + written.len())
    });
    Diagnostic::error(file, format!("placeholder `{written}` left in the text"))
        .with_field(field)
        .at(text.clone(), span.or(value))
}

/// Every string in `value` with its field path as a user writes it (`questions[1].answer`).
pub fn strings(value: &serde_json::Value, path: String) -> Vec<(String, String)> {
    use serde_json::Value;
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) => vec![(path, text.clone())],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| strings(item, format!("{path}[{i}]")))
            .collect(),
        Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| strings(item, join(key)))
            .collect(),
        _ => Vec::new(),
    }
}

/// Byte offsets and kinds of the placeholders in `text`; words match whole and in any case.
pub fn find(text: &str) -> Vec<(usize, &'static str)> {
    // Lower-casing can change byte lengths outside ASCII; only trust offsets when it changes
    // no character's length. (Comparing the total length was not enough: in "İ todo—ẞ" one
    // letter grows and another shrinks, the offsets shifted, and slicing the original text at
    // them panicked, inside the dash.)
    let same_lengths = text
        .chars()
        .all(|c| c.to_lowercase().map(char::len_utf8).sum::<usize>() == c.len_utf8());
    let lower = if same_lengths {
        text.to_lowercase()
    } else {
        text.to_ascii_lowercase()
    };
    let mut hits = Vec::new();
    for word in WORDS {
        let needle = word.to_lowercase();
        for (at, _) in lower.match_indices(&needle) {
            let before = lower[..at].chars().next_back();
            let after = lower[at + needle.len()..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if boundary(before) && boundary(after) {
                hits.push((at, word));
            }
        }
    }
    for phrase in PHRASES {
        hits.extend(lower.match_indices(phrase).map(|(at, _)| (at, phrase)));
    }
    hits.sort();
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_as_whole_words() {
        let found: Vec<&str> = find("todo: write. Date TBC. {{name}} Lorem ipsum. toddler, XXXL")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(found, ["TODO", "TBC", "{{", "}}", "lorem ipsum"]);
    }

    #[test]
    fn offsets_stay_on_the_text_when_lower_casing_changes_lengths() {
        for text in ["İ todo—ẞ", "ẞ TODO İ", "İİ xxx"] {
            for (at, placeholder) in find(text) {
                let found = &text[at..at + placeholder.len()];
                assert!(found.eq_ignore_ascii_case(placeholder), "{text}: {found}");
            }
        }
    }
}
