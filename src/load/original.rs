//! The report an addendum adds to, with the numbers its paragraphs carry: the snapshot
//! written beside the PDF that was served, or, when the addendum names a case file, that case
//! as it assembles now.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::CaseFile;
use crate::served::Snapshot;

/// The original report of an addendum.
#[derive(Debug, Clone)]
pub struct Original {
    /// Where it was read from: a snapshot or a case file.
    pub path: PathBuf,
    /// Its numbered paragraphs.
    pub snapshot: Snapshot,
}

/// The original that `case`'s `[addendum]` names, or why it cannot be read; `None` when the
/// case names none. The check reports the problem (E180), so that it is one of many.
pub fn read(case: &CaseFile) -> Option<Result<Arc<Original>, String>> {
    // Only an addendum reads its original: a report naming one (E180) must not load it, or
    // two reports naming each other would load each other for ever.
    let addendum = case
        .case
        .addendum
        .as_ref()
        .filter(|_| case.case.report.is_addendum())?;
    let path = case.folder().join(&addendum.original);
    Some(read_at(&path).map(Arc::new))
}

fn read_at(path: &Path) -> Result<Original, String> {
    let shown = crate::diagnostic::display_path(path);
    if path.extension().is_some_and(|e| e == "json") {
        let snapshot = Snapshot::read(path).map_err(|e| format!("{e:#}"))?;
        return Ok(Original {
            path: path.to_path_buf(),
            snapshot,
        });
    }
    // Read alone first: an addendum to an addendum would load its own original, and so on.
    let file = CaseFile::read(path).map_err(|d| format!("{shown}: {}", d.message))?;
    if file.case.report.is_addendum() {
        return Err(format!(
            "{shown} is itself an addendum; name the report it adds to"
        ));
    }
    let (snapshot, _) = Snapshot::from_path(path).map_err(|e| format!("{e:#}"))?;
    Ok(Original {
        path: path.to_path_buf(),
        snapshot,
    })
}
