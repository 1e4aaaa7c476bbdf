//! `witness watch`: keep a case's PDF up to date while the expert writes, through one
//! long-running `typst watch` over a build folder that witness rewrites when its inputs change.
//!
//! The flow of one rebuild: an input changes (the case file, the brief folder, the templates,
//! witness.toml or a file the case names) → witness loads, checks and assembles as `render`
//! does → it rewrites only the build files whose content changed, each by a rename so typst
//! never reads half a file → typst, which watches its own inputs, recompiles incrementally and
//! says so on stderr → witness copies the new PDF to the usual output path atomically.
//!
//! witness never writes into the build folder while typst compiles: it waits for typst's
//! verdict on one change before it writes the next. So the PDF it copies is always whole, and
//! always the one made from the sources just written.

mod compile;
mod interest;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::diagnostic::Diagnostic;
use crate::load::{self, Inputs};
use crate::pipeline::backend::TYPESET_PDF;
use crate::pipeline::output::{self};
use crate::pipeline::{self, BuildFolder, Options, Prepared};
use crate::typeset::watch::{self as typst_watch, Process, Said};
use crate::typeset::{self, Job, Typst};
use crate::write;
use interest::{Interest, Registrar};

/// How long to wait after a change for more changes from the same save: editors write a file
/// in several steps (a temporary file, a rename, a metadata update).
const SETTLE: Duration = Duration::from_millis(15);
/// The longest a stream of changes may hold back a rebuild.
const SETTLE_LIMIT: Duration = Duration::from_millis(250);
/// After typst reports errors or warnings it prints them at once; a gap this long ends them.
const DIAGNOSTICS_GAP: Duration = Duration::from_millis(40);

/// Something for the user to know, one per rebuild.
#[derive(Debug)]
pub enum Notice {
    /// The inputs watched, after they were first found or when they change.
    Watching(Vec<PathBuf>),
    /// A new PDF is in place.
    Built(Built),
    /// Inputs changed, but not the report (a comment, spacing): nothing was typeset, and the
    /// provenance was brought up to date.
    Unchanged {
        /// What changed.
        trigger: Trigger,
        /// From the change to the provenance in place.
        elapsed: Duration,
        /// What the checks found.
        findings: Vec<Diagnostic>,
    },
    /// The report could not be rebuilt; the previous PDF stays.
    Failed {
        /// What changed.
        trigger: Trigger,
        /// From the change to the failure.
        elapsed: Duration,
        /// Why; check errors come as [`crate::diagnostic::Diagnostics`] or
        /// [`pipeline::Failed`], printed by `report_error`.
        error: anyhow::Error,
    },
    /// Something wrong with the watching itself; watching goes on.
    Warning(String),
}

/// What started a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// The first build.
    Start,
    /// The changed files, at most a few.
    Changed(Vec<PathBuf>),
    /// typst finished a compile that witness did not ask for.
    Typst,
}

/// A rebuild that put a new PDF in place.
#[derive(Debug)]
pub struct Built {
    /// What started it.
    pub trigger: Trigger,
    /// Where the PDF is.
    pub pdf: PathBuf,
    /// Its page count.
    pub pages: Option<usize>,
    /// From the first change seen to the PDF in place.
    pub elapsed: Duration,
    /// What the checks found: warnings, a draft's errors, and the page limit.
    pub findings: Vec<Diagnostic>,
    /// What typst warned about, traced to the case or brief.
    pub typst_warnings: Vec<String>,
}

/// Messages to the session's one thread, from the file watcher, typst's output readers and
/// the signal handler.
enum Message {
    Changed { paths: Vec<PathBuf>, at: Instant },
    WatchError(String),
    Typst(Said),
    Stop,
}

/// Asks a running session to stop; safe to call from a signal handler's thread.
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    /// Stops the session after the step it is in.
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

/// The last PDF sent out and what it was made from, for a compile typst makes unasked.
struct Sent {
    inputs: Inputs,
    destination: PathBuf,
    sha256: String,
}

