//! The half of a watch session that talks to typst: wait for its verdict on a compile,
//! trace its messages, and publish the PDF it made as `render` publishes one.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};

use super::{Built, DIAGNOSTICS_GAP, Message, Notice, Sent, Session, Trigger};
use crate::diagnostic::Diagnostic;
use crate::load::Inputs;
use crate::load::case::Status;
use crate::pipeline;
use crate::pipeline::backend::TYPESET_PDF;
use crate::pipeline::output::{self, Placement};
use crate::typeset;
use crate::typeset::watch::{self as typst_watch, Said};
use crate::write;

/// typst's verdict on one compile, with the messages it printed after it.
pub(super) struct Verdict {
    pub(super) success: bool,
    pub(super) diagnostics: Vec<String>,
}

impl Session {
    /// Waits for typst to start compiling and report how it went; `None` if told to stop.
    pub(super) fn await_compile(&mut self) -> Result<Option<Verdict>> {
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
                Message::Typst(Said::Line { generation, line })
                    if generation == self.generation =>
                {
                    if typst_watch::is_start(&line) {
                        started = true;
                    } else if let Some(success) = typst_watch::verdict(&line)
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
                Message::Typst(Said::Ended { generation }) if generation == self.generation => {
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
    pub(super) fn diagnostics_after(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            match self.receiver.recv_timeout(DIAGNOSTICS_GAP) {
                Ok(Message::Typst(Said::Line { generation, line }))
                    if generation == self.generation =>
                {
                    if typst_watch::is_idle(&line) {
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

    /// Publishes typst's PDF as render does (a copy, since typst goes on writing its own),
    /// after the same preflight, with the provenance a fresh render would write.
    pub(super) fn send_out(
        &mut self,
        build: &Path,
        inputs: Inputs,
        destination: &Path,
    ) -> Result<(Option<usize>, Vec<Diagnostic>)> {
        let produced = build.join(TYPESET_PDF);
        if !produced.is_file() {
            bail!("{}", pipeline::backend::NO_OUTPUT);
        }
        // The source typst compiled, whose numbered paragraphs the snapshot records.
        let source = std::fs::read_to_string(build.join(crate::assemble::MAIN))?;
        let published = if inputs.case.case.report.status == Status::Final {
            // A final report is held to the forum's rules before it may be seen at all.
            let (preflight, warnings) = pipeline::hold_to_forum(&inputs, true, &produced)?;
            let published = output::publish(
                &inputs,
                &produced,
                destination,
                Some(&self.typst.version),
                Placement::Copy,
                preflight.as_ref(),
                &source,
            )?;
            (published, warnings)
        } else {
            // A draft goes out whatever the preflight finds, so the expert sees the new PDF
            // first (the read-back is a third of a rebuild) and the findings a moment later;
            // the provenance, which records them, follows the read-back.
            let bytes = std::fs::read(&produced)?;
            write::atomic_write(destination, &bytes)?;
            let (preflight, warnings) = pipeline::hold_to_forum(&inputs, true, destination)?;
            let recorded = output::record(
                &inputs,
                &bytes,
                destination,
                &self.typst.version,
                preflight.as_ref(),
                &source,
            )?;
            (recorded, warnings)
        };
        let (published, mut warnings) = published;
        let sha256 = write::sha256_hex(&std::fs::read(destination)?);
        self.sent = Some(Sent {
            inputs,
            destination: destination.to_path_buf(),
            sha256,
        });
        warnings.splice(0..0, published.warnings);
        Ok((published.pages, warnings))
    }

    /// A compile witness did not ask for: if it succeeded with a new PDF, send it out.
    pub(super) fn collect_unasked(&mut self, line: &str) -> Option<Notice> {
        let started = Instant::now();
        let success = typst_watch::verdict(line)?;
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
        let sent = self.sent.take()?;
        if sent.sha256 == write::sha256_hex(&pdf) {
            self.sent = Some(sent);
            return None;
        }
        let destination = sent.destination.clone();
        let result = self.send_out(&build, sent.inputs, &destination);
        Some(match result {
            Ok((pages, findings)) => Notice::Built(Built {
                trigger: Trigger::Typst,
                pdf: destination,
                pages,
                elapsed: started.elapsed(),
                findings,
                typst_warnings: diagnostics,
            }),
            Err(error) => Notice::Failed {
                trigger: Trigger::Typst,
                elapsed: started.elapsed(),
                error,
            },
        })
    }

    /// typst's short diagnostic traced to the case or brief, as `render` traces it.
    pub(super) fn explain(&self, line: &str, build: &Path) -> String {
        let source = self
            .written
            .get(crate::assemble::MAIN)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        typeset::explain_line(
            line,
            build,
            crate::assemble::MAIN,
            &source,
            self.options.keep_typ,
        )
    }
}
