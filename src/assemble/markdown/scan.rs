//! What the check reads from Markdown without converting it: notes to the expert, links to
//! other topics, and paragraphs marked as resting on the expert's own knowledge.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{options, topic_of};

/// The byte ranges of a brief's notes to the expert: GFM alerts such as `> [!NOTE]`, which
/// a draft shows in a marked box and a final report may not carry.
pub fn expert_notes(markdown: &str) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::BlockQuote(Some(_))) => Some(range),
            _ => None,
        })
        .collect()
}

/// A brief's link to another topic of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLink {
    /// The topic's id.
    pub topic: String,
    /// `#topic?`: the sentence holds without the section, so a report that leaves the topic
    /// out prints the link's text alone.
    pub optional: bool,
    /// Where the link is, in bytes of the Markdown.
    pub range: std::ops::Range<usize>,
}

/// Links to another topic of the report: `[the minorities section](#minorities)` becomes
/// "section 6.3, Minorities"; `[the Uzbek minority](#minorities?)` becomes "the Uzbek
/// minority (section 6.3, Minorities)", or the words alone where the report has no such
/// section.
pub fn topic_links(markdown: &str) -> Vec<TopicLink> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                topic_of(&dest_url).map(|(topic, optional)| TopicLink {
                    topic: topic.to_string(),
                    optional,
                    range,
                })
            }
            _ => None,
        })
        .collect()
}

/// Whether a top-level paragraph of `markdown` opens with the own-knowledge marker: exactly
/// the paragraphs the report marks (not one in a list, a quotation or a code block).
pub fn marks_own_knowledge(markdown: &str) -> bool {
    let marked = super::marked::Marked::new(markdown);
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(&marked.source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph)
                if depth == 0 && super::opens_with_own_knowledge(&marked.source[range.start..]) =>
            {
                return true;
            }
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_),
            ) => depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition,
            ) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}
