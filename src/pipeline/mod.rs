//! One path from loaded inputs to a published output, for every verb: `render`, batches,
//! `watch`, `sample` and `check` run these steps, and none keeps a copy of its own.
//!
//! The steps, after [`crate::load`]: [`gate`] (the checks, and whether their findings stop
//! the run) → [`prepare`] (assemble the Typst source, decide the destination and typst's
//! settings) → a [`Backend`] produces the file in a [`BuildFolder`] → the caller's verifier
//! and the [`crate::preflight`] ([`hold_to_forum`]: every PDF read back against its forum's
//! rules) → [`output::publish`] moves it into place and records its provenance. [`run`] does
//! all of it for one case; `watch` drives its long-lived typst itself between [`prepare`] and
//! [`output::publish`], with the same preflight.

pub mod backend;
pub mod budget;
mod build;
pub mod html;
pub mod output;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Result, bail};

pub use backend::{Backend, Pdf, Produced};
pub use build::BuildFolder;
pub use html::Html;
pub use output::{Published, destination, last_provenance};

use crate::assemble::{Assembly, Template};
use crate::check;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::Inputs;
use crate::load::case::Status;
use crate::preflight;
use crate::typeset::{self, Control, Interrupted};

/// How long typst may run before it is stopped, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// What the user asked of a run: the same fields for every verb, so that a flag means one
/// thing everywhere.
#[derive(Debug, Clone)]
pub struct Options {
    /// Exact output path (`-o`).
    pub output: Option<PathBuf>,
    /// Folder for `<reference>.pdf` when `output` is not given.
    pub out_dir: Option<PathBuf>,
    /// Keep the build folder, with main.typ, as `<reference>.typst/` beside the output.
    pub keep_typ: bool,
    /// Typeset a draft even when checks find errors.
    pub force: bool,
    /// Accept stale sections and sources in a final report (they stay warnings).
    pub allow_stale: bool,
    /// PDF standards passed to typst (`--pdf-standard`), such as `a-2b` or `ua-1`.
    pub pdf_standards: Vec<String>,
    /// How long typst may take.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            output: None,
            out_dir: None,
            keep_typ: false,
            force: false,
            allow_stale: false,
            pdf_standards: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl Options {
    /// The check settings these options imply for `inputs`' workspace.
    pub fn check_settings(&self, inputs: &Inputs) -> check::Settings {
        check::Settings {
            allow_stale: self.allow_stale,
            ..check::Settings::from_workspace(&inputs.workspace)
        }
    }
}

/// What a successful run produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The case's reference.
    pub reference: String,
    /// Where the output now is.
    pub pdf: PathBuf,
    /// The provenance sidecar beside it, if one was written.
    pub provenance: Option<PathBuf>,
    /// The snapshot of its numbered paragraphs beside it, if one was written.
    pub snapshot: Option<PathBuf>,
    /// The other outputs made of the same case in the same run (`--to pdf,docx`).
    pub also: Vec<PathBuf>,
    /// The output's page count, when it could be read.
    pub pages: Option<usize>,
    /// Check findings the run went on despite: warnings, and a forced draft's errors.
    pub warnings: Vec<Diagnostic>,
    /// What typst warned about, traced to the case or brief.
    pub typst_warnings: Vec<String>,
    /// The kept build folder, with `--keep-typ`.
    pub build_folder: Option<PathBuf>,
    /// The pages each part takes, and those that count toward the limit.
    pub budget: Option<budget::Budget>,
    /// Where the time went, for scripts and the benchmarks.
    pub timings: Timings,
    /// What the preflight measured of the PDF, with the forum's rules it breaks (only a
    /// draft's can break any: a final report that does is not written). `None` for another
    /// kind of output, or a PDF witness could not read back.
    pub preflight: Option<preflight::Report>,
}

/// How long the steps after assembly took, in milliseconds.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Timings {
    /// The back-end: typst, from start to finished PDF.
    pub typeset_ms: f64,
    /// Reading the output back: the caller's verifier (the sample leak check) and the
    /// forum's preflight.
    pub verify_ms: f64,
    /// Moving the output into place, the page budget and the provenance.
    pub publish_ms: f64,
}

