//! One definition, one place: cross-file `$ref`s and their resolution.
//!
//! A schema file may refer to a definition of another file,
//! `"$ref": "../flex.json#/definitions/FlexText"`, or to another file's
//! whole root, `"$ref": "video.json"` (the type that root's `title` names).
//! [`resolve_file`] reads such a file and returns one self-contained draft-07
//! document in which every reference is local (`#/definitions/Name`): the
//! definitions taken from other files are copied into `definitions` under
//! their own name (a root under its `title`), and each copy remembers where
//! it came from ([`Origin`]). Every reader of a schema — the build (typify),
//! `vidapi drift`, `schema update`, `schema diff` — reads that resolved
//! document, so a field folded into a definition shows up wherever it is
//! used. [`split`] goes the other way for `schema update`: a changed copy is
//! written back into the file that holds the definition.
//!
//! [`one_place`] refuses a second copy of a definition and says what to write
//! instead. This file depends on `std` and `serde_json` only: `build.rs`
//! includes it through `src/codegen.rs`, and the library uses it as
//! `vidapi::schema::resolve`.

use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

/// Root keywords of a file that describe the file, not the type it holds:
/// dropped when the root is copied in as a definition.
const FILE_KEYWORDS: [&str; 4] = ["$schema", "definitions", "x-vidapi-direction", "$id"];

/// Where a definition is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file (absolute, `..` folded away).
    pub file: PathBuf,
    /// JSON pointer of the definition in it: `/definitions/Name`, or `""`
    /// for the file's root.
    pub pointer: String,
}

impl Origin {
    /// How a file in `from`'s folder refers to this definition.
    pub fn reference_from(&self, from: &Path) -> String {
        let base = from.parent().unwrap_or(Path::new(""));
        let path = relative(base, &self.file);
        if self.pointer.is_empty() {
            path
        } else {
            format!("{path}#{}", self.pointer)
        }
    }
}

/// A schema file with every reference made local.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The file that was resolved (absolute).
    pub file: PathBuf,
    /// The file as written.
    pub original: Value,
    /// The self-contained document: local references only.
    pub value: Value,
    /// The definitions of `value` that are written in another file (or are
    /// another file's root), by name.
    pub imported: Vec<(String, Origin)>,
    /// Every definition of every file read on the way (each file's
    /// `definitions`, and each root under its `title`), by name: where a
    /// definition that [`split`] finds new in `value` is written already.
    pub available: Vec<(String, Origin)>,
}

/// A file's absolute path with `.` and `..` folded away, without touching
/// the file system (a symlinked folder is taken as written).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` as a `/`-separated path relative to the folder `base`.
fn relative(base: &Path, to: &Path) -> String {
    let base: Vec<_> = base.components().collect();
    let target: Vec<_> = to.components().collect();
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); base.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// Reads a schema file from disk as JSON.
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not valid JSON: {e}", path.display()))
}

/// Resolves the schema file at `path`, reading the files it refers to from
/// disk.
pub fn resolve_file(path: &Path) -> Result<Resolved, String> {
    let document = read_json(path)?;
    resolve(path, document, path, &mut |p: &Path| read_json(p))
}

/// Resolves `document`, the text of the file `path`, whose relative
/// references are taken from `refs_from`'s folder (normally `path` itself;
/// `schema diff` reads an old copy saved elsewhere against the schema
/// folder). `load` reads the other files.
pub fn resolve(
    path: &Path,
    document: Value,
    refs_from: &Path,
    load: &mut dyn FnMut(&Path) -> Result<Value, String>,
) -> Result<Resolved, String> {
    let file = absolute(refs_from);
    let shown = absolute(path);
    let mut r = Resolver {
        main: file.clone(),
        shown: shown.clone(),
        load,
        cache: vec![(file.clone(), document.clone())],
        imported: Vec::new(),
        new_definitions: Vec::new(),
        available: Vec::new(),
    };
    r.note_available(&file, &document);
    // The shared leaves (`flex.json`, beside the provider folders) are where
    // a `Flex*` an update adds belongs, even in a file that used none
    // before: without this, `split` would write a second copy of it there.
    if let Some(shared) = file.parent().and_then(Path::parent) {
        let shared = shared.join("flex.json");
        if shared != file && shared.is_file() {
            r.document(&shared)?;
        }
    }
    let mut value = document.clone();
    let locals: Vec<String> = value
        .get("definitions")
        .and_then(Value::as_object)
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    r.rewrite(&mut value, &file, "")?;
    // A local definition also held by a file this one refers to is a
    // second copy: one of them would silently win.
    for name in &locals {
        if let Some((_, origin)) = r
            .available
            .iter()
            .find(|(n, o)| n == name && o.file != file)
        {
            return Err(second_copy(&shown, name, origin));
        }
    }
    if !r.new_definitions.is_empty() {
        let map = value
            .as_object_mut()
            .ok_or_else(|| format!("{}: the document is not a JSON object", shown.display()))?;
        let defs = map
            .entry("definitions")
            .or_insert_with(|| Value::Object(Map::new()));
        let defs = defs
            .as_object_mut()
            .ok_or_else(|| format!("{}: `definitions` is not a JSON object", shown.display()))?;
        for (name, node) in r.new_definitions {
            defs.insert(name, node);
        }
    }
    Ok(Resolved {
        file: shown,
        original: document,
        value,
        imported: r.imported,
        available: r.available,
    })
}

