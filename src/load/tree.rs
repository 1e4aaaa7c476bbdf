//! Folders of templates or briefs that live on disk in a workspace or inside the binary.
//!
//! A workspace folder overlays the built-in one file by file (templates) or folder by folder
//! (country briefs), so a workspace that customises one thing keeps getting improvements to the rest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::diagnostic::Diagnostic;

/// The report-templates folder, embedded in the binary at build time.
pub static BUILTIN_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/report-templates");
/// The country-briefs folder, embedded in the binary at build time.
pub static BUILTIN_BRIEFS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/country-briefs");

/// A text file and the path to show for it in messages.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path to show for the file: real on disk, `<built-in>/...` for an embedded file.
    pub path: PathBuf,
    /// The file's contents.
    pub text: Arc<str>,
}

/// One folder: on disk, or a folder embedded in the binary.
#[derive(Debug, Clone)]
pub enum Tree {
    /// A folder on disk, at this path.
    Disk(PathBuf),
    /// A folder embedded in the binary.
    Builtin {
        /// The embedded root; include_dir names every entry by its path from the root.
        root: &'static Dir<'static>,
        /// This folder's path below the root, empty or ending in `/`.
        prefix: String,
        /// Shown in messages, e.g. `<built-in>/country-briefs/kyrgyzstan`.
        label: PathBuf,
    },
}

impl Tree {
    /// The root of the embedded folder `dir`, labelled `<built-in>/NAME` in messages.
    pub fn builtin(dir: &'static Dir<'static>, name: &str) -> Self {
        Tree::Builtin {
            root: dir,
            prefix: String::new(),
            label: Path::new("<built-in>").join(name),
        }
    }

    /// The path to show in messages for the file `relative` in this folder.
    pub fn display_path(&self, relative: &str) -> PathBuf {
        match self {
            Tree::Disk(root) => root.join(relative),
            Tree::Builtin { label, .. } => label.join(relative),
        }
    }

    /// Whether this folder is embedded in the binary rather than on disk.
    pub fn is_builtin(&self) -> bool {
        matches!(self, Tree::Builtin { .. })
    }

    /// Whether this folder holds a file or folder at `relative`.
    pub fn exists(&self, relative: &str) -> bool {
        match self {
            Tree::Disk(root) => root.join(relative).exists(),
            Tree::Builtin { root, prefix, .. } => {
                root.get_entry(format!("{prefix}{relative}")).is_some()
            }
        }
    }

    /// The bytes of the file `relative`; `None` when there is no such file.
    pub fn read_bytes(&self, relative: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        match self {
            Tree::Disk(root) => {
                let path = root.join(relative);
                if !path.is_file() {
                    return Ok(None);
                }
                super::read_bytes(&path).map(Some)
            }
            Tree::Builtin { root, prefix, .. } => Ok(root
                .get_file(format!("{prefix}{relative}"))
                .map(|f| f.contents().to_vec())),
        }
    }

    /// The text of the file `relative`, with the path to show for it; `None` when there is no such file.
    pub fn read_text(&self, relative: &str) -> Result<Option<SourceText>, Diagnostic> {
        let path = self.display_path(relative);
        match self {
            Tree::Disk(_) => {
                if !path.is_file() {
                    return Ok(None);
                }
                super::read_text(&path).map(|text| Some(SourceText { path, text }))
            }
            Tree::Builtin { root, prefix, .. } => root
                .get_file(format!("{prefix}{relative}"))
                .map(|file| {
                    let text = std::str::from_utf8(file.contents()).map_err(|_| {
                        Diagnostic::error(&path, "built-in file is not UTF-8 (a bug in witness)")
                    })?;
                    Ok(SourceText {
                        path,
                        text: Arc::from(text),
                    })
                })
                .transpose(),
        }
    }

    /// The sub-folder `name`, if it exists.
    pub fn child(&self, name: &str) -> Option<Tree> {
        match self {
            Tree::Disk(root) => {
                let path = root.join(name);
                path.is_dir().then_some(Tree::Disk(path))
            }
            Tree::Builtin {
                root,
                prefix,
                label,
            } => {
                let path = format!("{prefix}{name}");
                root.get_dir(&path).map(|_| Tree::Builtin {
                    root,
                    prefix: format!("{path}/"),
                    label: label.join(name),
                })
            }
        }
    }

    /// Names of the immediate sub-folders, sorted.
    pub fn folders(&self) -> Vec<String> {
        self.names(true)
    }

    /// Names of the immediate files, sorted.
    pub fn files(&self) -> Vec<String> {
        self.names(false)
    }

    fn names(&self, folders: bool) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Tree::Disk(root) => std::fs::read_dir(root)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() == folders))
                .filter_map(|e| e.file_name().into_string().ok())
                .collect(),
            Tree::Builtin { root, prefix, .. } => {
                let dir = if prefix.is_empty() {
                    Some(*root)
                } else {
                    root.get_dir(prefix.trim_end_matches('/'))
                };
                dir.map(|d| d.entries())
                    .unwrap_or_default()
                    .iter()
                    .filter(|e| e.as_dir().is_some() == folders)
                    .filter_map(|e| e.path().file_name()?.to_str().map(str::to_string))
                    .collect()
            }
        };
        names.sort();
        names
    }
}

/// Trees searched in order, the first holding a path wins.
#[derive(Debug, Clone)]
pub struct Layers(pub Vec<Tree>);

impl Layers {
    /// The text of `relative` from the first tree that has it.
    pub fn read_text(&self, relative: &str) -> Result<Option<SourceText>, Diagnostic> {
        for tree in &self.0 {
            if let Some(found) = tree.read_text(relative)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The bytes of `relative` from the first tree that has it.
    pub fn read_bytes(&self, relative: &str) -> Result<Option<Vec<u8>>, Diagnostic> {
        for tree in &self.0 {
            if let Some(found) = tree.read_bytes(relative)? {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// The first tree's sub-folder `name`: a workspace folder hides the built-in one entirely.
    pub fn child(&self, name: &str) -> Option<Tree> {
        self.0.iter().find_map(|tree| tree.child(name))
    }

    /// The union of sub-folder names across layers, sorted.
    pub fn folders(&self) -> Vec<String> {
        let mut all: Vec<String> = self.0.iter().flat_map(Tree::folders).collect();
        all.sort();
        all.dedup();
        all
    }

    /// The union of file names in sub-folder `name` across layers, sorted.
    pub fn files_in(&self, name: &str) -> Vec<String> {
        let mut all: Vec<String> = self
            .0
            .iter()
            .filter_map(|tree| tree.child(name))
            .flat_map(|t| t.files())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}
