//! Stage 1, load: the case file, the workspace around it, and the country brief it draws on.

pub mod attachments;
pub mod authorities;
pub mod briefs;
pub mod case;
pub mod confine;
mod fields;
pub mod original;
pub mod profile;
pub mod prose;
pub mod toml_file;
pub mod tree;
pub mod workspace;

use std::path::Path;
use std::sync::Arc;

pub use attachments::Attachments;
pub use briefs::{Brief, Catalogue, Section};
pub use case::{Case, CaseFile};
pub use profile::Profile;
pub use workspace::Workspace;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Input files larger than this are refused: no real case or brief comes near it, and it keeps
/// a pasted binary or runaway file from stalling the pipeline.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// Everything one render needs, read and parsed.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The case file being rendered.
    pub case: CaseFile,
    /// The workspace the case belongs to, or the built-in material alone.
    pub workspace: Workspace,
    /// The briefs' catalogue of topics and profiles.
    pub catalogue: Catalogue,
    /// The brief of the country the case names.
    pub brief: Brief,
    /// The jurisdiction profile the case names.
    pub profile: Profile,
    /// The CV and signature the expert names.
    pub attachments: Attachments,
    /// For an addendum: the report it adds to, or why it cannot be read (E180).
    pub original: Option<Result<Arc<original::Original>, String>>,
}

impl Inputs {
    /// The bibliographies the report cites from: the brief's, then the case's own.
    pub fn bibliographies(&self) -> impl Iterator<Item = &briefs::Bibliography> {
        std::iter::once(&self.brief.bibliography).chain(self.attachments.sources.as_ref())
    }

    /// The source with citation key `key`, and the bibliography that has it (the brief's
    /// first: a key in both is refused by the check, E203).
    pub fn find_source(&self, key: &str) -> Option<(&briefs::Bibliography, &briefs::Source)> {
        self.bibliographies()
            .find_map(|bibliography| Some((bibliography, bibliography.get(key)?)))
    }

    /// The topics the report covers, in order: the case's own list, or those the applicant's
    /// profile calls for that the country's brief covers.
    pub fn topics(&self) -> Vec<String> {
        // An addendum answers a review; the country material is in the report it adds to.
        if self.case.case.report.is_addendum() {
            return Vec::new();
        }
        match &self.case.case.report.topics {
            Some(topics) => topics.clone(),
            None => self
                .catalogue
                .topics_for_profile(&self.case.case.applicant.profile)
                .into_iter()
                .filter(|topic| self.brief.section(topic).is_some())
                .collect(),
        }
    }
}

/// What a render read from disk, as typst's World lists its dependencies: `watch` watches
/// exactly these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dependencies {
    /// Files read: the case, witness.toml, the CV and signature.
    pub files: Vec<std::path::PathBuf>,
    /// Folders any file of which may be read: the workspace's briefs and templates.
    pub folders: Vec<std::path::PathBuf>,
}

impl Inputs {
    /// The files and folders these inputs were read from (built-in folders are in the binary
    /// and never change).
    pub fn dependencies(&self) -> Dependencies {
        let mut files = vec![self.case.path.clone()];
        files.extend(self.workspace.config_path.clone());
        files.extend(self.attachments.files.iter().cloned());
        let prose_files = self
            .case
            .prose_files
            .iter()
            .chain(&self.workspace.prose_files);
        files.extend(prose_files.map(|f| f.path.clone()));
        let folders = [&self.workspace.briefs, &self.workspace.templates]
            .into_iter()
            .filter_map(|layers| match layers.0.first() {
                Some(tree::Tree::Disk(folder)) => Some(folder.clone()),
                _ => None,
            })
            .collect();
        Dependencies { files, folders }
    }
}

/// Reads a case file and everything it refers to; any problem in them refuses the load.
pub fn load(case_path: &Path) -> Result<Inputs, Diagnostics> {
    let (inputs, problems) = load_all(case_path)?;
    if problems.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics(problems).in_file_order());
    }
    Ok(inputs)
}

/// Reads a case file and everything it refers to, going on past the problems it can stand
/// in for (an unknown key, a mistyped value), so that `check` reports every one of them in
/// one run with the findings of the rules on what parsed. `Err` holds every problem found
/// when too little parsed to go on.
pub fn load_all(case_path: &Path) -> Result<(Inputs, Vec<Diagnostic>), Diagnostics> {
    let (case, mut problems) = CaseFile::read_all(case_path)?;
    // What a stood-in value makes fail later is the same problem again: leave it out.
    let case_stand_ins = StandIns(case.clone());
    match load_case(case, &Fresh) {
        Ok(inputs) => Ok((inputs, problems)),
        Err(more) => {
            problems.extend(more.0.into_iter().filter(|d| !case_stand_ins.stood(d)));
            Err(Diagnostics(problems).in_file_order())
        }
    }
}

struct StandIns(CaseFile);

