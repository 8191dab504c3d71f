//! The generated registry: every schema file's root type, by provider and
//! type name, for `vidapi drift` and the tools that take a type by name.
//!
//! It names every provider's generated types, so it sits above the
//! providers (and the [`drift`](crate::drift) machinery it drives sits below
//! them): `build.rs` writes the table and the [`Observed`](crate::drift::Observed)
//! impl of each root type into `OUT_DIR/registry.rs`, included here.

use crate::drift::{CheckError, Finding, Type};

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Every root type of every schema, as `(provider, type)`, in file order.
pub fn types() -> impl Iterator<Item = (&'static str, &'static str)> {
    ROOTS.iter().map(|r| (r.provider(), r.title()))
}

/// The schema file a root type comes from, relative to `schemas/`.
pub fn schema_file(provider: &str, type_name: &str) -> Option<String> {
    ROOTS
        .iter()
        .find(|r| r.provider() == provider && r.title() == type_name)
        .map(|r| format!("{}/{}", r.provider(), r.file()))
}

/// The generated type `type_name` of `provider` (the schema folder and the
/// schema's `title`). `Video[]` stands for a bare array of `Video`, as Hour
/// One's list answers. An unknown name is an error listing the valid ones.
pub fn find(provider: &str, type_name: &str) -> Result<Type, CheckError> {
    let mut providers: Vec<String> = ROOTS.iter().map(|r| r.provider().to_owned()).collect();
    providers.dedup();
    if !providers.iter().any(|p| p == provider) {
        return Err(CheckError::UnknownProvider {
            given: provider.to_owned(),
            known: providers,
        });
    }
    let (name, list) = match type_name.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (type_name, false),
    };
    let root = ROOTS
        .iter()
        .find(|r| r.provider() == provider && r.title() == name)
        .ok_or_else(|| CheckError::UnknownType {
            provider: provider.to_owned(),
            given: type_name.to_owned(),
            known: ROOTS
                .iter()
                .filter(|r| r.provider() == provider)
                .map(|r| r.title().to_owned())
                .collect(),
        })?;
    Ok(Type::new(root, list))
}

/// Decodes `json` as the generated type `type_name` of `provider` and
/// returns the drift it shows: [`find`], then [`Type::check`].
pub fn check(provider: &str, type_name: &str, json: &[u8]) -> Result<Vec<Finding>, CheckError> {
    find(provider, type_name)?.check(json)
}
