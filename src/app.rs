//! Orchestration: discover the files, process them in parallel (rayon, one parser per thread),
//! then plan the package.json files from what the code files leave, render and write in path
//! order (`apply` writes the code first, so a package.json follows what was really written),
//! and decide the exit status. Reading and writing files happens here and in `write.rs`;
//! everything in between is pure.

use crate::cli::{exit, ApplyArgs, CheckArgs, Cli, Command, InventoryArgs, RunArgs};
use crate::discover::{self, io_reason, Target};
use crate::engine::{self, Located};
use crate::inventory;
use crate::lang::Kind;
use crate::link;
use crate::manifest;
use crate::mapping;
use crate::ordered;
use crate::plan::{rule, Finding};
use crate::prefilter;
use crate::render;
use crate::tally::Tally;
use crate::write::{self, DirtyGuard};
use std::io::{self, Read, Seek, Write};

/// A line of code longer than this marks a file as minified (not worth a reviewable diff). In
/// Vue, Svelte and HTML files only the lines of the `<script>` blocks amp2mp parses count: a
/// long line of markup (an inline SVG path, a data URI) does not make the code minified.
const MINIFIED_LINE: usize = 10_000;

/// What processing one file gave.
#[derive(Debug, Default)]
pub struct FileResult {
    pub display: String,
    pub path: std::path::PathBuf,
    /// The kind of a code file (grammar, or markup with script blocks); `None` for a
    /// package.json.
    pub kind: Option<Kind>,
    /// The bytes read, kept only when there is a new text to write.
    pub original: Option<String>,
    pub output: Option<String>,
    pub rewrites: Vec<(mapping::Target, usize, usize)>,
    pub findings: Vec<Located>,
    /// Rewrites with a caveat, positioned in `output` (for `apply`'s summary).
    pub notes: Vec<Located>,
    /// The file was skipped, with this reason.
    pub skipped: Option<String>,
    /// The file failed, with this reason (exit 2).
    pub error: Option<String>,
    /// Amplitude module names its final text still holds, for the package.json files.
    pub modules: std::collections::BTreeSet<String>,
    /// The Mixpanel packages its rewrite newly imports, for the package.json files.
    pub adds: std::collections::BTreeSet<manifest::Mixpanel>,
    /// `diff` and `check`: the file's part of the output, rendered on the worker thread as soon
    /// as the file is processed so that its texts need not be kept (`output` then stays
    /// `Some("")`, marking the file as changed).
    pub rendered: Option<String>,
    /// What the file leaves of the Amplitude packages, when a package.json of the run needs it.
    pub usage: Option<manifest::FileUse>,
    /// `apply`: the findings left in the new text, for when it is written (worked out on the
    /// worker thread, from the new text alone).
    pub after: Option<Vec<Located>>,
    /// The events the file tracks (`inventory` only).
    pub events: inventory::FileInventory,
    /// The lines its findings start on, for `check` to show and fingerprint.
    pub lines: render::source::SourceLines,
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let run_args = match &cli.command {
        Command::Diff(a) => a,
        Command::Apply(a) => &a.run,
        Command::Check(a) => &a.run,
        Command::Inventory(a) => &a.run,
    };
    match crate::config::load(run_args.config.as_deref()) {
        Ok(cfg) => crate::config::install(cfg),
        Err(e) => {
            eprintln!("amp2mp: error: {e}");
            return exit::ERROR;
        }
    }
    let result = match cli.command {
        Command::Diff(args) => run_diff(args),
        Command::Apply(args) => run_apply(args),
        Command::Check(args) => run_check(args),
        Command::Inventory(args) => run_inventory(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("amp2mp: error: {e}");
            exit::ERROR
        }
    }
}

/// Discovers every file and runs `per_file` on each, returning results in path order (for
/// `inventory`, whose tables need every file).
fn process_all_with(
    args: &RunArgs,
    per_file: impl Fn(&Target, u64) -> Option<FileResult> + Sync,
) -> (Vec<FileResult>, discover::Discovered) {
    let mut found = find(args);
    let targets = std::mem::take(&mut found.targets);
    let mut results = Vec::new();
    let _ = stream(args, &targets, per_file, |r| {
        results.push(r);
        Ok(())
    });
    (results, found)
}

/// Runs `per_file` on every target on the thread pool and hands each result to `sink` on this
/// thread, in path order, as soon as it and every earlier one are done; stops at the first
/// error `sink` returns.
fn stream(
    args: &RunArgs,
    targets: &[Target],
    per_file: impl Fn(&Target, u64) -> Option<FileResult> + Sync,
    mut sink: impl FnMut(FileResult) -> io::Result<()>,
) -> io::Result<()> {
    let mut outcome = Ok(());
    let jobs = args.jobs.map(usize::from);
    ordered::map(
        targets,
        jobs,
        |t| isolated(t, args.max_file_size, &per_file),
        |r| match r.map_or(Ok(()), &mut sink) {
            Ok(()) => true,
            Err(e) => {
                outcome = Err(e);
                false
            }
        },
    );
    outcome
}

