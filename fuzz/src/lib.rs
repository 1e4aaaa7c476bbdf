//! What the fuzz targets and the corpus compiler share: the input-to-Typst paths of witness,
//! run as `witness render` runs them, and the checks made on their output.
//!
//! Both paths must end in one of two ways for any input: a clear error (a located
//! diagnostic with a message) or Typst source. A panic, a hang or source that does not parse
//! is a finding. Whether the source also *compiles* is checked by `compile_corpus`, outside
//! the fuzzer, because running typst takes a tenth of a second and the fuzzer wants
//! thousands of inputs a second.

use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;

use witness::assemble::markdown::{self, Settings};
use witness::batch::Cache;
use witness::diagnostic::Diagnostic;
use witness::load::{self, CaseFile};

/// Where the fuzzed case file pretends to live. Nothing exists there, so the built-in briefs
/// and templates serve and every file the case names (CV, signature) is missing.
pub const CASE_PATH: &str = "/witness-fuzz/case.toml";

/// The generated `main.typ` and the files typst reads beside it.
pub struct Source {
    pub main: String,
    pub files: Vec<(String, Vec<u8>)>,
}

thread_local! {
    /// Briefs, profiles and templates, read once: the fuzzer calls the target in one thread.
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// A case file's bytes through load, check and assemble, as `witness render` takes them.
///
/// Invalid UTF-8 is refused the way `load::read_text` refuses it; the file-size limit is not
/// exercised (libFuzzer's inputs are small).
pub fn case_to_typst(data: &[u8]) -> Result<Source, Vec<Diagnostic>> {
    let path = Path::new(CASE_PATH);
    let text = match std::str::from_utf8(data) {
        Ok(text) => Arc::from(text),
        Err(_) => {
            return Err(vec![Diagnostic::error(
                path,
                "the file is not valid UTF-8 text",
            )]);
        }
    };
    let case = CaseFile::parse(path, text).map_err(|d| vec![d])?;
    CACHE.with(|cache| {
        let cache = cache.borrow();
        let inputs = load::load_case(case, &*cache).map_err(|d| d.0)?;
        let findings = witness::check::check(&inputs);
        if findings.has_errors() {
            return Err(findings.0);
        }
        let template = cache.template(&inputs).map_err(|d| vec![d])?;
        let assembly = template.assemble(&inputs).map_err(|d| vec![d])?;
        Ok(Source {
            main: assembly.main,
            files: assembly.files,
        })
    })
}

/// What a Typst document needs around a converted brief section so that it compiles on its
/// own: `np` (numbered paragraph) from the report style, and a `cite` that needs no
/// bibliography (the keys are arbitrary; citations are tested end to end elsewhere).
pub const MARKDOWN_PREAMBLE: &str = "\
#let np(body) = par(body)
#let cite(key, supplement: none) = [(cite #str(key))]
";

/// Brief Markdown as a whole Typst document. The first byte picks the settings, so both
/// numbered (report body) and plain (CV appendix) paragraphs are fuzzed.
pub fn markdown_document(data: &[u8], origin: &str) -> Option<String> {
    let (&first, rest) = data.split_first()?;
    let markdown = std::str::from_utf8(rest).ok()?;
    let settings = Settings {
        heading_base: 1 + usize::from(first % 3),
        numbered: first & 0x80 == 0,
        origin: origin.to_string(),
        first_line: 1,
        field: (first & 0x40 != 0).then(|| "analysis.speech".to_string()),
        own_knowledge: first & 0x20 != 0,
        names: Default::default(),
    };
    Some(format!(
        "{MARKDOWN_PREAMBLE}{}",
        markdown::to_typst(markdown, &settings)
    ))
}

/// Panics (a finding) if `source` has a Typst syntax error or syntax warning, naming each.
pub fn assert_parses(source: &str) {
    let root = typst_syntax::parse(source);
    if root.diagnosis().either() {
        let (errors, warnings) = root.errors_and_warnings();
        let messages: Vec<String> = errors
            .iter()
            .chain(&warnings)
            .map(|d| d.message.to_string())
            .collect();
        panic!(
            "generated Typst has syntax errors or warnings: {messages:?}\n--- source ---\n{source}\n--- end ---"
        );
    }
}

/// Panics (a finding) unless `diagnostics` is a clear error: at least one message, each one
/// non-empty and naming a file.
pub fn assert_clear(diagnostics: &[Diagnostic]) {
    assert!(!diagnostics.is_empty(), "an error without a message");
    for diagnostic in diagnostics {
        assert!(
            !diagnostic.message.trim().is_empty(),
            "an empty message: {diagnostic:?}"
        );
        assert!(
            !diagnostic.file.as_os_str().is_empty(),
            "a message naming no file: {diagnostic:?}"
        );
    }
}
