//! Build script: rebuilds witness when the embedded templates or briefs change.

// The templates and briefs are embedded with include_dir!, which stable Rust cannot track:
// tell cargo to rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=report-templates");
    println!("cargo:rerun-if-changed=country-briefs");
}
