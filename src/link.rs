//! The link step: joins the facts of every module of the run into one view of the project.
//! Module specifiers resolve like TypeScript and Node do for local code (relative paths with
//! extension and `index` resolution, `compilerOptions.baseUrl` and `paths` from the nearest
//! `tsconfig.json` / `jsconfig.json`, following `extends`); re-exports are followed; the global
//! slots modules fill are collected; and each client is decided as a unit: a client any of
//! whose uses, in any file, cannot be rewritten is left whole on Amplitude, with the first
//! blocking use named in the message of every other. Pure: the orchestrator reads the files.

use crate::clients::{self, ClientId, Env, Facts, Linked, Slot};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Extensions a specifier without one may resolve to, in TypeScript's order.
const EXTENSIONS: [&str; 10] = [
    ".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue",
];

/// `compilerOptions.baseUrl` and `paths` of one `tsconfig.json` / `jsconfig.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathsConfig {
    /// The directory the config sits in (a display path, `""` for the current directory).
    pub dir: String,
    /// `baseUrl`, as a display path, when set.
    pub base: Option<String>,
    /// `paths`: pattern → targets, relative to `base` (or `dir` without one).
    pub paths: Vec<(String, Vec<String>)>,
}

/// What a config says about module resolution: `(baseUrl, paths, extends)`.
pub type ConfigRead = (Option<String>, Vec<(String, Vec<String>)>, Option<String>);

/// Reads the `compilerOptions` of a config text (JSON with comments and trailing commas).
pub fn read_config(text: &str) -> Option<ConfigRead> {
    let clean = strip_json_comments(text);
    let v: serde_json::Value = serde_json::from_str(&clean).ok()?;
    let extends = v
        .get("extends")
        .and_then(|e| e.as_str())
        .map(str::to_string);
    let opts = v.get("compilerOptions");
    let base = opts
        .and_then(|o| o.get("baseUrl"))
        .and_then(|b| b.as_str())
        .map(str::to_string);
    let mut paths = Vec::new();
    if let Some(map) = opts
        .and_then(|o| o.get("paths"))
        .and_then(|p| p.as_object())
    {
        for (pattern, targets) in map {
            let targets = targets
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            paths.push((pattern.clone(), targets));
        }
    }
    Some((base, paths, extends))
}

/// JSON with `//` and `/* */` comments and trailing commas, as plain JSON.
fn strip_json_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            out.push(c as char);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 2;
                continue;
            }
            if c == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match (c, b.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                out.push('"');
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            (b',', _) => {
                let rest = text[i + 1..].trim_start();
                if !(rest.starts_with('}') || rest.starts_with(']')) {
                    out.push(',');
                }
                i += 1;
            }
            _ => {
                // Copy the whole UTF-8 character.
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&text[i..i + len]);
                i += len;
            }
        }
    }
    out
}

/// `a/b` + `../c` → `a/c`; keeps leading `..` that climb above the current directory.
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The directory of a display path (`""` for a file in the current directory).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Resolves module specifiers to the run's files.
#[derive(Debug, Default)]
pub struct Resolver {
    files: HashSet<String>,
    configs: Vec<PathsConfig>,
}

impl Resolver {
    pub fn new(files: impl IntoIterator<Item = String>, mut configs: Vec<PathsConfig>) -> Self {
        // The deepest directory first: the nearest config wins.
        configs.sort_by_key(|c| std::cmp::Reverse(c.dir.matches('/').count() + c.dir.len()));
        Resolver {
            files: files.into_iter().collect(),
            configs,
        }
    }

    /// The file a specifier written in `from` names, if it is one of the run's files.
    pub fn resolve(&self, from: &str, spec: &str) -> Option<String> {
        if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
            return self.probe(&join(dir_of(from), spec));
        }
        if spec.starts_with('/') {
            return None;
        }
        let config = self
            .configs
            .iter()
            .find(|c| c.dir.is_empty() || from.starts_with(&format!("{}/", c.dir)))?;
        let base = config.base.clone().unwrap_or_else(|| config.dir.clone());
        for (pattern, targets) in &config.paths {
            let Some(star) = matched(pattern, spec) else {
                continue;
            };
            for t in targets {
                if let Some(f) = self.probe(&join(&base, &t.replacen('*', star, 1))) {
                    return Some(f);
                }
            }
        }
        config
            .base
            .as_ref()
            .and_then(|b| self.probe(&join(b, spec)))
    }

    /// The file `path` names: itself, with an extension, or its `index`.
    fn probe(&self, path: &str) -> Option<String> {
        if self.files.contains(path) {
            return Some(path.to_string());
        }
        // TypeScript's ESM style names the output: `./a.js` for `a.ts`.
        let stem = [".js", ".jsx", ".mjs", ".cjs"]
            .iter()
            .find_map(|e| path.strip_suffix(e))
            .unwrap_or(path);
        for ext in EXTENSIONS {
            let with = format!("{stem}{ext}");
            if self.files.contains(&with) {
                return Some(with);
            }
        }
        for ext in EXTENSIONS {
            let index = join(path, &format!("index{ext}"));
            if self.files.contains(&index) {
                return Some(index);
            }
        }
        None
    }
}

