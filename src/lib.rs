//! witness: expert witness reports on country conditions, from a case file and country briefs.
//!
//! The pipeline, one module per stage:
//! [`load`] (case, workspace, briefs) → [`check`] → [`assemble`] (templates → Typst source)
//! → [`typeset`] (the typst CLI) → [`preflight`] (the PDF read back against the forum's rules)
//! → [`write`] (atomic output, provenance).
//! [`pipeline`] runs them for every verb, with one back-end per output kind; [`batch`] runs
//! many cases at once.
//! The authoring commands: [`scaffold`] (new workspaces and case files), [`watch`] (re-render
//! on change), [`brief_status`] (the briefs' review dates and sources), [`doctor`] (what witness
//! finds on the machine and in a workspace).

#![warn(missing_docs)]

pub mod assemble;
pub mod batch;
pub mod brief_status;
pub mod check;
pub mod citation;
pub mod cv;
pub mod diagnostic;
pub mod doctor;
pub mod docx;
pub mod load;
pub mod lookup;
pub mod pipeline;
pub mod preflight;
pub mod redline;
pub mod sample;
pub mod scaffold;
pub mod served;
pub mod typeset;
pub mod watch;
pub mod write;
