//! What `witness watch` watches: the files and folders the last load says it read, taken from
//! [`Inputs::dependencies`], and what it never reacts to (its own output and build folder,
//! editors' swap files).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use notify::{RecursiveMode, Watcher};

use crate::load::{self, Inputs, Workspace};

/// Files and folders whose changes matter, and folders whose changes never do.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Interest {
    files: BTreeSet<PathBuf>,
    folders: BTreeSet<PathBuf>,
    ignored: BTreeSet<PathBuf>,
}

impl Interest {
    /// What a case's rebuild depends on. When loading failed there are no inputs, and the
    /// case file and the workspace it would belong to stand in for them, so that fixing the
    /// mistake triggers the next rebuild.
    pub fn of(case: &Path, inputs: Option<&Inputs>, ignored: &[PathBuf]) -> Self {
        let mut interest = Interest {
            ignored: ignored.iter().map(|p| absolute(p)).collect(),
            ..Interest::default()
        };
        interest.files.insert(absolute(case));
        match inputs {
            Some(inputs) => {
                let dependencies = inputs.dependencies();
                interest
                    .files
                    .extend(dependencies.files.iter().map(|p| absolute(p)));
                interest
                    .folders
                    .extend(dependencies.folders.iter().map(|p| absolute(p)));
            }
            None => {
                let folder = case.parent().unwrap_or(Path::new("/"));
                // A witness.toml that does not parse yet is watched where it would be found.
                if let Some(config) = folder
                    .ancestors()
                    .map(|d| d.join(load::workspace::FILE_NAME))
                    .find(|c| c.is_file())
                {
                    interest.files.insert(absolute(&config));
                }
                if let Ok(workspace) = Workspace::discover(folder) {
                    for layers in [&workspace.briefs, &workspace.templates] {
                        if let Some(load::tree::Tree::Disk(folder)) = layers.0.first() {
                            interest.folders.insert(absolute(folder));
                        }
                    }
                }
            }
        }
        interest
    }

    /// Whether a change to `path` can change the report.
    pub fn covers(&self, path: &Path) -> bool {
        if self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        if self.files.contains(path) {
            return true;
        }
        // Editors' swap, backup and temporary files next to a brief are not inputs.
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            return false;
        }
        self.folders.iter().any(|f| path.starts_with(f))
    }

    /// What to register with the file watcher: folders, since editors replace files by
    /// renaming over them, which a watch on the file itself would lose.
    fn registrations(&self) -> BTreeMap<PathBuf, bool> {
        let mut out = BTreeMap::new();
        for file in &self.files {
            if let Some(parent) = file.parent() {
                out.entry(parent.to_path_buf()).or_insert(false);
            }
        }
        for folder in &self.folders {
            out.insert(folder.clone(), true);
        }
        out
    }

    /// The watched files and folders, for the user.
    pub fn shown(&self) -> Vec<PathBuf> {
        self.files.iter().chain(&self.folders).cloned().collect()
    }
}

/// The file watcher and what is registered with it.
pub struct Registrar {
    watcher: notify::RecommendedWatcher,
    registered: BTreeMap<PathBuf, bool>,
}

impl Registrar {
    /// Wraps a watcher with nothing registered yet.
    pub fn new(watcher: notify::RecommendedWatcher) -> Self {
        Self {
            watcher,
            registered: BTreeMap::new(),
        }
    }

    /// Registers what `interest` needs and unregisters what it no longer does.
    pub fn follow(&mut self, interest: &Interest) {
        let wanted = interest.registrations();
        for (path, _) in self
            .registered
            .iter()
            .filter(|(p, r)| wanted.get(*p) != Some(r))
        {
            let _ = self.watcher.unwatch(path);
        }
        let mut registered = BTreeMap::new();
        for (path, recursive) in wanted {
            let already = self.registered.get(&path) == Some(&recursive);
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            if already || self.watcher.watch(&path, mode).is_ok() {
                registered.insert(path, recursive);
            }
        }
        self.registered = registered;
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_files_and_output_are_not_inputs() {
        let interest = Interest {
            files: [PathBuf::from("/w/cases/a.toml")].into(),
            folders: [PathBuf::from("/w/country-briefs")].into(),
            ignored: [PathBuf::from("/w/country-briefs/out")].into(),
        };
        assert!(interest.covers(Path::new("/w/cases/a.toml")));
        assert!(!interest.covers(Path::new("/w/cases/b.toml")));
        assert!(interest.covers(Path::new("/w/country-briefs/kyrgyzstan/history.md")));
        assert!(!interest.covers(Path::new("/w/country-briefs/kyrgyzstan/.history.md.swp")));
        assert!(!interest.covers(Path::new("/w/country-briefs/kyrgyzstan/history.md~")));
        assert!(!interest.covers(Path::new("/w/country-briefs/out/x.pdf")));
        let registered = interest.registrations();
        assert_eq!(registered.get(Path::new("/w/cases")), Some(&false));
        assert_eq!(registered.get(Path::new("/w/country-briefs")), Some(&true));
    }
}
