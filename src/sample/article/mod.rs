//! The web article (`witness sample --to html`): the sample as one self-contained HTML page
//! for the agency's website, made from the same inputs and the same sample data as the PDF
//! and laid out by the template `sample-report/article.html.hbs`.
//!
//! Every piece of text from a brief, case or `witness.toml` reaches the page escaped: text by
//! Handlebars' HTML escaping or pulldown-cmark's, Markdown through
//! [`markdown::to_html`](crate::assemble::markdown::to_html), and the JSON-LD by
//! [`head::script_safe_json`]. Fields ending in `_html` are markup made here from escaped text.

mod head;
mod notes;

use anyhow::Result;
use handlebars::Handlebars;
use pulldown_cmark_escape::escape_html;
use serde_json::{Value, json};

use crate::assemble::markdown::{self, HtmlSettings};
use crate::citation::{self, Piece};
use crate::diagnostic::Diagnostic;
use crate::load::{Inputs, Section};
use crate::sample::data::SampleData;
use head::{Colours, Contacts, Head};
use notes::PageNotes;

/// The article's template, in the templates folder (a workspace may have its own).
pub const TEMPLATE_FILE: &str = "sample-report/article.html.hbs";

/// The page's language: the sample's fixed wording is English.
const LANG: &str = "en";

/// The whole page for `inputs` with the sample's `data`.
pub fn page(inputs: &Inputs, data: &SampleData) -> Result<String> {
    let brief = &inputs.brief;
    let country = &brief.info.name;
    let contacts = Contacts::of(&data.brand);
    let colours = Colours::of(&data.brand)?;
    let headline = format!("{country}: country conditions for asylum claims");
    let title = match &contacts.name {
        Some(name) => format!("{headline} | {name}"),
        None => headline.clone(),
    };
    let head = Head {
        headline: &headline,
        title,
        description: &brief.info.summary,
        date: inputs
            .case
            .case
            .report
            .date
            .0
            .format("%Y-%m-%d")
            .to_string(),
        country,
        lang: LANG,
    };

    // The same sections as the PDF's, in its order: the background, then the topics.
    let sections: Vec<&Section> = inputs
        .topics()
        .iter()
        .filter_map(|id| brief.section(id))
        .collect();
    let (background, topics): (Vec<&Section>, Vec<&Section>) = sections
        .into_iter()
        .partition(|s| inputs.catalogue.background.contains(&s.topic));
    let sections: Vec<&Section> = background.into_iter().chain(topics).collect();
    let anchors: Vec<(String, String)> = sections
        .iter()
        .map(|s| (s.topic.clone(), section_id(&s.topic)))
        .collect();
    let topic_anchor = |topic: &str| {
        anchors
            .iter()
            .find(|(t, _)| t == topic)
            .map(|(_, id)| id.clone())
    };
    // Under a topic's h2 a brief's `##` is an h3, as in the PDF one level below the topic;
    // the expert's analysis sits under an h3 of its own.
    let brief_markdown = HtmlSettings {
        heading_base: 2,
        floor: 3,
        topic_anchor: &topic_anchor,
        own_knowledge: false,
    };
    let own_markdown = |floor: usize| HtmlSettings {
        heading_base: floor,
        floor,
        topic_anchor: &topic_anchor,
        own_knowledge: true,
    };

    let mut notes = PageNotes::new(inputs);
    let mut introduction = format!("<p class=\"lead\">{}</p>\n", escaped(&brief.info.summary));
    introduction.push_str(&literal_html(&data.wording.introduction, &mut notes));
    let case = &inputs.case.case;
    let sections: Vec<Value> = sections
        .iter()
        .map(|section| {
            let body = markdown::to_html(section.body(), &brief_markdown, &mut notes);
            let analysis = case
                .analysis
                .get(&section.topic)
                .filter(|a| !a.text.trim().is_empty())
                .map(|a| markdown::to_html(&a.text, &own_markdown(4), &mut notes));
            json!({
                "id": section_id(&section.topic),
                "title": section.info.title,
                "body_html": body,
                "analysis_html": analysis,
            })
        })
        .collect();
    let mut conclusion = String::new();
    if data.from_case {
        for own in [&case.opinion.conclusions, &case.opinion.risk_on_return] {
            conclusion.push_str(&markdown::to_html(&own.text, &own_markdown(3), &mut notes));
        }
    }
    conclusion.push_str(&literal_html(&data.wording.conclusion, &mut notes));
    let ordering = literal_html(&data.wording.ordering, &mut notes);

    let article = json!({
        "lang": head.lang,
        "title": head.title,
        "headline": head.headline,
        "description": head.description,
        "date": head.date,
        "date_display": notes::display_date(&head.date),
        "open_graph": head.open_graph(&contacts),
        "json_ld": head.json_ld(&contacts),
        "brand": contacts,
        "colours": colours,
        "logo": data.logo.as_ref().and_then(head::logo_data_uri),
        "from_case": data.from_case,
        "applicant_label": data.applicant_label,
        "disclaimer": data.wording.disclaimer,
        "illustrative_note": brief.info.illustrative.then_some(&brief.info.illustrative_note),
        "introduction_html": introduction,
        "sections": sections,
        "conclusion_html": conclusion,
        "ordering_html": ordering,
        "regions": data.regions,
        "notes": notes.notes,
        "witness_version": env!("CARGO_PKG_VERSION"),
    });
    Ok(fill(inputs, &json!({ "article": article }))?)
}

/// The page's id of a topic's section: `topic-` and the id, with only characters an id and
/// a fragment take as they are.
fn section_id(topic: &str) -> String {
    let safe: String = topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("topic-{safe}")
}

/// Literal text (sample.toml's wording) as paragraphs: blank lines part them, and only
/// bracketed citations mean anything, found by the one citation parser as for the PDF.
fn literal_html(text: &str, notes: &mut PageNotes) -> String {
    use crate::assemble::markdown::Notes;
    let mut out = String::new();
    for paragraph in crate::assemble::prose::paragraphs(text) {
        out.push_str("<p>");
        for piece in citation::split(&paragraph) {
            match piece {
                Piece::Text(text) => out.push_str(&escaped(text)),
                Piece::Cites(group) => out.push_str(&notes.cite(&group)),
            }
        }
        out.push_str("</p>\n");
    }
    out
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(&mut out, text).expect("writing to a String");
    out
}

/// Fills the article's template (the workspace's, else the built-in one) with `data`.
/// Handlebars escapes every `{{value}}` as HTML; `{{{value_html}}}` is for markup made here.
fn fill(inputs: &Inputs, data: &Value) -> Result<String, Diagnostic> {
    let source = inputs
        .workspace
        .templates
        .read_text(TEMPLATE_FILE)?
        .ok_or_else(|| {
            Diagnostic::error(
                TEMPLATE_FILE,
                "the sample-report template has no article.html.hbs",
            )
        })?;
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry
        .register_template_string("article", source.text.as_ref())
        .map_err(|error| {
            let span = error.pos().map(|(line, column)| {
                let at = crate::assemble::line_start(&source.text, line) + column.saturating_sub(1);
                at..at + 1
            });
            Diagnostic::error(&source.path, format!("template error: {}", error.reason()))
                .at(source.text.clone(), span)
        })?;
    registry.render("article", data).map_err(|error| {
        let span = error.line_no.map(|line| {
            let start = crate::assemble::line_start(&source.text, line);
            start..start + 1
        });
        Diagnostic::error(&source.path, format!("template failed: {}", error.reason()))
            .at(source.text.clone(), span)
    })
}
