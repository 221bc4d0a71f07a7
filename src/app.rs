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
use crate::manifest;
use crate::mapping;
use crate::plan::{rule, Finding};
use crate::prefilter;
use crate::render;
use crate::write::{self, DirtyGuard};
use rayon::prelude::*;
use std::io::{self, Write};

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
    /// `diff`: the file's unified diff, rendered as soon as the file is processed so that its
    /// texts need not be kept (`output` then stays `Some("")`, marking the file as changed).
    pub diff: Option<String>,
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

/// Discovers and processes every file, returning results in path order.
fn process_all(args: &RunArgs) -> (Vec<FileResult>, discover::Discovered) {
    process_all_with(args, process)
}

/// Discovers every file and runs `per_file` on each, returning results in path order.
fn process_all_with(
    args: &RunArgs,
    per_file: impl Fn(&Target, u64) -> Option<FileResult> + Sync,
) -> (Vec<FileResult>, discover::Discovered) {
    let mut found = discover::discover(&args.paths, args.no_ignore);
    let targets = std::mem::take(&mut found.targets);
    let work = || -> Vec<FileResult> {
        targets
            .par_iter()
            .filter_map(|t| per_file(t, args.max_file_size))
            .collect()
    };
    let results = match args.jobs {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build()
        {
            Ok(pool) => pool.install(work),
            Err(_) => work(),
        },
        None => work(),
    };
    (results, found)
}

/// Reads and transforms one file; `None` when it cannot contain Amplitude.
pub fn process(t: &Target, max_size: u64) -> Option<FileResult> {
    let (mut r, text) = match load(t, max_size) {
        Loaded::Text(r, text) => (r, text),
        Loaded::Done(done) => return done,
    };
    let out = engine::transform_file(t.kind, &text);
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
    let (mut r, text) = match load(t, max_size) {
        Loaded::Text(r, text) => (r, text),
        Loaded::Done(done) => return done,
    };
    match inventory::file_events(t.kind, &text) {
        Ok(events) => r.events = events,
        Err(why) => r.error = Some(why),
    }
    Some(r)
}

/// What reading a code file for analysis gave.
enum Loaded {
    /// Its result so far, and its text.
    Text(FileResult, String),
    /// Its whole result (unreadable, skipped), or `None` when it cannot contain Amplitude.
    Done(Option<FileResult>),
}

