//! The part "Country guidance and the Respondent's country information": one entry per
//! position the case takes on an authority of the brief, in the case's order.

use serde_json::{Value, json};

use super::{cite, escape};
use crate::citation::{Cite, CiteGroup};
use crate::load::Inputs;
use crate::load::authorities::AuthorityKind;
use crate::load::case::Position;
use crate::load::prose::Prose;

/// The template data of each position: the authority cited, what it decides, the opinion's
/// position in a sentence, and the reasons (`own` makes the case's Markdown into Typst).
pub fn positions(inputs: &Inputs, own: &dyn Fn(&Prose, &str, usize) -> String) -> Vec<Value> {
    let authorities = &inputs.brief.authorities;
    inputs
        .case
        .case
        .country_guidance
        .iter()
        .enumerate()
        .filter_map(|(i, position)| {
            let authority = authorities.get(&position.authority)?;
            // The authority by its citation, with its bibliography entry in a note.
            let mut cited = escape::markup(&authority.citation);
            let group = CiteGroup {
                span: 0..0,
                cites: vec![Cite {
                    key: authority.key.clone(),
                    ..Cite::default()
                }],
                in_text: false,
            };
            cite::push_group(&mut cited, &group, &escape::markup, &cite::Names::new());
            let stance = match position.position {
                Position::Agrees => "My opinion is consistent with it.",
                Position::Departs => "My opinion departs from it, for the reasons that follow.",
                Position::NotRelevant => {
                    "It does not bear on the questions in this case, for the reasons that follow."
                }
            };
            let reasons = (!position.reasons.trim().is_empty()).then(|| {
                own(
                    &position.reasons,
                    &format!("country_guidance[{i}].reasons"),
                    2,
                )
            });
            Some(json!({
                "id": format!("guidance-{}", i + 1),
                "citation_typst": cited,
                "date": authority.date.0.format("%-d %B %Y").to_string(),
                "cpin": authority.kind == AuthorityKind::Cpin,
                "decides": authority.decides,
                "stance": stance,
                "reasons_typst": reasons,
            }))
        })
        .collect()
}
