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

/// Name of the workspace file, looked for in the case's folder and each folder above it.
pub const FILE_NAME: &str = "witness.toml";

/// The contents of witness.toml; every table is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceConfig {
    /// The `[folders]` table: the workspace's own briefs, templates, output and fonts folders.
    #[serde(default)]
    pub folders: Folders,
    /// The expert whose reports these are, used when a case has no `[expert]`.
    pub expert: Option<Expert>,
    /// The practice or agency the reports come from.
    #[serde(default)]
    pub brand: Brand,
    /// Anonymisation of sample reports made from real cases.
    #[serde(default)]
    pub anonymise: Anonymise,
    /// How long a brief section stays current; `witness briefs` marks older ones stale.
    #[serde(default)]
    pub staleness: Staleness,
}

/// The `[anonymise]` table: settings for samples made from real cases.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anonymise {
    /// Case fields that are personal beyond the built-in list, such as `applicant.religion`.
    #[serde(default)]
    pub personal: Vec<String>,
}

/// The `[brand]` table: the practice or agency named on sample reports.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The practice's or agency's name.
    pub name: Option<String>,
    /// A one-line description under the name on a sample's cover.
    pub tagline: Option<String>,
    /// The agency's website, printed on a sample's "How to order" page.
    pub website: Option<String>,
    /// The agency's email address, printed on a sample's "How to order" page.
    pub email: Option<String>,
    /// The agency's telephone number, printed on a sample's "How to order" page.
    pub phone: Option<String>,
    /// The agency's logo (PNG, JPEG or SVG), relative to the workspace.
    pub logo: Option<PathBuf>,
    /// The agency's main colour (`#1f2a44`): the web article's header and headings.
    pub colour: Option<String>,
    /// A second colour (`#b5651d`) for the web article's links and marks.
    pub accent: Option<String>,
}

/// The `[staleness]` table: how old a brief section may be before it counts as stale.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staleness {
    /// Months after its `reviewed` date that a brief section counts as stale.
    #[serde(default = "default_staleness_months")]
    pub months: u32,
    /// Limits for particular topics, by topic id, in place of `months`.
    #[serde(default)]
    pub topics: std::collections::BTreeMap<String, u32>,
}

/// A year: country information older than that is generally no longer current.
fn default_staleness_months() -> u32 {
    12
}

impl Default for Staleness {
    fn default() -> Self {
        Self {
            months: default_staleness_months(),
            topics: Default::default(),
        }
    }
}

impl Staleness {
    /// The limit for one topic, in months.
    pub fn months_for(&self, topic: &str) -> u32 {
        self.topics.get(topic).copied().unwrap_or(self.months)
    }
}

/// The `[folders]` table; each path is relative to witness.toml and must lie inside the workspace.
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
    /// The folder holding witness.toml; `None` when only the built-in material is used.
    pub root: Option<PathBuf>,
    /// The settings read from witness.toml, or the defaults.
    pub config: WorkspaceConfig,
    /// Where templates are looked up: the workspace's templates folder, then the built-in ones.
    pub templates: Layers,
    /// Where briefs are looked up: the workspace's briefs folder, then the built-in ones.
    pub briefs: Layers,
    /// The expert's qualifications, when witness.toml reads them from a file.
    pub prose_files: Vec<super::prose::ProseFile>,
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

    /// Opens the workspace whose witness.toml is at `config_path`, refusing paths outside it and folders that do not exist.
    pub fn open(config_path: &Path) -> Result<Self, Diagnostic> {
        let text = super::read_text(config_path)?;
        let mut config: WorkspaceConfig = toml_file::parse(config_path, &text)?;
        let root = config_path.parent().unwrap_or(Path::new(".")).to_path_buf();
        // The expert's qualifications may be Markdown in a file beside witness.toml.
        let mut prose_files = Vec::new();
        if let Some(qualifications) = config
            .expert
            .as_mut()
            .and_then(|e| e.qualifications.as_mut())
        {
            let field = "expert.qualifications";
            let at_field = |message: String| {
                Diagnostic::error(config_path, message)
                    .with_field(field)
                    .at(text.clone(), toml_file::locate(&text, field))
            };
            prose_files.extend(super::prose::read_file(
                &root,
                field,
                qualifications,
                at_field,
            )?);
        }
        // Every path witness.toml names must stay inside the workspace, so that a workspace
        // handed over (or a hostile one) cannot make witness read briefs, templates, fonts or
        // a logo from elsewhere, or write reports elsewhere; `--out-dir` and `-o` remain for
        // writing outside on purpose.
        let paths = [
            ("folders.briefs", &config.folders.briefs),
            ("folders.templates", &config.folders.templates),
            ("folders.fonts", &config.folders.fonts),
            ("folders.output", &config.folders.output),
            ("brand.logo", &config.brand.logo),
        ];
        for (field, path) in paths {
            if let Some(path) = path
                && !super::confine::lies_inside(&root, path)
            {
                let help = if field == "folders.output" {
                    "give a folder inside the workspace, or pass --out-dir to write elsewhere"
                } else {
                    "move it into the workspace and give its path relative to witness.toml"
                };
                return Err(Diagnostic::error(
                    config_path,
                    format!(
                        "`{}` lies outside the workspace; witness.toml may only name paths inside it",
                        path.display()
                    ),
                )
                .with_field(field)
                .at(text.clone(), toml_file::locate(&text, field))
                .with_help(help));
            }
        }
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
        let mut workspace = Self::with_config(Some(config_path.to_path_buf()), Some(root), config);
        workspace.prose_files = prose_files;
        Ok(workspace)
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
            prose_files: Vec::new(),
        }
    }

    /// The absolute folder PDFs go to when `-o` is not given, if witness.toml names one.
    pub fn output_folder(&self) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        self.config.folders.output.as_ref().map(|o| root.join(o))
    }

    /// The absolute folder of extra fonts, if witness.toml names one.
    pub fn fonts_folder(&self) -> Option<PathBuf> {
        let root = self.root.as_ref()?;
        self.config.folders.fonts.as_ref().map(|f| root.join(f))
    }
}
