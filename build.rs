//! Generates the payload types from `schemas/` into `OUT_DIR/<provider>.rs`.

#[path = "src/codegen.rs"]
mod codegen;

use std::path::{Path, PathBuf};

fn main() {
    let schema_dir = Path::new("schemas");
    println!("cargo:rerun-if-changed=schemas");
    println!("cargo:rerun-if-changed=src/codegen.rs");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let generated = match codegen::generate(schema_dir) {
        Ok(generated) => generated,
        Err(e) => {
            // One readable line that names the file, instead of a panic trace.
            println!("cargo:warning=vidapi schema error: {e}");
            eprintln!("error: vidapi schema error: {e}");
            std::process::exit(1);
        }
    };
    // Each schema file with its cross-file references resolved: what the
    // registry embeds for `vidapi drift`.
    let resolved_dir = out_dir.join("resolved");
    if let Err(e) = codegen::write_resolved(&generated, &resolved_dir) {
        eprintln!("error: cannot write the resolved schemas: {e}");
        std::process::exit(1);
    }
    let registry = codegen::registry(&generated, &resolved_dir);
    if let Err(e) = std::fs::write(out_dir.join("registry.rs"), registry) {
        eprintln!("error: cannot write the schema registry: {e}");
        std::process::exit(1);
    }
    // Strict twins of the types, for the benchmarks only (never compiled
    // into the library): `benches/decode.rs` includes them from OUT_DIR and
    // requires the `bench-strict` feature, so every other build skips this
    // second generator run.
    if std::env::var_os("CARGO_FEATURE_BENCH_STRICT").is_some() {
        match codegen::generate_strict(schema_dir) {
            Ok(strict) => {
                for provider in strict {
                    let out = out_dir.join(format!("strict-{}.rs", provider.provider));
                    if let Err(e) = std::fs::write(&out, provider.code) {
                        eprintln!("error: cannot write {}: {e}", out.display());
                        std::process::exit(1);
                    }
                }
            }
            Err(e) => {
                eprintln!("error: vidapi schema error (strict types): {e}");
                std::process::exit(1);
            }
        }
    }
    for provider in generated {
        for warning in &provider.warnings {
            println!("cargo:warning=vidapi schema: {warning}");
        }
        for input in &provider.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let out = out_dir.join(format!("{}.rs", provider.provider));
        if let Err(e) = std::fs::write(&out, provider.code) {
            eprintln!("error: cannot write {}: {e}", out.display());
            std::process::exit(1);
        }
    }
}
