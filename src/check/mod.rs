//! Stage 2, check: find what would get a report excluded or discounted, before anything is
//! typeset. Each rule has a stable code; docs/checks.md lists them all.

mod addendum;
mod completeness;

pub use completeness::page_limit;
mod brief_text;
mod dates;
mod fit;
pub mod guidance;
mod paragraph_ids;
pub mod placeholders;
mod sources;

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Inputs;
use crate::load::case::Status;
use crate::load::workspace::{Staleness, Workspace};

/// What a run of checks needs beyond the inputs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--allow-stale`: stale material in a final report is a warning, not an error.
    pub allow_stale: bool,
    /// How long before the report date a brief section may have been reviewed, per topic.
    pub staleness: Staleness,
    /// A section none of whose sources is more recent than this is out of date.
    pub source_months: u32,
    /// The provenance sidecar of the last render, for the page count.
    pub provenance: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            allow_stale: false,
            staleness: Staleness::default(),
            source_months: 24,
            provenance: None,
        }
    }
}

impl Settings {
    /// The workspace's limits (witness.toml `[staleness]`), the rest at their defaults.
    pub fn from_workspace(workspace: &Workspace) -> Self {
        Self {
            staleness: workspace.config.staleness.clone(),
            ..Self::default()
        }
    }
}

/// Every problem found in the inputs with default settings.
pub fn check(inputs: &Inputs) -> Diagnostics {
    check_with(inputs, &Settings::from_workspace(&inputs.workspace))
}

/// Every problem found in the inputs, errors and warnings alike, in a stable order.
pub fn check_with(inputs: &Inputs, settings: &Settings) -> Diagnostics {
    let mut found = Vec::new();
    completeness::check(inputs, &mut found);
    addendum::check(inputs, &mut found);
    paragraph_ids::check(inputs, &mut found);
    fit::check(inputs, &mut found);
    guidance::check(inputs, &mut found);
    sources::check(inputs, settings, &mut found);
    dates::check(inputs, &mut found);
    brief_text::check(inputs, &mut found);
    placeholders::check(inputs, &mut found);
    completeness::check_length(inputs, settings, &mut found);
    Diagnostics(found)
}

/// Stale material is an error in a final report (unless allowed) and a warning, coded
/// `warning_code`, in a draft.
fn staleness(
    inputs: &Inputs,
    settings: &Settings,
    diagnostic: Diagnostic,
    warning_code: &'static str,
) -> Diagnostic {
    let is_final = inputs.case.case.report.status == Status::Final;
    if is_final && !settings.allow_stale {
        diagnostic.with_help_suffix(
            "a final report may not rely on stale material; pass --allow-stale to accept it",
        )
    } else {
        diagnostic.into_warning().with_code(warning_code)
    }
}

/// The citation groups of every free-text field of a case, with the field's path and text:
/// in the expert's own Markdown ([`crate::load::Case::markdown_fields`]) as Markdown reads
/// them, in the literal text from others bracketed only.
pub fn case_citations(
    case: &crate::load::Case,
) -> Vec<(String, &str, Vec<crate::citation::CiteGroup>)> {
    let markdown = case.markdown_fields().into_iter().map(|(field, prose)| {
        let text = prose.as_str();
        (field, text, crate::citation::find_in_markdown(text))
    });
    let literal = literal_text(case)
        .into_iter()
        .map(|(field, text)| (field, text, crate::citation::find(text)));
    markdown.chain(literal).collect()
}

/// The free-text fields of a case that hold text from others, printed literally.
fn literal_text(case: &crate::load::Case) -> Vec<(String, &str)> {
    let mut fields: Vec<(String, &str)> = Vec::new();
    for (i, q) in case.questions.iter().enumerate() {
        fields.push((format!("questions[{i}].question"), &q.question));
    }
    for (i, instruction) in case.instructing.instructions.iter().enumerate() {
        fields.push((
            format!("instructing.instructions[{i}].summary"),
            &instruction.summary,
        ));
    }
    for (i, document) in case.methodology.documents.iter().enumerate() {
        fields.push((format!("methodology.documents[{i}]"), document));
    }
    for (i, translation) in case.translations.iter().enumerate() {
        fields.push((format!("translations[{i}].text"), &translation.text));
    }
    fields
}
