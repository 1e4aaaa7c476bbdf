//! Finding the pinned typst CLI, and installing it once when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The typst-cli version witness's templates are written and tested against.
pub const PINNED_VERSION: &str = "0.15.1";
const PINNED_SERIES: &str = "0.15.";

/// Where the typst binary came from, for `doctor` and provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// `--typst PATH`.
    Flag,
    /// `WITNESS_TYPST`.
    Environment,
    /// `typst` on `PATH`.
    SearchPath,
    /// witness's own copy, installed by an earlier run.
    DataFolder,
    /// witness's own copy, installed by this run.
    Installed,
}

/// A typst binary witness can run, and its version.
#[derive(Debug, Clone)]
pub struct Typst {
    /// The binary.
    pub path: PathBuf,
    /// As `typst --version` gives it, such as `0.15.1`.
    pub version: String,
    /// Where it was found.
    pub origin: Origin,
}

/// How to find typst, from the command line and the environment.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--typst PATH`.
    pub explicit: Option<PathBuf>,
    /// `--no-install` or WITNESS_NO_INSTALL=1: never run cargo install.
    pub no_install: bool,
}

/// witness's data folder: WITNESS_DATA_DIR, else the platform's local data folder.
pub fn data_folder() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("WITNESS_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_local_dir()
        .map(|d| d.join("witness"))
        .context("cannot tell where the data folder is: set WITNESS_DATA_DIR")
}

fn install_root() -> Result<PathBuf> {
    Ok(data_folder()?.join(format!("typst-{PINNED_VERSION}")))
}

fn installed_binary() -> Result<PathBuf> {
    Ok(install_root()?
        .join("bin")
        .join(format!("typst{}", std::env::consts::EXE_SUFFIX)))
}

/// Finds typst: --typst, WITNESS_TYPST, `typst` on PATH, the data folder; else installs it.
pub fn locate(options: &Options) -> Result<Typst> {
    if let Some(path) = &options.explicit {
        return checked(path, Origin::Flag).with_context(|| format!("--typst {}", path.display()));
    }
    if let Some(path) = std::env::var_os("WITNESS_TYPST").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        return checked(&path, Origin::Environment)
            .with_context(|| format!("WITNESS_TYPST={}", path.display()));
    }
    if let Some(path) = find_on_path("typst") {
        return checked(&path, Origin::SearchPath);
    }
    let installed = installed_binary()?;
    if installed.is_file() {
        return Ok(Typst {
            path: installed,
            version: PINNED_VERSION.to_string(),
            origin: Origin::DataFolder,
        });
    }
    let no_install = options.no_install
        || std::env::var_os("WITNESS_NO_INSTALL").is_some_and(|v| v != "0" && !v.is_empty());
    if no_install {
        bail!(
            "typst {PINNED_VERSION} is not installed, and installing was turned off\n  \
             help: install it with `cargo install --locked typst-cli --version {PINNED_VERSION}`, \
             then put it on PATH or pass --typst PATH (or set WITNESS_TYPST)"
        );
    }
    install()
}

/// Runs `typst --version` to learn the version, warning outside the pinned series.
fn checked(path: &Path, origin: Origin) -> Result<Typst> {
    let output = Command::new(path)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run typst at {}", path.display()))?;
    if !output.status.success() {
        bail!(
            "`{} --version` failed: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("unknown")
        .to_string();
    if !version.starts_with(PINNED_SERIES) {
        eprintln!(
            "warning: {} is typst {version}; witness is tested with {PINNED_VERSION} and the report may differ",
            path.display()
        );
    }
    Ok(Typst {
        path: path.to_path_buf(),
        version,
        origin,
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
}

/// The cargo that installs typst: `CARGO` (set when witness runs under cargo), else `cargo`.
fn cargo() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "cargo".into())
}

/// Whether witness could install typst when it is missing: cargo runs.
pub fn can_install() -> bool {
    Command::new(cargo())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Installs the pinned typst into the data folder with cargo, once, under a file lock so that
/// parallel runs (and parallel tests) wait for one install instead of racing.
fn install() -> Result<Typst> {
    let root = install_root()?;
    let binary = installed_binary()?;
    let data = data_folder()?;
    std::fs::create_dir_all(&data).with_context(|| format!("cannot create {}", data.display()))?;
    let lock_path = data.join(format!("typst-{PINNED_VERSION}.lock"));
    let lock = std::fs::File::create(&lock_path)
        .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        eprintln!(
            "witness: waiting for another witness process to finish installing typst {PINNED_VERSION}..."
        );
        lock.lock().context("cannot lock the typst install")?;
    }
    if !binary.is_file() {
        eprintln!(
            "witness: typst {PINNED_VERSION} was not found, so witness is installing it into {} with cargo.\n\
             witness: this compiles typst from source and takes several minutes, once.",
            root.display()
        );
        let cargo = cargo();
        let status = Command::new(&cargo)
            .args([
                "install",
                "--locked",
                "typst-cli",
                "--version",
                PINNED_VERSION,
            ])
            .args([
                "--no-default-features",
                "--features",
                "embedded-fonts",
                "--root",
            ])
            .arg(&root)
            .status()
            .with_context(|| {
                format!(
                    "cannot run `{}`: witness needs cargo (the Rust toolchain) to install typst, \
                     or pass --typst PATH to a typst {PINNED_VERSION} binary",
                    cargo.display()
                )
            })?;
        if !status.success() || !binary.is_file() {
            bail!(
                "`cargo install typst-cli --version {PINNED_VERSION}` failed ({status})\n  \
                 help: run it by hand to see why, then retry"
            );
        }
        eprintln!(
            "witness: installed typst {PINNED_VERSION} at {}",
            binary.display()
        );
    }
    drop(lock);
    Ok(Typst {
        path: binary,
        version: PINNED_VERSION.to_string(),
        origin: Origin::Installed,
    })
}
