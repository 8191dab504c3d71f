//! Schema → Rust generator, shared by `build.rs` and the codegen tests.
//!
//! This file is not a module of the library: `build.rs` and `tests/codegen.rs`
//! each include it with `#[path]`, so the generator stays a plain function that
//! tests can run on a temporary directory while the shipped crate carries no
//! code-generation dependencies.
//!
//! Every sub-directory of the schema folder is one provider and becomes one
//! Rust file (one typify `TypeSpace`) named after it. Every `*.json` file in it
//! is a draft-07 schema whose `title` names the root type.

use std::fmt;
use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use schemars::schema::RootSchema;

// The library's own resolver (`vidapi::schema::resolve`), included by path
// so the build script reads schemas exactly as the tools do. In the
// library's unit tests this file is a module too, so the resolver is loaded
// twice there.
#[path = "schema/resolve.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod resolve;
use typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

/// Schema definitions that are not generated but mapped onto the tolerant,
/// hand-written types of `vidapi::wire` (what they are: `src/wire.rs`'s
/// module docs): the definition name and the Rust path it becomes.
const TOLERANT: &[(&str, &str)] = &[
    ("FlexText", "crate::wire::FlexText"),
    ("FlexInt", "crate::wire::FlexInt"),
    ("FlexNumber", "crate::wire::FlexNumber"),
    ("FlexBool", "crate::wire::FlexBool"),
    ("NullableText", "crate::wire::NullableText"),
];

/// The plain Rust type each tolerant definition stands for on the wire, for
/// [`generate_strict`].
const STRICT: &[(&str, &str)] = &[
    ("FlexText", "::std::string::String"),
    ("FlexInt", "i64"),
    ("FlexNumber", "f64"),
    ("FlexBool", "bool"),
    ("NullableText", "::std::string::String"),
];

/// Generated Rust source of one provider.
#[derive(Debug)]
pub struct Generated {
    /// The provider folder's name, also the output file's stem.
    pub provider: String,
    /// Every schema file that fed this provider, for `rerun-if-changed`.
    pub inputs: Vec<PathBuf>,
    /// Formatted Rust source.
    pub code: String,
    /// The root type of each schema file, in file order.
    pub roots: Vec<RootType>,
    /// Problems that do not stop the build (none today: a second copy of a
    /// definition is an error).
    pub warnings: Vec<String>,
}

/// The type a schema file's root becomes.
#[derive(Debug)]
pub struct RootType {
    /// The schema file.
    pub file: PathBuf,
    /// The Rust type's name (typify's spelling of the `title`).
    pub rust_name: String,
    /// The file resolved (every reference made local): what `vidapi drift`
    /// checks payloads against.
    pub resolved: String,
}

