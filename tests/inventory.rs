//! End-to-end tests of `amp2mp inventory`: the real binary on a copy of the fixture project in
//! `tests/data/inventory/` (legacy, browser, Node and Ampli calls, a Vue component, and a
//! Firebase `logEvent` and a local class that must not appear), compared byte for byte with
//! `expected.{table,json,csv,md}` there; and the warnings and exit codes around it.
//!
//! `AMP2MP_BLESS=inventory cargo test --test inventory` rewrites the expected files from the
//! current output: review the diff before committing it.

mod common;

use common::{amp2mp, put, tempdir};
use std::path::{Path, PathBuf};

/// Each format and the file holding its expected output.
const FORMATS: &[(&str, &str)] = &[
    ("table", "expected.table"),
    ("json", "expected.json"),
    ("csv", "expected.csv"),
    ("markdown", "expected.md"),
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/inventory")
}

/// Copies the fixture project (not its expected outputs) into `to`.
fn copy_fixture(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir(to.join(&name)).unwrap();
            copy_fixture(&e.path(), &to.join(&name));
        } else if !name.starts_with("expected.") {
            std::fs::copy(e.path(), to.join(&name)).unwrap();
        }
    }
}

/// A temp dir holding a copy of the fixture project.
fn project() -> tempfile::TempDir {
    let tmp = tempdir();
    copy_fixture(&fixture_dir(), tmp.path());
    tmp
}

#[test]
fn every_format_is_exact_on_the_fixture_project() {
    let tmp = project();
    let bless = std::env::var("AMP2MP_BLESS").is_ok_and(|b| b == "inventory");
    for (format, file) in FORMATS {
        let out = amp2mp(tmp.path(), &["inventory", "--format", format]);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{format}");
        let path = fixture_dir().join(file);
        if bless {
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            out.stdout, expected,
            "--format {format} differs from {file}"
        );
    }
}

#[test]
fn table_is_the_default_and_paths_and_jobs_do_not_change_the_bytes() {
    let tmp = project();
    let expected = std::fs::read_to_string(fixture_dir().join("expected.table")).unwrap();
    for args in [
        &["inventory"][..],
        &["inventory", "."],
        &["inventory", "--jobs", "1", "server", "src"],
        &["inventory", "-j", "8", "--format", "table"],
    ] {
        let out = amp2mp(tmp.path(), args);
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, expected.as_str()),
            "{args:?}"
        );
    }
}

#[test]
fn json_has_the_documented_shape() {
    let tmp = project();
    let out = amp2mp(tmp.path(), &["inventory", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let events = v["events"].as_array().unwrap();
    for e in events {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["calls", "dynamic", "event", "keys", "kind", "locations"]
        );
        assert_eq!(
            e["calls"].as_u64().unwrap() as usize,
            e["locations"].as_array().unwrap().len()
        );
    }
    let names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(!names.contains(&"purchase") && !names.contains(&"Local Only"));
    assert!(!names.contains(&"Not Amplitude"));
    let calls: u64 = events.iter().map(|e| e["calls"].as_u64().unwrap()).sum();
    assert_eq!(v["summary"]["calls"].as_u64(), Some(calls));
    assert_eq!(v["summary"]["events"].as_u64(), Some(events.len() as u64));
}

#[test]
fn skipped_files_and_calls_in_syntax_errors_are_warned_about() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "a.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('Kept');\namplitude.getInstance().logEvent('Broken', { a: });\n",
    );
    put(dir, "b.js", b"import 'amplitude-js';\n// \xff\n");
    let out = amp2mp(dir, &["inventory", "--format", "csv"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "event,dynamic,calls,keys,locations,kind\nKept,false,1,,a.js:2:1,track\n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: warning: b.js: skipped: not valid UTF-8\n\
         amp2mp: warning: a.js: 1 tracking call inside a syntax error left out of the inventory: fix the syntax and run it again\n"
    );
    let json = amp2mp(dir, &["inventory", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["summary"],
        serde_json::json!({
            "events": 1, "dynamic": 0, "calls": 1, "files": 1,
            "skipped": 1, "left_out": 1, "errors": 0
        })
    );
}

#[test]
fn a_missing_path_exits_2_and_the_rest_is_listed() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "a.ts",
        "import { track } from '@amplitude/analytics-browser';\ntrack('A', { x: 1 });\n",
    );
    let out = amp2mp(dir, &["inventory", "--format", "markdown", "a.ts", "nope"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "| Event | Kind | Calls | Keys | Locations |\n| --- | --- | ---: | --- | --- |\n| `A` | track | 1 | `x` | `a.ts:2:1` |\n\n1 event (0 dynamic), 1 call in 1 file.\n"
    );
    assert!(
        out.stderr.starts_with("amp2mp: error: nope"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_tracking_calls_in_every_format() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "a.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().setUserId('u');\n",
    );
    let expect = [
        ("table", "no tracking calls found\n"),
        (
            "json",
            "{\"events\":[],\"summary\":{\"calls\":0,\"dynamic\":0,\"errors\":0,\"events\":0,\"files\":0,\"left_out\":0,\"skipped\":0}}\n",
        ),
        ("csv", "event,dynamic,calls,keys,locations,kind\n"),
        ("markdown", "No tracking calls found.\n"),
    ];
    for (format, stdout) in expect {
        let out = amp2mp(dir, &["inventory", "--format", format]);
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, stdout, "")
        );
    }
}