/// Runs `per_file` on one target. A panic there would be a bug in amp2mp; it becomes that file's
/// error (exit 2, the file left unchanged) instead of ending the run.
fn isolated(
    t: &Target,
    max_size: u64,
    per_file: &impl Fn(&Target, u64) -> Option<FileResult>,
) -> Option<FileResult> {
    let payload =
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| per_file(t, max_size))) {
            Ok(r) => return r,
            Err(payload) => payload,
        };
    let why = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    Some(FileResult {
        display: t.display.clone(),
        path: t.path.clone(),
        kind: Some(t.kind),
        error: Some(format!(
            "internal error ({why}); the file was left unchanged: please report it to amp2mp's maintainers"
        )),
        ..FileResult::default()
    })
}

/// How many times the project phase links and plans again at most: each round follows one
/// more hop (a barrel re-exporting a client, a consumer handing it on) or leaves more clients.
const MAX_LINK_ROUNDS: usize = 4;

/// The project phase, between reading and planning: the facts of every file that may use
/// Amplitude, the link over all modules, a targeted pass over the files the prefilter passed
/// over that import a module handing over a client (found by the module's name in their bytes,
/// then parsed), and the decision per client. The consumers found join `found.targets`.
fn project_phase(args: &RunArgs, found: &mut discover::Discovered) -> link::Project {
    // Given some paths of a larger project (a pre-commit hook's changed files), the rest of
    // it is read as context: its facts link clients, but it is neither rewritten nor reported.
    let mut context = context_of(args, found);
    let files = found
        .targets
        .iter()
        .chain(&found.others)
        .chain(&context.targets)
        .chain(&context.others)
        .map(|t| t.display.clone());
    let mut configs = found.configs.clone();
    configs.extend(context.configs.iter().cloned());
    configs.sort();
    configs.dedup();
    let mut project = link::Project {
        resolver: link::Resolver::new(files, read_configs(&configs)),
        ..link::Project::default()
    };
    project.context = context.targets.iter().map(|t| t.display.clone()).collect();
    project.set_packages(
        found
            .manifests
            .iter()
            .chain(&context.manifests)
            .map(|m| m.display.clone()),
    );
    project.set_bundles(
        &found
            .manifests
            .iter()
            .chain(&context.manifests)
            .filter_map(|m| package_names(&m.display, &m.path))
            .collect::<Vec<_>>(),
    );
    found.others.append(&mut context.others);
    // A file named on the command line is read even when it does not mention Amplitude: it may
    // use a client another module hands over.
    project
        .consumers
        .extend(found.targets.iter().map(|t| t.display.clone()));
    let mut timings = Timings::default();
    let started = std::time::Instant::now();
    let mut facts = facts_of(args, &found.targets, &project);
    facts.append(&mut facts_of(args, &context.targets, &project));
    timings.facts += started.elapsed();
    for _ in 0..MAX_LINK_ROUNDS {
        if !project.link(&facts) {
            break;
        }
        let started = std::time::Instant::now();
        let more = targeted_pass(&project.needles(), &mut found.others, args);
        timings.scanned += found.others.len() + more.len();
        timings.found += more.len();
        timings.targeted += started.elapsed();
        timings.rounds += 1;
        for t in &more {
            project.consumers.insert(t.display.clone());
        }
        // A file of the run's paths is processed; one read only as context stays context.
        let (ctx, mine): (Vec<Target>, Vec<Target>) = more
            .into_iter()
            .partition(|t| !within(&args.paths, &t.path));
        project
            .context
            .extend(ctx.iter().map(|t| t.display.clone()));
        context.targets.extend(ctx);
        found.targets.extend(mine);
        found.targets.sort_by(|a, b| a.display.cmp(&b.display));
        let started = std::time::Instant::now();
        facts = facts_of(args, &found.targets, &project);
        facts.append(&mut facts_of(args, &context.targets, &project));
        timings.facts += started.elapsed();
    }
    let started = std::time::Instant::now();
    for _ in 0..MAX_LINK_ROUNDS {
        let before: std::collections::HashSet<crate::clients::ClientId> =
            project.left.keys().cloned().collect();
        if !project.decide(&facts) {
            break;
        }
        // Only the files that use a client just left plan differently: plan those again.
        let stale = |t: &&Target| {
            facts.get(&t.display).is_none_or(|f| {
                f.uses
                    .keys()
                    .any(|id| project.left.contains_key(id) && !before.contains(id))
            })
        };
        let again: Vec<Target> = found
            .targets
            .iter()
            .chain(&context.targets)
            .filter(stale)
            .cloned()
            .collect();
        timings.replanned += again.len();
        let fresh = facts_of(args, &again, &project);
        facts.extend(fresh);
    }
    timings.decide = started.elapsed();
    if std::env::var_os("AMP2MP_TIMINGS").is_some() {
        eprintln!("{}", timings.line(context.targets.len()));
    }
    project
}

/// What the project phase spent, for `AMP2MP_TIMINGS=1` (the benchmark reads it).
#[derive(Default)]
struct Timings {
    facts: std::time::Duration,
    targeted: std::time::Duration,
    decide: std::time::Duration,
    rounds: usize,
    replanned: usize,
    scanned: usize,
    found: usize,
}

