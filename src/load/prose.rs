//! The expert's own text: Markdown written in the case file, or kept in a file beside it.
//!
//! A field such as `analysis.speech` is either a TOML string or `{ file = "analysis/speech.md" }`.
//! The file is read when the case is loaded, confined to the case's folder, and its text takes
//! the field's place; findings in it name the Markdown file's own line and column.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostic::Diagnostic;

/// Markdown the expert wrote, and the file it came from when it is not written inline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prose {
    /// The Markdown (empty until a file-backed field's file is read).
    pub text: String,
    /// The file as the case names it (`{ file = "…" }`), relative to the case's folder.
    pub file: Option<PathBuf>,
}

impl Prose {
    /// Inline Markdown.
    pub fn inline(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            file: None,
        }
    }
}

impl Deref for Prose {
    type Target = String;

    fn deref(&self) -> &String {
        &self.text
    }
}

impl DerefMut for Prose {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.text
    }
}

impl From<&str> for Prose {
    fn from(text: &str) -> Self {
        Self::inline(text)
    }
}

/// Serialised as its text, so that everything reading the case as data (the placeholder scan,
/// `--format json`) sees what the report will print, wherever it was written.
impl Serialize for Prose {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Prose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProseVisitor)
    }
}

struct ProseVisitor;

impl<'de> Visitor<'de> for ProseVisitor {
    type Value = Prose;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            r#"a string of Markdown, or a file beside the case: { file = "analysis/topic.md" }"#,
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Prose, E> {
        Ok(Prose::inline(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Prose, E> {
        Ok(Prose::inline(text))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Prose, A::Error> {
        let mut file: Option<PathBuf> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "file" if file.is_none() => file = Some(map.next_value()?),
                "file" => return Err(de::Error::duplicate_field("file")),
                other => return Err(de::Error::unknown_field(other, &["file"])),
            }
        }
        match file {
            Some(file) => Ok(Prose {
                text: String::new(),
                file: Some(file),
            }),
            None => Err(de::Error::missing_field("file")),
        }
    }
}

/// A field whose Markdown was read from a file: findings in it are placed in that file.
#[derive(Debug, Clone)]
pub struct ProseFile {
    /// The field, as check messages name it (`analysis.speech`).
    pub field: String,
    /// The file, resolved.
    pub path: PathBuf,
    /// Its text, for locating findings.
    pub text: Arc<str>,
}

impl ProseFile {
    /// An error at `needle` in the file (such as one citation), or at the file as a whole
    /// when the needle is not found.
    pub fn error_at(&self, needle: &str, message: impl Into<String>) -> Diagnostic {
        let span = self.text.find(needle).map(|at| at..at + needle.len());
        Diagnostic::error(&self.path, message)
            .with_field(&self.field)
            .at(self.text.clone(), span)
    }
}

/// Reads the file of a file-backed field, confined to `folder` (the case's), into `prose`;
/// `Ok(None)` when the field is written inline. A path that cannot be used is reported by
/// `at_field` (at the field in the case file); a file that cannot be read names itself.
pub fn read_file(
    folder: &Path,
    field: &str,
    prose: &mut Prose,
    at_field: impl Fn(String) -> Diagnostic,
) -> Result<Option<ProseFile>, Diagnostic> {
    let Some(file) = &prose.file else {
        return Ok(None);
    };
    let path = super::confine::contained(folder, file, &[folder.to_path_buf()]).map_err(|m| {
        at_field(m).with_help(
            "a field's Markdown may come from a file inside the case's folder, \
             e.g. `analysis.speech = { file = \"analysis/speech.md\" }`",
        )
    })?;
    let text = super::read_text(&path).map_err(|d| d.with_field(field))?;
    prose.text = text.to_string();
    Ok(Some(ProseFile {
        field: field.to_string(),
        path,
        text,
    }))
}