fn millis(elapsed: Duration) -> f64 {
    (elapsed.as_secs_f64() * 10_000.0).round() / 10.0
}

/// A run that failed after the checks let it through with errors (a draft with `--force`):
/// the findings come first when it is reported, since they usually explain the failure (an
/// E201 for a citation typst then cannot find).
#[derive(Debug)]
pub struct Failed {
    /// The check errors the draft was forced past.
    pub findings: Vec<Diagnostic>,
    /// What then went wrong.
    pub error: anyhow::Error,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for Failed {}

/// Runs the checks and applies the one policy every verb shares: errors stop a final report,
/// and stop a draft unless `force`. What does not stop the run is returned, in file order.
pub fn gate(inputs: &Inputs, options: &Options) -> Result<Vec<Diagnostic>, Diagnostics> {
    let findings = check::check_with(inputs, &options.check_settings(inputs)).in_file_order();
    let is_draft = inputs.case.case.report.status == Status::Draft;
    if findings.has_errors() && !(options.force && is_draft) {
        return Err(findings);
    }
    Ok(findings.0)
}

/// Compiles the case's report template. A template that is missing is reported at the case's
/// `report.template`, where the fix is; one that does not compile, in the template's file.
pub fn load_template(inputs: &Inputs) -> Result<Template, Diagnostic> {
    let name = inputs.case.case.report.template_name();
    Template::load(&inputs.workspace.templates, name).map_err(|diagnostic| {
        if diagnostic.field.as_deref() == Some("report.template") {
            let help = diagnostic.help.clone().unwrap_or_default();
            inputs
                .case
                .error_at("report.template", diagnostic.message.clone())
                .with_help(help)
        } else {
            diagnostic
        }
    })
}

/// A run made ready for a back-end: checked, assembled, with its destination decided.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Findings that did not stop the run.
    pub findings: Vec<Diagnostic>,
    /// The Typst source and the files beside it.
    pub assembly: Assembly,
    /// Where the output goes.
    pub destination: PathBuf,
    /// How typst makes it.
    pub settings: typeset::Settings,
    /// Whether a provenance sidecar goes beside the output. A sample made from a real case
    /// has none: its record would name the case file, which may carry the applicant's name.
    pub provenance: bool,
    /// Whether the preflight holds the PDF to the profile's paper and typography. A sample is
    /// a marketing document under a tribunal's profile, not a filing: it is only measured.
    pub forum_rules: bool,
}

