//! `witness doctor`: what witness finds and would use (typst, fonts, workspace, briefs,
//! templates, data folder), and what to do about anything missing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::Args;
use witness::assemble::Template;
use witness::brief_status::Overview;
use witness::diagnostic::display_path;
use witness::load::tree::Tree;
use witness::load::{Profile, Workspace};
use witness::typeset::locate::{self, Origin};
use witness::typeset::{PINNED_VERSION, fonts};

use super::paint::{self, Paint};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The folder (or case file) whose workspace to examine (default: the current folder).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Examine this typst binary instead of the one witness would find.
    #[arg(long, value_name = "PATH")]
    pub typst: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Ok,
    Note,
    Warning,
    Error,
}

/// Prints one finding per line, and remembers whether any was an error.
struct Report {
    out: String,
    paint: Paint,
    errors: usize,
    warnings: usize,
}

impl Report {
    fn line(&mut self, status: Status, what: &str, detail: impl AsRef<str>) {
        let word = match status {
            Status::Ok => self.paint.green("ok     "),
            Status::Note => self.paint.dim("-      "),
            Status::Warning => {
                self.warnings += 1;
                self.paint.yellow("warning")
            }
            Status::Error => {
                self.errors += 1;
                self.paint.red("error  ")
            }
        };
        let _ = writeln!(self.out, "{word}  {what:<13}  {}", detail.as_ref());
    }

    fn help(&mut self, text: impl AsRef<str>) {
        for line in text.as_ref().lines() {
            let help = self.paint.dim("help:");
            let _ = writeln!(self.out, "{:<7}  {:<13}  {help} {line}", "", "");
        }
    }
}

pub fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let mut report = Report {
        out: String::new(),
        paint: Paint::stdout(),
        errors: 0,
        warnings: 0,
    };
    report.line(
        Status::Ok,
        "witness",
        format!(
            "{} at {}",
            env!("CARGO_PKG_VERSION"),
            std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ),
    );

    let typst = check_typst(&mut report, args.typst.clone());
    check_data_folder(&mut report);
    let workspace = check_workspace(&mut report, &args.dir);
    check_fonts(&mut report, typst.as_ref(), workspace.as_ref());
    if let Some(workspace) = &workspace {
        check_briefs(&mut report, workspace);
        check_templates(&mut report, workspace);
    }
    let colour = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        "off: NO_COLOR is set"
    } else if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        "on: output is a terminal (NO_COLOR=1 turns it off)"
    } else {
        "off: output is not a terminal"
    };
    report.line(Status::Note, "colour", colour);

    let summary = format!(
        "\n{}\n",
        match (report.errors, report.warnings) {
            (0, 0) => report.paint.green("All is well."),
            (0, w) => report
                .paint
                .yellow(&format!("{w} warning(s); witness can render.")),
            (e, _) => report
                .paint
                .red(&format!("{e} problem(s) to fix before witness can render.")),
        }
    );
    report.out.push_str(&summary);
    paint::print(&report.out)?;
    Ok(if report.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn check_typst(report: &mut Report, explicit: Option<PathBuf>) -> Option<locate::Typst> {
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
            report.line(
                if pinned { Status::Ok } else { Status::Warning },
                "typst",
                format!("{} {} ({origin})", typst.path.display(), typst.version),
            );
            if !pinned {
                report.help(format!(
                    "witness is tested with typst {PINNED_VERSION}; reports may differ. Remove this \
                     typst from PATH (or unset WITNESS_TYPST) to let witness use its own copy."
                ));
            }
            Some(typst)
        }
        Err(error) => {
            report.line(Status::Error, "typst", format!("not found ({error:#})"));
            let cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            if cargo {
                report.help(format!(
                    "run `witness render` once: it installs typst {PINNED_VERSION} with cargo \
                     (several minutes, once)"
                ));
            } else {
                report.help(format!(
                    "install the Rust toolchain (https://rustup.rs) so witness can install typst \
                     {PINNED_VERSION}, or install typst {PINNED_VERSION} yourself and pass --typst PATH"
                ));
            }
            None
        }
    }
}

