//! Compiles, with the real typst, the Typst source made from every input of the fuzz corpora.
//!
//! The fuzz targets check that generated source *parses*; whether it also compiles (no
//! unknown function, no argument of the wrong type, no failing layout) needs typst itself,
//! which is far too slow to run inside the fuzzer. So this runs afterwards, over the inputs
//! the fuzzer kept (each one reached new code), and over the seed corpus in the repository:
//!
//! ```sh
//! cargo run --release --manifest-path fuzz/Cargo.toml --bin compile_corpus [FOLDER...]
//! ```
//!
//! Folders whose name contains `case` hold case files; any other folder holds Markdown inputs
//! (first byte: settings, the rest: the section). Without arguments it compiles the two seed
//! corpora under fuzz/corpus/. Exits non-zero if any source does not compile.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use witness::typeset::{Job, Typst};

fn main() -> ExitCode {
    let mut folders: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if folders.is_empty() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        folders = vec![corpus.join("case_parse"), corpus.join("markdown_to_typst")];
    }
    let typst = match witness::typeset::locate::locate(&Default::default()) {
        Ok(typst) => typst,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let fonts = match witness::typeset::fonts::bundled_font_folder() {
        Ok(fonts) => fonts,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };

    let started = Instant::now();
    let (mut inputs, mut compiled, mut refused, mut failures) = (0, 0, 0, Vec::new());
    for folder in &folders {
        let is_case = folder
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains("case"));
        let mut files: Vec<PathBuf> = match std::fs::read_dir(folder) {
            Ok(entries) => entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect(),
            Err(error) => {
                eprintln!("error: cannot read {}: {error}", folder.display());
                return ExitCode::FAILURE;
            }
        };
        files.sort();
        for file in files {
            let Ok(data) = std::fs::read(&file) else {
                continue;
            };
            inputs += 1;
            let source = if is_case {
                match witness_fuzz::case_to_typst(&data) {
                    Ok(source) => source,
                    Err(_) => {
                        refused += 1;
                        continue;
                    }
                }
            } else {
                let origin = file.display().to_string();
                match witness_fuzz::markdown_document(&data, &origin) {
                    Some(main) => witness_fuzz::Source {
                        main,
                        files: Vec::new(),
                    },
                    None => {
                        refused += 1;
                        continue;
                    }
                }
            };
            compiled += 1;
            if let Err(error) = compile(&typst, &fonts, &source) {
                eprintln!("FAIL {}:\n  {error:#}", file.display());
                failures.push(file);
            }
        }
    }
    println!(
        "{inputs} inputs: {compiled} compiled with typst {}, {refused} refused with an error \
         (case) or not UTF-8 (Markdown), {} failed, in {:.1} s",
        typst.version,
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn compile(typst: &Typst, fonts: &Path, source: &witness_fuzz::Source) -> anyhow::Result<()> {
    let build = tempfile::tempdir()?;
    std::fs::write(build.path().join("main.typ"), &source.main)?;
    for (name, bytes) in &source.files {
        std::fs::write(build.path().join(name), bytes)?;
    }
    let output = build.path().join("out.pdf");
    let settings = witness::typeset::Settings {
        creation_timestamp: 0,
        font_paths: vec![fonts.to_path_buf()],
        pdf_standards: Vec::new(),
    };
    typst.compile(&Job {
        build_folder: build.path(),
        main: "main.typ",
        output: &output,
        settings: &settings,
        timeout: Duration::from_secs(60),
        kept: false,
    })?;
    Ok(())
}