/// One `witness watch`: the case, its typst process, its build folder, what it watches.
///
/// Its inputs, check policy, destination, error tracing and publication are the pipeline's
/// ([`pipeline::prepare`], [`output::publish`]); only the typst process is its own, one
/// long-lived `typst watch` that recompiles incrementally.
pub struct Session {
    case: PathBuf,
    typst: Typst,
    options: Options,
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    registrar: Registrar,
    interest: Interest,
    build: Option<BuildFolder>,
    /// Each build file's content as last written, so unchanged files are not touched.
    written: std::collections::BTreeMap<String, Vec<u8>>,
    process: Option<Process>,
    generation: u64,
    sent: Option<Sent>,
    /// Changes seen while busy: the files, when the first and the last were seen.
    pending: Option<(Vec<PathBuf>, Instant, Instant)>,
    stopping: bool,
}

impl Session {
    /// A session for `case`; nothing happens until [`Session::run`].
    pub fn new(case: &Path, typst: Typst, options: Options) -> Result<Self> {
        let case = std::path::absolute(case)
            .with_context(|| format!("cannot resolve {}", case.display()))?;
        let (sender, receiver) = mpsc::channel();
        let events = sender.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let message = match event {
                Ok(event) if matters(&event.kind) => Message::Changed {
                    paths: event.paths,
                    at: Instant::now(),
                },
                Ok(_) => return,
                Err(error) => Message::WatchError(error.to_string()),
            };
            let _ = events.send(message);
        })
        .context("cannot watch files for changes")?;
        Ok(Self {
            case,
            typst,
            options,
            sender,
            receiver,
            registrar: Registrar::new(watcher),
            interest: Interest::default(),
            build: None,
            written: Default::default(),
            process: None,
            generation: 0,
            sent: None,
            pending: None,
            stopping: false,
        })
    }

    /// A handle that stops the session from another thread.
    pub fn stopper(&self) -> Stopper {
        Stopper(self.sender.clone())
    }

    /// Builds once, then again after every change, until stopped. Stopping kills typst and
    /// removes the build folder; the PDF in place is always a whole one.
    pub fn run(mut self, notice: &mut dyn FnMut(Notice)) -> Result<()> {
        let mut next = Some((Trigger::Start, Instant::now()));
        while !self.stopping {
            if let Some((trigger, at)) = next.take() {
                self.rebuild(trigger, at, notice);
                next = self
                    .pending
                    .take()
                    .map(|(paths, first, _)| (Trigger::Changed(paths), first));
                continue;
            }
            let Ok(message) = self.receiver.recv() else {
                break;
            };
            match message {
                Message::Stop => self.stopping = true,
                Message::Changed { paths, at } => {
                    let relevant = self.relevant(paths);
                    if !relevant.is_empty() {
                        next = self.settle(relevant, at);
                    }
                }
                Message::WatchError(error) => {
                    notice(Notice::Warning(format!("watching files: {error}")));
                }
                Message::Typst(Said::Line { generation, line }) => {
                    // typst compiled without being asked (another program touched the build
                    // folder): send that PDF out too, so the output matches the build folder.
                    if generation == self.generation
                        && typst_watch::verdict(&line).is_some()
                        && let Some(done) = self.collect_unasked(&line)
                    {
                        notice(done);
                    }
                }
                Message::Typst(Said::Ended { generation }) => {
                    if generation == self.generation && self.process.is_some() {
                        self.process = None;
                        notice(Notice::Warning(
                            "typst watch stopped; witness starts it again at the next change"
                                .to_string(),
                        ));
                    }
                }
            }
        }
        // Kill typst before removing the folder it watches.
        self.process = None;
        self.build = None;
        Ok(())
    }

    /// Waits until changes stop arriving, gathering them; `None` if asked to stop meanwhile.
    fn settle(&mut self, mut paths: Vec<PathBuf>, first: Instant) -> Option<(Trigger, Instant)> {
        loop {
            let left = SETTLE_LIMIT.saturating_sub(first.elapsed());
            if left.is_zero() {
                break;
            }
            match self.receiver.recv_timeout(SETTLE.min(left)) {
                Ok(Message::Changed { paths: more, .. }) => {
                    for path in self.relevant(more) {
                        if !paths.contains(&path) {
                            paths.push(path);
                        }
                    }
                }
                Ok(other) => {
                    self.absorb(other);
                    if self.stopping {
                        return None;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some((Trigger::Changed(paths), first))
    }

    fn relevant(&self, paths: Vec<PathBuf>) -> Vec<PathBuf> {
        paths
            .into_iter()
            .filter(|p| self.interest.covers(p))
            .collect()
    }

    fn rebuild(&mut self, trigger: Trigger, at: Instant, notice: &mut dyn FnMut(Notice)) {
        let loading = Instant::now();
        let result = self.try_rebuild(&trigger, at, notice);
        // Changes noticed before loading began were read by it; later ones need a rebuild.
        if let Some((_, _, last)) = &self.pending
            && *last < loading
        {
            self.pending = None;
        }
        match result {
            Ok(Some(done)) => notice(done),
            Ok(None) => {}
            Err(error) => notice(Notice::Failed {
                trigger,
                elapsed: at.elapsed(),
                error,
            }),
        }
    }

    /// One rebuild; `Ok(None)` when stopped part way.
    fn try_rebuild(
        &mut self,
        trigger: &Trigger,
        at: Instant,
        notice: &mut dyn FnMut(Notice),
    ) -> Result<Option<Notice>> {
        let loaded = load::load(&self.case);
        self.follow(loaded.as_ref().ok(), notice);
        let inputs = loaded?;
        let template = pipeline::load_template(&inputs)?;
        let prepared = pipeline::prepare(&inputs, &template, &self.options, "pdf")?;
        let build = self.build_folder(&prepared)?;
        self.drain();
        if self.stopping {
            return Ok(None);
        }
        let changed = self.write_changes(&build, &prepared)?;
        let restarted = self.ensure_typst(&build, &prepared.settings)?;
        let findings = prepared.findings.clone();
        let typst_warnings = if !changed && !restarted {
            if prepared.destination.is_file() {
                // The report is as before, but what it was made from may not be (a brief's
                // review date): the provenance must say what a fresh render would.
                let (preflight, preflight_warnings) =
                    pipeline::hold_to_forum(&inputs, true, &prepared.destination)?;
                let pdf = std::fs::read(&prepared.destination)?;
                let recorded = output::record(
                    &inputs,
                    &pdf,
                    &prepared.destination,
                    &self.typst.version,
                    preflight.as_ref(),
                    &prepared.assembly.main,
                )?;
                let mut findings = findings;
                findings.extend(recorded.warnings);
                findings.extend(preflight_warnings);
                return Ok(Some(Notice::Unchanged {
                    trigger: trigger.clone(),
                    elapsed: at.elapsed(),
                    findings,
                }));
            }
            // The report is as before but its PDF is gone (deleted, or a new output path):
            // send out again the one typst last made.
            Vec::new()
        } else {
            let Some(verdict) = self.await_compile()? else {
                return Ok(None);
            };
            let explained: Vec<String> = verdict
                .diagnostics
                .iter()
                .map(|l| self.explain(l, &build))
                .collect();
            if !verdict.success {
                let error = anyhow::anyhow!(
                    "typst could not typeset the report:\n{}",
                    if explained.is_empty() {
                        "(typst gave no reason)".to_string()
                    } else {
                        explained.join("\n")
                    }
                );
                let forced: Vec<Diagnostic> =
                    findings.iter().filter(|d| d.is_error()).cloned().collect();
                return Err(if forced.is_empty() {
                    error
                } else {
                    pipeline::Failed {
                        findings: forced,
                        error,
                    }
                    .into()
                });
            }
            explained
        };
        let (pages, more) = self.send_out(&build, inputs, &prepared.destination)?;
        let mut findings = findings;
        findings.extend(more);
        Ok(Some(Notice::Built(Built {
            trigger: trigger.clone(),
            pdf: prepared.destination,
            pages,
            elapsed: at.elapsed(),
            findings,
            typst_warnings,
        })))
    }

    /// Recomputes what to watch from the inputs just loaded, and tells the watcher.
    fn follow(&mut self, inputs: Option<&Inputs>, notice: &mut dyn FnMut(Notice)) {
        let mut ignored: Vec<PathBuf> = self.build.iter().map(|b| b.path().to_path_buf()).collect();
        if let Some(inputs) = inputs {
            let destination = pipeline::destination(inputs, &self.options, "pdf");
            if let Some(out) = destination.parent() {
                ignored.push(out.to_path_buf());
            }
        }
        let interest = Interest::of(&self.case, inputs, &ignored);
        if interest != self.interest {
            self.registrar.follow(&interest);
            notice(Notice::Watching(interest.shown()));
            self.interest = interest;
        }
    }

    /// Rewrites the build files whose content changed, each by a rename so typst never reads
    /// half a file; true if any did.
    fn write_changes(&mut self, build: &Path, prepared: &Prepared) -> Result<bool> {
        let changed: Vec<(&str, &[u8])> = prepared
            .assembly
            .build_files()
            .filter(|(name, bytes)| self.written.get(*name).map(Vec::as_slice) != Some(*bytes))
            .collect();
        if changed.is_empty() {
            return Ok(false);
        }
        // typst recompiles when a file it read changes. A changed static file that the report
        // does not read would then go unnoticed and leave witness waiting, so main.typ, which
        // typst always reads, is renamed in anew whenever anything changed.
        let main = (crate::assemble::MAIN, prepared.assembly.main.as_bytes());
        for (name, bytes) in changed.iter().filter(|(n, _)| *n != main.0).chain([&main]) {
            write::atomic_write(&build.join(name), bytes)?;
            self.written.insert(name.to_string(), bytes.to_vec());
        }
        Ok(true)
    }

    /// Handles what is already waiting, before the build folder is written: older typst
    /// output, and changes to gather for the next rebuild.
    fn drain(&mut self) {
        while let Ok(message) = self.receiver.try_recv() {
            self.absorb(message);
        }
    }

    /// A message that arrives while a rebuild is busy.
    fn absorb(&mut self, message: Message) {
        match message {
            Message::Stop => self.stopping = true,
            Message::Changed { paths, at } => {
                let relevant = self.relevant(paths);
                if !relevant.is_empty() {
                    let pending = self.pending.get_or_insert_with(|| (Vec::new(), at, at));
                    pending.2 = at;
                    for path in relevant {
                        if !pending.0.contains(&path) {
                            pending.0.push(path);
                        }
                    }
                }
            }
            Message::Typst(Said::Ended { generation }) if generation == self.generation => {
                self.process = None;
            }
            _ => {}
        }
    }

    /// The session's build folder, made at the first build beside the PDF, like render's.
    fn build_folder(&mut self, prepared: &Prepared) -> Result<PathBuf> {
        if self.build.is_none() {
            let stem = prepared
                .destination
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.build = Some(BuildFolder::create(
                prepared.out_folder(),
                &stem,
                self.options.keep_typ,
            )?);
        }
        let build = self.build.as_ref().expect("just made");
        Ok(std::path::absolute(build.path())?)
    }

    /// Starts `typst watch` unless one is running with the same settings; true if started.
    fn ensure_typst(&mut self, build: &Path, settings: &typeset::Settings) -> Result<bool> {
        if self
            .process
            .as_ref()
            .is_some_and(|p| p.settings == *settings)
        {
            return Ok(false);
        }
        self.process = None;
        self.generation += 1;
        let job = Job {
            build_folder: build,
            main: crate::assemble::MAIN,
            output: &build.join(TYPESET_PDF),
            settings,
            timeout: self.options.timeout,
            kept: self.options.keep_typ,
        };
        let sender = self.sender.clone();
        self.process = Some(Process::start(
            &self.typst,
            &job,
            self.generation,
            move |said| sender.send(Message::Typst(said)).is_ok(),
        )?);
        Ok(true)
    }
}

/// Which file events can change an input: not reads, and not metadata such as access times.
fn matters(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}
