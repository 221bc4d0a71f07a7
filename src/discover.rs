//! Finding the files to process: a `.gitignore`/`.ignore`-aware walk (the `ignore` crate) that
//! walks hidden directories, never enters `node_modules` or `.git`, does not follow symlinks,
//! and keeps the JS/TS, Vue, Svelte and HTML files by extension and the `package.json` files.
//! Paths come out relative to the current directory with `/` separators, sorted, so output
//! order never depends on the walk.

use crate::lang::{Kind, Lang};
use std::path::{Component, Path, PathBuf};

/// A file to process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The path as shown in output: relative to the current directory, `/`-separated.
    pub display: String,
    pub path: PathBuf,
    pub kind: Kind,
}

/// A `package.json` to process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestFile {
    /// The path as shown in output, like [`Target::display`].
    pub display: String,
    pub path: PathBuf,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub targets: Vec<Target>,
    /// The code files the prefilter passed over: read only when they import a module that
    /// hands over an Amplitude client.
    pub others: Vec<Target>,
    /// `tsconfig.json` and `jsconfig.json` files, for module resolution.
    pub configs: Vec<PathBuf>,
    /// `package.json` files met by walking a directory (one named on the command line alone
    /// is not: whether its dependencies may go depends on the code below it).
    pub manifests: Vec<ManifestFile>,
    /// Walk problems (unreadable directories), one line each.
    pub warnings: Vec<String>,
    /// Paths given on the command line that do not exist or cannot be used.
    pub errors: Vec<String>,
    /// Temporary files an interrupted `apply` left (`.amp2mp-*.tmp`), for `apply` to remove.
    pub stale: Vec<PathBuf>,
}

/// The file name of npm manifests.
const MANIFEST: &str = "package.json";

/// Directory names never entered.
const SKIPPED_DIRS: [&str; 2] = ["node_modules", ".git"];

/// Walks `paths` (the current directory when empty).
pub fn discover(paths: &[PathBuf], no_ignore: bool) -> Discovered {
    discover_filtered(paths, no_ignore, None, &|_| true)
}

/// Walks `paths` on `threads` threads (the `ignore` crate's default when `None`), keeping only
/// the code files met in directories for which `keep` says yes: a run reads and prefilters
/// each file on the walk's threads, as the walk goes, so the files that cannot contain
/// Amplitude are gone before the run starts. A file named on the command line is always kept.
pub fn discover_filtered(
    paths: &[PathBuf],
    no_ignore: bool,
    threads: Option<usize>,
    keep: &(dyn Fn(&Path) -> bool + Sync),
) -> Discovered {
    let cwd = std::env::current_dir().unwrap_or_default();
    let default = [PathBuf::from(".")];
    let roots = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut found = Discovered::default();
    let mut named_manifests = Vec::new();
    for root in roots {
        match std::fs::metadata(root) {
            Err(e) => found
                .errors
                .push(format!("{}: {}", display_path(root, &cwd), io_reason(&e))),
            Ok(m) if m.is_file() => match Kind::from_path(root) {
                Some(kind) => found.targets.push(target(root, kind, &cwd)),
                None if root.file_name().is_some_and(|n| n == MANIFEST) => {
                    named_manifests.push(display_path(root, &cwd));
                }
                None => found.warnings.push(format!(
                    "{}: not a JavaScript, TypeScript, Vue, Svelte or HTML file (.js .jsx .mjs .cjs .ts .tsx .mts .cts .vue .svelte .html .htm); skipped",
                    display_path(root, &cwd)
                )),
            },
            Ok(_) => walk(root, no_ignore, threads, &cwd, keep, &mut found),
        }
    }
    found.targets.sort_by(|a, b| a.display.cmp(&b.display));
    found.targets.dedup_by(|a, b| a.display == b.display);
    found.manifests.sort_by(|a, b| a.display.cmp(&b.display));
    found.manifests.dedup_by(|a, b| a.display == b.display);
    for named in named_manifests {
        if !found.manifests.iter().any(|m| m.display == named) {
            found.warnings.push(format!(
                "{named}: a package.json is migrated together with the code below it: pass its directory instead; skipped"
            ));
        }
    }
    found
}

/// The `[paths] exclude` globs of the run's config, matched against paths relative to the
/// current directory (gitignore syntax).
fn excludes() -> Option<ignore::overrides::Override> {
    let globs = &crate::config::current().paths.exclude;
    if globs.is_empty() {
        return None;
    }
    let mut b = ignore::overrides::OverrideBuilder::new("");
    for g in globs {
        b.add(&format!("!{g}")).ok()?;
    }
    b.build().ok()
}