impl Timings {
    fn line(&self, context: usize) -> String {
        format!(
            "amp2mp: timings: facts {:.3}s; targeted pass {:.3}s ({} rounds, {} files scanned, {} read); decide {:.3}s ({} files planned again); {context} context files",
            self.facts.as_secs_f64(),
            self.targeted.as_secs_f64(),
            self.rounds,
            self.scanned,
            self.found,
            self.decide.as_secs_f64(),
            self.replanned
        )
    }
}

/// The second, targeted pass: the files the prefilter passed over that contain one of
/// `needles` (the names of modules that hand over a client, and the slots' names), taken out
/// of `others`, read in parallel.
fn targeted_pass(needles: &[String], others: &mut Vec<Target>, args: &RunArgs) -> Vec<Target> {
    use rayon::prelude::*;
    let finder = aho_corasick::AhoCorasick::new(needles).ok();
    let hit = |t: &Target| {
        let Some(f) = &finder else {
            return false;
        };
        std::fs::read(&t.path).is_ok_and(|b| f.is_match(&b))
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, usize::from))
        .build();
    let hits: Vec<bool> = match &pool {
        Ok(p) => p.install(|| others.par_iter().map(hit).collect()),
        Err(_) => others.iter().map(hit).collect(),
    };
    let mut more = Vec::new();
    let mut kept = Vec::with_capacity(others.len());
    for (t, h) in std::mem::take(others).into_iter().zip(hits) {
        if h {
            more.push(t);
        } else {
            kept.push(t);
        }
    }
    *others = kept;
    more
}

/// The rest of the project the run's paths belong to, when they are a part of it: the files
/// under the repository's root (else the nearest `package.json`'s directory), when that is the
/// current directory or below it (else the current directory, inside a repository), minus the
/// run's own files. Empty when
/// the run covers the whole project already.
fn context_of(args: &RunArgs, found: &discover::Discovered) -> discover::Discovered {
    let none = discover::Discovered::default();
    let Ok(cwd) = std::env::current_dir() else {
        return none;
    };
    let Some(first) = args.paths.first() else {
        return none;
    };
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let abs = |p: &std::path::Path| {
        let p = cwd.join(p);
        std::fs::canonicalize(&p).unwrap_or(p)
    };
    let start = abs(first);
    // The repository's root; else the nearest package; else, inside a repository whose root
    // is above the current directory, the current directory. Outside any project: no context.
    let marked = |name: &str| start.ancestors().find(|d| d.join(name).exists());
    let repo = marked(".git");
    let root = match (repo, marked("package.json")) {
        (Some(r), _) if r.starts_with(&cwd) => r.to_path_buf(),
        (_, Some(p)) if p.starts_with(&cwd) => p.to_path_buf(),
        (Some(_), _) => cwd.clone(),
        _ => return none,
    };
    if args.paths.iter().any(|p| abs(p) == root) || !start.starts_with(&root) {
        return none;
    }
    let rel = root.strip_prefix(&cwd).unwrap_or(&root);
    let rel = if rel.as_os_str().is_empty() {
        std::path::PathBuf::from(".")
    } else {
        rel.to_path_buf()
    };
    let mut ctx = discover::discover_filtered(
        &[rel],
        args.no_ignore,
        args.jobs.map(usize::from),
        &worth_reading,
    );
    // The run's own files, by what they are (a symlink named on the command line is its
    // target).
    let mine: std::collections::HashSet<std::path::PathBuf> = found
        .targets
        .iter()
        .chain(&found.others)
        .map(|t| abs(&t.path))
        .collect();
    ctx.targets.retain(|t| !mine.contains(&abs(&t.path)));
    ctx.others.retain(|t| !mine.contains(&abs(&t.path)));
    ctx
}

/// A package.json's directory, `name` and dependency names (of every dependency kind).
fn package_names(display: &str, path: &std::path::Path) -> Option<(String, String, Vec<String>)> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let name = json["name"].as_str().unwrap_or_default().to_string();
    let deps = [
        "dependencies",
        "devDependencies",
        "peerDependencies",
        "optionalDependencies",
    ]
    .iter()
    .filter_map(|k| json[*k].as_object())
    .flat_map(|o| o.keys().cloned())
    .collect();
    Some((link::dir_of(display).to_string(), name, deps))
}

/// Whether `path` is one of `paths` or under one of them (no paths: the current directory).
fn within(paths: &[std::path::PathBuf], path: &std::path::Path) -> bool {
    if paths.is_empty() {
        return true;
    }
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let path = canon(path);
    paths.iter().any(|p| path.starts_with(canon(p)))
}

/// The facts of every target, planned with what `project` knows so far.
fn facts_of(
    args: &RunArgs,
    targets: &[Target],
    project: &link::Project,
) -> std::collections::BTreeMap<String, crate::clients::Facts> {
    let mut out = std::collections::BTreeMap::new();
    ordered::map(
        targets,
        args.jobs.map(usize::from),
        |t| {
            let Loaded::Text(_, text) = load(t, args.max_file_size, project) else {
                return None;
            };
            let env = project.env_for(&t.display, &text);
            let facts = std::panic::catch_unwind(|| {
                within_budget(text.len(), || {
                    engine::transform_file_with(t.kind, &text, &env).facts
                })
            })
            .ok()?;
            Some((t.display.clone(), facts))
        },
        |r| {
            if let Some((file, f)) = r {
                out.insert(file, f);
            }
            true
        },
    );
    out
}

