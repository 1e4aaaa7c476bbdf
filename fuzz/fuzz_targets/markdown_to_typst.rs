//! Any text as a brief section's Markdown: Typst source that parses.
//!
//! Markdown has no errors (every input is some document), so the only acceptable outcome is
//! source that typst's parser accepts; a panic (such as unbounded recursion) is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(document) = witness_fuzz::markdown_document(data, "fuzz.md") {
        witness_fuzz::assert_parses(&document);
    }
});
