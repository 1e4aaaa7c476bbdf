//! The HTML back-end: the page is the whole output, made when the run was prepared (the web
//! article of a sample, `witness sample --to html`), so producing it is writing it into the
//! build folder, where it is verified before it is moved into place like a PDF.

use anyhow::{Context, Result};

use super::backend::{Backend, Produced};
use super::{BuildFolder, Options, Prepared};
use crate::typeset::Control;

/// Where the page is written inside the build folder, before it is moved out.
pub const WRITTEN_PAGE: &str = "page.html";

/// The HTML back-end. It needs no typst: the page is HTML already.
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl Backend for Html {
    fn extension(&self) -> &'static str {
        "html"
    }

    fn version(&self) -> &str {
        concat!("witness ", env!("CARGO_PKG_VERSION"))
    }

    fn produce(
        &self,
        prepared: &Prepared,
        build: &BuildFolder,
        _options: &Options,
        _control: Control,
    ) -> Result<Produced> {
        let file = build.path().join(WRITTEN_PAGE);
        std::fs::write(&file, prepared.assembly.main.as_bytes())
            .with_context(|| format!("cannot write {}", file.display()))?;
        Ok(Produced {
            file,
            warnings: Vec::new(),
        })
    }
}
