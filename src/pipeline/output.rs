//! Where an output goes and how it gets there: the destination, the atomic move or copy into
//! place, the page count, and the provenance sidecar beside it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::Options;
use super::budget::Budget;
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::preflight;
use crate::served::{self, Snapshot};
use crate::write::{self, Provenance};

/// `-o`, else `<out-dir>/<reference>.<extension>`, where out-dir defaults to the workspace's
/// output folder or `out/` beside the case file.
pub fn destination(inputs: &Inputs, options: &Options, extension: &str) -> PathBuf {
    if let Some(output) = &options.output {
        return output.clone();
    }
    let folder = options
        .out_dir
        .clone()
        .or_else(|| inputs.workspace.output_folder())
        .unwrap_or_else(|| inputs.case.folder().join("out"));
    folder.join(format!("{}.{extension}", inputs.case.case.report.reference))
}

/// The provenance sidecar beside an output: `KGZ-2026-014.provenance.json` for the PDF,
/// `KGZ-2026-014.docx.provenance.json` for another kind made beside it.
pub fn provenance_path(output: &Path) -> PathBuf {
    match output.extension() {
        Some(extension) if extension != "pdf" => {
            let mut name = output.file_name().unwrap_or_default().to_os_string();
            name.push(".provenance.json");
            output.with_file_name(name)
        }
        _ => output.with_extension("provenance.json"),
    }
}

/// The provenance sidecar of the last default render of `inputs`, if there is one.
pub fn last_provenance(inputs: &Inputs) -> Option<PathBuf> {
    let pdf = destination(inputs, &Options::default(), "pdf");
    Some(provenance_path(&pdf)).filter(|p| p.is_file())
}

/// Makes the folder an output goes into, and refuses a destination that is a folder.
pub fn ensure_folder_for(destination: &Path, extension: &str) -> Result<()> {
    let folder = destination
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Said plainly: create_dir_all would only report "File exists" (os error 17).
    if folder.exists() && !folder.is_dir() {
        bail!(
            "cannot create the output folder {}: it is a file, not a folder",
            folder.display()
        );
    }
    std::fs::create_dir_all(folder)
        .with_context(|| format!("cannot create the output folder {}", folder.display()))?;
    super::refuse_folder(destination, extension)
}

/// How a finished file reaches its destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Renamed into place: the file was made for this run alone.
    Move,
    /// Copied into place: typst watch goes on writing the file in the build folder.
    Copy,
}

/// What publishing found.
#[derive(Debug, Clone)]
pub struct Published {
    /// The output's page count, when it could be read.
    pub pages: Option<usize>,
    /// The provenance sidecar written beside the output, if one was.
    pub provenance: Option<PathBuf>,
    /// Findings that need the finished output, such as the page limit.
    pub warnings: Vec<Diagnostic>,
    /// The pages each part takes, and those that count toward the limit.
    pub budget: Option<Budget>,
    /// The snapshot of the numbered paragraphs written beside the output, if one was.
    pub snapshot: Option<PathBuf>,
}

/// Puts `produced` at `destination` atomically (flushed first, so a crash leaves the old
/// file or the new, never half of one) and records its provenance, with the preflight's
/// report when there is one, and the snapshot of what `source` numbered.
pub fn publish(
    inputs: &Inputs,
    produced: &Path,
    destination: &Path,
    made_by: Option<&str>,
    placement: Placement,
    preflight: Option<&preflight::Report>,
    source: &str,
) -> Result<Published> {
    let bytes =
        std::fs::read(produced).with_context(|| format!("cannot read {}", produced.display()))?;
    match placement {
        Placement::Move => write::atomic_move(produced, destination)?,
        Placement::Copy => write::atomic_write(destination, &bytes)?,
    }
    match made_by {
        Some(made_by) => record(inputs, &bytes, destination, made_by, preflight, source),
        None => Ok(Published {
            pages: write::count_pages(&bytes),
            provenance: None,
            warnings: Vec::new(),
            budget: None,
            snapshot: None,
        }),
    }
}

/// Writes the provenance of `output` (whose bytes are given) made from `inputs`, the
/// snapshot of the numbered paragraphs of `source` (its Typst), and the findings that need
/// the output. `watch` calls it alone when the inputs changed but the
/// output did not (a brief's review date), so the sidecar always says what a fresh render
/// of the same inputs would.
pub fn record(
    inputs: &Inputs,
    output: &[u8],
    destination: &Path,
    made_by: &str,
    preflight: Option<&preflight::Report>,
    source: &str,
) -> Result<Published> {
    let pages = write::count_pages(output);
    let excludes = &inputs.profile.page_limit_excludes;
    // The preflight has read the bookmarks already; the file is parsed again only without it.
    let budget = match preflight {
        Some(report) if !report.bookmarks.is_empty() => {
            Budget::from_bookmarks(&report.bookmarks, report.pages, excludes)
        }
        _ => Budget::read(output, excludes),
    };
    let provenance = provenance_path(destination);
    let mut record = Provenance::new(inputs, made_by, output, pages);
    record.budget = budget.clone();
    record.preflight = preflight.cloned();
    record.write(&provenance)?;
    // The snapshot is of what was printed: the PDF's (a DOCX is made from the same source).
    let printed = destination.extension().is_some_and(|e| e == "pdf");
    let mut snapshot = Snapshot::of(inputs, source);
    let path = served::snapshot_path(destination);
    let snapshot = if snapshot.paragraphs.is_empty() || !printed {
        // No snapshot of an earlier PDF may sit beside this one.
        if printed {
            let _ = std::fs::remove_file(&path);
        }
        None
    } else {
        snapshot.pdf_sha256 = Some(write::sha256_hex(output));
        if let Err(error) = snapshot.write(&path) {
            let _ = std::fs::remove_file(&path);
            return Err(error);
        }
        Some(path)
    };
    Ok(Published {
        snapshot,
        pages,
        provenance: Some(provenance),
        warnings: crate::check::page_limit(inputs, pages, budget.as_ref())
            .into_iter()
            .collect(),
        budget,
    })
}