/// Reads a code file for analysis, with the prefilter and the skip rules.
fn load(t: &Target, max_size: u64) -> Loaded {
    let mut r = FileResult {
        display: t.display.clone(),
        path: t.path.clone(),
        kind: Some(t.kind),
        ..FileResult::default()
    };
    let bytes = match std::fs::read(&t.path) {
        Ok(b) => b,
        Err(e) => {
            r.error = Some(format!("cannot read it: {}", io_reason(&e)));
            return Loaded::Done(Some(r));
        }
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Loaded::Done(
            prefilter::may_contain_utf16(&bytes)
                .then(|| skipped(r, "UTF-16 text: convert it to UTF-8 to migrate it".into())),
        );
    }
    if !prefilter::may_contain(&bytes) {
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

/// A skipped file that mentions Amplitude: a warning, and for `check` a finding.
fn skipped(mut r: FileResult, why: String) -> FileResult {
    r.findings.push(Located {
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        finding: Finding {
            range: 0..0,
            rule: rule::UNANALYZED,
            subject: r.display.clone(),
            message: format!("mentions Amplitude but was not analysed: {why}"),
            fixable: false,
            note: None,
        },
    });
    r.skipped = Some(why);
    r
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
    // Each file's diff is rendered as soon as the file is processed, and its texts dropped:
    // memory follows the size of the diffs, not of the files.
    let (mut results, found) = process_all_with(&args, |t, max| {
        let mut r = process(t, max)?;
        if let (Some(old), Some(new)) = (r.original.take(), &r.output) {
            r.diff = Some(render::diff::unified(&r.display, &old, new, color));
            r.output = Some(String::new());
        }
        Some(r)
    });
    add_manifests(&mut results, &found, args.max_file_size);
    let mut out = io::BufWriter::new(stdout(&args));
    for r in &results {
        if let Some(diff) = &r.diff {
            out.write_all(diff.as_bytes())?;
        } else if let (Some(old), Some(new)) = (&r.original, &r.output) {
            out.write_all(render::diff::unified(&r.display, old, new, color).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(finish(&results, &found, render::summary::Mode::Diff))
}

fn run_apply(args: ApplyArgs) -> io::Result<u8> {
    let (mut results, mut found) = process_all(&args.run);
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
    let mut guard = DirtyGuard::default();
    for r in &mut results {
        // What is left is reported where it now stands, in the file just written.
        if let (true, Some(kind), Some(new)) = (write_one(r, &args, &mut guard), r.kind, &r.output)
        {
            r.findings = engine::transform_file(kind, new).findings;
            r.findings.append(&mut r.notes);
        }
    }
    let mut manifests = manifest_results(&results, &found, args.run.max_file_size);
    for (r, usage) in &mut manifests {
        if let (true, Some(new)) = (write_one(r, &args, &mut guard), &r.output) {
            let versions = manifest::Versions::default();
            r.findings = manifest::plan(new, usage, &versions)
                .map(|o| o.findings)
                .unwrap_or_default();
        }
    }
    results.extend(manifests.into_iter().map(|(r, _)| r));
    results.sort_by(|a, b| a.display.cmp(&b.display));
    let code = finish(&results, &found, render::summary::Mode::Apply);
    if let Some(path) = &args.report {
        if let Err(e) = std::fs::write(path, render::report::render(&results)) {
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
    // Only SARIF's fixes need the texts; the other formats drop them as each file is done.
    let keep_texts = args.format == crate::cli::CheckFormat::Sarif;
    let (mut results, found) = process_all_with(&args.run, |t, max| {
        let mut r = process(t, max)?;
        if !keep_texts && r.output.is_some() {
            r.original = None;
            r.output = Some(String::new());
        }
        Some(r)
    });
    add_manifests(&mut results, &found, args.run.max_file_size);
    let findings: usize = results.iter().map(|r| r.findings.len()).sum();
    let status = if has_errors(&results, &found) {
        exit::ERROR
    } else if findings > 0 {
        exit::FOUND
    } else {
        exit::OK
    };
    let color = use_color(&args.run);
    let text = render::check::render(&results, &found, args.format, color);
    let mut out = stdout(&args.run);
    // A reader that stops early (`| head`) does not change what was found.
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(status),
        other => other?,
    }
    let mut err = io::stderr().lock();
    for line in render::summary::problems(&results, &found) {
        writeln!(err, "{line}")?;
    }
    if args.format == crate::cli::CheckFormat::Text {
        writeln!(err, "{}", render::check::total_line(&results))?;
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
    for line in render::summary::problems(&results, &found) {
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
fn finish(results: &[FileResult], found: &discover::Discovered, mode: render::summary::Mode) -> u8 {
    let text = render::summary::render(results, found, mode);
    let _ = io::stderr().lock().write_all(text.as_bytes());
    if has_errors(results, found) {
        exit::ERROR
    } else {
        exit::OK
    }
}

/// Adds the package.json results to the code files' results, in path order.
fn add_manifests(results: &mut Vec<FileResult>, found: &discover::Discovered, max_size: u64) {
    let manifests = manifest_results(results, found, max_size);
    results.extend(manifests.into_iter().map(|(r, _)| r));
    results.sort_by(|a, b| a.display.cmp(&b.display));
}

/// A package.json read: its result so far, and when it is JSON, its text and the Amplitude
/// packages it declares.
struct ReadManifest {
    result: FileResult,
    json: Option<(String, Vec<String>)>,
}

/// Reads and plans every package.json that mentions Amplitude, from what the code files of the
/// run leave (`code`); each result comes with what its files do with its dependencies.
fn manifest_results(
    code: &[FileResult],
    found: &discover::Discovered,
    max_size: u64,
) -> Vec<(FileResult, manifest::Usage)> {
    let read: Vec<ReadManifest> = found
        .manifests
        .iter()
        .filter_map(|m| read_manifest(m, max_size))
        .collect();
    if read.is_empty() {
        return Vec::new();
    }
    let uses: Vec<manifest::FileUse> = code.iter().filter_map(file_use).collect();
    let declared: Vec<(&str, Vec<String>)> = read
        .iter()
        .map(|m| {
            let names = m.json.as_ref().map(|(_, d)| d.clone());
            (m.result.display.as_str(), names.unwrap_or_default())
        })
        .collect();
    let usage = manifest::assign(&declared, &uses);
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
