//! A brief's authorities (authorities.toml): the Upper Tribunal's country guidance decisions
//! and the Home Office's Country Policy and Information Notes on the country, each cited
//! like a source (its key is a bibliography entry), with the issues it decides and whether
//! it is still current.

use serde::Deserialize;

use super::toml_file::{self, Date};
use super::tree::Tree;
use crate::diagnostic::Diagnostic;

/// The file in a brief's folder that lists its authorities; a brief without it has none.
pub const AUTHORITIES_FILE: &str = "authorities.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthoritiesFile {
    #[serde(default)]
    authorities: Vec<Authority>,
}

/// One country guidance decision or CPIN.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// Its key in the brief's bibliography: cited as `[@key]`, named by a case's position.
    pub key: String,
    /// A country guidance decision, or a CPIN.
    pub kind: AuthorityKind,
    /// The neutral citation, as printed: `MK (Risk – Political Opinion) Kyrgyzstan CG [2004]
    /// UKIAT 00063`, or a CPIN's title and version.
    pub citation: String,
    /// When it was promulgated or published.
    pub date: Date,
    /// The catalogue topics whose issues it decides: a report on any of them must say where
    /// it stands (E170).
    pub topics: Vec<String>,
    /// What it decides, as a clause: "the risk on return to members of opposition parties".
    pub decides: String,
    /// Whether it is still the guidance in force.
    pub status: AuthorityStatus,
    /// For a superseded one, the key of what replaced it (or its citation, if the brief does
    /// not list it).
    pub superseded_by: Option<String>,
}

/// What kind of authority an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorityKind {
    /// An Upper Tribunal (or earlier IAT) country guidance decision: authoritative on the
    /// issues it decides (Practice Direction 12; SG (Iraq) [2012] EWCA Civ 940).
    CountryGuidance,
    /// A Home Office Country Policy and Information Note: the Respondent's country information.
    Cpin,
}

/// Whether an authority is still in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthorityStatus {
    /// The guidance in force.
    Current,
    /// Replaced; `superseded_by` names the successor.
    Superseded,
}

/// A brief's authorities, with the file they were read from.
#[derive(Debug, Clone, Default)]
pub struct Authorities {
    /// The entries, in file order.
    pub list: Vec<Authority>,
    /// The file's path and text, for locating findings; `None` when the brief has none.
    pub source: Option<super::tree::SourceText>,
}

impl Authorities {
    /// Reads authorities.toml from the brief's folder, if it has one.
    pub fn read(folder: &Tree) -> Result<Self, Diagnostic> {
        let Some(source) = folder.read_text(AUTHORITIES_FILE)? else {
            return Ok(Self::default());
        };
        let file: AuthoritiesFile = toml_file::parse(&source.path, &source.text)?;
        Ok(Self {
            list: file.authorities,
            source: Some(source),
        })
    }

    /// The current country guidance decisions on any of `topics`: those a report on them
    /// must say where it stands on (E170), and that `witness new` offers a block for.
    pub fn binding<'a>(&'a self, topics: &'a [String]) -> impl Iterator<Item = &'a Authority> {
        self.list.iter().filter(|a| {
            a.kind == AuthorityKind::CountryGuidance
                && a.status == AuthorityStatus::Current
                && a.topics.iter().any(|t| topics.contains(t))
        })
    }

    /// The authority with bibliography key `key`.
    pub fn get(&self, key: &str) -> Option<&Authority> {
        self.list.iter().find(|a| a.key == key)
    }
}
