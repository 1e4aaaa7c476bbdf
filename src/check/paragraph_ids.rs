//! E183: an ID an expert sets on a paragraph (`{#summons}`) names one paragraph only, in the
//! case and in the brief sections the report prints, and is not the name of a part of the
//! report (which an addendum's `rests_on` means as the whole part).

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::served::explicit_id;

/// The explicit IDs that end the top-level paragraphs of `markdown`, with the text of each
/// marker (`{#summons}`) and where it starts.
fn explicit_ids(markdown: &str) -> Vec<(String, String, usize)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    for (event, range) in
        Parser::new_ext(markdown, crate::assemble::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => {
                if let Some((id, at)) = explicit_id(&markdown[range.clone()]) {
                    found.push((id.to_string(), format!("{{#{id}}}"), range.start + at));
                }
            }
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_),
            ) => depth += 1,
            Event::End(
                pulldown_cmark::TagEnd::BlockQuote(_)
                | pulldown_cmark::TagEnd::List(_)
                | pulldown_cmark::TagEnd::Table
                | pulldown_cmark::TagEnd::FootnoteDefinition,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    found
}

/// E183 for every ID set again, at each place after the first in file order, naming the
/// first.
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    // Every place an ID is set, as the finding it would be, with the place's name.
    let mut places: Vec<(Diagnostic, String, String)> = Vec::new();
    for topic in inputs.topics() {
        let Some(section) = inputs.brief.section(&topic) else {
            continue;
        };
        for (id, marker, at) in explicit_ids(section.body()) {
            let start = section.body_start + at;
            let located = |message: String| {
                Diagnostic::error(&section.path, message)
                    .at(section.text.clone(), Some(start..start + marker.len()))
            };
            if names_a_part(inputs, &id) {
                found.push(part_named(located, &id));
            }
            let at = located(format!("the paragraph ID `{id}` is set twice"));
            places.push((at, id, crate::diagnostic::display_path(&section.path)));
        }
    }
    for (field, prose) in inputs.case.case.markdown_fields() {
        for (id, marker, _) in explicit_ids(prose.as_str()) {
            let located = |message: String| inputs.case.error_at_text(&field, &marker, message);
            if names_a_part(inputs, &id) {
                found.push(part_named(located, &id));
            }
            let at = located(format!("the paragraph ID `{id}` is set twice"));
            places.push((at, id, format!("`{field}`")));
        }
    }
    if places.is_empty() {
        return;
    }
    let mut order: Vec<Diagnostic> = places.iter().map(|(at, _, _)| at.clone()).collect();
    crate::diagnostic::sort_in_file_order(&mut order);
    let mut first: HashMap<&str, &str> = HashMap::new();
    for at in order {
        let (_, id, place) = places
            .iter()
            .find(|(d, _, _)| {
                d.file == at.file
                    && d.line_column() == at.line_column()
                    && d.field == at.field
                    && d.message == at.message
            })
            .expect("sorted from these");
        match first.get(id.as_str()) {
            Some(earlier) => found.push(at.clone().with_code("E183").with_help(format!(
                "`{{#{id}}}` is already set in {earlier}; give each paragraph its own ID"
            ))),
            None => {
                first.insert(id, place);
            }
        }
    }
}

/// Whether `id` is the name of a part of the report: a topic, or an answer, a position on
/// country guidance or a point of an addendum by its number.
fn names_a_part(inputs: &Inputs, id: &str) -> bool {
    let numbered = ["answer-", "guidance-", "point-"].iter().any(|part| {
        id.strip_prefix(part)
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    });
    numbered || inputs.catalogue.topic_ids().any(|topic| topic == id)
}

/// E183 for an ID that is a part's name, placed by `located`.
fn part_named(located: impl Fn(String) -> Diagnostic, id: &str) -> Diagnostic {
    located(format!("the paragraph ID `{id}` is the name of a part of the report"))
        .with_code("E183")
        .with_help(format!(
            "an addendum's `rests_on = [\"{id}\"]` means the whole part; give the paragraph an ID of its own, such as `{id}-para`"
        ))
}