/// The `baseUrl` and `paths` of the run's `tsconfig.json` / `jsconfig.json` files, each with
/// what it inherits through `extends`.
fn read_configs(paths: &[std::path::PathBuf]) -> Vec<link::PathsConfig> {
    let cwd = std::env::current_dir().unwrap_or_default();
    paths
        .iter()
        .filter_map(|p| {
            let display = discover::display_path(p, &cwd);
            let dir = link::dir_of(&display).to_string();
            let (mut base, mut paths, mut extends) =
                link::read_config(&std::fs::read_to_string(p).ok()?)?;
            let mut base_dir = dir.clone();
            let mut at = p.parent()?.to_path_buf();
            for _ in 0..8 {
                if base.is_some() && !paths.is_empty() {
                    break;
                }
                let Some(parent) = extends.take().filter(|e| e.starts_with('.')) else {
                    break;
                };
                let mut file = at.join(&parent);
                if file.extension().is_none() {
                    file.set_extension("json");
                }
                let Some((b, ps, e)) = std::fs::read_to_string(&file)
                    .ok()
                    .and_then(|t| link::read_config(&t))
                else {
                    break;
                };
                let parent_dir = link::dir_of(&discover::display_path(&file, &cwd)).to_string();
                if base.is_none() {
                    base = b;
                    base_dir = parent_dir.clone();
                }
                if paths.is_empty() {
                    paths = ps;
                }
                extends = e;
                at = file.parent()?.to_path_buf();
            }
            Some(link::PathsConfig {
                base: base.map(|b| link::join(&base_dir, &b)),
                dir,
                paths,
            })
        })
        .collect()
}

/// Walks the run's paths, reading and prefiltering each code file on the walk's threads.
fn find(args: &RunArgs) -> discover::Discovered {
    let threads = args.jobs.map(usize::from);
    discover::discover_filtered(&args.paths, args.no_ignore, threads, &worth_reading)
}

/// Whether a file can give a result: it mentions Amplitude (the prefilter), is UTF-16 text that
/// does, or cannot be read (an error to report). [`load`] reads it again and decides the rest.
fn worth_reading(path: &std::path::Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return true;
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return prefilter::may_contain_utf16(&bytes);
    }
    prefilter::may_contain(&bytes)
}

/// Reads and transforms one file, with what the link step tells it; `None` when it cannot
/// contain Amplitude.
pub fn process(t: &Target, max_size: u64, project: &link::Project) -> Option<FileResult> {
    let (mut r, text) = match load(t, max_size, project) {
        Loaded::Text(r, text) => (r, text),
        Loaded::Done(done) => return done,
    };
    let env = project.env_for(&t.display, &text);
    let out = within_budget(text.len(), || {
        engine::transform_file_with(t.kind, &text, &env)
    });
    r.modules = manifest::quoted_modules(out.output.as_deref().unwrap_or(&text));
    r.rewrites = out.rewrites;
    r.findings = out.findings;
    r.lines = render::source::SourceLines::of(&text, &r.findings);
    r.notes = out.notes;
    r.error = out.error;
    if let Some(new) = out.output {
        r.adds = manifest::added_imports(&text, &new);
        r.original = Some(text);
        r.output = Some(new);
    }
    Some(r)
}

/// Reads one file and lists the events it tracks; `None` when it cannot contain Amplitude.
fn process_inventory(t: &Target, max_size: u64) -> Option<FileResult> {
    let (mut r, text) = match load(t, max_size, &link::Project::default()) {
        Loaded::Text(r, text) => (r, text),
        Loaded::Done(done) => return done,
    };
    match inventory::file_events(t.kind, &text) {
        Ok(events) => r.events = events,
        Err(why) => r.error = Some(why),
    }
    Some(r)
}

/// A file larger than this counts against [`BIG_BUDGET`].
const BIG_FILE: usize = 1 << 20;

/// How many bytes of big files are transformed at once. A syntax tree takes about 25 times
/// its file's size, so two huge files side by side would set the run's peak memory; files
/// of a megabyte or two still go two at a time.
const BIG_BUDGET: usize = 5 << 20;

/// Runs `work` on a text of `len` bytes: at once for a small one; for a big one, once the
/// budget has room for it, handing the memory back to the system afterwards.
fn within_budget<R>(len: usize, work: impl FnOnce() -> R) -> R {
    if len <= BIG_FILE {
        return work();
    }
    let grant = Grant::take(len.min(BIG_BUDGET));
    let out = work();
    release_freed_memory();
    drop(grant);
    out
}

/// Bytes of [`BIG_BUDGET`] held by one transform, given back when dropped.
struct Grant(usize);

static BUDGET_USED: std::sync::Mutex<usize> = std::sync::Mutex::new(0);
static BUDGET_FREED: std::sync::Condvar = std::sync::Condvar::new();

impl Grant {
    /// Waits until `bytes` fit in the budget, and holds them.
    fn take(bytes: usize) -> Grant {
        let mut used = BUDGET_USED.lock().unwrap_or_else(|p| p.into_inner());
        while *used + bytes > BIG_BUDGET {
            used = BUDGET_FREED.wait(used).unwrap_or_else(|p| p.into_inner());
        }
        *used += bytes;
        Grant(bytes)
    }
}