/// The message for a definition written twice: both places and the exact
/// `$ref` that replaces the copy.
fn second_copy(copy_in: &Path, name: &str, holder: &Origin) -> String {
    let holder_text = if holder.pointer.is_empty() {
        format!("the root of {}", holder.file.display())
    } else {
        format!("written in {}", holder.file.display())
    };
    format!(
        "{}: definitions/{name} is a second copy of `{name}`, {holder_text}; one definition lives in one place: delete definitions/{name} from {} and replace each `\"$ref\": \"#/definitions/{name}\"` in it with `\"$ref\": \"{}\"`",
        copy_in.display(),
        copy_in.display(),
        holder.reference_from(copy_in),
    )
}

struct Resolver<'l> {
    main: PathBuf,
    shown: PathBuf,
    load: &'l mut dyn FnMut(&Path) -> Result<Value, String>,
    cache: Vec<(PathBuf, Value)>,
    imported: Vec<(String, Origin)>,
    new_definitions: Vec<(String, Value)>,
    available: Vec<(String, Origin)>,
}

impl Resolver<'_> {
    fn document(&mut self, file: &Path) -> Result<Value, String> {
        if let Some((_, doc)) = self.cache.iter().find(|(f, _)| f == file) {
            return Ok(doc.clone());
        }
        let doc = (self.load)(file)?;
        self.note_available(file, &doc);
        self.cache.push((file.to_path_buf(), doc.clone()));
        Ok(doc)
    }

    fn note_available(&mut self, file: &Path, doc: &Value) {
        if let Some(title) = doc.get("title").and_then(Value::as_str) {
            if file != self.main {
                self.available.push((
                    title.to_string(),
                    Origin {
                        file: file.to_path_buf(),
                        pointer: String::new(),
                    },
                ));
            }
        }
        if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
            for name in defs.keys() {
                self.available.push((
                    name.clone(),
                    Origin {
                        file: file.to_path_buf(),
                        pointer: format!("/definitions/{}", escape(name)),
                    },
                ));
            }
        }
    }

    /// Makes every `$ref` under `node` (which sits in `file`) local.
    fn rewrite(&mut self, node: &mut Value, file: &Path, at: &str) -> Result<(), String> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    if let Some(local) = self.localize(&reference, file, at)? {
                        map.insert("$ref".into(), Value::String(local));
                    }
                }
                for (key, child) in map.iter_mut() {
                    // Data, not schemas.
                    if matches!(
                        key.as_str(),
                        "enum" | "const" | "examples" | "default" | "x-known-values"
                    ) {
                        continue;
                    }
                    self.rewrite(child, file, &format!("{at}/{}", escape(key)))?;
                }
                Ok(())
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.rewrite(item, file, &format!("{at}/{i}"))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The local spelling of `reference`, met in `file`, importing what it
    /// names; `None` when it stays as written.
    fn localize(
        &mut self,
        reference: &str,
        file: &Path,
        at: &str,
    ) -> Result<Option<String>, String> {
        let (path_part, fragment) = match reference.split_once('#') {
            Some((p, f)) => (p, f),
            None => (reference, ""),
        };
        let target = if path_part.is_empty() {
            file.to_path_buf()
        } else {
            absolute(&file.parent().unwrap_or(Path::new("")).join(path_part))
        };
        let pointer = match fragment {
            "" => String::new(),
            f if f.starts_with("/definitions/") && f[13..].split('/').count() == 1 => f.to_string(),
            _ => {
                return Err(format!(
                    "{}: {at}/$ref: {reference:?}: only `#/definitions/Name`, `other.json#/definitions/Name` and `other.json` (another file's root) are supported",
                    file.display()
                ));
            }
        };
        if target == self.main {
            if pointer.is_empty() {
                return Err(format!(
                    "{}: {at}/$ref: {reference:?} refers to this file's own root",
                    file.display()
                ));
            }
            // A definition of the file being resolved stays where it is.
            return Ok((file != self.main || !path_part.is_empty()).then(|| format!("#{pointer}")));
        }
        let name = match pointer.strip_prefix("/definitions/") {
            Some(name) => unescape(name),
            None => {
                let doc = self.document(&target)?;
                doc.get("title")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| {
                        format!(
                            "{}: {at}/$ref: {reference:?}: {} has no `title` to name its root type",
                            file.display(),
                            target.display()
                        )
                    })?
            }
        };
        let origin = Origin {
            file: target.clone(),
            pointer: pointer.clone(),
        };
        if let Some((_, known)) = self.imported.iter().find(|(n, _)| *n == name) {
            if *known != origin {
                return Err(format!(
                    "{}: `{name}` comes from two places, {} and {}: a definition name stands for one definition; rename one of them",
                    self.shown.display(),
                    place_text(known),
                    place_text(&origin)
                ));
            }
            return Ok(Some(format!("#/definitions/{}", escape(&name))));
        }
        let main_defines = self
            .cache
            .first()
            .and_then(|(_, doc)| doc.get("definitions"))
            .and_then(|d| d.get(&name))
            .is_some();
        if main_defines {
            return Err(second_copy(&self.shown, &name, &origin));
        }
        self.imported.push((name.clone(), origin));
        let doc = self.document(&target)?;
        let mut node = if pointer.is_empty() {
            let mut root = doc.clone();
            if let Some(map) = root.as_object_mut() {
                for key in FILE_KEYWORDS {
                    map.remove(key);
                }
            }
            root
        } else {
            doc.pointer(&pointer).cloned().ok_or_else(|| {
                format!(
                    "{}: {at}/$ref: {reference:?}: {} has no {pointer}",
                    file.display(),
                    target.display()
                )
            })?
        };
        let slot = self.new_definitions.len();
        self.new_definitions.push((name.clone(), Value::Null));
        self.rewrite(&mut node, &target, &pointer)?;
        self.new_definitions[slot].1 = node;
        Ok(Some(format!("#/definitions/{}", escape(&name))))
    }
}

