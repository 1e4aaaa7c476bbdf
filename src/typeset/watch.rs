//! One long-lived `typst watch` over a build folder: started with the same command line as
//! `typst compile`, its output lines handed to the caller as they come.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};

use anyhow::{Context, Result};

use super::{Job, Settings, Typst};

/// What the typst process says, for the caller's event loop.
#[derive(Debug)]
pub enum Said {
    /// One line of its output; `generation` tells processes apart across restarts.
    Line {
        /// The process that said it.
        generation: u64,
        /// The line, without its end.
        line: String,
    },
    /// The process closed its output: it has ended.
    Ended {
        /// The process that ended.
        generation: u64,
    },
}

/// A running `typst watch`, killed when dropped.
pub struct Process {
    child: Child,
    /// What it was started with: other settings need another process.
    pub settings: Settings,
    /// Which start this is, so lines from an older process are told apart.
    pub generation: u64,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    /// Starts `typst watch` for `job`; every line it prints goes to `tell`, from threads of
    /// its own, and a final [`Said::Ended`] when it stops.
    pub fn start(
        typst: &Typst,
        job: &Job,
        generation: u64,
        tell: impl Fn(Said) -> bool + Send + Clone + 'static,
    ) -> Result<Self> {
        let mut command = typst.command("watch", job);
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
            .with_context(|| format!("cannot run typst at {}", typst.path.display()))?;
        let stdout = child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>);
        let stderr = child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>);
        for (pipe, last) in [(stdout, false), (stderr, true)] {
            let Some(pipe) = pipe else { continue };
            let tell = tell.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if !tell(Said::Line { generation, line }) {
                        return;
                    }
                }
                if last {
                    tell(Said::Ended { generation });
                }
            });
        }
        Ok(Self {
            child,
            settings: job.settings.clone(),
            generation,
        })
    }
}

/// `Some(success)` for typst watch's verdict lines: `[12:00:00] compiled successfully in
/// 21.67 ms`, `... compiled with warnings`, `... compiled with errors`.
pub fn verdict(line: &str) -> Option<bool> {
    let (_, verdict) = line.split_once("] compiled ")?;
    Some(!verdict.starts_with("with errors"))
}

/// Whether the line says a compile has begun.
pub fn is_start(line: &str) -> bool {
    line.trim_end().ends_with("compiling ...")
}

/// Whether the line closes the messages after a verdict (`watching main.typ`).
pub fn is_idle(line: &str) -> bool {
    line.starts_with("watching ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_verdicts_are_recognised() {
        assert_eq!(
            verdict("[20:40:17] compiled successfully in 308.51 ms"),
            Some(true)
        );
        assert_eq!(verdict("[20:40:17] compiled with warnings"), Some(true));
        assert_eq!(verdict("[20:40:29] compiled with errors"), Some(false));
        assert_eq!(verdict("[20:40:29] compiling ..."), None);
        assert_eq!(verdict("watching /tmp/main.typ"), None);
        assert!(is_start("[20:40:29] compiling ..."));
    }
}
