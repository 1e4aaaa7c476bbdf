//! Many cases in one run: collect the case files, refuse references used twice, take a shard,
//! and render the cases on `jobs` threads, each driving its own typst process.
//!
//! What cases share (the workspace, the briefs catalogue, each country's brief, each
//! jurisdiction profile, each compiled report template) is read once per batch through
//! [`Cache`]; everything else is per case, so one case's failure never touches another's.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use crate::assemble::Template;
use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, Brief, CaseFile, Catalogue, Inputs, Profile, Workspace};
use crate::pipeline::{self, Options, Pdf, Rendered};
use crate::typeset::{Control, Interrupted};

/// The file name a folder argument is searched for.
pub const CASE_FILE: &str = "case.toml";

/// The case files the arguments name: a file as given, every `case.toml` below a folder, and
/// the matches of a glob pattern that reached witness unexpanded (quoted, or from a script).
///
/// The result is sorted by absolute path and holds each file once however often it was
/// named, so the set, and with it every shard, does not depend on argument order or on the
/// order a file system lists folders in. A name that matches nothing is an error here, before
/// anything runs; a file that exists but is not a valid case fails later, on its own.
pub fn collect(arguments: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for argument in arguments {
        if argument.is_dir() {
            let before = found.len();
            find_case_files(argument, &mut found)
                .with_context(|| format!("cannot search {}", argument.display()))?;
            if found.len() == before {
                bail!(
                    "no case file in {} or below it (a {CASE_FILE}, or a .toml file with a [report] table)",
                    argument.display()
                );
            }
        } else if argument.exists() {
            found.push(argument.clone());
        } else if is_glob(argument) {
            let pattern = argument.to_string_lossy();
            // As in a shell: `*` does not match a leading dot, so hidden folders stay hidden.
            let options = glob::MatchOptions {
                require_literal_leading_dot: true,
                ..glob::MatchOptions::new()
            };
            let matches = glob::glob_with(&pattern, options)
                .map_err(|e| anyhow!("invalid pattern `{pattern}`: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("cannot search for `{pattern}`"))?;
            if matches.is_empty() {
                bail!("no file matches `{pattern}`");
            }
            for path in matches {
                if path.is_dir() {
                    find_case_files(&path, &mut found)
                        .with_context(|| format!("cannot search {}", path.display()))?;
                } else {
                    found.push(path);
                }
            }
        } else {
            bail!("{} does not exist", argument.display());
        }
    }
    let mut keyed: Vec<(PathBuf, PathBuf)> = found
        .into_iter()
        .map(|path| {
            (
                std::path::absolute(&path).unwrap_or_else(|_| path.clone()),
                path,
            )
        })
        .collect();
    keyed.sort();
    // Two spellings of one file (`a/case.toml`, `./a/../a/case.toml`, a symlink) are one case.
    let mut seen = std::collections::HashSet::new();
    keyed.retain(|(absolute, _)| {
        seen.insert(std::fs::canonicalize(absolute).unwrap_or(absolute.clone()))
    });
    Ok(keyed.into_iter().map(|(_, path)| path).collect())
}

/// Whether a `.toml` file is a case file: it has a `[report]` table, which no other file of a
/// workspace (witness.toml, brief.toml, catalogue.toml, a jurisdiction profile) has.
fn is_case_file(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "toml") {
        return false;
    }
    // Only the start is read: a case file's [report] table comes first, and a large
    // unrelated file is not read whole.
    let mut head = [0u8; 16 * 1024];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let read = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    String::from_utf8_lossy(&head[..read])
        .lines()
        .any(|line| line.trim() == "[report]")
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Every case file below `folder`: each `case.toml` (one folder per case), and each other
/// `.toml` file that opens a `[report]` table (the `cases/NAME.toml` that `witness new`
/// writes). Hidden folders (`.git`, witness's own `.witness-build-*`) are skipped, and
/// symlinked folders are not followed, so a link cannot make a loop.
fn find_case_files(folder: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_case_files(&path, found)?;
        } else if path.is_file() && (name == CASE_FILE || is_case_file(&path)) {
            found.push(path);
        }
    }
    Ok(())
}

