//! Files a case names (the expert's CV and signature), read only from inside the case's
//! folder or its workspace, so a case file cannot pull other files into a report.

use std::path::PathBuf;
use std::sync::Arc;

use super::case::{CaseFile, Expert};
use super::confine::contained;
use super::workspace::Workspace;
use crate::diagnostic::Diagnostic;

/// The files a case names beyond itself (the expert's CV and signature), read and confined.
#[derive(Debug, Clone, Default)]
pub struct Attachments {
    /// The CV's path and Markdown text.
    pub cv: Option<(PathBuf, Arc<str>)>,
    /// The signature image's bytes and file extension.
    pub signature: Option<(Vec<u8>, String)>,
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
        let Some(expert) = expert else {
            return Ok(Self::default());
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
        if let Some(cv) = &expert.cv {
            let path = contained(&base, cv, &allowed).map_err(|m| error("expert.cv", m))?;
            // The file's own problems (not UTF-8, too large) name the file; say which key
            // named it too.
            let text = super::read_text(&path).map_err(|d| d.with_field("expert.cv"))?;
            attachments.files.push(path.clone());
            attachments.cv = Some((path, text));
        }
        if let Some(signature) = &expert.signature {
            let path =
                contained(&base, signature, &allowed).map_err(|m| error("expert.signature", m))?;
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .filter(|e| IMAGE_TYPES.contains(&e.as_str()))
                .ok_or_else(|| {
                    error(
                        "expert.signature",
                        "the signature must be a .png, .jpg, .jpeg or .svg image".into(),
                    )
                })?;
            let bytes = super::read_bytes(&path).map_err(|d| d.with_field("expert.signature"))?;
            attachments.files.push(path);
            attachments.signature = Some((bytes, extension));
        }
        Ok(attachments)
    }
}
