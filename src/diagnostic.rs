//! Problems found in an input file, located by file, line, column and field, and printed like rustc's.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look, but does not stop a report.
    Warning,
    /// Stops a final report, and a draft unless forced.
    Error,
}

/// One problem in one input file. Boxed, because it travels in every `Result` of the loaders.
#[derive(Debug, Clone)]
pub struct Diagnostic(Box<Details>);

/// What a diagnostic says. `source` and `span` are optional because some problems (a missing
/// file, a folder where a file should be) have no text to point into.
#[derive(Debug, Clone)]
pub struct Details {
    /// Whether this is an error or a warning.
    pub severity: Severity,
    /// Stable code such as `E301`, documented in docs/checks.md; `None` for plain load problems.
    pub code: Option<&'static str>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The input file the problem is in.
    pub file: PathBuf,
    /// The field path within the file, such as `report.date` or `questions[1].answer`.
    pub field: Option<String>,
    /// How to fix it, where witness can say.
    pub help: Option<String>,
    source: Option<Arc<str>>,
    span: Option<Range<usize>>,
}

impl std::ops::Deref for Diagnostic {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Diagnostic {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl Diagnostic {
    /// An error in `file`, with no location yet.
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self(Box::new(Details {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            file: file.into(),
            field: None,
            help: None,
            source: None,
            span: None,
        }))
    }

    /// A warning in `file`, with no location yet.
    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        let mut diagnostic = Self::error(file, message);
        diagnostic.severity = Severity::Warning;
        diagnostic
    }

    /// Sets the check code, such as `E301`.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Names the field the problem is about, such as `report.date`.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the help text, replacing any already there.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a sentence to the help, after any already there.
    pub fn with_help_suffix(mut self, more: &str) -> Self {
        self.help = Some(match self.help.take() {
            Some(help) => format!("{help}; {more}"),
            None => more.to_string(),
        });
        self
    }

    /// Turns the diagnostic into a warning.
    pub fn into_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// One JSON object for scripts and editors.
    pub fn to_json(&self) -> serde_json::Value {
        let (line, column) = self
            .line_column()
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        serde_json::json!({
            "code": self.code,
            "severity": self.severity,
            "file": display_path(&self.file),
            "line": line,
            "column": column,
            "field": self.field,
            "message": self.message,
            "help": self.help,
        })
    }

    /// Points the diagnostic at `span` within `source`, the full text of `file`.
    pub fn at(mut self, source: Arc<str>, span: Option<Range<usize>>) -> Self {
        let len = source.len();
        self.span = span.map(|s| s.start.min(len)..s.end.min(len).max(s.start.min(len)));
        self.source = Some(source);
        self
    }

    /// Swaps the text the span points into, for a span computed on a masked copy of the file.
    pub fn with_source(mut self, source: Arc<str>) -> Self {
        if self.source.is_some() {
            self.source = Some(source);
        }
        self
    }

