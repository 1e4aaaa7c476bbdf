//! Stage 4, typeset: run the pinned typst CLI over the generated source in its build folder.

pub mod fonts;
pub mod locate;
pub mod watch;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};

use crate::load::Inputs;
use wait_timeout::ChildExt;

pub use locate::{PINNED_VERSION, Typst};

/// How typst is told to make a report's PDF: the same for `compile` and `watch`, so a watched
/// PDF is made exactly as a rendered one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Seconds since the Unix epoch written into the PDF, so equal inputs give equal bytes.
    pub creation_timestamp: i64,
    /// The workspace's fonts, then the fonts witness bundles.
    pub font_paths: Vec<PathBuf>,
    /// PDF standards to conform to, such as `a-2b` (archiving) or `ua-1` (accessibility).
    pub pdf_standards: Vec<String>,
}

impl Settings {
    /// The settings for a report of `inputs`: created at midnight UTC on the report date, the
    /// same on every render, with the workspace's and the bundled fonts.
    pub fn for_inputs(inputs: &Inputs, pdf_standards: &[String]) -> Result<Self> {
        let mut font_paths: Vec<PathBuf> = inputs.workspace.fonts_folder().into_iter().collect();
        font_paths.push(fonts::bundled_font_folder()?);
        let midnight = inputs
            .case
            .case
            .report
            .date
            .0
            .and_time(chrono::NaiveTime::MIN);
        Ok(Self {
            creation_timestamp: midnight.and_utc().timestamp(),
            font_paths,
            pdf_standards: pdf_standards.to_vec(),
        })
    }
}

/// One typst run: the build folder is Typst's whole world (`--root`), holding copies only.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    /// The folder holding main.typ and everything it reads.
    pub build_folder: &'a Path,
    /// The source file inside the build folder.
    pub main: &'a str,
    /// Where typst writes the PDF.
    pub output: &'a Path,
    /// Timestamp, fonts and standards.
    pub settings: &'a Settings,
    /// How long typst may take before it is stopped.
    pub timeout: Duration,
    /// Whether the build folder outlives the run (`--keep-typ`), so messages may point into it.
    pub kept: bool,
}

/// How often a waiting render looks at its stop flag: the longest Ctrl-C waits for typst to go.
const STOP_POLL: Duration = Duration::from_millis(50);

/// The error of a render stopped on request (Ctrl-C), told apart from a failure by downcasting.
#[derive(Debug, Clone, Copy)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted: typst was stopped and nothing was written")
    }
}

impl std::error::Error for Interrupted {}

/// How a batch runs one typst process.
#[derive(Debug, Clone, Copy)]
pub struct Control<'a> {
    /// Set on Ctrl-C: kill typst and give up.
    pub stop: &'a AtomicBool,
    /// typst's `--jobs`; `None` leaves it to typst (every core). A batch that already runs one
    /// typst per core passes 1, because typst's own threads would then only compete for the
    /// same cores (they save about 2% CPU per report; see docs/performance.md).
    pub threads: Option<usize>,
}

/// What typst said about a successful run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Typst's warning messages, each traced to the case or brief text it came from where possible.
    pub warnings: Vec<String>,
}

impl Typst {
    /// The command line for a job, exactly as witness runs it (the benchmarks reuse it).
    /// `verb` is `compile`, or `watch` for one long-lived process that recompiles on change.
    pub fn command(&self, verb: &str, job: &Job) -> Command {
        let mut command = Command::new(&self.path);
        let settings = job.settings;
        command
            .arg(verb)
            .arg("--root")
            .arg(job.build_folder)
            .arg("--ignore-system-fonts")
            .arg("--creation-timestamp")
            .arg(settings.creation_timestamp.to_string())
            .arg("--diagnostic-format")
            .arg("short");
        for fonts in &settings.font_paths {
            command.arg("--font-path").arg(fonts);
        }
        if !settings.pdf_standards.is_empty() {
            command
                .arg("--pdf-standard")
                .arg(settings.pdf_standards.join(","));
        }
        command.arg(job.build_folder.join(job.main)).arg(job.output);
        command
    }

