//! Brief text that speaks to the wrong reader or points nowhere: notes to the expert left in
//! a section a final report uses, links to topics the report leaves out, and words that
//! describe a brief rather than a report.

use crate::assemble::markdown;
use crate::diagnostic::Diagnostic;
use crate::load::case::Status;
use crate::load::{Inputs, Section};

/// Phrases that make sense in a brief and not in the report a tribunal reads.
const BRIEF_WORDS: [&str; 4] = [
    "elsewhere in this brief",
    "in this brief",
    "this brief",
    "the topic sections that follow",
];

/// E150/W150 a note to the expert in a section the report uses; E151 a link to a topic the
/// report does not include; W152 wording about "this brief".
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let is_final = inputs.case.case.report.status == Status::Final;
    let topics = inputs.topics();
    for topic in &topics {
        let Some(section) = inputs.brief.section(topic) else {
            continue;
        };
        let body = section.body();
        for note in markdown::expert_notes(body) {
            let diagnostic = located(
                section,
                note.start..note.start + first_line(&body[note.clone()]),
                format!("a note to the expert is left in the section on `{topic}`"),
            )
            .with_help(
                "do what the note asks, then delete it from your workspace's copy of the section: deleting it is how you sign the section off",
            );
            found.push(if is_final {
                diagnostic.with_code("E150")
            } else {
                diagnostic.with_code("W150").into_warning()
            });
        }
        for markdown::TopicLink {
            topic: target,
            optional,
            range: link,
        } in markdown::topic_links(body)
        {
            let known = inputs.brief.section(&target).is_some()
                || inputs.catalogue.topic(&target).is_some();
            if topics.contains(&target) || (optional && known) {
                continue;
            }
            let message = if known {
                format!("a link to the section on `{target}`, which this report does not include")
            } else {
                format!("a link to `#{target}`, which is no topic")
            };
            found.push(
                located(section, link, message)
                    .with_code("E151")
                    .with_help(format!(
                        "add `{target}` to report.topics, or write the sentence so that it holds without the section and mark the link optional: `[the words](#{target}?)` prints the words alone when the report leaves the topic out"
                    )),
            );
        }
        let lower = body.to_lowercase();
        // Longest first, so "elsewhere in this brief" is reported once, not also as "this brief".
        let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
        for phrase in BRIEF_WORDS {
            for (at, _) in lower.match_indices(phrase) {
                let range = at..at + phrase.len();
                if taken
                    .iter()
                    .any(|t| t.start <= range.start && range.end <= t.end)
                    || !body.is_char_boundary(range.start)
                    || !body.is_char_boundary(range.end)
                {
                    continue;
                }
                taken.push(range.clone());
                found.push(
                    located(
                        section,
                        range,
                        format!("`{}` speaks of the brief, but the reader holds a report", &body[at..at + phrase.len()]),
                    )
                    .with_code("W152")
                    .into_warning()
                    .with_help(
                        "say what the report says (\"this report\", \"section …\"), or link the topic: `[the minorities section](#minorities)`",
                    ),
                );
            }
        }
    }
}

/// A finding at `range` of a section's body.
fn located(section: &Section, range: std::ops::Range<usize>, message: String) -> Diagnostic {
    let start = section.body_start + range.start;
    let end = section.body_start + range.end;
    Diagnostic::error(&section.path, message).at(section.text.clone(), Some(start..end))
}

/// The length of the first line of `text`, so a note's finding underlines its opening line.
fn first_line(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len())
}
