//! Stage 4, typeset: run the pinned typst CLI over the generated source in its build folder.

pub mod fonts;
pub mod locate;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use wait_timeout::ChildExt;

pub use locate::{PINNED_VERSION, Typst};

/// One typst run: the build folder is Typst's whole world (`--root`), holding copies only.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub build_folder: &'a Path,
    /// The source file inside the build folder.
    pub main: &'a str,
    pub output: &'a Path,
    pub font_paths: &'a [PathBuf],
    /// Seconds since the Unix epoch written into the PDF, so equal inputs give equal bytes.
    pub creation_timestamp: i64,
    pub timeout: Duration,
}

/// What typst said about a successful run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub warnings: Vec<String>,
}

impl Typst {
    /// The command line for a job, exactly as witness runs it (the benchmarks reuse it).
    pub fn command(&self, job: &Job) -> Command {
        let mut command = Command::new(&self.path);
        command
            .arg("compile")
            .arg("--root")
            .arg(job.build_folder)
            .arg("--ignore-system-fonts")
            .arg("--creation-timestamp")
            .arg(job.creation_timestamp.to_string())
            .arg("--diagnostic-format")
            .arg("short");
        for fonts in job.font_paths {
            command.arg("--font-path").arg(fonts);
        }
        command.arg(job.build_folder.join(job.main)).arg(job.output);
        command
    }

    /// Runs typst; on failure the error carries typst's messages traced back to their origin.
    pub fn compile(&self, job: &Job) -> Result<Outcome> {
        let mut child = self
            .command(job)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run typst at {}", self.path.display()))?;
        let stderr = read_in_background(child.stderr.take());
        let stdout = read_in_background(child.stdout.take());

        let Some(status) = child.wait_timeout(job.timeout)? else {
            let _ = child.kill();
            let _ = child.wait();
            let said = stderr.join().unwrap_or_default();
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
        let messages = stderr.join().unwrap_or_default() + &stdout.join().unwrap_or_default();
        let source = std::fs::read_to_string(job.build_folder.join(job.main)).unwrap_or_default();
        let (errors, warnings): (Vec<String>, Vec<String>) = messages
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| explain_line(line, job, &source))
            .partition(|line| line.contains(": error:"));
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

fn read_in_background<R: Read + Send + 'static>(
    pipe: Option<R>,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// Adds to a short-format typst message (`main.typ:12:5: error: ...`) the generated file's
/// full path and the case or brief text the line came from.
fn explain_line(line: &str, job: &Job, source: &str) -> String {
    let Some(rest) = line
        .strip_prefix(job.main)
        .and_then(|r| r.strip_prefix(':'))
    else {
        return line.to_string();
    };
    let line_number: Option<usize> = rest.split(':').next().and_then(|n| n.parse().ok());
    let generated = job.build_folder.join(job.main);
    let mut explained = format!("{}:{rest}", generated.display());
    if let Some(origin) = line_number.and_then(|n| origin_of_line(source, n)) {
        explained.push_str(&format!("\n  the text there comes from {origin}"));
    }
    explained
}

/// The nearest `// origin:` marker at or above 1-based `line` of the generated source.
pub fn origin_of_line(source: &str, line: usize) -> Option<String> {
    source
        .lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix("// origin: ")
                .map(str::to_string)
        })
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
    }
}
