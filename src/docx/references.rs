//! What typst works out at layout time, worked out from the numbers the walk counted: a
//! reference to a heading, the paragraphs of a part, a link to a topic, and the methodology's
//! list of own-knowledge paragraphs.

use super::model::{Inline, Reference};
use super::walk::{Counted, OWN_KNOWLEDGE};

/// What typst prints for `reference`, from what the walk counted.
pub fn resolve(counted: &Counted, reference: &Reference) -> Vec<Inline> {
    match reference {
        Reference::Label(label) if label == OWN_KNOWLEDGE => {
            let numbers: Vec<String> = counted.own_knowledge.iter().map(usize::to_string).collect();
            let listed = join_and(&numbers);
            vec![Inline::text(if numbers.len() == 1 {
                format!(
                    "Paragraph {listed} rests on my own knowledge and is marked “(own knowledge)”."
                )
            } else {
                format!(
                    "Paragraphs {listed} rest on my own knowledge and are marked “(own knowledge)”."
                )
            })]
        }
        Reference::Label(label) => match counted.headings.get(label) {
            Some((number, _)) => vec![Inline::text(format!("Section {number}"))],
            None => vec![Inline::text(format!("@{label}"))],
        },
        Reference::Paras(ids) => {
            let spans: Vec<String> = ids
                .iter()
                .filter_map(|id| counted.parts.get(id))
                .filter(|(first, last)| last >= first)
                .map(|(first, last)| {
                    if first == last {
                        first.to_string()
                    } else {
                        format!("{first}–{last}")
                    }
                })
                .collect();
            let text = match spans.as_slice() {
                [] => String::new(),
                [one] if !one.contains('–') => format!("para {one}"),
                _ => format!("paras {}", join_and(&spans)),
            };
            vec![Inline::text(text)]
        }
        Reference::Topic {
            id,
            optional,
            words,
        } => match counted.headings.get(&format!("topic-{id}")) {
            None => words.clone(),
            Some((number, title)) => {
                let reference = Inline::text(format!("section {number}, {title}"));
                if *optional {
                    let mut out = words.clone();
                    out.push(Inline::text(" ("));
                    out.push(reference);
                    out.push(Inline::text(")"));
                    out
                } else {
                    vec![reference]
                }
            }
        },
    }
}

fn join_and(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
