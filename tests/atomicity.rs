//! Atomicity (issue 5): `apply` killed with SIGKILL in the middle of writing a large tree
//! leaves every file with either its old or its new content; the next `apply` removes the
//! temporary file the kill may have left and finishes the job.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OLD: &str =
    "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A', { n: 1 });\n";
const NEW: &str = "import mixpanel from 'mixpanel-browser';\nmixpanel.track('A', { n: 1 });\n";
const FILES: usize = 4000;

fn path(dir: &Path, i: usize) -> std::path::PathBuf {
    dir.join(format!("d{}/f{i}.js", i % 40))
}

fn temp_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for d in 0..40 {
        for e in std::fs::read_dir(dir.join(format!("d{d}"))).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".amp2mp-") {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn a_killed_apply_leaves_old_or_new_content_and_the_next_run_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for i in 0..FILES {
        let p = path(dir, i);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, OLD).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_amp2mp"))
        .current_dir(dir)
        .args(["apply", "-j", "1", "."])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as the first file has its new content: the writes are under way.
    let start = Instant::now();
    let probe = path(dir, 0);
    let mut killed_mid_run = false;
    while start.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let written = (0..FILES)
            .step_by(97)
            .any(|i| std::fs::read_to_string(path(dir, i)).is_ok_and(|t| t == NEW))
            || std::fs::read_to_string(&probe).is_ok_and(|t| t == NEW);
        if written {
            child.kill().unwrap();
            killed_mid_run = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.wait().unwrap();
    let (mut old, mut new) = (0, 0);
    for i in 0..FILES {
        match std::fs::read_to_string(path(dir, i)).unwrap().as_str() {
            OLD => old += 1,
            NEW => new += 1,
            other => panic!("file {i} has neither its old nor its new content: {other:?}"),
        }
    }
    eprintln!("killed mid-run: {killed_mid_run}; {new} files new, {old} old");
    assert_eq!(old + new, FILES);
    if killed_mid_run {
        assert!(new > 0 && old > 0, "killed mid-run: {new} new, {old} old");
    }
    let again = Command::new(env!("CARGO_BIN_EXE_amp2mp"))
        .current_dir(dir)
        .args(["apply", "."])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(temp_files(dir).is_empty());
    for i in 0..FILES {
        assert_eq!(std::fs::read_to_string(path(dir, i)).unwrap(), NEW);
    }
}

#[test]
fn apply_removes_a_temporary_file_an_interrupted_run_left() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/a.js"), OLD).unwrap();
    std::fs::write(dir.join("src/.amp2mp-Xy12Ab.tmp"), &NEW[..10]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_amp2mp"))
        .current_dir(dir)
        .args(["apply", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "amp2mp: warning: src/.amp2mp-Xy12Ab.tmp: removed a temporary file left by an interrupted run\namp2mp: 1 file changed, 1 call rewritten (track 1); 0 uses left for a person\n"
    );
    assert!(!dir.join("src/.amp2mp-Xy12Ab.tmp").exists());
    assert_eq!(std::fs::read_to_string(dir.join("src/a.js")).unwrap(), NEW);
}
