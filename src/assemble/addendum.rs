//! An addendum's own parts: what it answers, the permission it needs, and each point of the
//! review with the response and the paragraphs of the original it rests on, by the numbers
//! they carry in the original as served.

use serde_json::{Value, json};

use super::{escape, prose};
use crate::load::Inputs;
use crate::load::prose::Prose;
use crate::served::paras;

/// The template data of an addendum; `None` for a report, or an addendum whose original
/// cannot be read (which the check refuses, E180). `own` makes the case's Markdown into Typst.
pub fn context(inputs: &Inputs, own: &dyn Fn(&Prose, &str, usize) -> String) -> Option<Value> {
    let case = &inputs.case.case;
    let addendum = case
        .addendum
        .as_ref()
        .filter(|_| case.report.is_addendum())?;
    let original = inputs.original.as_ref()?.as_ref().ok()?;
    let served = &original.snapshot;
    let of_my_report = format!("of my report of {}", served.date);
    let points: Vec<Value> = case
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let numbers: Vec<usize> = point.rests_on.iter().flat_map(|id| served.resolve(id)).collect();
            let rests_on = (!numbers.is_empty())
                .then(|| escape::markup(&format!("This response rests on {} {of_my_report}.", paras(&numbers))));
            json!({
                "number": i + 1,
                "paragraph": point.paragraph,
                // What the review says, quoted as written: literal text, not Markdown.
                "says_typst": prose::to_typst(&point.says, None, &format!("{} (points[{i}].says)", crate::diagnostic::display_path(&inputs.case.path))),
                "response_typst": own(&point.response, &format!("points[{i}].response"), 3),
                "rests_on_typst": rests_on,
            })
        })
        .collect();
    let permission = match (&addendum.permission, &inputs.profile.addendum_permission) {
        (Some(given), _) => Some(format!(
            "The Tribunal's permission to rely on this addendum was {given}."
        )),
        (None, Some(needed)) => Some(format!("This addendum is served with {needed}.")),
        (None, None) => None,
    };
    Some(json!({
        "answers": addendum.answers,
        "permission": permission,
        "original": {
            "reference": served.reference,
            "date": served.date,
        },
        "points": points,
    }))
}