fn place_text(origin: &Origin) -> String {
    if origin.pointer.is_empty() {
        format!("the root of {}", origin.file.display())
    } else {
        format!("{}#{}", origin.file.display(), origin.pointer)
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Where a node of the resolved document is written: the file and the JSON
/// pointer in it. A pointer into a definition taken from another file
/// (`/definitions/Video/properties/id`) lands in that file
/// (`video.json`, `/properties/id`); anything else is in the file itself.
pub fn locate(resolved: &Resolved, pointer: &str) -> (PathBuf, String) {
    if let Some(rest) = pointer.strip_prefix("/definitions/") {
        let (name, tail) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let name = unescape(name);
        if let Some((_, origin)) = resolved.imported.iter().find(|(n, _)| *n == name) {
            return (origin.file.clone(), format!("{}{tail}", origin.pointer));
        }
    }
    (resolved.file.clone(), pointer.to_string())
}

/// The files to write so that the resolved document `new` (an edited copy
/// of `resolved.value`) is what resolving gives afterwards: each changed
/// definition goes back into the file that holds it, and the file itself
/// keeps its own definitions only, its references to the others spelled as
/// before. Definitions `new` adds that another file already holds (a
/// `Flex*` leaf, typically) become references to that file. Only files
/// whose content changes are returned, each with its whole new content.
pub fn split(resolved: &Resolved, new: &Value) -> Result<Vec<(PathBuf, Value)>, String> {
    let main = &resolved.file;
    let new_defs = new
        .get("definitions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let old_defs = resolved
        .value
        .get("definitions")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let local_names: Vec<String> = resolved
        .original
        .get("definitions")
        .and_then(Value::as_object)
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    // Where each name lives, as seen from the files written below.
    let origin_of = |name: &str| -> Option<Origin> {
        if local_names.iter().any(|n| n == name) {
            return Some(Origin {
                file: main.clone(),
                pointer: format!("/definitions/{}", escape(name)),
            });
        }
        let elsewhere = resolved
            .imported
            .iter()
            .chain(&resolved.available)
            .find(|(n, o)| n == name && o.file != *main)
            .map(|(_, o)| o.clone());
        // A definition the edit added that no other file holds stays here.
        elsewhere.or_else(|| {
            new_defs.contains_key(name).then(|| Origin {
                file: main.clone(),
                pointer: format!("/definitions/{}", escape(name)),
            })
        })
    };
    let mut out: Vec<(PathBuf, Value)> = Vec::new();
    for (name, origin) in &resolved.imported {
        let Some(after) = new_defs.get(name) else {
            continue;
        };
        if old_defs.get(name) == Some(after) {
            continue;
        }
        let mut node = after.clone();
        spell(&mut node, &origin.file, &origin_of)?;
        let index = match out.iter().position(|(f, _)| *f == origin.file) {
            Some(i) => i,
            None => {
                out.push((origin.file.clone(), read_json(&origin.file)?));
                out.len() - 1
            }
        };
        let doc = &mut out[index].1;
        if origin.pointer.is_empty() {
            *doc = merged_root(doc, &node);
        } else {
            let name = origin.pointer.trim_start_matches("/definitions/");
            let defs = doc
                .get_mut("definitions")
                .and_then(Value::as_object_mut)
                .ok_or_else(|| format!("{}: no `definitions`", origin.file.display()))?;
            defs.insert(unescape(name), node);
        }
    }
    // The file itself: its root and its own definitions.
    let mut doc = new.clone();
    if let Some(map) = doc.as_object_mut() {
        if let Some(Value::Object(defs)) = map.get_mut("definitions") {
            defs.retain(|name, _| {
                local_names.iter().any(|n| n == name)
                    || !resolved
                        .imported
                        .iter()
                        .chain(&resolved.available)
                        .any(|(n, o)| n == name && o.file != *main)
            });
            if defs.is_empty() && resolved.original.get("definitions").is_none() {
                map.remove("definitions");
            }
        }
    }
    spell(&mut doc, main, &origin_of)?;
    if doc != resolved.original {
        out.insert(0, (main.clone(), doc));
    }
    Ok(out)
}

/// The root of `file` with the type-describing keywords of `node`, keeping
/// the file's own keywords (`$schema`, `title`, `definitions`, …) and key
/// order.
fn merged_root(file: &Value, node: &Value) -> Value {
    let (Some(old), Some(new)) = (file.as_object(), node.as_object()) else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in old {
        if FILE_KEYWORDS.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        } else if let Some(v) = new.get(key) {
            out.insert(key.clone(), v.clone());
        }
    }
    for (key, value) in new {
        if !out.contains_key(key) && !FILE_KEYWORDS.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        }
    }
    // `definitions` last, as the files keep it.
    if let Some(defs) = out.remove("definitions") {
        out.insert("definitions".into(), defs);
    }
    Value::Object(out)
}

/// Rewrites the local references of a node that is written into `file` to
/// the spelling that file needs.
fn spell(
    node: &mut Value,
    file: &Path,
    origin_of: &dyn Fn(&str) -> Option<Origin>,
) -> Result<(), String> {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(name) = reference.strip_prefix("#/definitions/") {
                    let name = unescape(name);
                    let origin = origin_of(&name).ok_or_else(|| {
                        format!(
                            "{}: `#/definitions/{name}` names no definition",
                            file.display()
                        )
                    })?;
                    if origin.file != file {
                        map.insert("$ref".into(), Value::String(origin.reference_from(file)));
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if matches!(
                    key.as_str(),
                    "enum" | "const" | "examples" | "default" | "x-known-values"
                ) {
                    continue;
                }
                spell(child, file, origin_of)?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter_mut()
            .try_for_each(|item| spell(item, file, origin_of)),
        _ => Ok(()),
    }
}

/// Refuses a definition written in two places among `files` (the schema
/// files one build reads together: a provider's folder and the shared files
/// beside it). A name defined in two files, or defined in one and the root
/// `title` of another, is a second copy: the error names both files and the
/// `$ref` that replaces the copy. The first holder is, in order: a shared
/// file (`shared` true), the file whose root it is, the first file by name.
pub fn one_place(files: &[(PathBuf, Value, bool)]) -> Result<(), String> {
    let mut holders: Vec<(String, Origin)> = Vec::new();
    // Shared files first: the order decides which copy is "the" definition
    // in the message (a root always is: see below).
    for (file, doc, _) in files
        .iter()
        .filter(|f| f.2)
        .chain(files.iter().filter(|f| !f.2))
    {
        let file = absolute(file);
        if let Some(defs) = doc.get("definitions").and_then(Value::as_object) {
            for name in defs.keys() {
                let origin = Origin {
                    file: file.clone(),
                    pointer: format!("/definitions/{}", escape(name)),
                };
                if let Some((_, first)) = holders.iter().find(|(n, _)| n == name) {
                    return Err(second_copy(&file, name, first));
                }
                holders.push((name.clone(), origin));
            }
        }
    }
    for (file, doc, _) in files {
        let file = absolute(file);
        let Some(title) = doc.get("title").and_then(Value::as_str) else {
            continue;
        };
        if let Some((_, copy)) = holders.iter().find(|(n, o)| n == title && o.file != file) {
            return Err(second_copy(
                &copy.file,
                title,
                &Origin {
                    file: file.clone(),
                    pointer: String::new(),
                },
            ));
        }
    }
    Ok(())
}