    /// The font families typst sees with the font flags renders use (no system fonts, then
    /// `font_paths`), as `typst fonts` lists them: what a report can be set in.
    pub fn fonts(&self, font_paths: &[PathBuf]) -> Result<Vec<String>> {
        let mut command = Command::new(&self.path);
        command.arg("fonts").arg("--ignore-system-fonts");
        for fonts in font_paths {
            command.arg("--font-path").arg(fonts);
        }
        let output = command
            .stdin(Stdio::null())
            .output()
            .context("`typst fonts`")?;
        if !output.status.success() {
            return Err(anyhow!(
                "`typst fonts` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    }

    /// Runs typst; on failure the error carries typst's messages traced back to their origin.
    pub fn compile(&self, job: &Job) -> Result<Outcome> {
        self.compile_under(
            job,
            Control {
                stop: &AtomicBool::new(false),
                threads: None,
            },
        )
    }

    /// [`Typst::compile`] as one of a batch's processes: typst is stopped as soon as
    /// `control.stop` is set (Ctrl-C), with an [`Interrupted`] error, and uses at most
    /// `control.threads` threads.
    pub fn compile_under(&self, job: &Job, control: Control) -> Result<Outcome> {
        let stop = control.stop;
        let mut command = self.command("compile", job);
        if let Some(threads) = control.threads {
            command.arg("--jobs").arg(threads.to_string());
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run typst at {}", self.path.display()))?;
        let stderr = read_in_background(child.stderr.take());
        let stdout = read_in_background(child.stdout.take());

        // Waiting in short slices lets this thread notice `stop` and kill its own child, which
        // is race-free (unlike killing by PID from the signal handler after the child may have
        // been reaped); wait_timeout wakes on SIGCHLD, so a finishing typst is not delayed.
        let started = Instant::now();
        let status = loop {
            let slice = STOP_POLL.min(job.timeout.saturating_sub(started.elapsed()));
            if let Some(status) = child.wait_timeout(slice)? {
                break Some(status);
            }
            if stop.load(Ordering::SeqCst) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Interrupted.into());
            }
            if started.elapsed() >= job.timeout {
                break None;
            }
        };
        let Some(status) = status else {
            let _ = child.kill();
            let _ = child.wait();
            // Not `join`: a process typst started (or a wrapper script's `sleep`) may still hold
            // the pipe open, and joining would wait for it; take what typst has said so far.
            let said = stderr.so_far(KILLED_GRACE);
            return Err(anyhow!(
                "typst did not finish within {} s and was stopped{}",
                job.timeout.as_secs(),
                if said.trim().is_empty() {
                    String::new()
                } else {
                    format!("; it said:\n{said}")
                }
            ));
        };
        let messages = stderr.join() + &stdout.join();
        let source = std::fs::read_to_string(job.build_folder.join(job.main)).unwrap_or_default();
        let (errors, warnings): (Vec<&str>, Vec<&str>) = messages
            .lines()
            .filter(|l| !l.trim().is_empty())
            .partition(|line| line.contains(": error:"));
        let explain = |lines: Vec<&str>| -> Vec<String> {
            lines
                .into_iter()
                .map(|line| explain_line(line, job.build_folder, job.main, &source, job.kept))
                .collect()
        };
        let (errors, warnings) = (explain(errors), explain(warnings));
        if !status.success() {
            let errors = if errors.is_empty() {
                vec![messages.trim().to_string()]
            } else {
                errors
            };
            return Err(anyhow!(
                "typst could not typeset the report ({status}):\n{}",
                errors.join("\n")
            ));
        }
        Ok(Outcome { warnings })
    }
}

/// How long a killed typst's output may take to arrive before the message goes without it.
const KILLED_GRACE: Duration = Duration::from_millis(500);

/// A child's output pipe, read on a thread of its own into a buffer that can be taken whole
/// ([`Captured::join`]) or, after a kill, as far as it got ([`Captured::so_far`]).
struct Captured {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Captured {
    /// Everything, once the pipe closes.
    fn join(self) -> String {
        let _ = self.done.recv();
        self.text()
    }

    /// What was read by the time the pipe closes or `grace` passes, whichever comes first.
    fn so_far(self, grace: Duration) -> String {
        let _ = self.done.recv_timeout(grace);
        self.text()
    }

    fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

fn read_in_background<R: Read + Send + 'static>(pipe: Option<R>) -> Captured {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let (sender, done) = mpsc::channel();
    let buffer = Arc::clone(&bytes);
    std::thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut chunk = [0u8; 8192];
            loop {
                match pipe.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => buffer
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        }
        let _ = sender.send(());
    });
    Captured { bytes, done }
}

/// A short-format typst message (`path/to/main.typ:12:5: error: ...`) traced to the case or
/// brief text its line came from. typst names the file relative to its current folder, so
/// the generated file is recognised by its build folder's (unique) name, not its full path.
/// The message then leads with the origin, since the build folder is usually gone by the
/// time anyone reads it; the generated line is named only where it can still be opened.
pub fn explain_line(
    line: &str,
    build_folder: &Path,
    main: &str,
    source: &str,
    kept: bool,
) -> String {
    let marker = format!("{main}:");
    let Some(at) = line.find(&marker) else {
        return line.to_string();
    };
    let named = Path::new(&line[..at + main.len()]);
    let folder_matches = match named.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => parent.file_name() == build_folder.file_name(),
        None => true,
    };
    if !folder_matches {
        return line.to_string();
    }
    let rest = &line[at + marker.len()..];
    let line_number: Option<usize> = rest.split(':').next().and_then(|n| n.parse().ok());
    // `12:5: error: message` → `error: message`
    let message = rest.splitn(3, ':').nth(2).map_or(rest, str::trim_start);
    let generated = match (kept, line_number) {
        (true, Some(n)) => format!(
            "{}:{n}",
            crate::diagnostic::display_path(&build_folder.join(main))
        ),
        (false, Some(n)) => format!("line {n} of the generated source (--keep-typ keeps it)"),
        (_, None) => "the generated source".to_string(),
    };
    match line_number.and_then(|n| origin_of_line(source, n)) {
        Some(origin) => format!("{origin}: {message}\n  typst read it at {generated}"),
        None => format!("{message}\n  in the report template's own text, at {generated}"),
    }
}

/// Closes the text an `// origin:` marker opened: what follows is the template's own.
pub const ORIGIN_END: &str = "// origin ends\n";

/// The nearest `// origin:` marker at or above 1-based `line` of the generated source, unless
/// its text ended before the line (the line is then the template's own).
pub fn origin_of_line(source: &str, line: usize) -> Option<String> {
    let end = ORIGIN_END.trim_end();
    source
        .lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find_map(|l| {
            let l = l.trim_start();
            if l == end {
                return Some(None);
            }
            l.strip_prefix("// origin: ").map(|o| Some(o.to_string()))
        })
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_traced_to_the_nearest_origin() {
        let source = "#let x = 1\n// origin: brief/history.md:4\n#np[a]\n#np[b]\n";
        assert_eq!(
            origin_of_line(source, 4).as_deref(),
            Some("brief/history.md:4")
        );
        assert_eq!(origin_of_line(source, 1), None);
        let closed = format!("{source}{ORIGIN_END}#read(\"x\")\n");
        assert_eq!(
            origin_of_line(&closed, 6),
            None,
            "template text after the block"
        );
    }
}