fn walk(
    root: &Path,
    no_ignore: bool,
    threads: Option<usize>,
    cwd: &Path,
    keep: &(dyn Fn(&Path) -> bool + Sync),
    found: &mut Discovered,
) {
    let excluded = excludes();
    let cwd_owned = cwd.to_path_buf();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(!no_ignore)
        .git_ignore(!no_ignore)
        .git_exclude(!no_ignore)
        .git_global(!no_ignore)
        .parents(!no_ignore)
        .require_git(false)
        .follow_links(false)
        .threads(threads.unwrap_or(0))
        .filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && SKIPPED_DIRS.iter().any(|d| e.file_name() == *d) {
                return false;
            }
            let Some(ex) = &excluded else {
                return true;
            };
            let rel = e.path().strip_prefix(&cwd_owned).unwrap_or(e.path());
            let rel = rel.strip_prefix(".").unwrap_or(rel);
            !ex.matched(rel, is_dir).is_ignore()
        })
        .build_parallel();
    let met = std::sync::Mutex::new(Discovered::default());
    walker.run(|| {
        let met = &met;
        Box::new(move |entry| {
            let seen = meet(entry, cwd, keep);
            if let Some(seen) = seen {
                let mut met = met.lock().unwrap_or_else(|p| p.into_inner());
                match seen {
                    Met::Target(t) => met.targets.push(t),
                    Met::Other(t) => met.others.push(t),
                    Met::Config(p) => met.configs.push(p),
                    Met::Manifest(m) => met.manifests.push(m),
                    Met::Stale(p) => met.stale.push(p),
                    Met::Warning(w) => met.warnings.push(w),
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut met = met.into_inner().unwrap_or_else(|p| p.into_inner());
    // The walk's threads meet things in any order; the run's output must not depend on it.
    met.warnings.sort();
    met.stale.sort();
    found.targets.append(&mut met.targets);
    met.others.sort_by(|a, b| a.display.cmp(&b.display));
    met.configs.sort();
    found.others.append(&mut met.others);
    found.configs.append(&mut met.configs);
    found.manifests.append(&mut met.manifests);
    found.stale.append(&mut met.stale);
    found.warnings.append(&mut met.warnings);
}

/// Something the walk met that the run needs.
enum Met {
    Target(Target),
    Other(Target),
    Config(PathBuf),
    Manifest(ManifestFile),
    Stale(PathBuf),
    Warning(String),
}

/// What one entry of the walk is to the run, if anything.
fn meet(
    entry: Result<ignore::DirEntry, ignore::Error>,
    cwd: &Path,
    keep: &(dyn Fn(&Path) -> bool + Sync),
) -> Option<Met> {
    let e = match entry {
        Ok(e) => e,
        Err(e) => {
            // A directory the walk cannot read is a target that fails to load: an error
            // (exit 2) and, for `check`, an unanalyzed-file finding, never a silent pass.
            if let Some(dir) = error_path(&e).filter(|p| p.is_dir()) {
                return Some(Met::Target(target(
                    &dir,
                    Kind::Script(Lang::JavaScript),
                    cwd,
                )));
            }
            return Some(Met::Warning(walk_error(&e, cwd)));
        }
    };
    if !e.file_type().is_some_and(|t| t.is_file()) {
        return None;
    }
    if let Some(kind) = Kind::from_path(e.path()) {
        let t = target(e.path(), kind, cwd);
        return Some(if keep(e.path()) {
            Met::Target(t)
        } else {
            Met::Other(t)
        });
    }
    if e.file_name() == "tsconfig.json" || e.file_name() == "jsconfig.json" {
        return Some(Met::Config(e.path().to_path_buf()));
    }
    if e.file_name() == MANIFEST {
        return Some(Met::Manifest(ManifestFile {
            display: display_path(e.path(), cwd),
            path: e.path().to_path_buf(),
        }));
    }
    is_stale_temp(e.file_name()).then(|| Met::Stale(e.path().to_path_buf()))
}

/// `.amp2mp-XXXXXX.tmp`, the name `write.rs` gives its temporary files.
fn is_stale_temp(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(".amp2mp-") && n.ends_with(".tmp"))
}

/// The path a walk error is about, if it names one.
fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn walk_error(e: &ignore::Error, cwd: &Path) -> String {
    let mut err = e;
    let mut path = None;
    loop {
        match err {
            ignore::Error::WithPath {
                path: p,
                err: inner,
            } => {
                path = Some(p.clone());
                err = inner;
            }
            ignore::Error::WithDepth { err: inner, .. }
            | ignore::Error::WithLineNumber { err: inner, .. } => err = inner,
            _ => break,
        }
    }
    match path {
        Some(p) => format!("{}: {err}; skipped", display_path(&p, cwd)),
        None => format!("{err}; skipped"),
    }
}

fn target(path: &Path, kind: Kind, cwd: &Path) -> Target {
    Target {
        display: display_path(path, cwd),
        path: path.to_path_buf(),
        kind,
    }
}

/// `path` relative to `cwd` when it lies below it, without `./`, with `/` separators.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let rel = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| match c {
            Component::RootDir => String::new(),
            other => other.as_os_str().to_string_lossy().into_owned(),
        })
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// An I/O error as a short reason.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_slashed() {
        let cwd = Path::new("/repo");
        assert_eq!(display_path(Path::new("./src/a.js"), cwd), "src/a.js");
        assert_eq!(display_path(Path::new("/repo/src/a.js"), cwd), "src/a.js");
        assert_eq!(
            display_path(Path::new("/elsewhere/a.js"), cwd),
            "/elsewhere/a.js"
        );
        assert_eq!(display_path(Path::new("."), cwd), ".");
    }

    #[test]
    fn walk_skips_node_modules_and_ignored_but_not_hidden() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a.js",
            "b.txt",
            ".storybook/c.tsx",
            "node_modules/x/d.js",
            "ignored/e.ts",
            "f.mts",
            "g.vue",
            "h.svelte",
            "i.html",
            "j.htm",
            "k.json",
            "package.json",
            "web/package.json",
            "node_modules/x/package.json",
            "ignored/package.json",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let found = discover(&[root.to_path_buf()], false);
        let names: Vec<String> = found
            .targets
            .iter()
            .map(|t| {
                t.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ".storybook/c.tsx",
                "a.js",
                "f.mts",
                "g.vue",
                "h.svelte",
                "i.html",
                "j.htm"
            ]
        );
        let manifests: Vec<String> = found
            .manifests
            .iter()
            .map(|m| {
                m.path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(manifests, ["package.json", "web/package.json"]);
        let all = discover(&[root.to_path_buf()], true);
        assert_eq!(all.targets.len(), 8);
        assert_eq!(all.manifests.len(), 3);
    }
}
