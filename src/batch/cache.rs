//! What the cases of a batch share (workspace, catalogue, briefs, profiles, templates), read
//! once per batch.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::assemble::Template;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{self, Brief, CaseFile, Catalogue, Inputs, Profile, Workspace};
use crate::pipeline;

/// The parts of a render that cases share, each read once per batch and handed out as copies
/// (cheap: the texts inside are reference-counted). Keys name the workspace by its
/// witness.toml (`None`: the built-in folders), since that decides every folder read.
#[derive(Default)]
pub struct Cache {
    workspaces: Memo<PathBuf, Workspace>,
    catalogues: Memo<Option<PathBuf>, Catalogue>,
    briefs: Memo<(Option<PathBuf>, String), Brief, Diagnostics>,
    profiles: Memo<(Option<PathBuf>, String), Profile>,
    templates: Memo<(Option<PathBuf>, String), Arc<Template>>,
}

impl Cache {
    /// The case's compiled report template.
    pub fn template(&self, inputs: &Inputs) -> Result<Arc<Template>, Diagnostic> {
        let key = (
            inputs.workspace.config_path.clone(),
            inputs.case.case.report.template_name().to_string(),
        );
        self.templates
            .get(key, || pipeline::load_template(inputs).map(Arc::new))
    }

    /// How many times each shared part was actually read: workspaces, catalogues, briefs,
    /// profiles, templates. For tests, and to see that a batch reads each part once.
    pub fn loads(&self) -> [usize; 5] {
        [
            self.workspaces.loads(),
            self.catalogues.loads(),
            self.briefs.loads(),
            self.profiles.loads(),
            self.templates.loads(),
        ]
    }
}

impl load::Shared for Cache {
    fn workspace(&self, case: &CaseFile) -> Result<Workspace, Diagnostic> {
        let folder = std::path::absolute(case.folder()).unwrap_or_else(|_| case.folder().into());
        self.workspaces
            .get(folder, || Workspace::discover(case.folder()))
    }

    fn catalogue(&self, workspace: &Workspace) -> Result<Catalogue, Diagnostic> {
        self.catalogues.get(workspace.config_path.clone(), || {
            Catalogue::read(&workspace.briefs)
        })
    }

    fn brief(&self, case: &CaseFile, workspace: &Workspace) -> Result<Brief, Diagnostics> {
        let key = (
            workspace.config_path.clone(),
            case.case.report.country.clone(),
        );
        self.briefs.get(key, || load::load_brief(case, workspace))
    }

    fn profile(&self, case: &CaseFile, workspace: &Workspace) -> Result<Profile, Diagnostic> {
        let key = (
            workspace.config_path.clone(),
            case.case.report.jurisdiction.clone(),
        );
        self.profiles
            .get(key, || Profile::read(&workspace.templates, case))
    }
}

/// Values computed once per key, even when several threads ask at once (the others wait).
///
/// Only successes are kept. Many errors are located in the case that asked (an unknown
/// country points at that case's `report.country`), so after a failure each later case loads
/// again and gets an error in its own file; failures are rare and cheap to repeat.
struct Memo<K, V, E = Diagnostic> {
    cells: Mutex<HashMap<K, Arc<OnceLock<Option<V>>>>>,
    loads: AtomicUsize,
    error: std::marker::PhantomData<E>,
}

impl<K, V, E> Default for Memo<K, V, E> {
    fn default() -> Self {
        Self {
            cells: Mutex::new(HashMap::new()),
            loads: AtomicUsize::new(0),
            error: std::marker::PhantomData,
        }
    }
}

impl<K: Eq + Hash, V: Clone, E> Memo<K, V, E> {
    fn get(&self, key: K, load: impl Fn() -> Result<V, E>) -> Result<V, E> {
        let load = || {
            self.loads.fetch_add(1, Ordering::Relaxed);
            load()
        };
        // The map's lock is held only to find the cell, so loads of different keys run in parallel.
        let cell = self
            .cells
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_default()
            .clone();
        let mut error = None;
        let value = cell.get_or_init(|| load().map_err(|e| error = Some(e)).ok());
        match (value, error) {
            (Some(value), _) => Ok(value.clone()),
            (None, Some(error)) => Err(error),
            (None, None) => load(),
        }
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn memo_loads_once_and_retries_after_a_failure() {
        let memo: Memo<&str, u32> = Memo::default();
        assert_eq!(memo.get("a", || Ok(1)).unwrap(), 1);
        assert_eq!(
            memo.get("a", || Ok(2)).unwrap(),
            1,
            "the first value is kept"
        );
        assert_eq!(memo.loads(), 1);

        let fail = || Err(Diagnostic::error("x", "broken"));
        assert!(memo.get("b", fail).is_err());
        // Each later asker loads again, to get an error located in its own file.
        let again = memo.get("b", || Err(Diagnostic::error("y", "broken here")));
        assert_eq!(again.unwrap_err().file, std::path::Path::new("y"));
        assert_eq!(memo.loads(), 3);
    }

    #[test]
    fn memo_loads_once_when_threads_ask_together() {
        let memo: Memo<u8, u8> = Memo::default();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    memo.get(0, || {
                        std::thread::sleep(Duration::from_millis(20));
                        Ok(7)
                    })
                });
            }
        });
        assert_eq!(memo.loads(), 1);
    }

    #[test]
    fn a_batch_reads_each_shared_part_once() {
        let case = CaseFile::read(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("examples/kyrgyzstan-journalist/case.toml"),
        )
        .unwrap();
        let cache = Cache::default();
        for _ in 0..3 {
            let inputs = load::load_case(case.clone(), &cache).unwrap();
            cache.template(&inputs).unwrap();
        }
        assert_eq!(cache.loads(), [1, 1, 1, 1, 1]);
    }
}
