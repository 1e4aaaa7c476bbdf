//! One case through every stage: load → check → assemble → typeset → write.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::assemble::Template;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Inputs};
use crate::typeset::{Control, Interrupted, Job, Typst};
use crate::write::{self, Provenance};

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Debug, Clone)]
pub struct Options {
    /// Exact output PDF path (`-o`).
    pub output: Option<PathBuf>,
    /// Folder for `<reference>.pdf` when `output` is not given.
    pub out_dir: Option<PathBuf>,
    /// Keep the build folder, with main.typ, as `<reference>.typst/` beside the PDF.
    pub keep_typ: bool,
    /// Render a draft even when checks find errors.
    pub force: bool,
    /// Accept stale sections and sources in a final report (they stay warnings).
    pub allow_stale: bool,
    /// PDF standards passed to typst (`--pdf-standard`), such as `a-2b` or `ua-1`.
    pub pdf_standards: Vec<String>,
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

/// What a successful render produced.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub reference: String,
    pub pdf: PathBuf,
    pub provenance: PathBuf,
    pub pages: Option<usize>,
    /// Check warnings; rendering went on despite them.
    pub warnings: Vec<Diagnostic>,
    /// What typst warned about.
    pub typst_warnings: Vec<String>,
    /// The kept build folder, with `--keep-typ`.
    pub build_folder: Option<PathBuf>,
}

/// Renders one case file to a PDF.
pub fn render_case(case_path: &Path, typst: &Typst, options: &Options) -> Result<Rendered> {
    let inputs = load::load(case_path)?;
    let template = load_template(&inputs)?;
    render_inputs(&inputs, &template, typst, options)
}

/// Compiles the case's report template; a missing template is reported at `report.template`.
pub fn load_template(inputs: &Inputs) -> Result<Template, Diagnostic> {
    Template::load(
        &inputs.workspace.templates,
        &inputs.case.case.report.template,
    )
    .map_err(|d| relocate_template_error(d, inputs))
}

fn relocate_template_error(diagnostic: Diagnostic, inputs: &Inputs) -> Diagnostic {
    if diagnostic.field.as_deref() == Some("report.template") {
        let help = diagnostic.help.clone().unwrap_or_default();
        inputs
            .case
            .error_at("report.template", diagnostic.message.clone())
            .with_help(help)
    } else {
        diagnostic
    }
}

/// Renders already-loaded inputs with an already-compiled template (batches share both).
pub fn render_inputs(
    inputs: &Inputs,
    template: &Template,
    typst: &Typst,
    options: &Options,
) -> Result<Rendered> {
    let control = Control {
        stop: &AtomicBool::new(false),
        threads: None,
    };
    render_under(inputs, template, typst, options, control)
}

/// [`render_inputs`] as one case of a batch: it gives up once `control.stop` is set (Ctrl-C),
/// with typst killed, the build folder removed, nothing written, and an [`Interrupted`] error.
pub fn render_under(
    inputs: &Inputs,
    template: &Template,
    typst: &Typst,
    options: &Options,
    control: Control,
) -> Result<Rendered> {
    let stop = control.stop;
    let settings = crate::check::Settings {
        allow_stale: options.allow_stale,
        ..crate::check::Settings::from_workspace(&inputs.workspace)
    };
    let findings = crate::check::check_with(inputs, &settings);
    let is_draft = inputs.case.case.report.status == crate::load::case::Status::Draft;
    if findings.has_errors() && !(options.force && is_draft) {
        return Err(findings.into());
    }
    let Diagnostics(mut warnings) = findings;

    let reference = inputs.case.case.report.reference.clone();
    let destination = destination(inputs, options);
    let out_folder = destination
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Said plainly: create_dir_all would only report "File exists" (os error 17).
    if out_folder.exists() && !out_folder.is_dir() {
        bail!(
            "cannot create the output folder {}: it is a file, not a folder",
            out_folder.display()
        );
    }
    std::fs::create_dir_all(out_folder)
        .with_context(|| format!("cannot create the output folder {}", out_folder.display()))?;
    if destination.is_dir() {
        bail!(
            "the output path {} is a folder; give a file name ending in .pdf",
            destination.display()
        );
    }

    let assembly = template.assemble(inputs)?;
    let build = BuildFolder::create(out_folder, &reference, options.keep_typ)?;
    std::fs::write(build.path().join("main.typ"), &assembly.main)?;
    for (name, bytes) in &assembly.files {
        std::fs::write(build.path().join(name), bytes)?;
    }

    let typeset_pdf = build.path().join("report.pdf");
    let mut font_paths: Vec<PathBuf> = inputs.workspace.fonts_folder().into_iter().collect();
    font_paths.push(crate::typeset::fonts::bundled_font_folder()?);
    let interrupted = || {
        // A kept build folder stays (its source is whole), but not half a PDF typst was writing.
        let _ = std::fs::remove_file(&typeset_pdf);
        Err(Interrupted.into())
    };
    if stop.load(Ordering::SeqCst) {
        return interrupted();
    }
    let compiled = typst.compile_under(
        &Job {
            build_folder: build.path(),
            main: "main.typ",
            output: &typeset_pdf,
            font_paths: &font_paths,
            creation_timestamp: creation_timestamp(inputs),
            timeout: options.timeout,
            pdf_standards: &options.pdf_standards,
        },
        control,
    );
    // Ctrl-C on a terminal reaches typst too, which then fails on its own: still an interruption.
    // A render that finished as the flag was set is not moved into place either, so a stopped
    // batch writes nothing after the stop.
    if stop.load(Ordering::SeqCst) {
        return interrupted();
    }
    let outcome = compiled?;

    let pdf = std::fs::read(&typeset_pdf).context("typst reported success but wrote no PDF")?;
    let pages = write::count_pages(&pdf);
    // The build folder sits in the output folder, so the PDF moves into place by a rename.
    write::atomic_move(&typeset_pdf, &destination)?;
    let provenance_path = destination.with_extension("provenance.json");
    Provenance::new(inputs, &typst.version, &pdf, pages).write(&provenance_path)?;
    warnings.extend(crate::check::page_limit(inputs, pages));

    Ok(Rendered {
        reference,
        pdf: destination,
        provenance: provenance_path,
        pages,
        warnings,
        typst_warnings: outcome.warnings,
        build_folder: build.keep(),
    })
}

