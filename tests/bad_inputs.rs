//! The bad-input matrix (issue 5): the real binary on inputs that must not break a run or lose
//! data. Each test names its input; the other inputs of the matrix are covered in tests/cli.rs
//! (non-UTF-8, CRLF and UTF-8 BOM, read-only files, a dirty git tree, a missing path) and by
//! fixtures (syntax errors around a call, Amplitude only in comments and strings).

mod common;

use common::{amp2mp_cmd, put, Out};
use std::path::Path;
use std::process::Stdio;

/// Runs amp2mp in `dir` with `args`: an exit by a signal is code -1, and output that is not
/// UTF-8 is read lossily (unlike `common::amp2mp`), so a bad input cannot fail the helper.
fn amp2mp(dir: &Path, args: &[&str]) -> Out {
    let out = amp2mp_cmd(dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("run amp2mp");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const CALL: &str =
    "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A');\n";
const CALL_OUT: &str = "import mixpanel from 'mixpanel-browser';\nmixpanel.track('A');\n";

#[test]
fn utf16_with_bom_is_skipped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(CALL.encode_utf16().flat_map(|u| u.to_le_bytes()));
    put(tmp.path(), "a.js", &bytes);
    let out = amp2mp(tmp.path(), &["apply", "."]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: warning: a.js: skipped: UTF-16 text: convert it to UTF-8 to migrate it\namp2mp: 0 files changed, 0 calls rewritten; 0 uses left for a person\n"
    );
    assert_eq!(std::fs::read(tmp.path().join("a.js")).unwrap(), bytes);
    let check = amp2mp(tmp.path(), &["check", "--format", "json", "."]);
    assert_eq!(check.code, 1);
    assert!(check.stdout.contains("\"rule\":\"unanalyzed-file\""));
}

#[test]
fn mixed_line_endings_survive() {
    let tmp = tempfile::tempdir().unwrap();
    let src = "import amplitude from 'amplitude-js';\r\n// keep\n\namplitude.getInstance().logEvent('A');\r\nfoo();\n";
    put(tmp.path(), "a.js", src);
    assert_eq!(amp2mp(tmp.path(), &["apply", "."]).code, 0);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.js")).unwrap(),
        "import mixpanel from 'mixpanel-browser';\r\n// keep\n\nmixpanel.track('A');\r\nfoo();\n"
    );
}

#[test]
fn a_syntax_error_away_from_the_calls_does_not_stop_the_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let src = format!("{CALL}\nfunction broken( {{\n  return 1;\n");
    put(tmp.path(), "a.js", &src);
    let out = amp2mp(tmp.path(), &["apply", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The call is rewritten; in a file with a syntax error nothing is deleted (the parser's
    // recovery could read the rest differently), so the Amplitude import stays beside the
    // Mixpanel one until the syntax is fixed and amp2mp runs again.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.js")).unwrap(),
        "import amplitude from 'amplitude-js';\nimport mixpanel from 'mixpanel-browser';\nmixpanel.track('A');\n\nfunction broken( {\n  return 1;\n"
    );
    let again = amp2mp(tmp.path(), &["diff", "."]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
}

#[test]
fn a_ten_megabyte_minified_file_is_skipped_quickly() {
    let tmp = tempfile::tempdir().unwrap();
    let mut big = String::from("import amplitude from 'amplitude-js';");
    while big.len() < 10 * 1024 * 1024 {
        big += "amplitude.getInstance().logEvent('A',{a:1});var x=1;";
    }
    put(tmp.path(), "big.min.js", &big);
    put(tmp.path(), "ok.js", CALL);
    let out = amp2mp(tmp.path(), &["apply", "--max-file-size", "20000000", "."]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("amp2mp: warning: big.min.js: skipped: looks minified (a line over 10000 bytes); migrate its source instead\n"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("big.min.js")).unwrap(),
        big
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("ok.js")).unwrap(),
        CALL_OUT
    );
}

#[test]
fn ten_thousand_levels_of_nesting_do_not_overflow_the_stack() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 10_000;
    let deep = format!(
        "import amplitude from 'amplitude-js';\nconst x = {}1{};\namplitude.getInstance().logEvent('A', {}{});\n",
        "(\n".repeat(n),
        "\n)".repeat(n),
        "[\n".repeat(n),
        "]\n".repeat(n),
    );
    put(tmp.path(), "deep.js", &deep);
    let out = amp2mp(tmp.path(), &["apply", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(tmp.path().join("deep.js")).unwrap();
    assert!(written.starts_with("import mixpanel from 'mixpanel-browser';\n"));
    assert!(written.contains("mixpanel.track('A', [\n"));
    // Only the import (+3 bytes) and the callee (-18 bytes) changed.
    assert_eq!(written.len(), deep.len() + 3 - 18);
}

#[test]
fn a_symlink_loop_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), "src/a.js", CALL);
    std::os::unix::fs::symlink("../src", tmp.path().join("src/loop")).unwrap();
    std::os::unix::fs::symlink("self.js", tmp.path().join("src/self.js")).unwrap();
    let out = amp2mp(tmp.path(), &["diff", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("diff --git").count(), 1);
}

#[test]
fn an_unreadable_file_is_an_error_and_the_others_are_written() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), "a.js", CALL);
    put(tmp.path(), "secret.js", CALL);
    let secret = tmp.path().join("secret.js");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test here.
        eprintln!("skipped: this user can read a mode-000 file");
        return;
    }
    let out = amp2mp(tmp.path(), &["apply", "."]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("secret.js"), "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.js")).unwrap(),
        CALL_OUT
    );
}

#[test]
fn an_empty_file_and_an_empty_tree_are_fine() {
    let tmp = tempfile::tempdir().unwrap();
    let out = amp2mp(tmp.path(), &["check", "."]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    put(tmp.path(), "empty.js", "");
    put(tmp.path(), "empty.ts", "");
    let out = amp2mp(tmp.path(), &["apply", "."]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: 0 files changed, 0 calls rewritten; 0 uses left for a person\n"
    );
    assert_eq!(std::fs::read(tmp.path().join("empty.js")).unwrap(), b"");
}

#[test]
fn an_unreadable_directory_is_an_error_and_a_finding() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    put(tmp.path(), "a.js", CALL);
    put(tmp.path(), "locked/b.js", CALL);
    let locked = tmp.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok();
    let out = amp2mp(tmp.path(), &["check", "--format", "json", "."]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        // Running as root: permissions do not stop reads, so there is nothing to test here.
        eprintln!("skipped: this user can read a mode-000 directory");
        return;
    }
    assert_eq!(out.code, 2, "{}", out.stderr);
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let f = &log["findings"][1];
    assert_eq!(f["path"], "locked", "{}", out.stdout);
    assert_eq!(f["rule"], "unanalyzed-file");
    assert_eq!(
        f["message"],
        "not analysed (cannot read it: permission denied): amp2mp cannot tell whether it uses Amplitude"
    );
    assert_eq!(log["summary"]["errors"], 1);
}
