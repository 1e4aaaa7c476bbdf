//! What witness finds and would use (typst, data folder, workspace, fonts, briefs, templates),
//! gathered into one [`Report`] for `witness doctor` to print for people or as JSON.
//!
//! Every probe goes through the code a render uses: [`locate`] finds typst, [`Typst::fonts`]
//! asks it for fonts with the flags renders pass, [`Workspace::discover`], [`Overview::read`],
//! [`Template::load`] and [`Profile::find`] read what a render reads. Nothing here installs
//! anything or prints anything.

use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use crate::assemble::Template;
use crate::brief_status::Overview;
use crate::diagnostic::{Diagnostic, display_path};
use crate::load::tree::Tree;
use crate::load::{Profile, Workspace, profile};
use crate::typeset::locate::{self, Origin};
use crate::typeset::{PINNED_VERSION, Typst, fonts};

/// Everything `witness doctor` found: the facts a script may want, and one [`Check`] per
/// finding, in the order they are printed.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// This witness binary.
    pub witness: Binary,
    /// The typst renders would use; `None` when none is found.
    pub typst: Option<TypstFound>,
    /// witness's data folder (its own typst, the bundled fonts), when it can be told.
    pub data_folder: Option<String>,
    /// The witness.toml in force; `None` when there is none (the built-in briefs and
    /// templates serve) or it cannot be read (an error check says so).
    pub workspace: Option<String>,
    /// The font families typst sees with the flags renders use; empty when typst was not asked.
    pub fonts: Vec<String>,
    /// The countries with a brief that reads.
    pub countries: Vec<String>,
    /// The report templates that load.
    pub templates: Vec<String>,
    /// The jurisdictions with a profile that parses.
    pub jurisdictions: Vec<String>,
    /// Every finding, in order.
    pub checks: Vec<Check>,
    /// How many checks are errors and warnings.
    pub summary: Summary,
}

/// The witness binary itself.
#[derive(Debug, Clone, Serialize)]
pub struct Binary {
    /// witness's version.
    pub version: String,
    /// Where the running binary is.
    pub path: String,
}

/// The typst binary a render would run.
#[derive(Debug, Clone, Serialize)]
pub struct TypstFound {
    /// The binary.
    pub path: String,
    /// As `typst --version` gives it.
    pub version: String,
    /// Where it was found.
    pub origin: Origin,
    /// Whether it is the version witness is tested with ([`PINNED_VERSION`]).
    pub pinned: bool,
}

/// One finding: one line of `witness doctor`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// How it stands.
    pub status: Status,
    /// What was examined: `typst`, `data`, `workspace`, `fonts`, `countries`, `brief`, ….
    pub what: String,
    /// What was found.
    pub detail: String,
    /// What to do about it, when there is something to do.
    pub help: Option<String>,
    /// The located problem behind an error, in the shape `witness check --format json` gives
    /// (file, line, column, field, message, help).
    #[serde(serialize_with = "diagnostic_json")]
    pub diagnostic: Option<Diagnostic>,
}

/// How a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Found and usable.
    Ok,
    /// Worth knowing; nothing to fix.
    Note,
    /// witness can render, but something is off.
    Warning,
    /// witness cannot render until it is fixed.
    Error,
}

/// The count of checks by status that matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Checks with [`Status::Error`].
    pub errors: usize,
    /// Checks with [`Status::Warning`].
    pub warnings: usize,
}

impl Summary {
    /// Counts the errors and warnings among `checks`.
    pub fn of(checks: &[Check]) -> Self {
        let count = |status| checks.iter().filter(|c| c.status == status).count();
        Self {
            errors: count(Status::Error),
            warnings: count(Status::Warning),
        }
    }
}

fn diagnostic_json<S: Serializer>(
    diagnostic: &Option<Diagnostic>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    diagnostic
        .as_ref()
        .map(Diagnostic::to_json)
        .serialize(serializer)
}

impl Report {
    /// Whether nothing stops witness from rendering: no check is an error.
    pub fn can_render(&self) -> bool {
        self.summary.errors == 0
    }

    fn add(&mut self, status: Status, what: &str, detail: impl Into<String>) -> &mut Check {
        self.checks.push(Check {
            status,
            what: what.to_string(),
            detail: detail.into(),
            help: None,
            diagnostic: None,
        });
        self.checks.last_mut().expect("just pushed")
    }
}

impl Check {
    fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    fn diagnostic(&mut self, diagnostic: &Diagnostic) -> &mut Self {
        self.diagnostic = Some(diagnostic.clone());
        self
    }
}

