//! Any bytes as a case file: a clear error, or Typst source that parses.
//!
//! Runs the case through load, check and assemble exactly as `witness render` does (the
//! built-in briefs and templates), so a panic anywhere on that path is a finding, as is
//! generated source with a Typst syntax error.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match witness_fuzz::case_to_typst(data) {
        Ok(source) => witness_fuzz::assert_parses(&source.main),
        Err(diagnostics) => witness_fuzz::assert_clear(&diagnostics),
    }
});
