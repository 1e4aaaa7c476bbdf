//! witness: expert witness reports on country conditions, from a case file and country briefs.
//!
//! The pipeline, one module per stage:
//! [`load`] (case, workspace, briefs) → [`check`] → [`assemble`] (templates → Typst source)
//! → [`typeset`] (the typst CLI) → [`write`] (atomic output, provenance).
//! [`render`] runs them in order for one case.

pub mod assemble;
pub mod check;
pub mod citation;
pub mod diagnostic;
pub mod load;
pub mod render;
pub mod typeset;
pub mod write;