/// `--shard I/N`: the I-th (1-based) of N contiguous, near-equal slices of the sorted set.
///
/// Each shard reads the whole set to find its slice, so N independent runs over the same
/// files (a CI matrix, an indexed Job, GNU parallel) cover every case exactly once with no
/// coordinator; slice sizes differ by at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// The positions of this shard's cases in a set of `len`.
    pub fn range(&self, len: usize) -> Range<usize> {
        len * (self.index - 1) / self.count..len * self.index / self.count
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let usage =
            || format!("`{text}` is not a shard: write I/N, such as 2/5 for the second of five");
        let (index, count) = text.split_once('/').ok_or_else(usage)?;
        let index: usize = index.trim().parse().map_err(|_| usage())?;
        let count: usize = count.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard `{text}`: I must be between 1 and N (shards are counted from 1)"
            ));
        }
        Ok(Self { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One case of the batch: its path and the reference read while planning, or why the file
/// could not be read (which fails that case alone, when its turn comes).
#[derive(Debug)]
pub struct Planned {
    pub path: PathBuf,
    pub reference: Result<String, Diagnostic>,
}

/// Reads every case file of the set, refuses a reference used by two of them, and keeps the
/// shard's slice. Duplicates are looked for in the whole set, not the shard, so every shard of
/// a split run refuses the same set; and before anything runs, so nothing is half done.
///
/// Only each file's reference is kept, not the parsed case: a worker reads its case again when
/// its turn comes, so a batch's memory holds paths, not case files, however large the set.
/// Parsing twice costs about 0.2 ms a case, next to typst's 250 ms.
pub fn plan(paths: Vec<PathBuf>, shard: Option<Shard>) -> Result<Vec<Planned>, Diagnostics> {
    // The reference names `<reference>.pdf` and its build folder; compared without case, as
    // on the file systems of macOS and Windows, where `ABC-1` and `abc-1` are one file.
    let mut first_use: HashMap<String, PathBuf> = HashMap::new();
    let mut duplicates = Vec::new();
    let mut planned = Vec::with_capacity(paths.len());
    for path in paths {
        let reference = CaseFile::read(&path).map(|case| {
            let reference = case.case.report.reference.clone();
            match first_use.entry(reference.to_lowercase()) {
                Entry::Occupied(first) => duplicates.push(
                    case.error_at(
                        "report.reference",
                        format!(
                            "reference `{reference}` is also used by {}",
                            display_path(first.get())
                        ),
                    )
                    .with_help(
                        "each report is written to <reference>.pdf: give every case in a batch its own reference",
                    ),
                ),
                Entry::Vacant(slot) => {
                    slot.insert(path.clone());
                }
            }
            reference
        });
        planned.push(Planned { path, reference });
    }
    if !duplicates.is_empty() {
        return Err(Diagnostics(duplicates));
    }

    let range = shard.map_or(0..planned.len(), |s| s.range(planned.len()));
    Ok(planned
        .into_iter()
        .enumerate()
        .filter(|(i, _)| range.contains(i))
        .map(|(_, p)| p)
        .collect())
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How many cases render at once, each with its own typst process.
    pub jobs: usize,
    /// What the user asked of every case.
    pub options: Options,
    /// The PDF back-end, with the typst every case uses.
    pub backend: Pdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Rendered,
    Failed,
    /// Stopped by Ctrl-C while rendering; nothing was written for it.
    Interrupted,
}

/// One case, done.
#[derive(Debug)]
pub struct Finished {
    pub case: PathBuf,
    /// The case's reference, when its file could be read.
    pub reference: Option<String>,
    pub result: Result<Rendered>,
    pub elapsed: Duration,
}

impl Finished {
    pub fn status(&self) -> Status {
        match &self.result {
            Ok(_) => Status::Rendered,
            Err(error) if error.is::<Interrupted>() => Status::Interrupted,
            Err(_) => Status::Failed,
        }
    }

    /// Check warnings and typst warnings together.
    pub fn warning_count(&self) -> usize {
        self.result
            .as_ref()
            .map_or(0, |r| r.warnings.len() + r.typst_warnings.len())
    }
}

/// The batch in numbers.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Cases in this run (the shard's, with `--shard`).
    pub cases: usize,
    pub rendered: usize,
    pub failed: usize,
    pub interrupted: usize,
    /// Cases never started because the batch was stopped.
    pub skipped: usize,
    pub warnings: usize,
    pub seconds: f64,
}

/// Renders the cases on `settings.jobs` threads, calling `report` on the calling thread as
/// each one finishes, in the order they finish. Once `stop` is set no case starts, running
/// typst processes are killed, and their build folders removed.
pub fn run(
    cases: Vec<Planned>,
    settings: &Settings,
    stop: &AtomicBool,
    mut report: impl FnMut(&Finished),
) -> Summary {
    let started = Instant::now();
    let mut summary = Summary {
        cases: cases.len(),
        ..Summary::default()
    };
    let workers = settings.jobs.clamp(1, cases.len().max(1));
    let threads = typst_threads(workers);
    // Workers take cases in order and drop each when done, so memory does not grow with the set.
    let queue = Mutex::new(VecDeque::from(cases));
    let cache = Cache::default();
    let (sender, receiver) = mpsc::channel::<Finished>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (queue, cache) = (&queue, &cache);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Some(planned) = queue
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop_front()
                    else {
                        break;
                    };
                    let control = Control { stop, threads };
                    let finished = render_one(planned, cache, settings, control);
                    if sender.send(finished).is_err() {
                        break;
                    }
                }
            });
        }
        // The workers hold the only senders left, so the loop ends when the last one exits.
        drop(sender);
        for finished in receiver {
            match finished.status() {
                Status::Rendered => summary.rendered += 1,
                Status::Failed => summary.failed += 1,
                Status::Interrupted => summary.interrupted += 1,
            }
            summary.warnings += finished.warning_count();
            report(&finished);
        }
    });
    summary.skipped = summary.cases - summary.rendered - summary.failed - summary.interrupted;
    // Milliseconds are all a person or a script needs.
    summary.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    summary
}