/// Examines the machine and the workspace found from `dir` (a folder or a case file), with
/// `typst` in place of the typst witness would find when it is given. Never installs typst.
pub fn examine(dir: &Path, typst: Option<PathBuf>) -> Report {
    let path = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut report = Report {
        witness: Binary {
            version: env!("CARGO_PKG_VERSION").to_string(),
            path: path.clone(),
        },
        typst: None,
        data_folder: None,
        workspace: None,
        fonts: Vec::new(),
        countries: Vec::new(),
        templates: Vec::new(),
        jurisdictions: Vec::new(),
        checks: Vec::new(),
        summary: Summary::default(),
    };
    report.add(
        Status::Ok,
        "witness",
        format!("{} at {path}", env!("CARGO_PKG_VERSION")),
    );
    let typst = check_typst(&mut report, typst);
    check_data_folder(&mut report);
    let workspace = check_workspace(&mut report, dir);
    check_fonts(&mut report, typst.as_ref(), workspace.as_ref());
    if let Some(workspace) = &workspace {
        check_briefs(&mut report, workspace);
        check_templates(&mut report, workspace);
    }
    report.summary = Summary::of(&report.checks);
    report
}

fn check_typst(report: &mut Report, explicit: Option<PathBuf>) -> Option<Typst> {
    // Never install from doctor: it reports, it does not change the machine.
    let found = locate::locate(&locate::Options {
        explicit,
        no_install: true,
    });
    match found {
        Ok(typst) => {
            let origin = match typst.origin {
                Origin::Flag => "given with --typst",
                Origin::Environment => "from WITNESS_TYPST",
                Origin::SearchPath => "found on PATH",
                Origin::DataFolder | Origin::Installed => "witness's own copy",
            };
            let pinned = typst.version == PINNED_VERSION;
            let check = report.add(
                if pinned { Status::Ok } else { Status::Warning },
                "typst",
                format!("{} {} ({origin})", typst.path.display(), typst.version),
            );
            if !pinned {
                check.help(format!(
                    "witness is tested with typst {PINNED_VERSION}; reports may differ. Remove this \
                     typst from PATH (or unset WITNESS_TYPST) to let witness use its own copy."
                ));
            }
            report.typst = Some(TypstFound {
                path: typst.path.display().to_string(),
                version: typst.version.clone(),
                origin: typst.origin,
                pinned,
            });
            Some(typst)
        }
        Err(error) => {
            let help = if locate::can_install() {
                format!(
                    "run `witness render` once: it installs typst {PINNED_VERSION} with cargo \
                     (several minutes, once)"
                )
            } else {
                format!(
                    "install the Rust toolchain (https://rustup.rs) so witness can install typst \
                     {PINNED_VERSION}, or install typst {PINNED_VERSION} yourself and pass --typst PATH"
                )
            };
            report
                .add(Status::Error, "typst", format!("not found ({error:#})"))
                .help(help);
            None
        }
    }
}

fn check_data_folder(report: &mut Report) {
    const HELP: &str = "set WITNESS_DATA_DIR to a folder witness may write in";
    match locate::data_folder() {
        Ok(folder) if folder.is_dir() => {
            report.data_folder = Some(folder.display().to_string());
            if tempfile::tempfile_in(&folder).is_ok() {
                report.add(Status::Ok, "data", folder.display().to_string());
            } else {
                report
                    .add(
                        Status::Error,
                        "data",
                        format!("{} (not writable)", folder.display()),
                    )
                    .help(HELP);
            }
        }
        Ok(folder) => {
            report.data_folder = Some(folder.display().to_string());
            report.add(
                Status::Note,
                "data",
                format!("{} (made at the first render)", folder.display()),
            );
        }
        Err(error) => {
            report
                .add(Status::Error, "data", format!("{error:#}"))
                .help(HELP);
        }
    }
}

fn check_workspace(report: &mut Report, dir: &Path) -> Option<Workspace> {
    let start = if dir.is_file() {
        dir.parent().unwrap_or(Path::new("."))
    } else {
        dir
    };
    let workspace = match Workspace::discover(start) {
        Ok(workspace) => workspace,
        Err(error) => {
            report
                .add(Status::Error, "workspace", "witness.toml cannot be read:")
                .diagnostic(&error);
            return None;
        }
    };
    let Some(config) = &workspace.config_path else {
        report
            .add(
                Status::Note,
                "workspace",
                format!(
                    "none above {}: the built-in templates and briefs serve",
                    display_path(&std::path::absolute(start).unwrap_or_else(|_| start.into()))
                ),
            )
            .help("`witness init` makes a workspace with your own briefs and expert");
        return Some(workspace);
    };
    report.workspace = Some(display_path(config));
    report.add(Status::Ok, "workspace", display_path(config));
    for (what, layers) in [
        ("briefs", &workspace.briefs),
        ("templates", &workspace.templates),
    ] {
        match layers.0.first() {
            Some(Tree::Disk(path)) => report.add(
                Status::Ok,
                what,
                format!("{} over the built-in ones", display_path(path)),
            ),
            _ => report.add(Status::Note, what, "built-in"),
        };
    }
    match workspace.output_folder() {
        Some(out) => report.add(Status::Ok, "output", display_path(&out)),
        None => report.add(Status::Note, "output", "out/ beside each case file"),
    };
    if workspace.config.folders.fonts.is_none() {
        report.add(Status::Note, "fonts", "no extra fonts folder");
    }
    match &workspace.config.expert {
        Some(expert) if expert.name.contains(crate::scaffold::PLACEHOLDER) => {
            report
                .add(Status::Warning, "expert", &expert.name)
                .help(format!(
                    "put your name in [expert] in {}",
                    display_path(config)
                ));
        }
        Some(expert) => {
            report.add(Status::Ok, "expert", &expert.name);
        }
        None => {
            report.add(
                Status::Note,
                "expert",
                "none: each case needs its own [expert]",
            );
        }
    }
    Some(workspace)
}