impl Prepared {
    /// The folder the output goes into, which also holds the build folder (so the output
    /// moves into place by a rename on one file system).
    pub fn out_folder(&self) -> &Path {
        self.destination
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

/// Gates, assembles and decides the destination. `extension` is the back-end's output kind.
pub fn prepare(
    inputs: &Inputs,
    template: &Template,
    options: &Options,
    extension: &str,
) -> Result<Prepared> {
    let findings = gate(inputs, options)?;
    let destination = destination(inputs, options, extension);
    let prepared = (|| -> Result<Prepared> {
        output::ensure_folder_for(&destination, extension)?;
        Ok(Prepared {
            assembly: template.assemble(inputs)?,
            settings: typeset::Settings::for_inputs(inputs, &options.pdf_standards)?,
            destination: destination.clone(),
            findings: findings.clone(),
            provenance: true,
            forum_rules: true,
        })
    })();
    prepared.map_err(|error| forced(&findings, error))
}

/// `error`, with the forced check errors in front of it when there are any.
fn forced(findings: &[Diagnostic], error: anyhow::Error) -> anyhow::Error {
    let errors: Vec<Diagnostic> = findings.iter().filter(|d| d.is_error()).cloned().collect();
    if errors.is_empty() {
        error
    } else {
        Failed {
            findings: errors,
            error,
        }
        .into()
    }
}

/// Something that must hold of an output before it may be moved into place (the sample leak
/// check, the forum's preflight): an error deletes the output and fails the run.
pub type Verify<'a> = &'a (dyn Fn(&Path) -> Result<()> + Sync);

/// One case through every step after loading: the path `render`, batches and `sample` share.
///
/// Once `control.stop` is set (Ctrl-C) it gives up with typst killed, the build folder
/// removed, nothing written, and an [`Interrupted`] error.
pub fn run(
    inputs: &Inputs,
    template: &Template,
    backend: &dyn Backend,
    options: &Options,
    control: Control,
    verify: Option<Verify>,
) -> Result<Rendered> {
    let prepared = prepare(inputs, template, options, backend.extension())?;
    execute(inputs, prepared, backend, options, control, verify)
}

/// The steps after [`prepare`]: produce the output in a build folder, verify it, publish it.
/// `sample` prepares its own run (its own checks and data) and joins the path here.
pub fn execute(
    inputs: &Inputs,
    prepared: Prepared,
    backend: &dyn Backend,
    options: &Options,
    control: Control,
    verify: Option<Verify>,
) -> Result<Rendered> {
    let reference = inputs.case.case.report.reference.clone();
    // Named after the output, not the case: a sample's must not carry a real case's reference.
    let stem = prepared
        .destination
        .file_stem()
        .map_or_else(|| reference.clone(), |s| s.to_string_lossy().into_owned());
    let build = BuildFolder::create(prepared.out_folder(), &stem, options.keep_typ)
        .map_err(|e| forced(&prepared.findings, e))?;
    let stop = control.stop;
    let interrupted = |produced: Option<&Path>| {
        // A kept build folder stays (its source is whole), but not half an output.
        if let Some(file) = produced {
            let _ = std::fs::remove_file(file);
        }
        Err(Interrupted.into())
    };
    if stop.load(Ordering::SeqCst) {
        return interrupted(None);
    }
    let typesetting = std::time::Instant::now();
    let produced = backend.produce(&prepared, &build, options, control);
    let typeset = typesetting.elapsed();
    // Ctrl-C on a terminal reaches typst too, which then fails on its own: still an
    // interruption. A run that finished as the flag was set is not moved into place either,
    // so a stopped batch writes nothing after the stop.
    if stop.load(Ordering::SeqCst) {
        return interrupted(produced.as_ref().ok().map(|p| p.file.as_path()));
    }
    let produced = produced.map_err(|e| forced(&prepared.findings, e))?;
    let verifying = std::time::Instant::now();
    let checked = match verify {
        Some(verify) => verify(&produced.file),
        None => Ok(()),
    };
    let checked = checked.and_then(|()| match backend.extension() {
        "pdf" => hold_to_forum(inputs, prepared.forum_rules, &produced.file).map_err(Into::into),
        _ => Ok((None, Vec::new())),
    });
    let (preflight, preflight_warnings) = match checked {
        Ok(checked) => checked,
        Err(error) => {
            let _ = std::fs::remove_file(&produced.file);
            return Err(forced(&prepared.findings, error));
        }
    };
    let verified = verifying.elapsed();
    let publishing = std::time::Instant::now();
    let published = output::publish(
        inputs,
        &produced.file,
        &prepared.destination,
        prepared.provenance.then(|| backend.version()),
        output::Placement::Move,
        preflight.as_ref(),
        &prepared.assembly.main,
    )?;
    let timings = Timings {
        typeset_ms: millis(typeset),
        verify_ms: millis(verified),
        publish_ms: millis(publishing.elapsed()),
    };
    let mut warnings = prepared.findings;
    warnings.extend(published.warnings);
    warnings.extend(preflight_warnings);
    Ok(Rendered {
        timings,
        reference,
        pdf: prepared.destination,
        provenance: published.provenance,
        snapshot: published.snapshot,
        also: Vec::new(),
        pages: published.pages,
        warnings,
        typst_warnings: produced.warnings,
        build_folder: build.keep(),
        budget: published.budget,
        preflight,
    })
}

/// The preflight of a PDF about to be moved into place: it is read back and held against
/// the profile's paper and typography (unless `forum_rules` is off, when it is only
/// measured). A final report that breaks a rule is refused, one error (E402) per rule
/// broken; a draft's breaches are warnings (W402), returned with what was measured, and so is
/// what the preflight could not judge (its notes, as warnings without a code).
pub fn hold_to_forum(
    inputs: &Inputs,
    forum_rules: bool,
    pdf: &Path,
) -> Result<(Option<preflight::Report>, Vec<Diagnostic>), Diagnostics> {
    let measured = preflight::measure_file(pdf);
    if !forum_rules {
        let report = measured
            .ok()
            .map(|m| preflight::preflight(&m, &Default::default()));
        return Ok((report, Vec::new()));
    }
    let rules = preflight::Rules::from_profile(&inputs.profile);
    let mut printed: Vec<String> = Vec::new();
    let (report, failures) = match measured {
        Ok(measurement) => {
            let report = preflight::preflight(&measurement, &rules);
            let failures: Vec<String> = report.failures.iter().map(|f| f.message.clone()).collect();
            printed = placeholders_in_print(&measurement);
            (Some(report), failures)
        }
        Err(error) => (
            None,
            vec![format!(
                "witness cannot read the PDF back to check it against the forum's rules: {error:#}"
            )],
        ),
    };
    let at_jurisdiction = |message: String| inputs.case.error_at("report.jurisdiction", message);
    let is_final = inputs.case.case.report.status == Status::Final;
    if is_final && !(failures.is_empty() && printed.is_empty()) {
        let help = "a final report must meet the forum's rules, so the PDF was not written \
                    (an earlier one is kept); make the templates meet them, or render the \
                    report as a draft (status = \"draft\") to see the PDF";
        let printed_help = "a final report may not carry a prompt or placeholder, so the PDF was \
                            not written; find the text it came from (a template or a field) and finish it";
        let errors = failures
            .into_iter()
            .map(|m| at_jurisdiction(m).with_code("E402").with_help(help))
            .chain(
                printed
                    .into_iter()
                    .map(|m| at_jurisdiction(m).with_code("E403").with_help(printed_help)),
            );
        return Err(Diagnostics(errors.collect()));
    }
    // In a draft, the check has listed the placeholders it knows of, with their places
    // (W120); the printed ones are then the same again. Only those it missed are told.
    if !printed.is_empty() {
        let mut known = Vec::new();
        crate::check::placeholders::check(inputs, &mut known);
        if !known.is_empty() {
            printed.clear();
        }
    }
    let help = "a final report that breaks this rule is not written";
    let mut warnings: Vec<Diagnostic> = failures
        .into_iter()
        .map(|m| {
            at_jurisdiction(m)
                .with_code("W402")
                .with_help(help)
                .into_warning()
        })
        .collect();
    warnings.extend(printed.into_iter().map(|m| {
        at_jurisdiction(m)
            .with_code("W403")
            .with_help("the check found no placeholder in the inputs, so it came from a template or a field it does not read; a final report with it is not written")
            .into_warning()
    }));
    // What the preflight could not judge is said, not held against the report.
    let notes = report.iter().flat_map(|r| r.notes.iter());
    warnings.extend(notes.map(|note| {
        at_jurisdiction(format!("preflight: {note}"))
            .with_help("check this in the PDF by eye")
            .into_warning()
    }));
    Ok((report, warnings))
}

/// Placeholders and prompts in the PDF's own text, page by page: the check scans every input
/// it knows of (E120), and this catches what reached the page from a field or a template
/// nobody listed. A word broken at a line end is joined first, so `TO WRI-` / `TE:` is found.
fn placeholders_in_print(measurement: &preflight::Measurement) -> Vec<String> {
    let mut found = Vec::new();
    for page in &measurement.pages {
        let text = page.text().replace("\u{ad}\n", "").replace('\n', " ");
        for (at, placeholder) in crate::check::placeholders::find(&text) {
            let start = text[..at]
                .char_indices()
                .rev()
                .nth(30)
                .map_or(0, |(i, _)| i);
            let end = text[at..]
                .char_indices()
                .nth(40)
                .map_or(text.len(), |(i, _)| at + i);
            found.push(format!(
                "the printed report has the placeholder `{placeholder}` on page {} (\"…{}…\")",
                page.number,
                text[start..end].trim()
            ));
        }
    }
    found
}

/// Refuses an output path that cannot be a file, in words rather than an OS error number.
pub(crate) fn refuse_folder(destination: &Path, extension: &str) -> Result<()> {
    if destination.is_dir() {
        bail!(
            "the output path {} is a folder; give a file name ending in .{}",
            destination.display(),
            extension
        );
    }
    Ok(())
}