/// typst's threads when `workers` typst processes run at once: the cores shared out among them,
/// or typst's own default when one process has them all (a single render is run as it always was).
fn typst_threads(workers: usize) -> Option<usize> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    (workers > 1).then(|| (cores / workers).max(1))
}

fn render_one(planned: Planned, cache: &Cache, settings: &Settings, control: Control) -> Finished {
    let started = Instant::now();
    let reference = planned.reference.as_ref().ok().cloned();
    // A panic is a bug in witness or a library, but it must cost only its own case.
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| -> Result<Rendered> {
        let planned_reference = planned.reference?;
        let case = CaseFile::read(&planned.path)?;
        // The duplicate check saw the reference the file had then; an edit since could collide.
        if case.case.report.reference != planned_reference {
            return Err(case
                .error_at(
                    "report.reference",
                    format!(
                        "the reference changed while the batch ran (it was `{planned_reference}`)"
                    ),
                )
                .with_help("render this case again")
                .into());
        }
        let inputs = load::load_case(case, cache)?;
        let template = cache.template(&inputs)?;
        pipeline::run(
            &inputs,
            &template,
            &settings.backend,
            &settings.options,
            control,
            None,
        )
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(anyhow!(
            "witness failed on this case (a bug in witness, please report it): {what}"
        ))
    });
    Finished {
        case: planned.path,
        reference,
        result,
        elapsed: started.elapsed(),
    }
}

/// The parts of a render that cases share, each read once per batch and handed out as copies
/// (cheap: the texts inside are reference-counted). Keys name the workspace by its
/// witness.toml (`None`: the built-in folders), since that decides every folder read.
#[derive(Default)]
pub struct Cache {
    workspaces: Memo<PathBuf, Workspace>,
    catalogues: Memo<Option<PathBuf>, Catalogue>,
    briefs: Memo<(Option<PathBuf>, String), Brief, Diagnostics>,
    profiles: Memo<(Option<PathBuf>, String), Profile>,
    templates: Memo<(Option<PathBuf>, String), Arc<Template>>,
}