fn check_data_folder(report: &mut Report) {
    match locate::data_folder() {
        Ok(folder) if folder.is_dir() => {
            let writable = tempfile::tempfile_in(&folder).is_ok();
            report.line(
                if writable { Status::Ok } else { Status::Error },
                "data",
                format!(
                    "{}{}",
                    folder.display(),
                    if writable { "" } else { " (not writable)" }
                ),
            );
            if !writable {
                report.help("set WITNESS_DATA_DIR to a folder witness may write in");
            }
        }
        Ok(folder) => {
            report.line(
                Status::Note,
                "data",
                format!("{} (made at the first render)", folder.display()),
            );
        }
        Err(error) => {
            report.line(Status::Error, "data", format!("{error:#}"));
            report.help("set WITNESS_DATA_DIR to a folder witness may write in");
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
            report.line(Status::Error, "workspace", "witness.toml cannot be read:");
            witness::diagnostic::report_error(&error.into());
            return None;
        }
    };
    let Some(config) = &workspace.config_path else {
        report.line(
            Status::Note,
            "workspace",
            format!(
                "none above {}: the built-in templates and briefs serve",
                display_path(&std::path::absolute(start).unwrap_or_else(|_| start.into()))
            ),
        );
        report.help("`witness init` makes a workspace with your own briefs and expert");
        return Some(workspace);
    };
    report.line(Status::Ok, "workspace", display_path(config));
    let folders = &workspace.config.folders;
    for (what, layers) in [
        ("briefs", &workspace.briefs),
        ("templates", &workspace.templates),
    ] {
        match layers.0.first() {
            Some(Tree::Disk(path)) => report.line(
                Status::Ok,
                what,
                format!("{} over the built-in ones", display_path(path)),
            ),
            _ => report.line(Status::Note, what, "built-in"),
        }
    }
    match workspace.output_folder() {
        Some(out) => report.line(Status::Ok, "output", display_path(&out)),
        None => report.line(Status::Note, "output", "out/ beside each case file"),
    }
    if folders.fonts.is_none() {
        report.line(Status::Note, "fonts", "no extra fonts folder");
    }
    match &workspace.config.expert {
        Some(expert) if expert.name.contains(witness::scaffold::PLACEHOLDER) => {
            report.line(Status::Warning, "expert", &expert.name);
            report.help(format!(
                "put your name in [expert] in {}",
                display_path(config)
            ));
        }
        Some(expert) => report.line(Status::Ok, "expert", &expert.name),
        None => report.line(
            Status::Note,
            "expert",
            "none: each case needs its own [expert]",
        ),
    }
    Some(workspace)
}

fn check_fonts(report: &mut Report, typst: Option<&locate::Typst>, workspace: Option<&Workspace>) {
    let bundled = match fonts::bundled_font_folder() {
        Ok(folder) => folder,
        Err(error) => {
            report.line(Status::Error, "fonts", format!("{error:#}"));
            return;
        }
    };
    let mut folders = vec![bundled.clone()];
    if let Some(own) = workspace.and_then(Workspace::fonts_folder) {
        report.line(
            Status::Ok,
            "fonts",
            format!("{} (the workspace's)", display_path(&own)),
        );
        folders.insert(0, own);
    }
    let Some(typst) = typst else {
        report.line(
            Status::Ok,
            "fonts",
            format!("bundled in {}", bundled.display()),
        );
        return;
    };
    // Ask typst itself, with the flags renders use, which fonts a report can use.
    let mut command = Command::new(&typst.path);
    command.arg("fonts").arg("--ignore-system-fonts");
    for folder in &folders {
        command.arg("--font-path").arg(folder);
    }
    match command.output() {
        Ok(output) if output.status.success() => {
            let families: Vec<String> = String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            report.line(
                Status::Ok,
                "fonts",
                format!("typst sees {}: {}", families.len(), families.join(", ")),
            );
        }
        Ok(output) => report.line(
            Status::Warning,
            "fonts",
            format!(
                "`typst fonts` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ),
        Err(error) => report.line(Status::Warning, "fonts", format!("`typst fonts`: {error}")),
    }
}

fn check_briefs(report: &mut Report, workspace: &Workspace) {
    let today = chrono::Local::now().date_naive();
    match Overview::read(workspace, today) {
        Ok(overview) => {
            let names: Vec<&str> = overview.countries.iter().map(|c| c.id.as_str()).collect();
            report.line(
                Status::Ok,
                "countries",
                format!("{}: {}", names.len(), names.join(", ")),
            );
            let stale = overview.stale_count();
            if stale > 0 {
                report.line(
                    Status::Warning,
                    "staleness",
                    format!("{stale} brief section(s) are past their review limit"),
                );
                report.help("`witness briefs` shows which");
            }
            for error in &overview.errors {
                report.line(Status::Error, "brief", error.to_string());
            }
        }
        Err(error) => report.line(Status::Error, "catalogue", error.to_string()),
    }
}

fn check_templates(report: &mut Report, workspace: &Workspace) {
    let templates = &workspace.templates;
    let mut names = Vec::new();
    for folder in templates.folders() {
        if templates
            .read_text(&format!("{folder}/main.typ.hbs"))
            .ok()
            .flatten()
            .is_none()
        {
            continue;
        }
        match Template::load(templates, &folder) {
            Ok(_) => names.push(folder),
            Err(error) => report.line(Status::Error, "template", error.to_string()),
        }
    }
    report.line(Status::Ok, "templates", names.join(", "));
    let mut jurisdictions = Vec::new();
    for file in templates.files_in(witness::load::profile::FOLDER) {
        let Some(id) = file.strip_suffix(".toml") else {
            continue;
        };
        let path = format!("{}/{file}", witness::load::profile::FOLDER);
        let parsed = templates.read_text(&path).and_then(|source| match source {
            Some(source) => {
                witness::load::toml_file::parse::<Profile>(&source.path, &source.text).map(Some)
            }
            None => Ok(None),
        });
        match parsed {
            Ok(_) => jurisdictions.push(id.to_string()),
            Err(error) => report.line(Status::Error, "jurisdiction", error.to_string()),
        }
    }
    report.line(Status::Ok, "jurisdictions", jurisdictions.join(", "));
}
