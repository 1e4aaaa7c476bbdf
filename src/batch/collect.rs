//! Which case files a run's arguments name: files, folders and globs, sorted, each once.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

/// The file name a folder argument is searched for.
pub const CASE_FILE: &str = "case.toml";

/// The case files the arguments name: a file as given, every `case.toml` below a folder, and
/// the matches of a glob pattern that reached witness unexpanded (quoted, or from a script).
///
/// The result is sorted by absolute path and holds each file once however often it was
/// named, so the set, and with it every shard, does not depend on argument order or on the
/// order a file system lists folders in. A name that matches nothing is an error here, before
/// anything runs; a file that exists but is not a valid case fails later, on its own.
pub fn collect(arguments: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for argument in arguments {
        if argument.is_dir() {
            let before = found.len();
            find_case_files(argument, &mut found)
                .with_context(|| format!("cannot search {}", argument.display()))?;
            if found.len() == before {
                bail!(
                    "no case file in {} or below it (a {CASE_FILE}, or a .toml file with a [report] table)",
                    argument.display()
                );
            }
        } else if argument.exists() {
            found.push(argument.clone());
        } else if is_glob(argument) {
            let pattern = argument.to_string_lossy();
            // As in a shell: `*` does not match a leading dot, so hidden folders stay hidden.
            let options = glob::MatchOptions {
                require_literal_leading_dot: true,
                ..glob::MatchOptions::new()
            };
            let matches = glob::glob_with(&pattern, options)
                .map_err(|e| anyhow!("invalid pattern `{pattern}`: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("cannot search for `{pattern}`"))?;
            if matches.is_empty() {
                bail!("no file matches `{pattern}`");
            }
            for path in matches {
                if path.is_dir() {
                    find_case_files(&path, &mut found)
                        .with_context(|| format!("cannot search {}", path.display()))?;
                } else {
                    found.push(path);
                }
            }
        } else {
            bail!("{} does not exist", argument.display());
        }
    }
    let mut keyed: Vec<(PathBuf, PathBuf)> = found
        .into_iter()
        .map(|path| {
            (
                std::path::absolute(&path).unwrap_or_else(|_| path.clone()),
                path,
            )
        })
        .collect();
    keyed.sort();
    // Two spellings of one file (`a/case.toml`, `./a/../a/case.toml`, a symlink) are one case.
    let mut seen = std::collections::HashSet::new();
    keyed.retain(|(absolute, _)| {
        seen.insert(std::fs::canonicalize(absolute).unwrap_or(absolute.clone()))
    });
    Ok(keyed.into_iter().map(|(_, path)| path).collect())
}

/// Whether a `.toml` file is a case file: it has a `[report]` table, which no other file of a
/// workspace (witness.toml, brief.toml, catalogue.toml, a jurisdiction profile) has.
fn is_case_file(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "toml") {
        return false;
    }
    // Only the start is read: a case file's [report] table comes first, and a large
    // unrelated file is not read whole.
    let mut head = [0u8; 16 * 1024];
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let read = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    String::from_utf8_lossy(&head[..read])
        .lines()
        .any(|line| line.trim() == "[report]")
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Every case file below `folder`: each `case.toml` (one folder per case), and each other
/// `.toml` file that opens a `[report]` table (the `cases/NAME.toml` that `witness new`
/// writes). Hidden folders (`.git`, witness's own `.witness-build-*`) are skipped, and
/// symlinked folders are not followed, so a link cannot make a loop.
fn find_case_files(folder: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            find_case_files(&path, found)?;
        } else if path.is_file() && (name == CASE_FILE || is_case_file(&path)) {
            found.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_finds_case_files_below_folders_sorted_and_once() {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["b", "a/deep", ".hidden", "c"] {
            std::fs::create_dir_all(dir.path().join(folder)).unwrap();
            std::fs::write(dir.path().join(folder).join(CASE_FILE), "").unwrap();
        }
        std::fs::write(dir.path().join("c/other.toml"), "").unwrap();
        // The layout `witness init` and `witness new` write: cases/NAME.toml beside witness.toml.
        std::fs::create_dir_all(dir.path().join("ws/cases")).unwrap();
        std::fs::write(dir.path().join("ws/cases/smith.toml"), "# new\n[report]\n").unwrap();
        std::fs::write(dir.path().join("ws/witness.toml"), "[expert]\n").unwrap();
        let found = collect(&[
            dir.path().join("c/other.toml"),
            dir.path().to_path_buf(),
            dir.path().join("b/case.toml"),
            dir.path().join("a/./deep/case.toml"),
        ])
        .unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "a/deep/case.toml",
                "b/case.toml",
                "c/case.toml",
                "c/other.toml",
                "ws/cases/smith.toml"
            ]
        );

        let globbed = collect(&[dir.path().join("*/case.toml")]).unwrap();
        assert_eq!(globbed.len(), 2, "{globbed:?}");

        let empty = tempfile::tempdir().unwrap();
        let error = collect(&[empty.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("no case file in"), "{error}");
        let error = collect(&[dir.path().join("missing.toml")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("does not exist"), "{error}");
        let error = collect(&[dir.path().join("nothing-*.toml")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("no file matches"), "{error}");
    }
}
