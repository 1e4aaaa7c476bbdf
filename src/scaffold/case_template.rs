//! The text of a new case file: the data `witness new` hands to new-case.toml.hbs, and the
//! rendering of it.

use anyhow::{Result, anyhow};
use handlebars::Handlebars;
use serde::Serialize;

use super::PLACEHOLDER;
use super::toml_escape;

/// The case-file template. Built in rather than a workspace file: what it writes must agree
/// with the case file this build of witness reads.
const NEW_CASE: &str = include_str!("new-case.toml.hbs");

/// Everything the case-file template shows, already chosen and checked by `new_case`.
#[derive(Debug, Serialize)]
pub(super) struct CaseTemplate<'a> {
    /// The report's date, also that of the first instruction.
    pub date: chrono::NaiveDate,
    /// The report's reference, which names the PDF.
    pub reference: &'a str,
    /// The country id as given, which names the brief.
    pub country: &'a str,
    /// The country's name, from its brief: "Kyrgyzstan".
    pub country_name: &'a str,
    /// The nationality, from the brief: "Kyrgyz".
    pub adjective: &'a str,
    /// The jurisdiction profile's id, such as `uk-iac`.
    pub jurisdiction: &'a str,
    /// The tribunal or court, from the jurisdiction profile.
    pub tribunal: &'a str,
    /// What the report calls the applicant in this jurisdiction: "the Appellant".
    pub applicant_label: &'a str,
    /// Profile tags, as given.
    pub profile: &'a [String],
    /// The topics the report covers, in report order.
    pub topics: Vec<Topic<'a>>,
    /// Topics the profile calls for that the brief has no section on.
    pub uncovered: &'a [String],
    /// The standard questions, with the country and the applicant's label filled in.
    pub questions: &'a [String],
    /// Whether witness.toml names the expert, so the case needs no [expert] of its own.
    pub workspace_expert: bool,
    /// The applicant's name; without it the file prompts for one.
    pub applicant: Option<&'a str>,
    /// The current country guidance on the report's topics, in a forum bound by it: the
    /// case must say where it stands on each (E170).
    pub country_guidance: Vec<Guidance<'a>>,
}

/// A country guidance decision the new case must take a position on.
#[derive(Debug, Serialize)]
pub(super) struct Guidance<'a> {
    /// Its key in the brief's authorities.toml.
    pub key: &'a str,
    /// Its neutral citation.
    pub citation: &'a str,
}

/// A topic of the report, as its analysis entry names it.
#[derive(Debug, Serialize)]
pub(super) struct Topic<'a> {
    /// The catalogue's id, the analysis entry's key.
    pub id: &'a str,
    /// The catalogue's title, or the id for a topic it has no title for.
    pub title: &'a str,
}

/// What the template sees: the case, and the marker every prompt starts with.
#[derive(Serialize)]
struct Data<'a> {
    to_write: &'static str,
    #[serde(flatten)]
    case: &'a CaseTemplate<'a>,
}

impl CaseTemplate<'_> {
    /// The case file's text. A failure here is a bug in witness (the template and its data
    /// do not agree), never the expert's doing.
    pub fn render(&self) -> Result<String> {
        let registry = registry()?;
        let data = Data {
            to_write: PLACEHOLDER,
            case: self,
        };
        registry.render("new-case", &data).map_err(|error| {
            anyhow!(
                "witness could not make the case file (a bug in witness): \
                 new-case.toml.hbs, line {}: {}",
                error.line_no.unwrap_or(0),
                error.reason()
            )
        })
    }
}

fn registry() -> Result<Handlebars<'static>> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    // The output is TOML, not HTML: the toml-* helpers do the escaping.
    registry.register_escape_fn(handlebars::no_escape);
    toml_escape::register(&mut registry);
    registry
        .register_template_string("new-case", NEW_CASE)
        .map_err(|error| anyhow!("new-case.toml.hbs (a bug in witness): {error}"))?;
    Ok(registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With escaping off, a value written as `{{value}}` would go into the TOML raw. Every
    /// expression must be a toml-* helper, a block or branch, or sit inside a toml-* block,
    /// whose whole text is escaped (and where a toml-* helper would escape twice).
    #[test]
    fn every_value_in_the_template_goes_through_a_toml_helper() {
        let mut in_block = 0;
        let mut rest = NEW_CASE;
        while let Some(start) = rest.find("{{") {
            let after = &rest[start + 2..];
            let end = if after.starts_with("!--") {
                after.find("--}}").expect("comment closed") + 4
            } else {
                after.find("}}").expect("expression closed") + 2
            };
            let expression = after[..end - 2].trim_matches('~').trim();
            rest = &after[end..];
            if expression.starts_with('!') {
                continue;
            }
            if expression.starts_with("#toml-") {
                assert_eq!(
                    in_block, 0,
                    "a toml-* block inside another: {{{{{expression}}}}}"
                );
                in_block += 1;
            } else if expression.starts_with("/toml-") {
                in_block -= 1;
            } else if expression.starts_with('#')
                || expression.starts_with('/')
                || expression == "else"
            {
            } else if expression.starts_with("toml-") {
                assert_eq!(in_block, 0, "escaped twice: {{{{{expression}}}}}");
            } else {
                assert!(in_block > 0, "inserted raw: {{{{{expression}}}}}");
            }
        }
        assert_eq!(in_block, 0);
    }

    #[test]
    fn the_template_compiles() {
        registry().unwrap();
    }
}
