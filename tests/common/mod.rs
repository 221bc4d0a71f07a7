//! Helpers shared by the integration tests (each `tests/*.rs` file is its own crate and takes
//! what it needs with `mod common;`): the path of the built `amp2mp` binary and a runner for it,
//! the environment isolation that keeps amp2mp and git from reading the configuration of
//! whoever runs the tests (no home directory, no global or system git config or excludes file,
//! no color or git overrides), temp directories, and small file and git helpers.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_amp2mp");

/// A home directory that does not exist, so neither amp2mp's walk (git's global excludes file)
/// nor git itself reads the configuration of whoever runs the tests.
pub const NO_HOME: &str = "/nonexistent-amp2mp-test-home";

/// The rewrite example of the contract: a file whose only Amplitude use migrates fully.
pub const SIMPLE: &str =
    "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A', { x: 1 });\n";
pub const SIMPLE_OUT: &str =
    "import mixpanel from 'mixpanel-browser';\nmixpanel.track('A', { x: 1 });\n";

/// Removes the environment that would change what amp2mp or git do.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    for var in [
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "NO_COLOR",
        "TERM",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_CEILING_DIRECTORIES",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", NO_HOME)
        .env("XDG_CONFIG_HOME", NO_HOME)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The isolated command that runs amp2mp in `dir` with `args`, not yet started.
pub fn amp2mp_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd).current_dir(dir).args(args);
    cmd
}

/// Runs amp2mp in `dir` with `args` and no stdin; stdout and stderr must be UTF-8.
pub fn amp2mp(dir: &Path, args: &[&str]) -> Out {
    let out = amp2mp_cmd(dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("run amp2mp");
    Out {
        code: out.status.code().expect("amp2mp exited with a code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs git in `dir`; panics when it fails.
pub fn git(dir: &Path, args: &[&str]) {
    let mut cmd = Command::new("git");
    let out = isolate(&mut cmd)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn git_init(dir: &Path) {
    git(dir, &["init", "-q", "."]);
}

/// Stages and commits everything in the repository at `dir`, as a test identity.
pub fn git_commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-q",
            "--no-gpg-sign",
            "-m",
            "init",
        ],
    );
}

/// Makes `dir` a git repository with everything in it committed.
pub fn git_init_commit_all(dir: &Path) {
    git_init(dir);
    git_commit_all(dir);
}

/// A temp dir named after the test crate (`amp2mp-cli-…`, `amp2mp-manifest-…`).
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(concat!("amp2mp-", env!("CARGO_CRATE_NAME"), "-"))
        .tempdir()
        .expect("create a temp dir")
}

/// The directory `name` inside `tmp`, created.
pub fn subdir(tmp: &tempfile::TempDir, name: &str) -> PathBuf {
    let p = tmp.path().join(name);
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// Writes `bytes` to `dir/rel`, creating the parent directories.
pub fn put(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The bytes of `dir/rel`.
pub fn get(dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// The text of `dir/rel`, which must be UTF-8.
pub fn get_str(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Every file under `dir` (outside `.git`), by `/`-separated relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn visit(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                if e.file_name() != ".git" {
                    visit(root, &p, out);
                }
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(rel.replace('\\', "/"), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    visit(dir, dir, &mut out);
    out
}

/// Copies every file under `from` (outside `.git`) to the same place under `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        put(to, &rel, bytes);
    }
}
