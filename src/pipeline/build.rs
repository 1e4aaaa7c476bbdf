//! The build folder: typst's whole world for one run, holding copies only, inside the output
//! folder so the finished file moves into place by a rename.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::assemble::Assembly;

pub use crate::assemble::MAIN;

/// The prefix of every hidden build folder, so one ignore rule (and `witness render`'s
/// folder search) covers render's, sample's and watch's alike.
pub const PREFIX: &str = ".witness-build-";

/// A private temporary folder, removed when dropped, or a kept `<reference>.typst/`.
#[derive(Debug)]
pub enum BuildFolder {
    /// Removed when dropped, also on error and Ctrl-C.
    Temporary(tempfile::TempDir),
    /// Kept for `--keep-typ`.
    Kept(PathBuf),
}

impl BuildFolder {
    /// Makes the build folder for `reference` in `out_folder`: kept as `<reference>.typst/`
    /// (emptied first) or hidden and temporary.
    pub fn create(out_folder: &Path, reference: &str, keep: bool) -> Result<Self> {
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
            .prefix(PREFIX)
            .tempdir_in(out_folder)
            .with_context(|| format!("cannot create a build folder in {}", out_folder.display()))?;
        Ok(BuildFolder::Temporary(temporary))
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        match self {
            BuildFolder::Temporary(dir) => dir.path(),
            BuildFolder::Kept(path) => path,
        }
    }

    /// Whether the folder outlives the run.
    pub fn is_kept(&self) -> bool {
        matches!(self, BuildFolder::Kept(_))
    }

    /// The kept folder's path; a temporary folder is removed here.
    pub fn keep(self) -> Option<PathBuf> {
        match self {
            BuildFolder::Temporary(_) => None,
            BuildFolder::Kept(path) => Some(path),
        }
    }

    /// Writes main.typ and the files beside it.
    pub fn write_assembly(&self, assembly: &Assembly) -> Result<()> {
        for (name, bytes) in assembly.build_files() {
            let path = self.path().join(name);
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}