impl StandIns {
    fn stood(&self, finding: &Diagnostic) -> bool {
        self.0.stood_in(finding)
    }
}

/// Where [`load_case`] gets the parts that many cases share. The defaults read them afresh;
/// a batch render caches them (`crate::batch`), so a brief is parsed once, not once per case.
pub trait Shared {
    /// The workspace the case belongs to.
    fn workspace(&self, case: &CaseFile) -> Result<Workspace, Diagnostic> {
        Workspace::discover(case.folder())
    }
    /// The workspace's briefs catalogue.
    fn catalogue(&self, workspace: &Workspace) -> Result<Catalogue, Diagnostic> {
        Catalogue::read(&workspace.briefs)
    }
    /// The brief for the case's country.
    fn brief(&self, case: &CaseFile, workspace: &Workspace) -> Result<Brief, Diagnostics> {
        load_brief(case, workspace)
    }
    /// The case's jurisdiction profile.
    fn profile(&self, case: &CaseFile, workspace: &Workspace) -> Result<Profile, Diagnostic> {
        Profile::read(&workspace.templates, case)
    }
}

/// Reads every shared part afresh: one render.
pub struct Fresh;

impl Shared for Fresh {}

/// Everything an already-read case file refers to, the shared parts taken from `shared`.
pub fn load_case(case: CaseFile, shared: &dyn Shared) -> Result<Inputs, Diagnostics> {
    let workspace = shared.workspace(&case)?;
    let catalogue = shared.catalogue(&workspace)?;
    let brief = shared.brief(&case, &workspace)?;
    let profile = shared.profile(&case, &workspace)?;
    let attachments = Attachments::read(&case, &workspace)?;
    let original = original::read(&case);
    Ok(Inputs {
        original,
        case,
        workspace,
        catalogue,
        brief,
        profile,
        attachments,
    })
}

/// The brief for the case's country, or an error at `report.country` that lists the choices.
pub fn load_brief(case: &CaseFile, workspace: &Workspace) -> Result<Brief, Diagnostics> {
    let country = &case.case.report.country;
    find_brief(workspace, country)?.ok_or_else(|| {
        unknown_country(workspace, country)
            .at(case, "report.country")
            .into()
    })
}

/// The workspace's brief for `country`, `None` when there is none (or the name is no name).
pub fn find_brief(workspace: &Workspace, country: &str) -> Result<Option<Brief>, Diagnostics> {
    if !crate::lookup::is_plain_name(country) {
        return Ok(None);
    }
    Brief::read(&workspace.briefs, country)
}

/// A name that names nothing in the workspace: what to say, for the caller to place.
#[derive(Debug, Clone)]
pub struct Unknown {
    /// "no country brief for `peru`".
    pub message: String,
    /// "did you mean …?", or the names there are.
    pub help: String,
}

impl Unknown {
    /// The problem, located at `field` of the case file.
    pub fn at(self, case: &CaseFile, field: &str) -> Diagnostic {
        case.error_at(field, self.message).with_help(self.help)
    }

    /// The problem as a command-line error about `option` (`--country`).
    pub fn for_option(self, option: &str) -> anyhow::Error {
        anyhow::anyhow!("{option}: {}\n  help: {}", self.message, self.help)
    }
}

/// Why `country` has no brief, with the near miss or the countries there are.
pub fn unknown_country(workspace: &Workspace, country: &str) -> Unknown {
    let known = workspace.briefs.folders();
    let help = crate::lookup::help(country, &known, "countries with a brief");
    let start = if crate::lookup::is_plain_name(country) {
        format!("; `witness briefs new {country}` starts one in the workspace")
    } else {
        String::new()
    };
    Unknown {
        message: format!("no country brief for `{country}`"),
        help: format!("{help}{start}"),
    }
}

/// Reads a UTF-8 text file, refusing oversized and binary files with a located message.
pub fn read_text(path: &Path) -> Result<Arc<str>, Diagnostic> {
    let bytes = read_bytes(path)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
            let (line, column) = crate::diagnostic::line_column(&valid, offset);
            Err(Diagnostic::error(
                path,
                format!(
                    "the file is not valid UTF-8 text (line {line}, column {column}, byte {offset})"
                ),
            )
            .with_help("save the file as UTF-8; if it is a binary file, the path is wrong"))
        }
    }
}

/// Reads the file at `path` as bytes, refusing folders and files over [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    let io_error =
        |e: std::io::Error| Diagnostic::error(path, format!("cannot read the file: {e}"));
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if metadata.is_dir() {
        return Err(Diagnostic::error(path, "this is a folder, not a file"));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(Diagnostic::error(
            path,
            format!(
                "the file is {} bytes; witness reads input files of at most {} bytes",
                metadata.len(),
                MAX_INPUT_BYTES
            ),
        ));
    }
    std::fs::read(path).map_err(io_error)
}