/// What `*` stands for when `spec` matches a `paths` pattern (`""` for an exact pattern).
fn matched<'s>(pattern: &str, spec: &'s str) -> Option<&'s str> {
    match pattern.split_once('*') {
        None => (pattern == spec).then_some(""),
        Some((pre, post)) => spec
            .strip_prefix(pre)
            .and_then(|s| s.strip_suffix(post))
            .filter(|_| spec.len() >= pre.len() + post.len()),
    }
}

/// The project as the link step sees it: each module's exported clients, the global slots,
/// and the clients left on Amplitude.
#[derive(Debug, Default)]
pub struct Project {
    pub resolver: Resolver,
    /// Module (display path) → exported name → client.
    pub exports: HashMap<String, BTreeMap<String, Linked>>,
    pub slots: HashMap<(Slot, String), Linked>,
    pub left: HashMap<ClientId, String>,
    /// Files the prefilter passed over that read a client another module hands over.
    pub consumers: HashSet<String>,
    /// The directories of the run's `package.json` files, deepest first: a file's package
    /// scopes the SDK singletons it reaches.
    pub packages: Vec<String>,
    /// Files read only as context (`check src/a.js` reads the rest of its project): they are
    /// neither rewritten nor reported, so a client they use is left whole.
    pub context: HashSet<String>,
    /// Package directory → the directory that names its bundle: packages that depend on each
    /// other (a workspace app and the workspace library it imports) share the SDK's singletons,
    /// since one bundle holds them both.
    pub bundles: HashMap<String, String>,
}

/// Why a client used in a context file is left.
const OUTSIDE_PATHS: &str =
    "used there, outside this run's paths: run amp2mp on the whole project to migrate it";

impl Project {
    /// Joins the modules' facts: exports (following re-exports) and slots. Whether anything
    /// changed from before.
    pub fn link(&mut self, facts: &BTreeMap<String, Facts>) -> bool {
        let mut exports: HashMap<String, BTreeMap<String, Linked>> = HashMap::new();
        let mut slots = HashMap::new();
        for (file, f) in facts {
            let origin = |what: String| format!("the client {what} by {file}");
            for (name, l) in &f.exports {
                let mut l = l.clone();
                if l.origin.is_empty() {
                    l.origin = origin(if name == "default" {
                        "exported as default".into()
                    } else {
                        format!("exported as `{name}`")
                    });
                }
                exports
                    .entry(file.clone())
                    .or_default()
                    .insert(name.clone(), l);
            }
            for ((slot, name), l) in &f.slots {
                let mut l = l.clone();
                let what = match slot {
                    Slot::Window => format!("put in `window.{name}`"),
                    Slot::This => format!("put in `this.{name}`"),
                };
                l.origin = origin(what);
                slots.insert((*slot, name.clone()), l);
            }
        }
        // Re-exports, until nothing new turns up (a chain of barrels).
        for _ in 0..16 {
            let mut grew = false;
            for (file, f) in facts {
                for (spec, imported, exported) in &f.reexports {
                    let Some(target) = self.resolver.resolve(file, spec) else {
                        continue;
                    };
                    let Some(from) = exports.get(&target).cloned() else {
                        continue;
                    };
                    let mine = exports.entry(file.clone()).or_default();
                    let picked: Vec<(String, Linked)> = if imported == "*" {
                        from.into_iter().filter(|(n, _)| n != "default").collect()
                    } else {
                        from.get(imported)
                            .map(|l| vec![(exported.clone(), l.clone())])
                            .unwrap_or_default()
                    };
                    for (name, l) in picked {
                        if let std::collections::btree_map::Entry::Vacant(e) = mine.entry(name) {
                            e.insert(l);
                            grew = true;
                        }
                    }
                }
            }
            if !grew {
                break;
            }
        }
        let changed = exports != self.exports || slots != self.slots;
        self.exports = exports;
        self.slots = slots;
        changed
    }