/// Why a schema could not be turned into Rust; always names the file.
#[derive(Debug)]
pub struct SchemaError {
    /// The offending file (or folder, for I/O errors on it).
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for SchemaError {}

fn fail(path: &Path, problem: impl Into<String>) -> SchemaError {
    SchemaError {
        path: path.to_path_buf(),
        problem: problem.into(),
    }
}

/// Generates one Rust module's source per provider folder under `schema_dir`.
pub fn generate(schema_dir: &Path) -> Result<Vec<Generated>, SchemaError> {
    generate_with(schema_dir, &settings(TOLERANT, true))
}

/// The same types as [`generate`], with every tolerant definition mapped to
/// its plain wire type instead (`FlexText` → `String`, `FlexInt` → `i64`,
/// …): strict serde structs with the same fields, which fail on the first
/// value of another type. Not part of the library: the benchmarks measure
/// the tolerant types against them.
pub fn generate_strict(schema_dir: &Path) -> Result<Vec<Generated>, SchemaError> {
    generate_with(schema_dir, &settings(STRICT, false))
}

fn generate_with(
    schema_dir: &Path,
    settings: &TypeSpaceSettings,
) -> Result<Vec<Generated>, SchemaError> {
    let mut providers = sorted_entries(schema_dir)?
        .into_iter()
        .filter(|p| p.is_dir())
        .collect::<Vec<_>>();
    providers.sort();
    providers
        .iter()
        .map(|dir| generate_provider(dir, settings))
        .collect()
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, SchemaError> {
    let entries = fs::read_dir(dir).map_err(|e| fail(dir, format!("cannot read folder: {e}")))?;
    let mut paths = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(dir, format!("cannot read folder: {e}")))?;
    paths.sort();
    Ok(paths)
}

fn settings(replacements: &[(&str, &str)], partial_eq: bool) -> TypeSpaceSettings {
    // No struct builders: typify derives `Default` for every struct whose
    // fields are all optional (every request schema is), and the project
    // builds request values as `Type { field, ..Default::default() }`. Unlike
    // typify's builder style this adds no generated code, cannot fail at run
    // time (`try_into`) and keeps the plain struct callers already use, while
    // a property `vidapi schema update` adds still compiles unchanged.
    let mut settings = TypeSpaceSettings::default();
    if partial_eq {
        settings.with_derive("PartialEq".to_string());
    }
    for (name, path) in replacements {
        settings.with_replacement(
            *name,
            *path,
            [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr].into_iter(),
        );
    }
    settings
}

fn generate_provider(dir: &Path, settings: &TypeSpaceSettings) -> Result<Generated, SchemaError> {
    let provider = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| fail(dir, "provider folder name is not UTF-8"))?
        .to_string();
    let json_files = |folder: &Path| -> Result<Vec<PathBuf>, SchemaError> {
        Ok(sorted_entries(folder)?
            .into_iter()
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
            .collect())
    };
    let inputs = json_files(dir)?;
    if inputs.is_empty() {
        return Err(fail(dir, "provider folder holds no *.json schema"));
    }
    // The shared files beside the provider folders (`schemas/flex.json`):
    // definitions every provider refers to, never types of their own.
    let shared_files = json_files(dir.parent().unwrap_or(Path::new(".")))?;

    // One definition, one place: a second copy of a definition anywhere in
    // what this module reads is refused, naming both files.
    let mut raw = Vec::new();
    for path in shared_files.iter().chain(&inputs) {
        raw.push((
            path.clone(),
            read_schema_value(path)?,
            shared_files.contains(path),
        ));
    }
    resolve::one_place(&raw).map_err(|problem| fail(dir, problem))?;