/// The provenance sidecar of the last default render of `inputs`, if there is one.
pub fn last_provenance(inputs: &Inputs) -> Option<PathBuf> {
    let pdf = destination(inputs, &Options::default());
    Some(pdf.with_extension("provenance.json")).filter(|p| p.is_file())
}

/// `-o`, else `<out-dir>/<reference>.pdf`, where out-dir defaults to the workspace's output
/// folder or `out/` beside the case file.
fn destination(inputs: &Inputs, options: &Options) -> PathBuf {
    if let Some(output) = &options.output {
        return output.clone();
    }
    let folder = options
        .out_dir
        .clone()
        .or_else(|| inputs.workspace.output_folder())
        .unwrap_or_else(|| inputs.case.folder().join("out"));
    folder.join(format!("{}.pdf", inputs.case.case.report.reference))
}

/// Where a render of `inputs` puts its PDF, and the typst settings that go with it.
///
/// Added for `witness watch`, which runs typst itself (as one long-lived `typst watch`) but
/// must write to the same path, with the same creation date and fonts, as `witness render`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub pdf: PathBuf,
    pub creation_timestamp: i64,
    pub font_paths: Vec<PathBuf>,
}

pub fn target(inputs: &Inputs, options: &Options) -> Result<Target> {
    let mut font_paths: Vec<PathBuf> = inputs.workspace.fonts_folder().into_iter().collect();
    font_paths.push(crate::typeset::fonts::bundled_font_folder()?);
    Ok(Target {
        pdf: destination(inputs, options),
        creation_timestamp: creation_timestamp(inputs),
        font_paths,
    })
}

/// Midnight UTC on the report date: the PDF's creation date, the same on every render.
fn creation_timestamp(inputs: &Inputs) -> i64 {
    inputs
        .case
        .case
        .report
        .date
        .0
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
}

/// The folder typst works in: a private temporary folder, or a kept one for `--keep-typ`.
enum BuildFolder {
    Temporary(tempfile::TempDir),
    Kept(PathBuf),
}

impl BuildFolder {
    fn create(out_folder: &Path, reference: &str, keep: bool) -> Result<Self> {
        if keep {
            let path = out_folder.join(format!("{reference}.typst"));
            if path.exists() {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("cannot clear {}", path.display()))?;
            }
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            return Ok(BuildFolder::Kept(path));
        }
        let temporary = tempfile::Builder::new()
            .prefix(".witness-build-")
            .tempdir_in(out_folder)
            .with_context(|| format!("cannot create a build folder in {}", out_folder.display()))?;
        Ok(BuildFolder::Temporary(temporary))
    }

    fn path(&self) -> &Path {
        match self {
            BuildFolder::Temporary(dir) => dir.path(),
            BuildFolder::Kept(path) => path,
        }
    }

    fn keep(self) -> Option<PathBuf> {
        match self {
            BuildFolder::Temporary(_) => None,
            BuildFolder::Kept(path) => Some(path),
        }
    }
}