    /// Decides which clients are left whole: every client with a blocking use anywhere. Whether
    /// the set grew.
    pub fn decide(&mut self, facts: &BTreeMap<String, Facts>) -> bool {
        let mut uses: HashMap<&ClientId, usize> = HashMap::new();
        let mut blocking: BTreeMap<&ClientId, Vec<(String, usize, &str)>> = BTreeMap::new();
        for (file, f) in facts {
            for (id, n) in &f.uses {
                *uses.entry(id).or_default() += n;
            }
            for b in &f.blockers {
                blocking
                    .entry(&b.client)
                    .or_default()
                    .push((file.clone(), b.line, &b.reason));
            }
        }
        // A client used in a context file is not migrated by this run: it is left whole.
        let in_run: HashSet<&ClientId> = facts
            .iter()
            .filter(|(file, _)| !self.context.contains(*file))
            .flat_map(|(_, f)| f.uses.keys())
            .collect();
        for (file, f) in facts
            .iter()
            .filter(|(file, _)| self.context.contains(*file))
        {
            for id in f.uses.keys().filter(|id| in_run.contains(id)) {
                blocking
                    .entry(id)
                    .or_default()
                    .push((file.clone(), 0, OUTSIDE_PATHS));
            }
        }
        let mut grew = false;
        for (id, mut list) in blocking {
            list.sort();
            list.dedup();
            let Some((file, line, reason)) = list.first() else {
                continue;
            };
            let total = uses.get(id).copied().unwrap_or(list.len()).max(list.len());
            let name = self.describe(id);
            let message = clients::left_message(
                &name,
                list.len(),
                total,
                &if *line == 0 {
                    format!("{file}: {reason}")
                } else {
                    format!("{file}:{line}: {reason}")
                },
            );
            if self.left.insert(id.clone(), message).is_none() {
                grew = true;
            }
        }
        grew
    }

    /// A client in words: where it is exported from, when a module exports it.
    fn describe(&self, id: &ClientId) -> String {
        let mut named: Vec<&str> = self
            .exports
            .values()
            .flat_map(|m| m.values())
            .chain(self.slots.values())
            .filter(|l| &l.id == id)
            .map(|l| l.origin.as_str())
            .collect();
        named.sort();
        match named.first() {
            Some(o) if id.0.contains('@') => o.to_string(),
            // With one package, which package a singleton belongs to goes without saying.
            _ if self.packages.len() <= 1 => match id.0.split_once('|') {
                Some((_, bare)) => ClientId(bare.to_string()).describe(),
                None => id.describe(),
            },
            _ => id.describe(),
        }
    }

