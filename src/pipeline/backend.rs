//! The output seam: a back-end turns a prepared run into one file in the build folder. PDF
//! through typst is the one there is; another output kind is another back-end, not another
//! copy of the pipeline.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{BuildFolder, Options, Prepared};
use crate::typeset::{Control, Job, Typst};

/// What a back-end made, still inside the build folder.
#[derive(Debug, Clone)]
pub struct Produced {
    /// The finished file, ready to be verified and moved into place.
    pub file: PathBuf,
    /// What the typesetter warned about, traced to the case or brief.
    pub warnings: Vec<String>,
}

/// One kind of output.
pub trait Backend: Sync {
    /// The output's file extension, which also names the kind: `pdf`.
    fn extension(&self) -> &'static str;
    /// The tool and version that made the output, for the provenance.
    fn version(&self) -> &str;
    /// Writes what `prepared` holds into `build` and makes the output there.
    fn produce(
        &self,
        prepared: &Prepared,
        build: &BuildFolder,
        options: &Options,
        control: Control,
    ) -> Result<Produced>;
}

/// The PDF back-end: the pinned typst CLI over the assembled source.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The typst that compiles.
    pub typst: Typst,
}

/// Where typst writes the PDF inside the build folder, before it is moved out.
pub const TYPESET_PDF: &str = "report.pdf";

impl Backend for Pdf {
    fn extension(&self) -> &'static str {
        "pdf"
    }

    fn version(&self) -> &str {
        &self.typst.version
    }

    fn produce(
        &self,
        prepared: &Prepared,
        build: &BuildFolder,
        options: &Options,
        control: Control,
    ) -> Result<Produced> {
        build.write_assembly(&prepared.assembly)?;
        let output = build.path().join(TYPESET_PDF);
        let outcome = self.typst.compile_under(
            &Job {
                build_folder: build.path(),
                main: super::build::MAIN,
                output: &output,
                settings: &prepared.settings,
                timeout: options.timeout,
                kept: build.is_kept(),
            },
            control,
        )?;
        if !output.is_file() {
            return Err(anyhow::anyhow!("{}", NO_OUTPUT)).context("typst");
        }
        Ok(Produced {
            file: output,
            warnings: outcome.warnings,
        })
    }
}

/// Said when typst exits with success but leaves no file: a broken or wrong typst binary.
pub const NO_OUTPUT: &str =
    "typst reported success but wrote no PDF; `witness doctor` checks the typst binary";