    // Every file is resolved (cross-file references copied in as local
    // definitions) and checked as the readers of schemas see it.
    let mut documents = Vec::new();
    for path in &inputs {
        let resolved = resolve::resolve_file(path).map_err(|problem| fail(path, problem))?;
        check_resolved(path, &resolved.value)?;
        documents.push((path, resolved));
    }
    // A definition by name, once: the same name always means the same
    // definition here (`one_place` and the resolver see to it).
    let mut definitions: Vec<(String, (&PathBuf, serde_json::Value))> = Vec::new();
    for (path, resolved) in &documents {
        let Some(defs) = resolved
            .value
            .get("definitions")
            .and_then(|d| d.as_object())
        else {
            continue;
        };
        for (name, schema) in defs {
            match definitions.iter().find(|(n, _)| n == name) {
                None => definitions.push((name.clone(), (*path, schema.clone()))),
                Some((_, (first, earlier))) if earlier != schema => {
                    return Err(fail(
                        path,
                        format!(
                            "definitions/{name} resolves differently here and in {}",
                            first.display()
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    // Files whose root another file refers to: their root type is that
    // definition.
    let root_shared = |path: &Path| -> Option<String> {
        let me = resolve::absolute(path);
        documents.iter().find_map(|(_, other)| {
            other
                .imported
                .iter()
                .find(|(_, origin)| origin.file == me && origin.pointer.is_empty())
                .map(|(name, _)| name.clone())
        })
    };

    let mut space = TypeSpace::new(settings);
    let typed = definitions
        .iter()
        .map(|(name, (path, schema))| {
            serde_json::from_value::<schemars::schema::Schema>(schema.clone())
                .map(|schema| (name.clone(), schema))
                .map_err(|e| {
                    fail(
                        path,
                        format!("definitions/{name}: not a draft-07 JSON Schema: {e}"),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let added = catch_unwind(AssertUnwindSafe(|| space.add_ref_types(typed)));
    match added {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(fail(dir, format!("typify rejected a definition: {e}"))),
        Err(panic) => {
            return Err(fail(
                dir,
                format!(
                    "typify could not convert the definitions: {}",
                    panic_text(&panic)
                ),
            ));
        }
    }
    let mut roots = Vec::new();
    for (path, resolved) in &documents {
        let resolved_text = format!(
            "{}\n",
            serde_json::to_string_pretty(&resolved.value).unwrap_or_default()
        );
        if let Some(name) = root_shared(path) {
            if !space.iter_types().any(|t| t.name() == name) {
                return Err(fail(
                    path,
                    format!("typify lost the shared root type {name}"),
                ));
            }
            roots.push(RootType {
                file: (*path).clone(),
                rust_name: name,
                resolved: resolved_text,
            });
            continue;
        }
        let mut value = resolved.value.clone();
        if let Some(map) = value.as_object_mut() {
            map.remove("definitions");
        }
        let root: RootSchema = serde_json::from_value(value)
            .map_err(|e| fail(path, format!("not a draft-07 JSON Schema: {e}")))?;
        // typify panics on some schema shapes; turn that into an error that
        // names the file rather than a build script backtrace.
        let added = catch_unwind(AssertUnwindSafe(|| space.add_root_schema(root)));
        match added {
            Ok(Ok(Some(id))) => {
                let rust_name = space
                    .get_type(&id)
                    .map_err(|e| fail(path, format!("typify lost the root type: {e}")))?
                    .name();
                roots.push(RootType {
                    file: (*path).clone(),
                    rust_name,
                    resolved: resolved_text,
                });
            }
            Ok(Ok(None)) => return Err(fail(path, "root schema has no `title` to name its type")),
            Ok(Err(e)) => return Err(fail(path, format!("typify rejected the schema: {e}"))),
            Err(panic) => {
                return Err(fail(
                    path,
                    format!(
                        "typify could not convert the schema: {}",
                        panic_text(&panic)
                    ),
                ));
            }
        }
    }

    let tokens = catch_unwind(AssertUnwindSafe(|| space.to_stream()))
        .map_err(|_| fail(dir, "typify failed while emitting the provider's types"))?;
    let mut file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| fail(dir, format!("generated code does not parse: {e}")))?;
    distinct_field_names(&mut file.items);
    let mut all_inputs = inputs.clone();
    all_inputs.extend(shared_files);
    Ok(Generated {
        provider,
        inputs: all_inputs,
        code: prettyplease::unparse(&file),
        roots,
        warnings: Vec::new(),
    })
}

/// Rust source of the schema registry: one `drift::Root` per schema file,
/// holding the schema text, and an `Observed` impl tying each root type to
/// it, so the library can check what it decodes against the schema the type
/// came from and the command line can reach every root type by name.
/// `resolved_dir` holds each file's resolved text (see [`write_resolved`]),
/// spelled as the generated code should spell it.
pub fn registry(generated: &[Generated], resolved_dir: &Path) -> String {
    let mut entries = String::new();
    let mut impls = String::new();
    let mut index = 0;
    for provider in generated {
        for root in &provider.roots {
            let file = root
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text_path = resolved_dir.join(&provider.provider).join(&file);
            entries.push_str(&format!(
                "    crate::drift::Root::new({:?}, {:?}, {:?}, include_str!({:?}), crate::drift::check_as::<crate::{p}::{t}>, crate::drift::check_as::<Vec<crate::{p}::{t}>>),\n",
                provider.provider,
                root.rust_name,
                file,
                text_path.display().to_string(),
                p = provider.provider,
                t = root.rust_name,
            ));
            impls.push_str(&format!(
                "impl crate::drift::Observed for crate::{}::{} {{\n    fn root() -> &'static crate::drift::Root {{\n        &ROOTS[{index}]\n    }}\n}}\n",
                provider.provider, root.rust_name,
            ));
            index += 1;
        }
    }
    format!(
        "/// Every schema file's root type, by provider and file.\npub(crate) static ROOTS: [crate::drift::Root; {index}] = [\n{entries}];\n\n{impls}"
    )
}

/// Writes each schema file's resolved text to `resolved_dir/<provider>/<file>`
/// (the build script's `OUT_DIR`), for [`registry`].
pub fn write_resolved(generated: &[Generated], resolved_dir: &Path) -> std::io::Result<()> {
    for provider in generated {
        let dir = resolved_dir.join(&provider.provider);
        fs::create_dir_all(&dir)?;
        for root in &provider.roots {
            if let Some(name) = root.file.file_name() {
                fs::write(dir.join(name), &root.resolved)?;
            }
        }
    }
    Ok(())
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown reason".into())
}

/// Reads one schema file and checks it for the shapes typify 0.8 mishandles,
/// so the author learns what to change instead of getting a panic or a
/// silently wrong type.
fn read_schema_value(path: &Path) -> Result<serde_json::Value, SchemaError> {
    let text = fs::read_to_string(path).map_err(|e| fail(path, format!("cannot read: {e}")))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| fail(path, format!("not valid JSON: {e}")))?;
    lint(&value, "#", false).map_err(|problem| fail(path, problem))?;
    // typify makes a nullable root a newtype around `Option<T>` named like
    // the struct itself: two items of one name, which does not compile.
    let root_type = value.get("type").and_then(serde_json::Value::as_array);
    if root_type.is_some_and(|types| types.iter().any(|t| t == "null")) {
        return Err(fail(
            path,
            "#/type: the root may not be nullable (typify generates two types of one name); drop `null` (a field holding this type is an `Option` already)",
        ));
    }
    direction(&value).map_err(|problem| fail(path, problem))?;
    serde_json::from_value::<RootSchema>(value.clone())
        .map_err(|e| fail(path, format!("not a draft-07 JSON Schema: {e}")))?;
    Ok(value)
}

/// The checks that need the resolved document: every reference local, and
/// a request's fields exact (a `Flex*` leaf taken from another file counts).
fn check_resolved(path: &Path, value: &serde_json::Value) -> Result<(), SchemaError> {
    lint(value, "#", true).map_err(|problem| fail(path, problem))?;
    if direction(value).map_err(|problem| fail(path, problem))? == Direction::Request {
        exact_types(value, "#").map_err(|problem| fail(path, problem))?;
    }
    Ok(())
}

/// The root keyword that marks a schema as the body or query of a request:
/// `"x-vidapi-direction": "request"`. Without it a schema describes what a
/// provider sends (`"response"` may be written out).
pub const DIRECTION: &str = "x-vidapi-direction";

/// Which way a schema's values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Written by this client: exact JSON Schema types only.
    Request,
    /// Read from a provider: leaves use the tolerant `Flex*` definitions.
    Response,
}

/// The direction a schema document declares at its root.
pub fn direction(schema: &serde_json::Value) -> Result<Direction, String> {
    match schema.get(DIRECTION) {
        None => Ok(Direction::Response),
        Some(v) if v == "request" => Ok(Direction::Request),
        Some(v) if v == "response" => Ok(Direction::Response),
        Some(other) => Err(format!(
            "#/{DIRECTION}: expected \"request\" or \"response\", got {other}"
        )),
    }
}

/// A request's values are written by this client, so its schema must say
/// exactly what is sent: a `$ref` to (or a definition named as) one of the
/// tolerant reading types would turn a field into `FlexText` & co.
fn exact_types(value: &serde_json::Value, at: &str) -> Result<(), String> {
    use serde_json::Value;
    let tolerant = |name: &str| TOLERANT.iter().any(|(n, _)| *n == name);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                let named = match key.as_str() {
                    "$ref" => child
                        .as_str()
                        .and_then(|r| r.strip_prefix("#/definitions/"))
                        .filter(|name| tolerant(name)),
                    "definitions" => child
                        .as_object()
                        .and_then(|defs| defs.keys().find(|name| tolerant(name)))
                        .map(String::as_str),
                    _ => None,
                };
                if let Some(name) = named {
                    return Err(format!(
                        "{here}: `{name}` in a request schema ({DIRECTION}: request): requests are written by this client, so give the field a plain JSON Schema type (`string`, `integer`, …); the tolerant Flex types are for reading responses"
                    ));
                }
                exact_types(child, &here)?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| exact_types(item, &format!("{at}/{i}"))),
        _ => Ok(()),
    }
}

/// `resolved`: the document's references must all be local by now (before
/// resolving, the resolver itself judges the cross-file ones).
fn lint(value: &serde_json::Value, at: &str, resolved: bool) -> Result<(), String> {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                match key.as_str() {
                    "$defs" => {
                        return Err(format!("{here}: use `definitions` (draft-07), not `$defs`"));
                    }
                    "$ref" => match child.as_str() {
                        Some(r) if r.starts_with("#/definitions/") => {}
                        Some(_) if !resolved => {}
                        _ => {
                            return Err(format!(
                                "{here}: only local `#/definitions/…` references are supported, got {child}"
                            ));
                        }
                    },
                    "if" | "then" | "else" => {
                        return Err(format!(
                            "{here}: `if`/`then`/`else` is not supported by typify"
                        ));
                    }
                    "additionalProperties" if child == &Value::Bool(false) => {
                        return Err(format!(
                            "{here}: `additionalProperties: false` breaks on every new field a provider adds"
                        ));
                    }
                    // Members of these are named by the schema's author
                    // (property and definition names), not keywords: a
                    // property called `if` or `$ref` is fine.
                    "properties" | "definitions" | "patternProperties" => {
                        if let Value::Object(members) = child {
                            for (name, member) in members {
                                lint(
                                    member,
                                    &format!("{here}/{}", pointer_escape(name)),
                                    resolved,
                                )?;
                            }
                            continue;
                        }
                    }
                    // Data, not schemas: their keys are values.
                    "enum" | "const" | "examples" | "default" | "x-known-values" => continue,
                    _ => {}
                }
                lint(child, &here, resolved)?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| lint(item, &format!("{at}/{i}"), resolved)),
        _ => Ok(()),
    }
}

/// One JSON pointer segment, escaped (`~` → `~0`, `/` → `~1`).
fn pointer_escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// typify 0.8 names a field after its property by snake-casing it and
/// escaping keywords, so properties that differ only in case or
/// punctuation (`type`/`Type`, `self`/`Self`, `null`/`NULL`, `x-y`/`x_y`)
/// become two fields of the same name, which does not compile. The first
/// keeps its name; each later one gets `_2`, `_3`, … appended, and a serde
/// rename to its property name when it had none (its name was the
/// property's). Struct fields are only named in the struct itself: typify
/// derives `Default` and builds no builders with these settings.
fn distinct_field_names(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Struct(item) => {
                if let syn::Fields::Named(fields) = &mut item.fields {
                    distinct_fields(fields);
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    distinct_field_names(inner);
                }
            }
            _ => {}
        }
    }
}

fn distinct_fields(fields: &mut syn::FieldsNamed) {
    let mut taken: Vec<String> = fields
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for field in fields.named.iter_mut() {
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let name = ident.to_string();
        if seen.insert(name.clone()) {
            continue;
        }
        let base = name.trim_end_matches('_');
        let fresh = (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_else(|| unreachable!("an unbounded range always has a free name"));
        let renamed = field.attrs.iter().any(|attr| {
            attr.path().is_ident("serde")
                && attr
                    .meta
                    .require_list()
                    .is_ok_and(|list| list.tokens.to_string().contains("rename ="))
        });
        if !renamed {
            field
                .attrs
                .push(syn::parse_quote!(#[serde(rename = #name)]));
        }
        field.ident = Some(syn::Ident::new(&fresh, ident.span()));
        taken.push(fresh.clone());
        seen.insert(fresh);
    }
}
