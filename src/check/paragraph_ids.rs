//! E183: an ID an expert sets on a paragraph (`{#summons}`) names one paragraph only, in the
//! case and in the brief sections the report prints.

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
            let at = Diagnostic::error(
                &section.path,
                format!("the paragraph ID `{id}` is set twice"),
            )
            .at(section.text.clone(), Some(start..start + marker.len()));
            places.push((at, id, crate::diagnostic::display_path(&section.path)));
        }
    }
    for (field, prose) in inputs.case.case.markdown_fields() {
        for (id, marker, _) in explicit_ids(prose.as_str()) {
            let message = format!("the paragraph ID `{id}` is set twice");
            let at = inputs.case.error_at_text(&field, &marker, message);
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