    /// Joins the packages that depend on each other by name into bundles: `packages` are each
    /// package's directory, name and dependency names.
    pub fn set_bundles(&mut self, packages: &[(String, String, Vec<String>)]) {
        let by_name: HashMap<&str, usize> = packages
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.1.is_empty())
            .map(|(i, p)| (p.1.as_str(), i))
            .collect();
        let mut parent: Vec<usize> = (0..packages.len()).collect();
        fn find(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for (i, p) in packages.iter().enumerate() {
            for dep in &p.2 {
                if let Some(&j) = by_name.get(dep.as_str()) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
        let mut name_of: HashMap<usize, &str> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            let root = find(&mut parent, i);
            let entry = name_of.entry(root).or_insert(p.0.as_str());
            if p.0.as_str() < *entry {
                *entry = p.0.as_str();
            }
        }
        self.bundles = packages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let root = find(&mut parent, i);
                (p.0.clone(), name_of[&root].to_string())
            })
            .collect();
    }

    /// Records the run's `package.json` files (display paths).
    pub fn set_packages(&mut self, manifests: impl IntoIterator<Item = String>) {
        let mut dirs: Vec<String> = manifests
            .into_iter()
            .map(|m| dir_of(&m).to_string())
            .collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.len()));
        dirs.dedup();
        self.packages = dirs;
    }

    /// Whether `file` is read although the prefilter passed it over.
    pub fn reads(&self, file: &str) -> bool {
        self.consumers.contains(file)
    }

    /// [`Project::env_for`] for the text `apply` wrote: only the clients left on Amplitude are
    /// still handed over (a migrated one is the Mixpanel object now).
    pub fn env_after(&self, file: &str, text: &str) -> Env {
        let mut env = self.env_for(file, text);
        env.imports.retain(|_, l| self.left.contains_key(&l.id));
        env.slots.retain(|_, l| self.left.contains_key(&l.id));
        env
    }

    /// Whether any module hands over a client.
    pub fn hands_over(&self) -> bool {
        !self.exports.is_empty() || !self.slots.is_empty()
    }

    /// What the link step tells `file`, whose text is `text`: every quoted string in it that
    /// names a module exporting a client maps that module's exports (a string that is not an
    /// import maps nothing the file reads), every slot, and the clients left.
    pub fn env_for(&self, file: &str, text: &str) -> Env {
        let scope = self
            .packages
            .iter()
            .find(|d| d.is_empty() || file.starts_with(&format!("{d}/")))
            .map(|d| self.bundles.get(d).unwrap_or(d).clone())
            .unwrap_or_default();
        let mut env = Env {
            file: file.to_string(),
            scope,
            slots: self.slots.clone(),
            left: self.left.clone(),
            ..Env::default()
        };
        if self.exports.is_empty() {
            return env;
        }
        for spec in quoted(text) {
            let Some(target) = self.resolver.resolve(file, spec) else {
                continue;
            };
            let Some(exports) = self.exports.get(&target) else {
                continue;
            };
            for (name, l) in exports {
                env.imports
                    .insert((spec.to_string(), name.clone()), l.clone());
            }
        }
        env
    }

    /// Words a file must contain to import a module that exports a client, or to read a slot:
    /// the module's file stem (the directory's name for an `index` file) and the slot names.
    pub fn needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .exports
            .keys()
            .filter_map(|m| {
                let file = m.rsplit('/').next()?;
                let stem = file.split('.').next()?;
                if stem == "index" {
                    dir_of(m).rsplit('/').next().map(str::to_string)
                } else {
                    Some(stem.to_string())
                }
            })
            .chain(self.slots.keys().map(|(_, n)| n.clone()))
            .filter(|n| !n.is_empty())
            .collect();
        if self.exports.keys().any(|m| {
            m.rsplit('/')
                .next()
                .is_some_and(|f| f.starts_with("index."))
        }) {
            // `./index`, and the directory named by dots alone: `'.'`, `'..'`, `'../'`, and
            // `'../..'`, `'../../'`, `'./..'` by their ends.
            out.push("index".to_string());
            for q in ['\'', '"'] {
                for dots in [".", "..", "./", "../"] {
                    out.push(format!("{q}{dots}{q}"));
                    out.push(format!("/{dots}{q}"));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The contents of the single- and double-quoted strings of a text that could be module
/// specifiers (no line break, no space).
fn quoted(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let q = b[i];
        if q == b'\'' || q == b'"' || q == b'`' {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != q && b[j] != b'\n' && b[j] != b' ' {
                j += 1;
            }
            if j < b.len() && b[j] == q && j > start {
                out.push(&text[start..j]);
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> Resolver {
        Resolver::new(
            [
                "src/lib/amp.ts",
                "src/lib/telemetry/index.ts",
                "src/pages/a.tsx",
                "web/x.js",
            ]
            .map(String::from),
            vec![PathsConfig {
                dir: String::new(),
                base: Some(String::new()),
                paths: vec![("@/*".into(), vec!["src/*".into()])],
            }],
        )
    }

    #[test]
    fn specifiers_resolve_like_typescript() {
        let r = resolver();
        assert_eq!(
            r.resolve("src/pages/a.tsx", "../lib/amp").as_deref(),
            Some("src/lib/amp.ts")
        );
        assert_eq!(
            r.resolve("src/pages/a.tsx", "../lib/amp.js").as_deref(),
            Some("src/lib/amp.ts")
        );
        assert_eq!(
            r.resolve("src/pages/a.tsx", "@/lib/telemetry").as_deref(),
            Some("src/lib/telemetry/index.ts")
        );
        assert_eq!(
            r.resolve("src/pages/a.tsx", "src/lib/amp").as_deref(),
            Some("src/lib/amp.ts")
        );
        assert_eq!(r.resolve("src/pages/a.tsx", "react"), None);
        assert_eq!(r.resolve("web/x.js", "./y"), None);
    }

    #[test]
    fn paths_join_and_climb() {
        assert_eq!(join("src/a", "../b/./c"), "src/b/c");
        assert_eq!(join("", "../x"), "../x");
        assert_eq!(join("../a", "../../b"), "../../b");
    }

    #[test]
    fn configs_with_comments_and_trailing_commas_read() {
        let text = "{\n // c\n \"extends\": \"./base.json\",\n \"compilerOptions\": { /* x */ \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"src/*\",], }, },\n}";
        let (base, paths, extends) = read_config(text).unwrap();
        assert_eq!(base.as_deref(), Some("."));
        assert_eq!(paths, vec![("@/*".to_string(), vec!["src/*".to_string()])]);
        assert_eq!(extends.as_deref(), Some("./base.json"));
    }

    #[test]
    fn quoted_strings_are_candidates() {
        assert_eq!(
            quoted("import a from '../lib/amp';\nconst b = require(\"./x\"); s = 'a b'"),
            vec!["../lib/amp", "./x"]
        );
    }
}