#[test]
fn the_config_names_the_revenue_event_and_excludes_paths() {
    let tmp = project();
    put(
        tmp.path(),
        "amp2mp.toml",
        "[events]\nrevenue = \"Purchase\"\nrename = { \"Song Played\" = \"Play\" }\n\n[paths]\nexclude = [\"src/**\"]\n",
    );
    let out = amp2mp(tmp.path(), &["inventory", "--format", "csv"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            0,
            "event,dynamic,calls,keys,locations,kind\n\
             Job Finished,false,1,duration;queue,server/worker.js:5:3,track\n\
             Job Started,false,1,...props,server/legacy-node.js:7:3,track\n",
            ""
        )
    );
    put(
        tmp.path(),
        "amp2mp.toml",
        "[events]\nrevenue = \"Purchase\"\nrename = { \"Song Played\" = \"Play\" }\n",
    );
    let out = amp2mp(
        tmp.path(),
        &["inventory", "--format", "csv", "src/legacy.js"],
    );
    assert_eq!(
        out.stdout,
        "event,dynamic,calls,keys,locations,kind\n\
         Checkout – Started,false,1,,src/legacy.js:16:3,track\n\
         Purchase,false,1,,src/legacy.js:17:3,revenue\n\
         Song Played,false,2,artist name;duration;title;...extra,src/legacy.js:8:3;src/legacy.js:9:3,track\n\
         Song Shared,false,1,via,src/legacy.js:15:3,track\n"
    );
    let bad = amp2mp(tmp.path(), &["inventory", "--config", "missing.toml"]);
    assert_eq!((bad.code, bad.stdout.as_str()), (2, ""));
}

#[test]
fn inventory_changes_nothing_on_disk() {
    let tmp = project();
    let before = std::fs::read(tmp.path().join("src/legacy.js")).unwrap();
    amp2mp(tmp.path(), &["inventory", "--format", "json"]);
    assert_eq!(
        std::fs::read(tmp.path().join("src/legacy.js")).unwrap(),
        before
    );
}

/// Every `fixtures/*/input.*` file.
fn fixture_inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("input."))
        })
        .collect();
    inputs.sort();
    inputs
}

/// Whether a suppression comment covers `line` (1-based) of `src`: `check` does not report a
/// suppressed call, but it still tracks its event, so the inventory lists it.
fn suppressed(src: &str, line: usize) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    let this = lines
        .get(line - 1)
        .is_some_and(|l| l.contains("// amp2mp-ignore"));
    let above = line >= 2
        && lines
            .get(line - 2)
            .is_some_and(|l| l.trim_start().starts_with("// amp2mp-ignore-next-line"));
    this || above
}

#[test]
fn every_site_is_a_call_check_reports_on_the_fixtures() {
    use amp2mp::engine;
    use amp2mp::inventory::file_events;
    use amp2mp::lang::Kind;
    let mut sites = 0;
    for path in fixture_inputs() {
        let kind = Kind::from_path(&path).unwrap();
        let src = std::fs::read_to_string(&path).unwrap();
        let inv = file_events(kind, &src).unwrap();
        let findings = engine::transform_file(kind, &src).findings;
        for s in &inv.sites {
            sites += 1;
            let reported = findings.iter().any(|f| {
                (f.line, f.column) == (s.line, s.column)
                    && matches!(f.finding.rule, "amplitude-call" | "unanalyzed-file")
            });
            let reported = reported || suppressed(&src, s.line);
            assert!(
                reported,
                "{}:{}:{}: {:?} is not a call check reports",
                path.display(),
                s.line,
                s.column,
                s.event
            );
        }
    }
    assert!(sites > 50, "only {sites} sites in the fixtures");
}

#[test]
fn cut_fixtures_never_panic() {
    use amp2mp::inventory::file_events;
    use amp2mp::lang::Kind;
    for path in fixture_inputs() {
        let kind = Kind::from_path(&path).unwrap();
        let src = std::fs::read_to_string(&path).unwrap();
        let step = (src.len() / 12).max(1);
        for cut in (0..src.len())
            .step_by(step)
            .filter(|&c| src.is_char_boundary(c))
        {
            let _ = file_events(kind, &src[..cut]);
            let damaged = format!("{}'\"`{{[({}", &src[..cut], &src[cut..]);
            let _ = file_events(kind, &damaged);
        }
    }
}