impl Drop for Grant {
    fn drop(&mut self) {
        let mut used = BUDGET_USED.lock().unwrap_or_else(|p| p.into_inner());
        *used -= self.0;
        BUDGET_FREED.notify_all();
    }
}

/// Hands the memory a big file's trees took back to the system. glibc keeps freed memory in
/// the arena of the thread that freed it, so without this each thread that ever held a big tree
/// would keep its size for the rest of the run.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only returns free pages of glibc's own heaps to the kernel; it
        // takes no pointer and touches no memory in use.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// What reading a code file for analysis gave.
enum Loaded {
    /// Its result so far, and its text.
    Text(FileResult, String),
    /// Its whole result (unreadable, skipped), or `None` when it cannot contain Amplitude.
    Done(Option<FileResult>),
}

/// Reads a code file for analysis, with the prefilter (a file the project phase found to read
/// a client handed over by another module passes it too) and the skip rules.
fn load(t: &Target, max_size: u64, project: &link::Project) -> Loaded {
    let r = FileResult {
        display: t.display.clone(),
        path: t.path.clone(),
        kind: Some(t.kind),
        ..FileResult::default()
    };
    let bytes = match std::fs::read(&t.path) {
        Ok(b) => b,
        Err(e) => {
            return Loaded::Done(Some(unreadable(r, &e)));
        }
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Loaded::Done(
            prefilter::may_contain_utf16(&bytes)
                .then(|| skipped(r, "UTF-16 text: convert it to UTF-8 to migrate it".into())),
        );
    }
    if !prefilter::may_contain(&bytes) && !project.reads(&t.display) {
        return Loaded::Done(None);
    }
    if bytes.len() as u64 > max_size {
        let why = format!("larger than {max_size} bytes (raise --max-file-size to include it)");
        return Loaded::Done(Some(skipped(r, why)));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Loaded::Done(Some(skipped(r, "not valid UTF-8".into())));
    };
    if looks_minified(t.kind, &text) {
        let why = format!(
            "looks minified (a line over {MINIFIED_LINE} bytes); migrate its source instead"
        );
        return Loaded::Done(Some(skipped(r, why)));
    }
    Loaded::Text(r, text)
}

/// Whether a line of the file's code is longer than [`MINIFIED_LINE`].
fn looks_minified(kind: Kind, text: &str) -> bool {
    let long = |code: &str| code.split('\n').any(|l| l.len() > MINIFIED_LINE);
    match kind {
        Kind::Script(_) => long(text),
        Kind::Markup(m) => crate::embedded::code_ranges(m, text)
            .into_iter()
            .any(|r| long(&text[r])),
    }
}

/// A file or directory that cannot be read: an error (exit 2), and for `check` a finding, since
/// nobody can tell whether it uses Amplitude.
fn unreadable(mut r: FileResult, e: &io::Error) -> FileResult {
    let why = format!("cannot read it: {}", io_reason(e));
    let message = format!("not analysed ({why}): amp2mp cannot tell whether it uses Amplitude");
    r.findings.push(unanalyzed(&r.display, message));
    r.error = Some(why);
    r
}

/// A skipped file that mentions Amplitude: a warning, and for `check` a finding.
fn skipped(mut r: FileResult, why: String) -> FileResult {
    let message = format!("mentions Amplitude but was not analysed: {why}");
    r.findings.push(unanalyzed(&r.display, message));
    r.skipped = Some(why);
    r
}

/// An `unanalyzed-file` finding on a whole file.
fn unanalyzed(display: &str, message: String) -> Located {
    Located {
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        finding: Finding {
            range: 0..0,
            rule: rule::UNANALYZED,
            subject: display.to_string(),
            message,
            fixable: false,
            note: None,
        },
    }
}

fn stdout(args: &RunArgs) -> anstream::AutoStream<io::StdoutLock<'static>> {
    anstream::AutoStream::new(io::stdout().lock(), args.color.choice())
}

