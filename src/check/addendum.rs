//! An addendum's own rules: it names a readable original (E180) as served (W184), answers
//! each point it lists (E182), and rests only on paragraphs the original has (E181).

use crate::diagnostic::Diagnostic;
use crate::load::Inputs;

/// Every problem with the addendum of `inputs`, or with `[addendum]` in a report.
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let report = &case.case.report;
    if !report.is_addendum() {
        if case.case.addendum.is_some() || !case.case.points.is_empty() {
            let field = if case.case.addendum.is_some() {
                "addendum"
            } else {
                "points"
            };
            found.push(
                case.error_at(field, "a report has no original or review points; an addendum does")
                    .with_code("E180")
                    .with_help("for an addendum, set `kind = \"addendum\"` under [report]; for a report, remove the table"),
            );
        }
        return;
    }
    match &inputs.original {
        None => found.push(
            case.error_at("report.kind", "an addendum must name the report it adds to")
                .with_code("E180")
                .with_help("add [addendum] with `original` (the served report's .snapshot.json, or its case file) and `answers` (\"the Respondent's review of 8 January 2027\")"),
        ),
        Some(Err(problem)) => found.push(
            case.error_at("addendum.original", format!("the original report cannot be read: {problem}"))
                .with_code("E180")
                .with_help("name the `.snapshot.json` written beside the PDF you served, or the report's case file"),
        ),
        Some(Ok(original)) if original.snapshot.status == "draft" && report.status == crate::load::case::Status::Final => found.push(
            case.error_at("addendum.original", "the original is the snapshot of a draft, not of the report as served")
                .with_code("W184")
                .into_warning()
                .with_help("name the snapshot written beside the final PDF you served: its numbers are the ones the Tribunal and the Respondent have"),
        ),
        Some(Ok(_)) => {}
    }
    if case.case.points.is_empty() {
        found.push(
            case.error_at("report.kind", "the addendum answers no point of the review")
                .with_code("E182")
                .with_help("add a [[points]] entry (paragraph, says, response, rests_on) for each point of the review you answer"),
        );
    }
    let original = inputs.original.as_ref().and_then(|o| o.as_ref().ok());
    for (i, point) in case.case.points.iter().enumerate() {
        if point.says.trim().is_empty() {
            found.push(
                case.error_at(&format!("points[{i}].says"), format!("point {} does not quote the review", i + 1))
                    .with_code("E182")
                    .with_help("quote what the review says at that paragraph, exactly, so the Tribunal sees what you answer"),
            );
        }
        if point.response.trim().is_empty() {
            found.push(
                case.error_at(
                    &format!("points[{i}].response"),
                    format!("point {} has no response", i + 1),
                )
                .with_code("E182")
                .with_help("answer the point, or leave it out of the addendum"),
            );
        }
        let Some(original) = original else { continue };
        for id in &point.rests_on {
            if original.snapshot.resolve(id).is_empty() {
                let shown = crate::diagnostic::display_path(&original.path);
                found.push(
                    case.error_at_text(
                        &format!("points[{i}].rests_on"),
                        id,
                        format!("point {} rests on `{id}`, which {shown} does not have", i + 1),
                    )
                    .with_code("E181")
                    .with_help(match crate::lookup::did_you_mean(id, original.snapshot.paragraphs.iter().map(|p| p.id.as_str())) {
                        Some(near) => format!("did you mean `{near}`? The IDs are in the snapshot; `witness diff` shows what changed since"),
                        None => "give a paragraph's ID or a part of the original as its snapshot records them; the paragraph may have been removed since".to_string(),
                    }),
                );
            }
        }
    }
}
