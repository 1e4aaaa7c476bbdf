//! Placeholders left in the case or the briefs it uses: TODO, TBC, TBD, XXX, lorem ipsum,
//! `TO WRITE:` prompts, unrendered `{{ }}`.

use super::case_prose;
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;

const WORDS: [&str; 4] = ["TODO", "TBC", "TBD", "XXX"];
/// `to write:` is the prompt `witness new` leaves in every field the expert must fill.
const PHRASES: [&str; 4] = ["lorem ipsum", "to write:", "{{", "}}"];

pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    for (field, text) in case_prose(&inputs.case.case) {
        for (at, placeholder) in find(text) {
            let written = &text[at..at + placeholder.len()];
            found.push(
                inputs
                    .case
                    .error_at_text(
                        &field,
                        written,
                        format!("placeholder `{written}` left in the text"),
                    )
                    .with_code("E120")
                    .with_help("replace the placeholder with the finished text"),
            );
        }
    }
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        for (at, placeholder) in find(section.body()) {
            let start = section.body_start + at;
            found.push(
                Diagnostic::error(
                    &section.path,
                    format!("placeholder `{placeholder}` left in the brief"),
                )
                .with_code("E120")
                .at(section.text.clone(), Some(start..start + placeholder.len()))
                .with_help("finish the brief section before it is used in a report"),
            );
        }
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
