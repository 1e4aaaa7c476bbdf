//! Stage 5, write: put the PDF and its provenance in place atomically, never half a file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::load::Inputs;

/// Writes `bytes` to `destination` through a temporary file in the same folder and a rename,
/// so a reader sees the old file or the new one, never a mix, and a failure keeps the old one.
pub fn atomic_write(destination: &Path, bytes: &[u8]) -> Result<()> {
    let folder = destination
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if destination.is_dir() {
        anyhow::bail!(
            "{} is a folder; give a file name for the output",
            destination.display()
        );
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".witness-").suffix(".part");
    // Temporary files are private (0600); the finished file is as readable as any other.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temporary = builder
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary
        .persist(destination)
        .with_context(|| format!("cannot replace {}", destination.display()))?;
    Ok(())
}

/// Moves `file` (in the same folder tree, so on the same file system) over `destination`
/// after flushing it to disk: the rename is atomic, and the flush makes sure a crash right
/// after it leaves a whole file, not an empty one.
pub fn atomic_move(file: &Path, destination: &Path) -> Result<()> {
    if destination.is_dir() {
        anyhow::bail!(
            "{} is a folder; give a file name for the output",
            destination.display()
        );
    }
    std::fs::File::open(file)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush {}", file.display()))?;
    std::fs::rename(file, destination)
        .with_context(|| format!("cannot replace {}", destination.display()))
}

/// The SHA-256 digest of `bytes` as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What went into a PDF: enough to tell, later, whether it is current and what it rests on.
#[derive(Debug, Serialize)]
pub struct Provenance {
    /// Version of witness that made the PDF.
    pub witness_version: &'static str,
    /// Version of the Typst compiler that typeset it, such as "0.15.1".
    pub typst_version: String,
    /// Path of the case file, as given.
    pub case_file: String,
    /// SHA-256 (hex) of the case file's text.
    pub case_sha256: String,
    /// The report's reference, from `report.reference`.
    pub reference: String,
    /// Name of the report template used.
    pub template: String,
    /// Jurisdiction id of the report, such as `uk-iac`.
    pub jurisdiction: String,
    /// Country id of the brief used.
    pub country: String,
    /// The brief's `last_reviewed` date, as YYYY-MM-DD.
    pub brief_last_reviewed: String,
    /// Every brief section the report includes, in report order.
    pub sections: Vec<SectionRecord>,
    /// The brief's bibliography file and its digest.
    pub bibliography: FileRecord,
    /// The case's other files that reached the report, with their digests: Markdown fields
    /// kept in files, and the case's own sources.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub case_files: Vec<FileRecord>,
    /// SHA-256 (hex) of the PDF itself.
    pub pdf_sha256: String,
    /// Number of pages in the PDF, where its page tree could be read.
    pub pages: Option<usize>,
    /// The pages each part takes and those that count toward the forum's limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<crate::pipeline::budget::Budget>,
    /// What the preflight measured of the PDF and the forum's rules it breaks, where it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preflight: Option<crate::preflight::Report>,
}

/// One brief section a report was made from.
#[derive(Debug, Serialize)]
pub struct SectionRecord {
    /// Topic id of the section.
    pub topic: String,
    /// Path of the section's Markdown file.
    pub file: String,
    /// The section's review date from its front matter, as YYYY-MM-DD.
    pub reviewed: String,
    /// SHA-256 (hex) of the section file's text.
    pub sha256: String,
}

/// A file a report was made from, with its digest.
#[derive(Debug, Serialize)]
pub struct FileRecord {
    /// Path of the file.
    pub file: String,
    /// SHA-256 (hex) of the file's contents.
    pub sha256: String,
}

impl Provenance {
    /// The provenance of the PDF bytes `pdf` made from `inputs` by Typst `typst_version`.
    pub fn new(inputs: &Inputs, typst_version: &str, pdf: &[u8], pages: Option<usize>) -> Self {
        let case = &inputs.case;
        let sections = inputs
            .topics()
            .iter()
            .filter_map(|t| inputs.brief.section(t))
            .map(|s| SectionRecord {
                topic: s.topic.clone(),
                file: s.path.display().to_string(),
                reviewed: s.info.reviewed.0.to_string(),
                sha256: sha256_hex(s.text.as_bytes()),
            })
            .collect();
        let bibliography = &inputs.brief.bibliography;
        Self {
            witness_version: env!("CARGO_PKG_VERSION"),
            typst_version: typst_version.to_string(),
            case_file: case.path.display().to_string(),
            case_sha256: sha256_hex(case.text.as_bytes()),
            reference: case.case.report.reference.clone(),
            template: case.case.report.template_name().to_string(),
            jurisdiction: case.case.report.jurisdiction.clone(),
            country: case.case.report.country.clone(),
            brief_last_reviewed: inputs.brief.info.last_reviewed.0.to_string(),
            sections,
            bibliography: FileRecord {
                file: bibliography.path.display().to_string(),
                sha256: sha256_hex(bibliography.text.as_bytes()),
            },
            case_files: case
                .prose_files
                .iter()
                .map(|f| (&f.path, &f.text))
                .chain(
                    inputs
                        .attachments
                        .sources
                        .iter()
                        .map(|b| (&b.path, &b.text)),
                )
                .map(|(path, text)| FileRecord {
                    file: path.display().to_string(),
                    sha256: sha256_hex(text.as_bytes()),
                })
                .collect(),
            pdf_sha256: sha256_hex(pdf),
            pages,
            budget: None,
            preflight: None,
        }
    }

    /// Writes the provenance as pretty JSON to `destination`, atomically.
    pub fn write(&self, destination: &Path) -> Result<()> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        atomic_write(destination, &json)
    }
}

/// The number of pages in a PDF, from its page tree alone (no content is parsed).
pub fn count_pages(pdf: &[u8]) -> Option<usize> {
    lopdf::Document::load_metadata_mem(pdf)
        .ok()
        .map(|m| m.page_count as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        atomic_write(&path, b"one").unwrap();
        atomic_write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn atomic_write_refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(atomic_write(dir.path(), b"x").is_err());
    }
}
