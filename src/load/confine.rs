//! Confinement: the one rule for which files witness may read or write on behalf of an input
//! file. A path a case or witness.toml names must lie inside the case's folder or the
//! workspace once `..` and symbolic links are resolved, so no input can pull other files
//! into a report or send output elsewhere.

use std::path::{Path, PathBuf};

/// Whether `path`, relative to `root` (or absolute), lies inside `root` once symbolic links
/// are followed. Unlike [`contained`] the path need not exist yet (an output folder is made
/// on first use): the part that exists is resolved on disk, the rest by its names, so
/// neither `..` nor a link to elsewhere can lead out.
pub fn lies_inside(root: &Path, path: &Path) -> bool {
    use std::path::Component;
    let Ok(root) = root.canonicalize() else {
        return false;
    };
    let mut resolved = root.clone();
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved = PathBuf::from("/"),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    resolved.starts_with(&root)
}

/// `relative` resolved against `base`, if it exists and lies inside one of `allowed`
/// (after following symbolic links, so a link cannot point outside).
pub fn contained(base: &Path, relative: &Path, allowed: &[PathBuf]) -> Result<PathBuf, String> {
    let joined = base.join(relative);
    let real = joined
        .canonicalize()
        .map_err(|e| format!("cannot open `{}`: {e}", relative.display()))?;
    let inside = allowed
        .iter()
        .filter_map(|root| root.canonicalize().ok())
        .any(|root| real.starts_with(root));
    if !inside {
        return Err(format!(
            "`{}` lies outside the case's folder and workspace; witness only reads files from there",
            relative.display()
        ));
    }
    if !real.is_file() {
        return Err(format!("`{}` is not a file", relative.display()));
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lies_inside_follows_links_and_judges_missing_paths_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir(&root).unwrap();
        assert!(lies_inside(&root, Path::new("out")));
        assert!(lies_inside(&root, Path::new("out/../still/in")));
        assert!(lies_inside(&root, &root.join("abs-inside")));
        assert!(!lies_inside(&root, Path::new("../ws-sibling")));
        assert!(!lies_inside(&root, Path::new("out/../../x")));
        assert!(!lies_inside(&root, Path::new("/etc")));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
            assert!(!lies_inside(&root, Path::new("link")));
            assert!(!lies_inside(&root, Path::new("link/new-folder")));
        }
    }

    #[test]
    fn paths_outside_the_allowed_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let case = dir.path().join("case");
        std::fs::create_dir(&case).unwrap();
        std::fs::write(case.join("cv.md"), "CV").unwrap();
        std::fs::write(dir.path().join("secret.md"), "no").unwrap();
        let allowed = [case.clone()];
        assert!(contained(&case, Path::new("cv.md"), &allowed).is_ok());
        assert!(
            contained(&case, Path::new("../secret.md"), &allowed)
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            contained(&case, Path::new("/etc/passwd"), &allowed)
                .unwrap_err()
                .contains("outside")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.md"), case.join("link.md")).unwrap();
            assert!(
                contained(&case, Path::new("link.md"), &allowed)
                    .unwrap_err()
                    .contains("outside")
            );
        }
    }
}
