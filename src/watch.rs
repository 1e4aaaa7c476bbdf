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

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use notify::{RecursiveMode, Watcher};

use crate::assemble::Template;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::tree::Tree;
use crate::load::{self, Inputs, Workspace};
use crate::render::{self, Target};
use crate::typeset::{Job, Typst};
use crate::write::{self, Provenance};

/// How long to wait after a change for more changes from the same save: editors write a file
/// in several steps (a temporary file, a rename, a metadata update).
const SETTLE: Duration = Duration::from_millis(15);
/// The longest a stream of changes may hold back a rebuild.
const SETTLE_LIMIT: Duration = Duration::from_millis(250);
/// After typst reports errors or warnings it prints them at once; a gap this long ends them.
const DIAGNOSTICS_GAP: Duration = Duration::from_millis(40);

/// The name of the source typst compiles, inside the build folder.
const MAIN: &str = "main.typ";
/// Where typst writes the PDF, inside the build folder; witness copies it out.
const TYPESET_PDF: &str = "report.pdf";

/// Something for the user to know, one per rebuild.
#[derive(Debug)]
pub enum Notice {
    /// The inputs watched, after they were first found or when they change.
    Watching(Vec<PathBuf>),
    /// A new PDF is in place.
    Built(Built),
    /// Inputs changed, but not the report (a comment, spacing): nothing was typeset.
    Unchanged { trigger: Trigger, elapsed: Duration },
    /// The report could not be rebuilt; the previous PDF stays.
    Failed {
        trigger: Trigger,
        elapsed: Duration,
        error: anyhow::Error,
        /// What the checks found in a draft before typst failed on it.
        findings: Vec<Diagnostic>,
    },
    /// Something wrong with the watching itself; watching goes on.
    Warning(String),
}

/// What started a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    Start,
    /// The changed files, at most a few.
    Changed(Vec<PathBuf>),
    /// typst finished a compile that witness did not ask for.
    Typst,
}

#[derive(Debug)]
pub struct Built {
    pub trigger: Trigger,
    pub pdf: PathBuf,
    pub pages: Option<usize>,
    /// From the first change seen to the PDF in place.
    pub elapsed: Duration,
    /// What the checks found: warnings, and in a draft errors too (see [`Session`]).
    pub findings: Vec<Diagnostic>,
    pub typst_warnings: Vec<String>,
}

/// Messages to the session's one thread, from the file watcher, typst's output readers and
/// the signal handler.
enum Message {
    Changed { paths: Vec<PathBuf>, at: Instant },
    WatchError(String),
    Typst { generation: u64, line: String },
    TypstEnded { generation: u64 },
    Stop,
}

/// Asks a running session to stop; safe to call from a signal handler's thread.
#[derive(Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    pub fn stop(&self) {
        let _ = self.0.send(Message::Stop);
    }
}

/// The typst process and what it was started with: a change to any of it needs a new one.
struct TypstWatch {
    child: Child,
    creation_timestamp: i64,
    font_paths: Vec<PathBuf>,
}

impl Drop for TypstWatch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Files and folders whose changes matter, and folders whose changes never do.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Interest {
    files: BTreeSet<PathBuf>,
    folders: BTreeSet<PathBuf>,
    ignored: Vec<PathBuf>,
}

impl Interest {
    fn covers(&self, path: &Path) -> bool {
        if self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        if self.files.contains(path) {
            return true;
        }
        // Editors' swap, backup and temporary files next to a brief are not inputs.
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            return false;
        }
        self.folders.iter().any(|f| path.starts_with(f))
    }

    /// What to register with the file watcher: folders, since editors replace files by
    /// renaming over them, which a watch on the file itself would lose.
    fn registrations(&self) -> BTreeMap<PathBuf, bool> {
        let mut out = BTreeMap::new();
        for file in &self.files {
            if let Some(parent) = file.parent() {
                out.entry(parent.to_path_buf()).or_insert(false);
            }
        }
        for folder in &self.folders {
            out.insert(folder.clone(), true);
        }
        out
    }

    fn shown(&self) -> Vec<PathBuf> {
        self.files.iter().chain(&self.folders).cloned().collect()
    }
}