impl Cache {
    /// The case's compiled report template.
    pub fn template(&self, inputs: &Inputs) -> Result<Arc<Template>, Diagnostic> {
        let key = (
            inputs.workspace.config_path.clone(),
            inputs.case.case.report.template.clone(),
        );
        self.templates
            .get(key, || pipeline::load_template(inputs).map(Arc::new))
    }

    /// How many times each shared part was actually read: workspaces, catalogues, briefs,
    /// profiles, templates. For tests, and to see that a batch reads each part once.
    pub fn loads(&self) -> [usize; 5] {
        [
            self.workspaces.loads(),
            self.catalogues.loads(),
            self.briefs.loads(),
            self.profiles.loads(),
            self.templates.loads(),
        ]
    }
}

impl load::Shared for Cache {
    fn workspace(&self, case: &CaseFile) -> Result<Workspace, Diagnostic> {
        let folder = std::path::absolute(case.folder()).unwrap_or_else(|_| case.folder().into());
        self.workspaces
            .get(folder, || Workspace::discover(case.folder()))
    }

    fn catalogue(&self, workspace: &Workspace) -> Result<Catalogue, Diagnostic> {
        self.catalogues.get(workspace.config_path.clone(), || {
            Catalogue::read(&workspace.briefs)
        })
    }

    fn brief(&self, case: &CaseFile, workspace: &Workspace) -> Result<Brief, Diagnostics> {
        let key = (
            workspace.config_path.clone(),
            case.case.report.country.clone(),
        );
        self.briefs.get(key, || load::load_brief(case, workspace))
    }

    fn profile(&self, case: &CaseFile, workspace: &Workspace) -> Result<Profile, Diagnostic> {
        let key = (
            workspace.config_path.clone(),
            case.case.report.jurisdiction.clone(),
        );
        self.profiles
            .get(key, || Profile::read(&workspace.templates, case))
    }
}

/// Values computed once per key, even when several threads ask at once (the others wait).
///
/// Only successes are kept. Many errors are located in the case that asked (an unknown
/// country points at that case's `report.country`), so after a failure each later case loads
/// again and gets an error in its own file; failures are rare and cheap to repeat.
struct Memo<K, V, E = Diagnostic> {
    cells: Mutex<HashMap<K, Arc<OnceLock<Option<V>>>>>,
    loads: AtomicUsize,
    error: std::marker::PhantomData<E>,
}

impl<K, V, E> Default for Memo<K, V, E> {
    fn default() -> Self {
        Self {
            cells: Mutex::new(HashMap::new()),
            loads: AtomicUsize::new(0),
            error: std::marker::PhantomData,
        }
    }
}

impl<K: Eq + Hash, V: Clone, E> Memo<K, V, E> {
    fn get(&self, key: K, load: impl Fn() -> Result<V, E>) -> Result<V, E> {
        let load = || {
            self.loads.fetch_add(1, Ordering::Relaxed);
            load()
        };
        // The map's lock is held only to find the cell, so loads of different keys run in parallel.
        let cell = self
            .cells
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_default()
            .clone();
        let mut error = None;
        let value = cell.get_or_init(|| load().map_err(|e| error = Some(e)).ok());
        match (value, error) {
            (Some(value), _) => Ok(value.clone()),
            (None, Some(error)) => Err(error),
            (None, None) => load(),
        }
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_set_once_in_near_equal_slices() {
        for len in 0..20 {
            for count in 1..7 {
                let mut covered = Vec::new();
                for index in 1..=count {
                    let range = Shard { index, count }.range(len);
                    assert!(range.len() <= len.div_ceil(count) && range.len() >= len / count);
                    covered.extend(range);
                }
                assert_eq!(covered, (0..len).collect::<Vec<_>>(), "{len} in {count}");
            }
        }
    }

    #[test]
    fn shards_parse_from_i_slash_n() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!("2/3".parse::<Shard>().unwrap().to_string(), "2/3");
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        assert!(
            "0/3"
                .parse::<Shard>()
                .unwrap_err()
                .contains("counted from 1")
        );
    }

