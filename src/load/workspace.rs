//! The optional workspace (witness.toml): folders, a default expert profile, settings.
//!
//! Found like Cargo.toml, by walking up from the case file's folder. Without one, the
//! templates and briefs built into the binary serve.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::case::Expert;
use super::toml_file;
use super::tree::{BUILTIN_BRIEFS, BUILTIN_TEMPLATES, Layers, Tree};
use crate::diagnostic::Diagnostic;

pub const FILE_NAME: &str = "witness.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceConfig {
    #[serde(default)]
    pub folders: Folders,
    /// The expert whose reports these are, used when a case has no `[expert]`.
    pub expert: Option<Expert>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Folders {
    /// Country briefs; each sub-folder replaces the built-in brief of the same name.
    pub briefs: Option<PathBuf>,
    /// Report templates; each file replaces the built-in file at the same path.
    pub templates: Option<PathBuf>,
    /// Where PDFs go when `-o` is not given; relative to the workspace.
    pub output: Option<PathBuf>,
    /// Extra fonts handed to Typst.
    pub fonts: Option<PathBuf>,
}

/// The workspace a case belongs to, resolved to absolute folders.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The witness.toml in force, if any.
    pub config_path: Option<PathBuf>,
    pub root: Option<PathBuf>,
    pub config: WorkspaceConfig,
    pub templates: Layers,
    pub briefs: Layers,
}

impl Workspace {
    /// Finds the workspace for a case file by walking up from its folder.
    pub fn discover(start: &Path) -> Result<Self, Diagnostic> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let found = start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|candidate| candidate.is_file());
        match found {
            Some(path) => Self::open(&path),
            None => Ok(Self::builtin_only()),
        }
    }

    /// The built-in templates and briefs, no workspace.
    pub fn builtin_only() -> Self {
        Self::with_config(None, None, WorkspaceConfig::default())
    }

    pub fn open(config_path: &Path) -> Result<Self, Diagnostic> {
        let text = super::read_text(config_path)?;
        let config: WorkspaceConfig = toml_file::parse(config_path, &text)?;
        let root = config_path.parent().unwrap_or(Path::new(".")).to_path_buf();
        for (field, folder) in [
            ("folders.briefs", &config.folders.briefs),
            ("folders.templates", &config.folders.templates),
            ("folders.fonts", &config.folders.fonts),
        ] {
            if let Some(folder) = folder
                && !root.join(folder).is_dir()
            {
                return Err(Diagnostic::error(
                    config_path,
                    format!("folder `{}` does not exist", folder.display()),
                )
                .with_field(field)
                .at(text.clone(), toml_file::locate(&text, field))
                .with_help("create the folder, or remove the key to use the built-in one"));
            }
        }
        Ok(Self::with_config(
            Some(config_path.to_path_buf()),
            Some(root),
            config,
        ))
    }

    fn with_config(
        config_path: Option<PathBuf>,
        root: Option<PathBuf>,
        config: WorkspaceConfig,
    ) -> Self {
        let layered = |own: Option<&PathBuf>, builtin, name| {
            let mut layers = Vec::new();
            if let (Some(root), Some(own)) = (&root, own) {
                layers.push(Tree::Disk(root.join(own)));
            }
            layers.push(Tree::builtin(builtin, name));
            Layers(layers)
        };
        let templates = layered(
            config.folders.templates.as_ref(),
            &BUILTIN_TEMPLATES,
            "report-templates",
        );
        let briefs = layered(
            config.folders.briefs.as_ref(),
            &BUILTIN_BRIEFS,
            "country-briefs",
        );
        Self {
            config_path,
            root,
            config,
            templates,
            briefs,
        }
    }

    pub fn output_folder(&self) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        self.config.folders.output.as_ref().map(|o| root.join(o))
    }

    pub fn fonts_folder(&self) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        self.config.folders.fonts.as_ref().map(|f| root.join(f))
    }
}