/// One `witness watch`: the case, its typst process, its build folder, what it watches.
///
/// Unlike `render`, a session typesets a **draft** despite check errors, and reports them with
/// the rebuild: watching is a preview, and a draft is full of prompts not yet written. A final
/// report is held to render's rule and not typeset while checks find errors.
pub struct Session {
    case: PathBuf,
    typst: Typst,
    options: render::Options,
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    watcher: notify::RecommendedWatcher,
    registered: BTreeMap<PathBuf, bool>,
    interest: Interest,
    build: Option<tempfile::TempDir>,
    /// Each build file's content as last written, so unchanged files are not touched.
    written: BTreeMap<String, Vec<u8>>,
    process: Option<TypstWatch>,
    generation: u64,
    /// The inputs of the last PDF sent out, for the provenance of a PDF typst makes unasked.
    last: Option<(Inputs, Target)>,
    /// The hash of the PDF last sent out, so a compile typst repeats is not sent twice.
    last_pdf: Option<String>,
    /// The check findings of the rebuild in progress.
    findings: Vec<Diagnostic>,
    /// Changes seen while busy: the files, when the first and the last were seen.
    pending: Option<(Vec<PathBuf>, Instant, Instant)>,
    stopping: bool,
}

impl Session {
    pub fn new(case: &Path, typst: Typst, options: render::Options) -> Result<Self> {
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
            watcher,
            registered: BTreeMap::new(),
            interest: Interest::default(),
            build: None,
            written: BTreeMap::new(),
            process: None,
            generation: 0,
            last: None,
            last_pdf: None,
            findings: Vec::new(),
            pending: None,
            stopping: false,
        })
    }

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
                Message::Typst { generation, line } => {
                    // typst compiled without being asked (another program touched the build
                    // folder): send that PDF out too, so the output matches the build folder.
                    if generation == self.generation && status_of(&line).is_some() {
                        let started = Instant::now();
                        if let Some(done) = self.collect_unasked(&line, started) {
                            notice(done);
                        }
                    }
                }
                Message::TypstEnded { generation } => {
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
        if let Some(build) = self.build.take() {
            let _ = build.close();
        }
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
                findings: std::mem::take(&mut self.findings),
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
        self.update_interest(loaded.as_ref().ok(), notice);
        let inputs = loaded?;
        let template = Template::load(
            &inputs.workspace.templates,
            &inputs.case.case.report.template,
        )?;

        self.findings.clear();
        let findings = crate::check::check(&inputs);
        let is_draft = inputs.case.case.report.status == load::case::Status::Draft;
        if findings.has_errors() && !is_draft {
            return Err(findings.into());
        }
        let Diagnostics(findings) = findings;
        self.findings = findings;

        let target = render::target(&inputs, &self.options)?;
        let assembly = template.assemble(&inputs)?;
        let build = self.build_folder(&target)?;

        // Dependencies first and main.typ last, so that typst, batching the changes it sees,
        // compiles the new main.typ against the new files.
        let mut files: Vec<(&str, &[u8])> = assembly
            .files
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
            .collect();
        files.push((MAIN, assembly.main.as_bytes()));
        self.drain();
        if self.stopping {
            return Ok(None);
        }
        let changed: Vec<(&str, &[u8])> = files
            .into_iter()
            .filter(|(name, bytes)| self.written.get(*name).map(Vec::as_slice) != Some(*bytes))
            .collect();
        if !changed.is_empty() {
            // typst recompiles when a file it read changes. A changed static file that the
            // report does not read would then go unnoticed and leave witness waiting, so
            // main.typ, which typst always reads, is renamed in anew whenever anything changed.
            let main = (MAIN, assembly.main.as_bytes());
            for (name, bytes) in changed.iter().filter(|(n, _)| *n != MAIN).chain([&main]) {
                write_in_place(&build, name, bytes)?;
                self.written.insert(name.to_string(), bytes.to_vec());
            }
        }
        let restarted = self.ensure_typst(&build, &target)?;
        let typst_warnings = if changed.is_empty() && !restarted {
            if target.pdf.is_file() {
                return Ok(Some(Notice::Unchanged {
                    trigger: trigger.clone(),
                    elapsed: at.elapsed(),
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
                bail!(
                    "typst could not typeset the report:\n{}",
                    if explained.is_empty() {
                        "(typst gave no reason)".to_string()
                    } else {
                        explained.join("\n")
                    }
                );
            }
            explained
        };
        let (pdf, pages) = self.send_out(&build, &inputs, &target)?;
        self.last = Some((inputs, target));
        Ok(Some(Notice::Built(Built {
            trigger: trigger.clone(),
            pdf,
            pages,
            elapsed: at.elapsed(),
            findings: std::mem::take(&mut self.findings),
            typst_warnings,
        })))
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
            Message::TypstEnded { generation } if generation == self.generation => {
                self.process = None;
            }
            _ => {}
        }
    }

    /// The session's build folder, made at the first build beside the PDF, hidden, and named
    /// like render's build folders so the same ignore rules cover it.
    fn build_folder(&mut self, target: &Target) -> Result<PathBuf> {
        if let Some(build) = &self.build {
            return Ok(build.path().to_path_buf());
        }
        let out_folder = target
            .pdf
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(out_folder)
            .with_context(|| format!("cannot create the output folder {}", out_folder.display()))?;
        let build = tempfile::Builder::new()
            .prefix(".witness-build-watch-")
            .tempdir_in(out_folder)
            .with_context(|| format!("cannot create a build folder in {}", out_folder.display()))?;
        let path = std::path::absolute(build.path())?;
        self.interest.ignored.push(path.clone());
        self.build = Some(build);
        Ok(path)
    }

    /// Starts `typst watch` unless one is running with the same settings; true if started.
    fn ensure_typst(&mut self, build: &Path, target: &Target) -> Result<bool> {
        if let Some(process) = &self.process
            && process.creation_timestamp == target.creation_timestamp
            && process.font_paths == target.font_paths
        {
            return Ok(false);
        }
        self.process = None;
        self.generation += 1;
        let job = Job {
            build_folder: build,
            main: MAIN,
            output: &build.join(TYPESET_PDF),
            font_paths: &target.font_paths,
            creation_timestamp: target.creation_timestamp,
            timeout: self.options.timeout,
            pdf_standards: &self.options.pdf_standards,
        };
        // `typst watch` takes the same flags as `typst compile`: reuse render's command line,
        // so a watched PDF is made exactly as a rendered one.
        let compile = self.typst.command(&job);
        let mut args = compile.get_args();
        if args.next().and_then(|a| a.to_str()) != Some("compile") {
            bail!("witness cannot make a `typst watch` command line (a bug in witness)");
        }
        let mut command = Command::new(compile.get_program());
        command.arg("watch").args(args);
        for (key, value) in compile.get_envs() {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(folder) = compile.get_current_dir() {
            command.current_dir(folder);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // In its own process group, Ctrl-C in a terminal reaches witness alone, and witness
        // stops typst itself, after it has finished what it was doing.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot run typst at {}", self.typst.path.display()))?;
        let generation = self.generation;
        for (pipe, ends) in [
            (
                child
                    .stdout
                    .take()
                    .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
                false,
            ),
            (
                child
                    .stderr
                    .take()
                    .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
                true,
            ),
        ] {
            let Some(pipe) = pipe else { continue };
            let sender = self.sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if sender.send(Message::Typst { generation, line }).is_err() {
                        return;
                    }
                }
                if ends {
                    let _ = sender.send(Message::TypstEnded { generation });
                }
            });
        }
        self.process = Some(TypstWatch {
            child,
            creation_timestamp: target.creation_timestamp,
            font_paths: target.font_paths.clone(),
        });
        Ok(true)
    }

    /// Waits for typst to start compiling and report how it went; `None` if told to stop.
    fn await_compile(&mut self) -> Result<Option<Verdict>> {
        let deadline = Instant::now() + self.options.timeout;
        let mut started = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.receiver.recv_timeout(left) {
                Ok(message) => message,
                Err(_) => {
                    self.process = None;
                    bail!(
                        "typst did not finish within {} s and was stopped",
                        self.options.timeout.as_secs()
                    );
                }
            };
            match message {
                Message::Typst { generation, line } if generation == self.generation => {
                    if line.trim_end().ends_with("compiling ...") {
                        started = true;
                    } else if let Some(success) = status_of(&line)
                        && started
                    {
                        let diagnostics = if line.contains("successfully") {
                            Vec::new()
                        } else {
                            self.diagnostics_after()
                        };
                        return Ok(Some(Verdict {
                            success,
                            diagnostics,
                        }));
                    }
                }
                Message::TypstEnded { generation } if generation == self.generation => {
                    self.process = None;
                    bail!("typst watch stopped unexpectedly");
                }
                Message::Stop => {
                    self.stopping = true;
                    return Ok(None);
                }
                other => self.absorb(other),
            }
        }
    }

    /// The diagnostic lines typst prints straight after its verdict.
    fn diagnostics_after(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match self.receiver.recv_timeout(DIAGNOSTICS_GAP) {
                Ok(Message::Typst { generation, line }) if generation == self.generation => {
                    if line.starts_with("watching ") {
                        break;
                    }
                    if !line.trim().is_empty() {
                        lines.push(line);
                    }
                }
                Ok(Message::Stop) => {
                    self.stopping = true;
                    break;
                }
                Ok(other) => self.absorb(other),
                Err(_) => break,
            }
        }
        lines
    }

    /// Copies typst's PDF to the output path atomically, with its provenance beside it.
    fn send_out(
        &mut self,
        build: &Path,
        inputs: &Inputs,
        target: &Target,
    ) -> Result<(PathBuf, Option<usize>)> {
        let pdf = std::fs::read(build.join(TYPESET_PDF))
            .context("typst reported success but wrote no PDF")?;
        let pages = write::count_pages(&pdf);
        if let Some(folder) = target.pdf.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the output folder {}", folder.display()))?;
        }
        // A copy, not a rename: typst keeps writing report.pdf in place on later compiles.
        write::atomic_write(&target.pdf, &pdf)?;
        Provenance::new(inputs, &self.typst.version, &pdf, pages)
            .write(&target.pdf.with_extension("provenance.json"))?;
        self.last_pdf = Some(write::sha256_hex(&pdf));
        Ok((target.pdf.clone(), pages))
    }

    /// A compile witness did not ask for: if it succeeded, send its PDF out.
    fn collect_unasked(&mut self, line: &str, started: Instant) -> Option<Notice> {
        let success = status_of(line)?;
        let build = self.build.as_ref()?.path().to_path_buf();
        let diagnostics = if line.contains("successfully") {
            Vec::new()
        } else {
            self.diagnostics_after()
        };
        if !success {
            return None;
        }
        let pdf = std::fs::read(build.join(TYPESET_PDF)).ok()?;
        if self.last_pdf.as_deref() == Some(write::sha256_hex(&pdf).as_str()) {
            return None;
        }
        let (inputs, target) = self.last.take()?;
        let result = self.send_out(&build, &inputs, &target);
        self.last = Some((inputs, target));
        Some(match result {
            Ok((pdf, pages)) => Notice::Built(Built {
                trigger: Trigger::Typst,
                pdf,
                pages,
                elapsed: started.elapsed(),
                findings: Vec::new(),
                typst_warnings: diagnostics,
            }),
            Err(error) => Notice::Failed {
                trigger: Trigger::Typst,
                elapsed: started.elapsed(),
                error,
                findings: Vec::new(),
            },
        })
    }

    /// typst's short diagnostic for the build folder's main.typ, traced to the case or brief.
    fn explain(&self, line: &str, build: &Path) -> String {
        // typst names the file relative to the current folder where it can, so it is
        // recognised by its folder's (unique, random) name rather than by its full path.
        let marker = format!("{MAIN}:");
        let Some(at) = line.find(&marker) else {
            return line.to_string();
        };
        let named = Path::new(&line[..at + MAIN.len()]);
        if named.parent().and_then(Path::file_name) != build.file_name() {
            return line.to_string();
        }
        let rest = &line[at..];
        let mut explained = rest.to_string();
        if let Some(number) = rest[marker.len()..]
            .split(':')
            .next()
            .and_then(|n| n.parse().ok())
            && let Some(main) = self.written.get(MAIN)
            && let Some(origin) =
                crate::typeset::origin_of_line(&String::from_utf8_lossy(main), number)
        {
            explained.push_str(&format!("\n  the text there comes from {origin}"));
        }
        explained
    }

    /// Recomputes what to watch from the inputs just loaded (or, when loading failed, from
    /// the case file and the workspace alone), and tells the watcher.
    fn update_interest(&mut self, inputs: Option<&Inputs>, notice: &mut dyn FnMut(Notice)) {
        let mut interest = Interest {
            ignored: self.interest.ignored.clone(),
            ..Interest::default()
        };
        interest.files.insert(self.case.clone());
        let case_folder = self.case.parent().unwrap_or(Path::new("/")).to_path_buf();
        let discovered;
        let workspace = match inputs {
            Some(inputs) => Some(&inputs.workspace),
            None => {
                discovered = Workspace::discover(&case_folder).ok();
                discovered.as_ref()
            }
        };
        match workspace.and_then(|w| w.config_path.clone()) {
            Some(config) => {
                interest.files.insert(absolute(&config));
            }
            None => {
                // A witness.toml that does not parse yet: watch where it would be found.
                if let Some(config) = case_folder
                    .ancestors()
                    .map(|d| d.join(load::workspace::FILE_NAME))
                    .find(|c| c.is_file())
                {
                    interest.files.insert(config);
                }
            }
        }
        if let Some(workspace) = workspace {
            for layers in [&workspace.briefs, &workspace.templates] {
                if let Some(Tree::Disk(folder)) = layers.0.first() {
                    interest.folders.insert(absolute(folder));
                }
            }
        }
        if let Some(inputs) = inputs {
            // Files the case names (the expert's CV and signature), relative to the file that
            // names them.
            let (expert, base) = match &inputs.case.case.expert {
                Some(expert) => (Some(expert), Some(case_folder.clone())),
                None => (
                    inputs.workspace.config.expert.as_ref(),
                    inputs.workspace.root.clone(),
                ),
            };
            if let (Some(expert), Some(base)) = (expert, base) {
                for file in [&expert.cv, &expert.signature].into_iter().flatten() {
                    interest.files.insert(absolute(&base.join(file)));
                }
            }
            if let Ok(target) = render::target(inputs, &self.options)
                && let Some(out) = target.pdf.parent()
            {
                let out = absolute(out);
                if !interest.ignored.contains(&out) {
                    interest.ignored.push(out);
                }
            }
        }
        if interest == self.interest {
            return;
        }
        let wanted = interest.registrations();
        for (path, _) in self
            .registered
            .iter()
            .filter(|(p, r)| wanted.get(*p) != Some(r))
        {
            let _ = self.watcher.unwatch(path);
        }
        let mut registered = BTreeMap::new();
        for (path, recursive) in wanted {
            let already = self.registered.get(&path) == Some(&recursive);
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            if already || self.watcher.watch(&path, mode).is_ok() {
                registered.insert(path, recursive);
            }
        }
        self.registered = registered;
        let shown = interest.shown();
        self.interest = interest;
        notice(Notice::Watching(shown));
    }
}