    #[test]
    fn memo_loads_once_and_retries_after_a_failure() {
        let memo: Memo<&str, u32> = Memo::default();
        assert_eq!(memo.get("a", || Ok(1)).unwrap(), 1);
        assert_eq!(
            memo.get("a", || Ok(2)).unwrap(),
            1,
            "the first value is kept"
        );
        assert_eq!(memo.loads(), 1);

        let fail = || Err(Diagnostic::error("x", "broken"));
        assert!(memo.get("b", fail).is_err());
        // Each later asker loads again, to get an error located in its own file.
        let again = memo.get("b", || Err(Diagnostic::error("y", "broken here")));
        assert_eq!(again.unwrap_err().file, Path::new("y"));
        assert_eq!(memo.loads(), 3);
    }

    #[test]
    fn memo_loads_once_when_threads_ask_together() {
        let memo: Memo<u8, u8> = Memo::default();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    memo.get(0, || {
                        std::thread::sleep(Duration::from_millis(20));
                        Ok(7)
                    })
                });
            }
        });
        assert_eq!(memo.loads(), 1);
    }

    #[test]
    fn a_batch_reads_each_shared_part_once() {
        let case = CaseFile::read(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("examples/kyrgyzstan-journalist/case.toml"),
        )
        .unwrap();
        let cache = Cache::default();
        for _ in 0..3 {
            let inputs = load::load_case(case.clone(), &cache).unwrap();
            cache.template(&inputs).unwrap();
        }
        assert_eq!(cache.loads(), [1, 1, 1, 1, 1]);
    }

    #[test]
    fn a_case_whose_reference_changed_after_planning_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/kyrgyzstan-journalist/case.toml");
        let path = dir.path().join(CASE_FILE);
        std::fs::copy(&example, &path).unwrap();
        let planned = plan(vec![path.clone()], None).unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("KGZ-2026-014", "KGZ-2026-999", 1)).unwrap();
        let settings = Settings {
            jobs: 1,
            options: Options::default(),
            // Never run: the case fails before typesetting.
            backend: Pdf {
                typst: crate::typeset::Typst {
                    path: PathBuf::from("/nonexistent/typst"),
                    version: crate::typeset::PINNED_VERSION.to_string(),
                    origin: crate::typeset::locate::Origin::Flag,
                },
            },
        };
        let mut errors = Vec::new();
        let summary = run(planned, &settings, &AtomicBool::new(false), |finished| {
            errors.push(format!("{:#}", finished.result.as_ref().unwrap_err()));
        });
        assert_eq!((summary.cases, summary.failed), (1, 1));
        assert!(
            errors[0].contains("the reference changed while the batch ran (it was `KGZ-2026-014`)"),
            "{errors:?}"
        );
        assert!(errors[0].contains("report.reference"), "{errors:?}");
    }

    #[test]
    fn collect_finds_case_files_below_folders_sorted_and_once() {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["b", "a/deep", ".hidden", "c"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join(CASE_FILE), "").unwrap();
        }
        std::fs::write(dir.path().join("c/other.toml"), "").unwrap();
        // The layout `witness init` and `witness new` write: cases/NAME.toml beside witness.toml.
        std::fs::create_dir_all(dir.path().join("ws/cases")).unwrap();
        std::fs::write(dir.path().join("ws/cases/smith.toml"), "# new\n[report]\n").unwrap();
        std::fs::write(dir.path().join("ws/witness.toml"), "[expert]\n").unwrap();
        let found = collect(&[
            dir.path().join("c/other.toml"),
            dir.path().to_path_buf(),
            dir.path().join("b/case.toml"),
            dir.path().join("a/./deep/case.toml"),
        ])
        .unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "a/deep/case.toml",
                "b/case.toml",
                "c/case.toml",
                "c/other.toml",
                "ws/cases/smith.toml"
            ]
        );

        let globbed = collect(&[dir.path().join("*/case.toml")]).unwrap();
        assert_eq!(globbed.len(), 2, "{globbed:?}");

        let empty = tempfile::tempdir().unwrap();
        let error = collect(&[empty.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("no case file in"), "{error}");
        let error = collect(&[dir.path().join("missing.toml")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not exist"), "{error}");
        let error = collect(&[dir.path().join("nothing-*.toml")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("no file matches"), "{error}");
    }
}
