//! Many cases in one run: collect the case files, refuse references used twice, take a shard,
//! and render the cases on `jobs` threads, each driving its own typst process.
//!
//! What cases share (the workspace, the briefs catalogue, each country's brief, each
//! jurisdiction profile, each compiled report template) is read once per batch through
//! [`Cache`]; everything else is per case, so one case's failure never touches another's.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

mod cache;
mod collect;

pub use cache::Cache;
pub use collect::{CASE_FILE, collect};

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{self, CaseFile};
use crate::pipeline::{self, Backend, Options, Rendered};
use crate::typeset::{Control, Interrupted};

/// `--shard I/N`: the I-th (1-based) of N contiguous, near-equal slices of the sorted set.
///
/// Each shard reads the whole set to find its slice, so N independent runs over the same
/// files (a CI matrix, an indexed Job, GNU parallel) cover every case exactly once with no
/// coordinator; slice sizes differ by at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, counted from 1.
    pub index: usize,
    /// How many slices the set is cut into.
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
    /// The case file.
    pub path: PathBuf,
    /// Its reference, or why the file could not be read.
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
pub struct Settings {
    /// How many cases render at once, each with its own typst process.
    pub jobs: usize,
    /// What the user asked of every case.
    pub options: Options,
    /// The outputs every case is made as, in order (`--to pdf,docx`): the PDF back-end with
    /// the typst every case uses, the DOCX back-end.
    pub backends: Vec<Box<dyn Backend + Send>>,
}

/// How one case of a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its PDF is in place.
    Rendered,
    /// It failed; nothing of it was written.
    Failed,
    /// Stopped by Ctrl-C while rendering; nothing was written for it.
    Interrupted,
}

/// One case, done.
#[derive(Debug)]
pub struct Finished {
    /// The case file.
    pub case: PathBuf,
    /// The case's reference, when its file could be read.
    pub reference: Option<String>,
    /// What rendering it gave.
    pub result: Result<Rendered>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Finished {
    /// How the case ended.
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
    /// Cases whose PDF is in place.
    pub rendered: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases stopped by Ctrl-C while rendering.
    pub interrupted: usize,
    /// Cases never started because the batch was stopped.
    pub skipped: usize,
    /// Check and typst warnings, all cases together.
    pub warnings: usize,
    /// Wall-clock time of the batch, to the millisecond.
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
        // One output after the other, from the same inputs: the first is the case's record,
        // the others are listed with it.
        let mut rendered: Option<Rendered> = None;
        for backend in &settings.backends {
            let made = pipeline::run(
                &inputs,
                &template,
                backend.as_ref(),
                &settings.options,
                control,
                None,
            )?;
            match &mut rendered {
                Some(first) => first.also.push(made.pdf),
                None => rendered = Some(made),
            }
        }
        rendered.ok_or_else(|| anyhow!("no output was asked for"))
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
    fn a_case_whose_reference_changed_after_planning_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let example = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("examples/kyrgyzstan-journalist/case.toml");
        let path = dir.path().join(CASE_FILE);
        std::fs::copy(&example, &path).unwrap();
        // The example keeps one field's Markdown in a file beside it.
        std::fs::create_dir(dir.path().join("opinion")).unwrap();
        let kept = "opinion/range-of-opinion.md";
        std::fs::copy(example.with_file_name(kept), dir.path().join(kept)).unwrap();
        let planned = plan(vec![path.clone()], None).unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("KGZ-2026-014", "KGZ-2026-999", 1)).unwrap();
        let settings = Settings {
            jobs: 1,
            options: Options::default(),
            // Never run: the case fails before typesetting.
            backends: vec![Box::new(crate::pipeline::Pdf {
                typst: crate::typeset::Typst {
                    path: PathBuf::from("/nonexistent/typst"),
                    version: crate::typeset::PINNED_VERSION.to_string(),
                    origin: crate::typeset::locate::Origin::Flag,
                },
            })],
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
}
