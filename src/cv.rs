//! `witness cv`: the expert's CV as a document of its own, in the house style, from the same
//! Markdown file as Appendix A (for a report with `cv = "separate"`, the document it says is
//! provided).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use anyhow::{Result, bail};

use crate::assemble::Template;
use crate::load;
use crate::pipeline::{self, Backend, Prepared};
use crate::typeset::{self, Control};

/// The report template that lays out a CV on its own.
pub const TEMPLATE: &str = "cv";

/// Renders the CV of the expert of the case at `case` and returns the PDF's path:
/// `<reference>-cv.pdf` in the output folder, or `options.output`. The case is loaded as a
/// render loads it, but its report is not checked: the CV is not the report.
pub fn make(case: &Path, backend: &dyn Backend, options: &pipeline::Options) -> Result<PathBuf> {
    let mut inputs = load::load(case)?;
    if inputs.attachments.cv.is_none() {
        bail!(
            "the expert of {} names no CV\n  help: give `cv = \"cv.md\"` under [expert] (in the \
             case, or in witness.toml), a Markdown file beside it",
            crate::diagnostic::display_path(case)
        );
    }
    inputs.case.case.report.template = Some(TEMPLATE.to_string());
    let template = Template::load(&inputs.workspace.templates, TEMPLATE)?;
    // Where the report would go, named for the CV, unless `-o` names the file.
    let extension = backend.extension();
    let report = pipeline::output::destination(&inputs, options, extension);
    let destination = match &options.output {
        Some(output) => output.clone(),
        None => report.with_file_name(format!(
            "{}-cv.{extension}",
            inputs.case.case.report.reference
        )),
    };
    pipeline::output::ensure_folder_for(&destination, backend.extension())?;
    let prepared = Prepared {
        findings: Vec::new(),
        assembly: template.assemble(&inputs)?,
        destination,
        settings: typeset::Settings::for_inputs(&inputs, &options.pdf_standards)?,
        provenance: false,
        // The forum's typography rules are the report's; a CV has no page limit either.
        forum_rules: false,
    };
    let stop = AtomicBool::new(false);
    let control = Control {
        stop: &stop,
        threads: None,
    };
    let rendered = pipeline::execute(&inputs, prepared, backend, options, control, None)?;
    Ok(rendered.pdf)
}
