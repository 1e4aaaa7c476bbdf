//! Files a case names (the expert's CV and signature, its own sources), read only from
//! inside the case's folder or its workspace, so a case file cannot pull other files into a
//! report.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::briefs::Bibliography;
use super::case::{CaseFile, Expert};
use super::confine::contained;
use super::workspace::Workspace;
use crate::diagnostic::Diagnostic;

/// The files a case names beyond itself (the expert's CV and signature, its own sources),
/// read and confined.
#[derive(Debug, Clone, Default)]
pub struct Attachments {
    /// The CV's path and Markdown text.
    pub cv: Option<(PathBuf, Arc<str>)>,
    /// The signature image's bytes and file extension.
    pub signature: Option<(Vec<u8>, String)>,
    /// Each translator's signature image, by the translation's position in the case.
    pub translator_signatures: Vec<Option<(Vec<u8>, String)>>,
    /// The case's own sources, read with the brief's bibliography for this report.
    pub sources: Option<Bibliography>,
    /// Every file read, resolved: what `watch` must watch.
    pub files: Vec<PathBuf>,
}

const IMAGE_TYPES: [&str; 4] = ["png", "jpg", "jpeg", "svg"];

impl Attachments {
    /// Reads the CV and signature the case (or else the workspace) names, confined to the
    /// case's folder and the workspace.
    pub fn read(case: &CaseFile, workspace: &Workspace) -> Result<Self, Diagnostic> {
        // The expert's paths are relative to the file that names them.
        let (expert, base, in_case): (Option<&Expert>, PathBuf, bool) = match &case.case.expert {
            Some(expert) => (Some(expert), case.folder().to_path_buf(), true),
            None => match (&workspace.config.expert, &workspace.root) {
                (Some(expert), Some(root)) => (Some(expert), root.clone(), false),
                _ => (None, PathBuf::new(), false),
            },
        };
        let mut allowed = vec![case.folder().to_path_buf()];
        allowed.extend(workspace.root.clone());
        let error = |field: &str, message: String| -> Diagnostic {
            if in_case {
                case.error_at(field, message)
            } else {
                let path = workspace.config_path.clone().unwrap_or_default();
                Diagnostic::error(path, message).with_field(field)
            }
        };

        let mut attachments = Self::default();
        if let Some(expert) = expert {
            if let Some(cv) = &expert.cv {
                let path = contained(&base, cv, &allowed).map_err(|m| error("expert.cv", m))?;
                // The file's own problems (not UTF-8, too large) name the file; say which key
                // named it too.
                let text = super::read_text(&path).map_err(|d| d.with_field("expert.cv"))?;
                attachments.files.push(path.clone());
                attachments.cv = Some((path, text));
            }
            if let Some(signature) = &expert.signature {
                let (image, path) =
                    read_image(&base, signature, &allowed, "expert.signature", &error)?;
                attachments.files.push(path);
                attachments.signature = Some(image);
            }
        }
        // A translator's signature is the case's own: relative to the case file.
        let in_case = |field: &str, message: String| case.error_at(field, message);
        for (i, translation) in case.case.translations.iter().enumerate() {
            let signature = match &translation.translator.signature {
                Some(relative) => {
                    let field = format!("translations[{i}].translator.signature");
                    let (image, path) =
                        read_image(case.folder(), relative, &allowed, &field, &in_case)?;
                    attachments.files.push(path);
                    Some(image)
                }
                None => None,
            };
            attachments.translator_signatures.push(signature);
        }
        if let Some(path) = case_sources(case, &in_case)? {
            let file_name = path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let text = super::read_text(&path).map_err(|d| d.with_field("report.sources"))?;
            let source = super::tree::SourceText {
                path: path.clone(),
                text,
            };
            attachments.sources = Some(Bibliography::parse(&file_name, source)?);
            attachments.files.push(path);
        }
        Ok(attachments)
    }
}

/// The names a case's own bibliography may have beside a `case.toml`, in the order looked for.
pub const CASE_SOURCES: [&str; 3] = ["sources.yml", "sources.yaml", "sources.bib"];

/// The case's own bibliography: the file `report.sources` names (confined to the case's
/// folder), else, for a case in a folder of its own (`case.toml`), a [`CASE_SOURCES`] file
/// beside it. (A folder of `cases/NAME.toml` files is shared, so its cases must name theirs.)
fn case_sources(
    case: &CaseFile,
    error: &dyn Fn(&str, String) -> Diagnostic,
) -> Result<Option<PathBuf>, Diagnostic> {
    let folder = case.folder();
    if let Some(named) = &case.case.report.sources {
        let path = contained(folder, named, &[folder.to_path_buf()])
            .map_err(|m| error("report.sources", m))?;
        return Ok(Some(path));
    }
    if case.path.file_name().is_none_or(|n| n != "case.toml") {
        return Ok(None);
    }
    // Found, not named, but confined all the same: a link there must not lead out.
    match CASE_SOURCES.iter().find(|name| folder.join(name).is_file()) {
        Some(name) => contained(folder, Path::new(name), &[folder.to_path_buf()])
            .map(Some)
            .map_err(|m| error("report.sources", m)),
        None => Ok(None),
    }
}

/// A signature image named at `field`: its bytes and extension, and its resolved path.
fn read_image(
    base: &Path,
    relative: &Path,
    allowed: &[PathBuf],
    field: &str,
    error: &dyn Fn(&str, String) -> Diagnostic,
) -> Result<((Vec<u8>, String), PathBuf), Diagnostic> {
    let path = contained(base, relative, allowed).map_err(|m| error(field, m))?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| IMAGE_TYPES.contains(&e.as_str()))
        .ok_or_else(|| {
            error(
                field,
                "the signature must be a .png, .jpg, .jpeg or .svg image".into(),
            )
        })?;
    let bytes = super::read_bytes(&path).map_err(|d| d.with_field(field))?;
    Ok(((bytes, extension), path))
}