/// typst's verdict on one compile, with the messages it printed after it.
struct Verdict {
    success: bool,
    diagnostics: Vec<String>,
}

/// `Some(success)` for typst watch's verdict lines: `[12:00:00] compiled successfully in
/// 21.67 ms`, `... compiled with warnings`, `... compiled with errors`.
fn status_of(line: &str) -> Option<bool> {
    let (_, verdict) = line.split_once("] compiled ")?;
    Some(!verdict.starts_with("with errors"))
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

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Replaces `build/name` by writing a temporary file beside it and renaming it over the old
/// one, so typst, which may read at any moment, sees the old file or the new, never half.
fn write_in_place(build: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let path = build.join(name);
    let folder = path.parent().unwrap_or(build);
    let mut temporary = tempfile::Builder::new()
        .prefix(".witness-")
        .suffix(".part")
        .tempfile_in(folder)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    temporary
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    temporary
        .persist(&path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_verdicts_are_recognised() {
        assert_eq!(
            status_of("[20:40:17] compiled successfully in 308.51 ms"),
            Some(true)
        );
        assert_eq!(status_of("[20:40:17] compiled with warnings"), Some(true));
        assert_eq!(status_of("[20:40:29] compiled with errors"), Some(false));
        assert_eq!(status_of("[20:40:29] compiling ..."), None);
        assert_eq!(status_of("watching /tmp/main.typ"), None);
    }

    #[test]
    fn editor_files_and_output_are_not_inputs() {
        let interest = Interest {
            files: [PathBuf::from("/w/cases/a.toml")].into(),
            folders: [PathBuf::from("/w/country-briefs")].into(),
            ignored: vec![PathBuf::from("/w/country-briefs/out")],
        };
        assert!(interest.covers(Path::new("/w/cases/a.toml")));
        assert!(!interest.covers(Path::new("/w/cases/b.toml")));
        assert!(interest.covers(Path::new("/w/country-briefs/kyrgyzstan/history.md")));
        assert!(!interest.covers(Path::new("/w/country-briefs/kyrgyzstan/.history.md.swp")));
        assert!(!interest.covers(Path::new("/w/country-briefs/kyrgyzstan/history.md~")));
        assert!(!interest.covers(Path::new("/w/country-briefs/out/x.pdf")));
        let registered = interest.registrations();
        assert_eq!(registered.get(Path::new("/w/cases")), Some(&false));
        assert_eq!(registered.get(Path::new("/w/country-briefs")), Some(&true));
    }
}