fn use_color(args: &RunArgs) -> bool {
    match args.color {
        crate::cli::Color::Always => true,
        crate::cli::Color::Never => false,
        crate::cli::Color::Auto => {
            anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

fn run_diff(args: RunArgs) -> io::Result<u8> {
    let color = use_color(&args);
    let mut found = find(&args);
    let project = project_phase(&args, &mut found);
    let targets = std::mem::take(&mut found.targets);
    let manifests = read_manifests(&found, args.max_file_size);
    let mut out = Out::new(
        io::BufWriter::new(stdout(&args)),
        None,
        first_display(&manifests),
    );
    let mut tally = Tally::default();
    render_all(
        &args,
        &targets,
        &project,
        manifests,
        &mut out,
        &mut tally,
        |r| diff_of(r, color),
    )?;
    tally.finish();
    Ok(finish(&tally, &found, render::summary::Mode::Diff))
}

/// Streams the code files' parts to `out` in path order, then merges in the package.json files'
/// parts, counting every result in `tally`. `render` makes a file's part on its worker; the
/// file's texts are dropped right after, so memory follows the files in flight.
#[allow(clippy::too_many_arguments)]
fn render_all<W: Write>(
    args: &RunArgs,
    targets: &[Target],
    project: &link::Project,
    manifests: Vec<ReadManifest>,
    out: &mut Out<W>,
    tally: &mut Tally,
    render: impl Fn(&mut FileResult) -> Option<String> + Sync,
) -> io::Result<()> {
    let need_uses = !manifests.is_empty();
    let mut uses = Vec::new();
    stream(
        args,
        targets,
        |t, max| {
            let mut r = process(t, max, project)?;
            if need_uses {
                r.usage = file_use(&r);
            }
            r.rendered = render(&mut r);
            r.original = None;
            r.output = r.output.map(|_| String::new());
            r.lines = render::source::SourceLines::default();
            Some(r)
        },
        |mut r| {
            if let Some(part) = r.rendered.take() {
                out.part(&r.display, &part)?;
            }
            uses.extend(r.usage.take());
            tally.add(r);
            Ok(())
        },
    )?;
    let mut late = Vec::new();
    for (mut r, _) in plan_manifests(manifests, &uses) {
        if let Some(part) = render(&mut r) {
            late.push((r.display.clone(), part));
        }
        tally.add(r);
    }
    out.finish(late)
}

/// The unified diff of a changed result, whose texts it then drops (`output` stays `Some("")`).
fn diff_of(r: &mut FileResult, color: bool) -> Option<String> {
    let old = r.original.take()?;
    let new = r.output.replace(String::new())?;
    Some(render::diff::unified(&r.display, &old, &new, color))
}

fn run_apply(args: ApplyArgs) -> io::Result<u8> {
    let mut found = find(&args.run);
    let project = project_phase(&args.run, &mut found);
    let targets = std::mem::take(&mut found.targets);
    for stale in &found.stale {
        // A temporary file of an apply that was killed before its rename: the original was
        // never touched, so the leftover only takes space.
        if std::fs::remove_file(stale).is_ok() {
            found.warnings.push(format!(
                "{}: removed a temporary file left by an interrupted run",
                discover::display_path(stale, &std::env::current_dir().unwrap_or_default())
            ));
        }
    }
    let manifests = read_manifests(&found, args.run.max_file_size);
    let need_uses = !manifests.is_empty();
    let mut guard = DirtyGuard::default();
    let mut tally = Tally::default();
    let mut uses = Vec::new();
    stream(
        &args.run,
        &targets,
        |t, max| {
            let mut r = process(t, max, &project)?;
            // What is left is reported where it will stand, in the new text.
            if let (Some(kind), Some(new)) = (r.kind, &r.output) {
                let env = project.env_after(&t.display, new);
                let mut after =
                    within_budget(new.len(), || engine::transform_file_with(kind, new, &env))
                        .findings;
                after.append(&mut r.notes);
                r.after = Some(after);
            }
            Some(r)
        },
        |mut r| {
            if write_one(&mut r, &args, &mut guard) {
                r.findings = r.after.take().unwrap_or_default();
            }
            if need_uses {
                uses.extend(file_use(&r));
            }
            r.original = None;
            tally.add(r);
            Ok(())
        },
    )?;
    for (mut r, usage) in plan_manifests(manifests, &uses) {
        if let (true, Some(new)) = (write_one(&mut r, &args, &mut guard), &r.output) {
            let versions = manifest::Versions::default();
            r.findings = manifest::plan(new, &usage, &versions)
                .map(|o| o.findings)
                .unwrap_or_default();
        }
        tally.add(r);
    }
    tally.finish();
    let code = finish(&tally, &found, render::summary::Mode::Apply);
    if let Some(path) = &args.report {
        if let Err(e) = std::fs::write(path, render::report::render(&tally)) {
            eprintln!("amp2mp: error: {}: report not written: {e}", path.display());
            return Ok(exit::ERROR);
        }
    }
    Ok(code)
}

/// Writes one result's new text, if it has one; on failure records why. Whether it was written.
fn write_one(r: &mut FileResult, args: &ApplyArgs, guard: &mut DirtyGuard) -> bool {
    let (Some(old), Some(new)) = (&r.original, &r.output) else {
        return false;
    };
    let refusal = if args.allow_dirty {
        Ok(())
    } else {
        guard.check(&r.path)
    };
    match refusal.and_then(|_| write::atomic_write(&r.path, old.as_bytes(), new.as_bytes())) {
        Ok(()) => true,
        Err(why) => {
            r.error = Some(format!("not written: {why}"));
            r.output = None;
            false
        }
    }
}

fn run_check(args: CheckArgs) -> io::Result<u8> {
    let color = use_color(&args.run);
    let format = args.format;
    let mut found = find(&args.run);
    let project = project_phase(&args.run, &mut found);
    let targets = std::mem::take(&mut found.targets);
    let manifests = read_manifests(&found, args.run.max_file_size);
    let doc = render::check::Document::new(format);
    // A reader that stops early (`| head`) does not change what was found: the run goes on
    // without writing.
    let mut out = Out::new(stdout(&args.run), Some(doc), first_display(&manifests));
    out.write_raw(&doc.head())?;
    let mut tally = Tally::default();
    render_all(
        &args.run,
        &targets,
        &project,
        manifests,
        &mut out,
        &mut tally,
        |r| render::check::file(r, format, color),
    )?;
    tally.finish();
    let tail = doc.tail(&tally, &found, out.empty());
    out.write_raw(&tail)?;
    let status = if !found.errors.is_empty() || tally.failed > 0 {
        exit::ERROR
    } else if tally.findings > 0 {
        exit::FOUND
    } else {
        exit::OK
    };
    let mut err = io::stderr().lock();
    for line in render::summary::problems(&tally, &found) {
        writeln!(err, "{line}")?;
    }
    if format == crate::cli::CheckFormat::Text {
        writeln!(err, "{}", render::check::total_line(&tally))?;
    }
    Ok(status)
}

fn run_inventory(args: InventoryArgs) -> io::Result<u8> {
    let (results, found) = process_all_with(&args.run, process_inventory);
    let status = if has_errors(&results, &found) {
        exit::ERROR
    } else {
        exit::OK
    };
    let text = render::inventory::render(&results, found.errors.len(), args.format);
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(status),
        other => other?,
    }
    let mut err = io::stderr().lock();
    let failed = Tally {
        kept: results
            .iter()
            .filter(|r| r.skipped.is_some() || r.error.is_some())
            .map(|r| FileResult {
                display: r.display.clone(),
                skipped: r.skipped.clone(),
                error: r.error.clone(),
                ..FileResult::default()
            })
            .collect(),
        ..Tally::default()
    };
    for line in render::summary::problems(&failed, &found) {
        writeln!(err, "{line}")?;
    }
    for line in render::inventory::left_out(&results) {
        writeln!(err, "{line}")?;
    }
    Ok(status)
}

fn has_errors(results: &[FileResult], found: &discover::Discovered) -> bool {
    !found.errors.is_empty() || results.iter().any(|r| r.error.is_some())
}

/// Prints the summary for `diff`/`apply` to stderr and returns the exit code.
fn finish(tally: &Tally, found: &discover::Discovered, mode: render::summary::Mode) -> u8 {
    let text = render::summary::render(tally, found, mode);
    let _ = io::stderr().lock().write_all(text.as_bytes());
    if !found.errors.is_empty() || tally.failed > 0 {
        exit::ERROR
    } else {
        exit::OK
    }
}

/// Where `diff` and `check` write the files' parts, in path order. Straight to the output, until
/// the run passes a package.json that mentions Amplitude: its result is known only once every
/// code file is done, so the parts after it are held in a temporary file (in memory if none can
/// be made) and merged with the package.json parts at the end.
struct Out<W: Write> {
    out: W,
    /// The separators between parts (`check`'s JSON and SARIF); none for `diff`.
    doc: Option<render::check::Document>,
    /// No part written yet.
    first: bool,
    /// The first package.json whose part comes at the end.
    hold_from: Option<String>,
    held: Option<Held>,
    /// The reader went away (`check` goes on counting; `diff` stops).
    closed: bool,
}

/// Parts held back, and the path and length of each, in order.
struct Held {
    spill: Box<dyn Spill>,
    parts: Vec<(String, u64)>,
}

/// A place to hold parts: a temporary file, or memory.
trait Spill: Read + Write + Seek {}
impl<T: Read + Write + Seek> Spill for T {}

impl<W: Write> Out<W> {
    fn new(out: W, doc: Option<render::check::Document>, hold_from: Option<String>) -> Self {
        Out {
            out,
            doc,
            first: true,
            hold_from,
            held: None,
            closed: false,
        }
    }

    /// Whether no part was written.
    fn empty(&self) -> bool {
        self.first
    }

    /// The part of the file shown as `display`.
    fn part(&mut self, display: &str, text: &str) -> io::Result<()> {
        if self.held.is_none() && self.hold_from.as_deref().is_some_and(|m| display > m) {
            let spill: Box<dyn Spill> = match tempfile::tempfile() {
                Ok(f) => Box::new(f),
                Err(_) => Box::new(io::Cursor::new(Vec::new())),
            };
            self.held = Some(Held {
                spill,
                parts: Vec::new(),
            });
        }
        match &mut self.held {
            Some(held) => {
                held.spill.write_all(text.as_bytes())?;
                held.parts.push((display.to_string(), text.len() as u64));
                Ok(())
            }
            None => self.write_part(text),
        }
    }

    fn write_part(&mut self, text: &str) -> io::Result<()> {
        let sep = self.doc.map_or("", |d| d.separator(self.first));
        self.first = false;
        self.write_raw(sep)?;
        self.write_raw(text)
    }

    /// Writes `text` as is. A reader that went away ends `diff`; `check` goes on without
    /// writing.
    fn write_raw(&mut self, text: &str) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.out.write_all(text.as_bytes()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && self.doc.is_some() => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    /// Writes the held parts merged in path order with `late` ones (sorted by path), and
    /// flushes.
    fn finish(&mut self, late: Vec<(String, String)>) -> io::Result<()> {
        let mut held = self.held.take();
        let mut parts = Vec::new();
        if let Some(h) = &mut held {
            h.spill.rewind()?;
            parts = std::mem::take(&mut h.parts);
        }
        let mut late = late.into_iter().peekable();
        for (display, len) in parts {
            while let Some((_, text)) = late.next_if(|(d, _)| *d < display) {
                self.write_part(&text)?;
            }
            if let Some(h) = &mut held {
                let mut text = String::new();
                h.spill.as_mut().take(len).read_to_string(&mut text)?;
                self.write_part(&text)?;
            }
        }
        for (_, text) in late {
            self.write_part(&text)?;
        }
        match self.out.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && self.doc.is_some() => Ok(()),
            other => other,
        }
    }
}

/// The package.json files of the run that mention Amplitude, read before the code: whether
/// there are any decides what the code files' results keep for them.
fn read_manifests(found: &discover::Discovered, max_size: u64) -> Vec<ReadManifest> {
    found
        .manifests
        .iter()
        .filter_map(|m| read_manifest(m, max_size))
        .collect()
}

/// The path of the first package.json to come at the end.
fn first_display(manifests: &[ReadManifest]) -> Option<String> {
    manifests.first().map(|m| m.result.display.clone())
}

/// A package.json read: its result so far, and when it is JSON, its text and the Amplitude
/// packages it declares.
struct ReadManifest {
    result: FileResult,
    json: Option<(String, Vec<String>)>,
}

/// Plans every package.json read, from what the code files of the run leave (`uses`); each
/// result comes with what its files do with its dependencies. Only results with something to
/// show are returned.
fn plan_manifests(
    read: Vec<ReadManifest>,
    uses: &[manifest::FileUse],
) -> Vec<(FileResult, manifest::Usage)> {
    if read.is_empty() {
        return Vec::new();
    }
    let declared: Vec<(&str, Vec<String>)> = read
        .iter()
        .map(|m| {
            let names = m.json.as_ref().map(|(_, d)| d.clone());
            (m.result.display.as_str(), names.unwrap_or_default())
        })
        .collect();
    let usage = manifest::assign(&declared, uses);
    let versions = manifest::Versions::default();
    let mut out = Vec::new();
    for (m, usage) in read.into_iter().zip(usage) {
        let mut r = m.result;
        if let Some((text, _)) = m.json {
            match manifest::plan(&text, &usage, &versions) {
                Ok(planned) => {
                    r.findings = planned.findings;
                    r.lines = render::source::SourceLines::of(&text, &r.findings);
                    r.error = planned.error;
                    if planned.output.is_some() {
                        r.original = Some(text);
                        r.output = planned.output;
                    }
                }
                Err(why) => r = skipped(r, why),
            }
        }
        if !r.findings.is_empty() || r.error.is_some() || r.output.is_some() {
            out.push((r, usage));
        }
    }
    out
}

/// Reads a package.json; `None` when it does not mention Amplitude.
fn read_manifest(m: &discover::ManifestFile, max_size: u64) -> Option<ReadManifest> {
    let r = FileResult {
        display: m.display.clone(),
        path: m.path.clone(),
        ..FileResult::default()
    };
    let alone = |result| Some(ReadManifest { result, json: None });
    let bytes = match std::fs::read(&m.path) {
        Ok(b) => b,
        Err(e) => {
            let why = format!("cannot read it: {}", io_reason(&e));
            return alone(FileResult {
                error: Some(why),
                ..r
            });
        }
    };
    memchr::memmem::find(&bytes, b"amplitude")?;
    if bytes.len() as u64 > max_size {
        let why = format!("larger than {max_size} bytes (raise --max-file-size to include it)");
        return alone(skipped(r, why));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return alone(skipped(r, "not valid UTF-8".into()));
    };
    match manifest::declared(&text) {
        Ok(declared) => Some(ReadManifest {
            result: r,
            json: Some((text, declared)),
        }),
        Err(why) => alone(skipped(r, why)),
    }
}

/// What a processed code file leaves of the Amplitude packages, for the package.json files.
fn file_use(r: &FileResult) -> Option<manifest::FileUse> {
    let unanalysed = r.skipped.is_some() || r.error.is_some();
    let read;
    let bytes: Option<&[u8]> = match (&r.original, unanalysed) {
        (_, false) => None,
        (Some(text), true) => Some(text.as_bytes()),
        (None, true) => {
            read = std::fs::read(&r.path).ok();
            read.as_deref()
        }
    };
    manifest::FileUse::new(
        &r.display,
        &r.findings,
        unanalysed,
        bytes,
        r.adds.clone(),
        &r.modules,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_one_file_becomes_its_error() {
        let t = Target {
            display: "src/a.js".into(),
            path: "src/a.js".into(),
            kind: Kind::Script(crate::lang::Lang::JavaScript),
        };
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = isolated(&t, 1, &|_, _| -> Option<FileResult> { panic!("boom") });
        std::panic::set_hook(hook);
        let r = r.unwrap();
        assert_eq!(r.display, "src/a.js");
        assert_eq!(
            r.error.as_deref(),
            Some("internal error (boom); the file was left unchanged: please report it to amp2mp's maintainers")
        );
        assert!(r.output.is_none());
        let fine = isolated(&t, 1, &|_, _| None);
        assert!(fine.is_none());
    }
}