    /// 1-based line and column of the start of the span, counting columns in characters.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_deref()?, self.span.as_ref()?);
        Some(line_column(source, span.start))
    }

    /// Whether the diagnostic is an error rather than a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn to_report(&self) -> Report<()> {
        let mut report = match self.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(&self.message);
        if let Some(code) = self.code {
            report = report.with_code(code);
        }
        if let Some(span) = &self.span {
            let label = Label::primary((), span.clone());
            report = report.with_label(match &self.field {
                Some(field) => label.with_message(format!("in `{field}`")),
                None => label,
            });
        } else if let Some(field) = &self.field {
            report = report.with_note(format!("field: {field}"));
        }
        if self.span.is_none() {
            report = report.with_note(format!("in {}", display_path(&self.file)));
        }
        if let Some(help) = &self.help {
            report = report.with_note(format!("help: {help}"));
        }
        report
    }

    /// Writes the diagnostic in rustc's style, with a source snippet when there is one.
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        let name = display_path(&self.file);
        let source = self.source.as_deref().unwrap_or("");
        let file = SimpleFile::new(name, source);
        let config = term::Config::default();
        term::emit_to_write_style(out, &config, &file, &self.to_report())
            .map_err(std::io::Error::other)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", display_path(&self.file))?;
        if let Some((line, column)) = self.line_column() {
            write!(f, ":{line}:{column}")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, ": {severity}")?;
        if let Some(code) = self.code {
            write!(f, "[{code}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Several diagnostics reported together, so that one run shows every problem rather than the first.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any of them is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// Sorted as a reader meets them: file by file in the order the files first appear, and
    /// within a file by position, those about the whole file first. The sort is stable, so
    /// findings at one place keep the order the rules found them in.
    pub fn in_file_order(mut self) -> Self {
        sort_in_file_order(&mut self.0);
        self
    }

    /// "3 errors, 1 warning".
    pub fn summary(&self) -> String {
        summary(&self.0)
    }
}

/// Sorts diagnostics as [`Diagnostics::in_file_order`] does.
pub fn sort_in_file_order(diagnostics: &mut [Diagnostic]) {
    let mut files: Vec<PathBuf> = Vec::new();
    for d in diagnostics.iter() {
        if !files.contains(&d.file) {
            files.push(d.file.clone());
        }
    }
    diagnostics.sort_by_key(|d| {
        let file = files
            .iter()
            .position(|f| *f == d.file)
            .unwrap_or(usize::MAX);
        (file, d.span.as_ref().map(|s| s.start))
    });
}

/// "3 errors, 1 warning" for a list of findings.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

/// `1 case`, `2 cases`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

/// 1-based line and character column of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path as the user would type it: relative to the current folder when it lies below it.
pub fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// Whether stderr should be coloured: a terminal, and NO_COLOR unset (https://no-color.org).
pub fn stderr_color_choice() -> termcolor::ColorChoice {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || !std::io::stderr().is_terminal()
    {
        termcolor::ColorChoice::Never
    } else {
        termcolor::ColorChoice::Auto
    }
}

/// Prints an error chain to stderr; located diagnostics get the full snippet treatment.
pub fn report_error(error: &anyhow::Error) {
    let mut stderr = termcolor::StandardStream::stderr(stderr_color_choice());
    if let Some(failed) = error.downcast_ref::<crate::pipeline::Failed>() {
        emit_all(&mut stderr, &failed.findings);
        return report_error(&failed.error);
    }
    let diagnostics: Vec<&Diagnostic> = if let Some(d) = error.downcast_ref::<Diagnostic>() {
        vec![d]
    } else if let Some(ds) = error.downcast_ref::<Diagnostics>() {
        ds.0.iter().collect()
    } else {
        Vec::new()
    };
    if diagnostics.is_empty() {
        let _ = writeln!(stderr, "error: {error}");
        for cause in error.chain().skip(1) {
            let _ = writeln!(stderr, "  caused by: {cause}");
        }
        return;
    }
    emit_all(&mut stderr, diagnostics);
}

/// Prints each diagnostic as a rustc-style snippet, or as a plain line where that fails.
pub fn emit_all<'a>(
    out: &mut dyn termcolor::WriteColor,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
) {
    for diagnostic in diagnostics {
        if diagnostic.emit(out).is_err() {
            let _ = writeln!(out, "{diagnostic}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "a = 1\nnäme = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let after_umlaut = text.find(" = 2").unwrap();
        assert_eq!(line_column(text, after_umlaut), (2, 5));
    }

    #[test]
    fn display_names_file_line_field_and_help() {
        let source: Arc<str> = Arc::from("[report]\ncountry = 3\n");
        let d = Diagnostic::error("case.toml", "invalid type")
            .with_field("report.country")
            .with_help("write a country name")
            .at(source, Some(19..20));
        let shown = d.to_string();
        assert!(
            shown.starts_with("case.toml:2:11: error: invalid type"),
            "{shown}"
        );
        assert!(shown.contains("report.country"));
        assert!(shown.contains("help: write a country name"));
    }
}
