//! Country guidance: a report must say where it stands on each current country guidance
//! decision that bears on it, give reasons and evidence for a departure, and never rely on
//! superseded guidance (SG (Iraq) [2012] EWCA Civ 940; the Practice Direction, para 12.2).

use crate::citation;
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::load::authorities::{Authority, AuthorityStatus};
use crate::load::case::{Position, Status};
use crate::lookup::did_you_mean;

/// E170/W170 (current guidance left unaddressed), E171 (a departure without reasons or
/// evidence), E172 (reliance on superseded guidance), E173 (a position on no authority).
pub fn check(inputs: &Inputs, found: &mut Vec<Diagnostic>) {
    let case = &inputs.case;
    let authorities = &inputs.brief.authorities;
    let is_final = case.case.report.status == Status::Final;

    for (i, position) in case.case.country_guidance.iter().enumerate() {
        let field = format!("country_guidance[{i}]");
        let Some(authority) = authorities.get(&position.authority) else {
            let keys = authorities.list.iter().map(|a| a.key.as_str());
            let help = match did_you_mean(&position.authority, keys) {
                Some(best) => format!("did you mean `{best}`?"),
                None if authorities.list.is_empty() => {
                    "the brief lists no authorities (authorities.toml in its folder)".to_string()
                }
                None => format!(
                    "the brief's authorities are: {}",
                    authorities
                        .list
                        .iter()
                        .map(|a| a.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            found.push(
                case.error_at(
                    &format!("{field}.authority"),
                    format!("`{}` is not an authority of the brief", position.authority),
                )
                .with_code("E173")
                .with_help(help),
            );
            continue;
        };
        // The report cites the authority it takes a position on: it needs its entry.
        if inputs.find_source(&authority.key).is_none() {
            let source = authorities.source.as_ref();
            let (path, text) = source.map_or((Default::default(), None), |s| {
                (s.path.clone(), Some(s.text.clone()))
            });
            let span = text.as_ref().and_then(|t| {
                t.find(&format!("\"{}\"", authority.key))
                    .map(|at| at + 1..at + 1 + authority.key.len())
            });
            let diagnostic = Diagnostic::error(
                path,
                format!("authority `{}` is not in the bibliography", authority.key),
            )
            .with_code("E201")
            .with_help(format!(
                "add an entry `{}` to {}",
                authority.key,
                inputs.brief.bibliography.path.display()
            ));
            found.push(match text {
                Some(text) => diagnostic.at(text, span),
                None => diagnostic,
            });
        }
        if authority.status == AuthorityStatus::Superseded
            && position.position != Position::NotRelevant
        {
            let at_field = |message: String| case.error_at(&format!("{field}.authority"), message);
            found.push(superseded(inputs, authority, &at_field));
        }
        if position.position == Position::Departs {
            let reasons = position.reasons.trim();
            // Evidence is a source other than the decision itself.
            let evidence: Vec<_> = citation::find_in_markdown(reasons)
                .into_iter()
                .flat_map(|g| g.cites)
                .filter(|c| c.key != authority.key)
                .collect();
            let missing = match (reasons.is_empty(), evidence.is_empty()) {
                (true, _) => Some("gives no reasons"),
                (false, true) => Some("cites no evidence"),
                _ => None,
            };
            if let Some(missing) = missing {
                found.push(
                    case.error_at(
                        &format!("{field}.reasons"),
                        format!("the departure from `{}` {missing}", authority.citation),
                    )
                    .with_code("E171")
                    .with_help(
                        "a report that departs from country guidance must give very strong grounds \
                         supported by cogent evidence (SG (Iraq) [2012] EWCA Civ 940): say why, and \
                         cite the sources that show it, in `reasons`",
                    ),
                );
            }
        }
    }

    // Current guidance on the report's topics that the case does not address, in a forum
    // that country guidance binds.
    let bound = inputs.profile.country_guidance;
    let topics = inputs.topics();
    for authority in authorities.binding(&topics).filter(|_| bound) {
        if case
            .case
            .country_guidance
            .iter()
            .any(|p| p.authority == authority.key)
        {
            continue;
        }
        let at = if case.case.country_guidance.is_empty() {
            "report.topics"
        } else {
            "country_guidance"
        };
        let diagnostic = case
            .error_at(
                at,
                format!(
                    "the report does not say where it stands on `{}`, country guidance on {}",
                    authority.citation, authority.decides
                ),
            )
            .with_help(format!(
                "add a [[country_guidance]] entry with authority = \"{}\" and position = \"agrees\", \
                 \"departs\" (with reasons and cited evidence) or \"not-relevant\" (with why)",
                authority.key
            ));
        found.push(if is_final {
            diagnostic.with_code("E170")
        } else {
            diagnostic.with_code("W170").into_warning()
        });
    }

    // Citations of superseded authorities in the case's text; the reasons of a
    // `not-relevant` position may cite the decision they set aside.
    let set_aside: Vec<String> = case
        .case
        .country_guidance
        .iter()
        .enumerate()
        .filter(|(_, p)| p.position == Position::NotRelevant)
        .map(|(i, _)| format!("country_guidance[{i}].reasons"))
        .collect();
    for (field, text, groups) in super::case_citations(&case.case) {
        if set_aside.contains(&field) {
            continue;
        }
        for group in groups {
            for cite in &group.cites {
                if let Some(authority) = authorities
                    .get(&cite.key)
                    .filter(|a| a.status == AuthorityStatus::Superseded)
                {
                    let written = &text[group.span.clone()];
                    let at_citation =
                        |message: String| case.error_at_text(&field, written, message);
                    found.push(superseded(inputs, authority, &at_citation));
                }
            }
        }
    }
}

/// E172, placed by `at`: reliance on `authority`, which is superseded, naming its successor.
fn superseded(
    inputs: &Inputs,
    authority: &Authority,
    at: &dyn Fn(String) -> Diagnostic,
) -> Diagnostic {
    let successor = authority.superseded_by.as_deref().map(|key| {
        inputs
            .brief
            .authorities
            .get(key)
            .map_or_else(|| key.to_string(), |a| a.citation.clone())
    });
    let message = match &successor {
        Some(successor) => format!("`{}` is superseded by `{successor}`", authority.citation),
        None => format!("`{}` is superseded", authority.citation),
    };
    at(message)
        .with_code("E172")
        .with_help("rely on the guidance in force: cite and address its successor instead")
}