fn check_fonts(report: &mut Report, typst: Option<&Typst>, workspace: Option<&Workspace>) {
    let bundled = match fonts::bundled_font_folder() {
        Ok(folder) => folder,
        Err(error) => {
            report.add(Status::Error, "fonts", format!("{error:#}"));
            return;
        }
    };
    // The folders a render hands typst, in the same order: the workspace's, then the bundled.
    let mut folders = vec![bundled.clone()];
    if let Some(own) = workspace.and_then(Workspace::fonts_folder) {
        report.add(
            Status::Ok,
            "fonts",
            format!("{} (the workspace's)", display_path(&own)),
        );
        folders.insert(0, own);
    }
    let Some(typst) = typst else {
        report.add(
            Status::Ok,
            "fonts",
            format!("bundled in {}", bundled.display()),
        );
        return;
    };
    match typst.fonts(&folders) {
        Ok(families) => {
            report.add(
                Status::Ok,
                "fonts",
                format!("typst sees {}: {}", families.len(), families.join(", ")),
            );
            report.fonts = families;
        }
        Err(error) => {
            report.add(Status::Warning, "fonts", format!("{error:#}"));
        }
    }
}

fn check_briefs(report: &mut Report, workspace: &Workspace) {
    let today = chrono::Local::now().date_naive();
    let overview = match Overview::read(workspace, today) {
        Ok(overview) => overview,
        Err(error) => {
            report
                .add(Status::Error, "catalogue", error.to_string())
                .diagnostic(&error);
            return;
        }
    };
    let names: Vec<String> = overview.countries.iter().map(|c| c.id.clone()).collect();
    report.add(
        Status::Ok,
        "countries",
        format!("{}: {}", names.len(), names.join(", ")),
    );
    report.countries = names;
    let stale = overview.stale_count();
    if stale > 0 {
        report
            .add(
                Status::Warning,
                "staleness",
                format!("{stale} brief section(s) are past their review limit"),
            )
            .help("`witness briefs` shows which");
    }
    for error in &overview.errors {
        report
            .add(Status::Error, "brief", error.to_string())
            .diagnostic(error);
    }
}

fn check_templates(report: &mut Report, workspace: &Workspace) {
    let templates = &workspace.templates;
    let mut names = Vec::new();
    for folder in templates.folders() {
        let main = format!("{folder}/main.typ.hbs");
        if templates.read_text(&main).ok().flatten().is_none() {
            continue;
        }
        match Template::load(templates, &folder) {
            Ok(_) => names.push(folder),
            Err(error) => {
                report
                    .add(Status::Error, "template", error.to_string())
                    .diagnostic(&error);
            }
        }
    }
    report.add(Status::Ok, "templates", names.join(", "));
    report.templates = names;

    let mut jurisdictions = Vec::new();
    for file in templates.files_in(profile::FOLDER) {
        let Some(id) = file.strip_suffix(".toml") else {
            continue;
        };
        match Profile::find(templates, id) {
            Ok(Some(_)) => jurisdictions.push(id.to_string()),
            // A file whose name is no plain name: no case can name it.
            Ok(None) => {
                let relative = format!("{}/{file}", profile::FOLDER);
                let path = templates
                    .0
                    .iter()
                    .find(|t| t.exists(&relative))
                    .map_or_else(
                        || relative.clone(),
                        |tree| display_path(&tree.display_path(&relative)),
                    );
                let unknown = profile::unknown_jurisdiction(templates, id);
                report
                    .add(
                        Status::Warning,
                        "jurisdiction",
                        format!("{path}: {}", unknown.message),
                    )
                    .help("name a profile with letters, digits, `-` and `_` only");
            }
            Err(error) => {
                report
                    .add(Status::Error, "jurisdiction", error.to_string())
                    .diagnostic(&error);
            }
        }
    }
    report.add(Status::Ok, "jurisdictions", jurisdictions.join(", "));
    report.jurisdictions = jurisdictions;
}
