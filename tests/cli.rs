//! End-to-end tests of the `amp2mp` binary: exit codes, the exact bytes it prints, and what it
//! does (and does not do) to the files on disk. Every test works in its own temp dir, runs the
//! binary with that dir as its current directory and relative paths, and isolates it (and git)
//! from the user's environment: no global git config or excludes file, no color overrides.

mod common;

use common::{
    amp2mp, amp2mp_cmd, copy_tree, get, get_str, git, git_commit_all, git_init, put, snapshot,
    subdir, tempdir, SIMPLE, SIMPLE_OUT,
};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

// 1 ------------------------------------------------------------------------------------------

#[test]
fn exit_codes() {
    // A tree without Amplitude: diff succeeds and prints nothing.
    let clean = tempdir();
    put(clean.path(), "src/a.js", "export const a = 1;\n");
    put(clean.path(), "b.ts", "const amp = 'no sdk here';\n");
    let out = amp2mp(clean.path(), &["diff"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: 0 files to change, 0 calls to rewrite; 0 uses left for a person\n"
    );

    // check on a file with Amplitude: 1.
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "a.js", SIMPLE);
    let out = amp2mp(dir, &["check", "a.js"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "a.js:1:1: amplitude-import: import of `amplitude-js`: replaced by `mixpanel-browser`\n\
         \x20 1 | import amplitude from 'amplitude-js';\n\
         \x20   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n\
         a.js:2:1: amplitude-call: Amplitude `logEvent`: becomes `mixpanel.track`\n\
         \x20 2 | amplitude.getInstance().logEvent('A', { x: 1 });\n\
         \x20   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: 2 findings (2 fixable by `amp2mp apply`) in 1 file\n"
    );

    // apply on a fully migratable file, then check: 0.
    let out = amp2mp(dir, &["apply", "a.js"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(get_str(dir, "a.js"), SIMPLE_OUT);
    let out = amp2mp(dir, &["check", "a.js"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: 0 findings (0 fixable by `amp2mp apply`) in 0 files\n"
    );

    // A path that does not exist: 2, an error line naming it, and the other path still done.
    put(dir, "b.js", SIMPLE);
    let out = amp2mp(dir, &["diff", "missing.js", "b.js"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "diff --git a/b.js b/b.js\n--- a/b.js\n+++ b/b.js\n@@ -1,2 +1,2 @@\n\
         -import amplitude from 'amplitude-js';\n\
         -amplitude.getInstance().logEvent('A', { x: 1 });\n\
         +import mixpanel from 'mixpanel-browser';\n\
         +mixpanel.track('A', { x: 1 });\n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: error: missing.js: no such file or directory\n\
         amp2mp: 1 file to change, 1 call to rewrite (track 1); 0 uses left for a person\n"
    );
    for cmd in ["apply", "check"] {
        let out = amp2mp(dir, &[cmd, "missing-dir"]);
        assert_eq!(out.code, 2, "{cmd}");
        assert!(
            out.stderr
                .starts_with("amp2mp: error: missing-dir: no such file or directory\n"),
            "{cmd}: {}",
            out.stderr
        );
    }
    assert_eq!(get(dir, "b.js"), SIMPLE.as_bytes(), "diff wrote b.js");

    // Usage errors: 2, nothing on stdout, nothing done.
    for args in [
        &["diff", "--bogus"][..],
        &["apply", "--bogus"],
        &["check", "--format", "xml"],
        &["diff", "--jobs", "0"],
        &["apply", "--max-file-size", "big"],
        &["frobnicate"],
    ] {
        let out = amp2mp(dir, args);
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            out.stderr.ends_with("try '--help'.\n"),
            "{args:?}: {}",
            out.stderr
        );
    }
    // No command at all: the help, on stderr, as a usage error.
    let out = amp2mp(dir, &[]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("\nUsage: amp2mp <COMMAND>\n"),
        "{}",
        out.stderr
    );
    let out = amp2mp(dir, &["diff", "--bogus"]);
    assert!(
        out.stderr
            .starts_with("error: unexpected argument '--bogus' found\n"),
        "{}",
        out.stderr
    );
    assert_eq!(get(dir, "b.js"), SIMPLE.as_bytes());
}

// 2 ------------------------------------------------------------------------------------------

#[test]
fn diff_changes_nothing() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "a.js", SIMPLE);
    put(dir, "src/crlf.ts", SIMPLE.replace('\n', "\r\n"));
    put(dir, "src/left.js", "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A');\namplitude.getInstance('session').setSessionId(0);\n");
    put(dir, "src/latin1.js", b"import amplitude from 'amplitude-js';\n// caf\xe9\namplitude.getInstance().logEvent('A');\n");
    put(dir, "plain.js", "export default 1;\n");
    let before = snapshot(dir);

    let out = amp2mp(dir, &["diff"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("diff --git ").count(), 3);
    assert_eq!(snapshot(dir), before);

    let out = amp2mp(
        dir,
        &["diff", "-j", "1", "--no-ignore", "--color", "always", "."],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(snapshot(dir), before);
}

// 3 ------------------------------------------------------------------------------------------

/// A tree with files in subdirectories, one with CRLF line ends, one with a byte-order mark,
/// one without a final newline, one with two hunks and one with a use left behind.
fn varied_tree(dir: &Path) {
    put(
        dir,
        "src/app.js",
        "import amplitude from 'amplitude-js';\n\
         import { logger } from './logger';\n\
         \n\
         amplitude.getInstance().init('KEY');\n\
         const client = amplitude.getInstance();\n\
         client.logEvent('Clicked', {\n  id: 42,\n});\n\
         function a() {}\n\
         function b() {}\n\
         function c() {}\n\
         function d() {}\n\
         function e() {}\n\
         function f() {}\n\
         function g() {}\n\
         client.setUserId(user.id);\n\
         client.setUserProperties({ tier: 'gold' });\n\
         client.setGroup('org', 'acme');\n\
         logger.logEvent('debug');\n",
    );
    put(
        dir,
        "src/lib/crlf.ts",
        "import amplitude from 'amplitude-js';\r\n\
         \r\n\
         export function track(name: string): void {\r\n\
         \x20 amplitude.getInstance().logEvent(name);\r\n\
         }\r\n",
    );
    put(
        dir,
        "web/components/Bom.jsx",
        "\u{feff}import amplitude from 'amplitude-js';\n\
         export const B = () => <b onClick={() => amplitude.getInstance().setUserId('u')} />;\n",
    );
    put(
        dir,
        "web/nonl.mjs",
        "import { init, setGroup } from '@amplitude/analytics-browser';\n\
         init(process.env.KEY);\n\
         setGroup('team', ['a', 'b']);",
    );
    put(
        dir,
        "server/boot.cjs",
        "'use strict';\n\
         const amplitude = require('amplitude-js');\n\
         amplitude.getInstance().logEvent('Server Started', { pid: process.pid });\n\
         amplitude.getInstance('session').setSessionId(0);\n\
         module.exports = {};\n",
    );
    put(dir, "web/plain.js", "export const plain = true;\n");
}

#[test]
fn diff_patch_applied_by_git_equals_apply() {
    let tmp = tempdir();
    let orig = subdir(&tmp, "orig");
    varied_tree(&orig);
    let patched = subdir(&tmp, "patched");
    let applied = subdir(&tmp, "applied");
    copy_tree(&orig, &patched);
    copy_tree(&orig, &applied);

    let diff = amp2mp(&orig, &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    assert_eq!(
        diff.stderr.lines().last().unwrap(),
        "amp2mp: 5 files to change, 10 calls to rewrite (identify 2, init 2, people.set 1, \
         set_group 2, track 3); 2 uses left for a person"
    );
    std::fs::write(tmp.path().join("x.patch"), &diff.stdout).unwrap();

    git_init(&patched);
    git(
        &patched,
        &[
            "-c",
            "core.autocrlf=false",
            "apply",
            "--whitespace=nowarn",
            "../x.patch",
        ],
    );

    let out = amp2mp(&applied, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.lines().last().unwrap(),
        "amp2mp: 5 files changed, 10 calls rewritten (identify 2, init 2, people.set 1, \
         set_group 2, track 3); 2 uses left for a person"
    );

    let by_git = snapshot(&patched);
    let by_apply = snapshot(&applied);
    assert_eq!(
        by_git.keys().collect::<Vec<_>>(),
        by_apply.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &by_apply {
        assert_eq!(
            String::from_utf8_lossy(&by_git[path]),
            String::from_utf8_lossy(bytes),
            "{path}"
        );
        assert_eq!(&by_git[path], bytes, "{path}");
    }
    // Every file that uses Amplitude changed; the plain one did not.
    let before = snapshot(&orig);
    let changed: Vec<&String> = by_apply
        .iter()
        .filter(|(p, b)| before[*p] != **b)
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        changed,
        [
            "server/boot.cjs",
            "src/app.js",
            "src/lib/crlf.ts",
            "web/components/Bom.jsx",
            "web/nonl.mjs"
        ]
    );
    assert!(
        get(&applied, "web/components/Bom.jsx").starts_with("\u{feff}import mixpanel".as_bytes())
    );
    assert!(get_str(&applied, "src/lib/crlf.ts").contains("  mixpanel.track(name);\r\n"));
    assert!(get_str(&applied, "web/nonl.mjs").ends_with("mixpanel.set_group('team', ['a', 'b']);"));
}

// 4 ------------------------------------------------------------------------------------------

/// About forty files of every kind: rewritten, with uses left, untouched, not UTF-8, broken.
fn forty_files(dir: &Path) {
    for i in 0..40 {
        let path = format!(
            "pkg{}/sub{}/f{i:02}.{}",
            i % 4,
            i % 3,
            ["js", "ts", "tsx", "mjs", "cjs"][i % 5]
        );
        let body: Vec<u8> = match i % 6 {
            0 => format!("import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('E{i}', {{ i: {i} }});\namplitude.getInstance().setUserId('u{i}');\n").into_bytes(),
            1 => format!("import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('E{i}');\namplitude.getInstance('session').setSessionId(0);\n").into_bytes(),
            2 => format!("export const n{i} = {i};\n").into_bytes(),
            3 => format!("import amplitude from 'amplitude-js';\n// caf\u{e9} {i}\namplitude.getInstance().init('K', null, {{ includeUtm: true }});\namplitude.getInstance().setGroup('g', '{i}');\n").into_bytes(),
            4 => {
                let mut b = b"import amplitude from 'amplitude-js';\n// caf\xe9\n".to_vec();
                b.extend(format!("amplitude.getInstance().logEvent('E{i}');\n").bytes());
                b
            }
            _ => format!("import amplitude from 'amplitude-js';\namplitude.getInstance('broken').logEvent('E{i}';\n").into_bytes(),
        };
        put(dir, &path, body);
    }
}

#[test]
fn jobs_1_and_8_give_identical_output() {
    let tmp = tempdir();
    let orig = subdir(&tmp, "orig");
    forty_files(&orig);
    assert_eq!(snapshot(&orig).len(), 40);

    for args in [&["diff"][..], &["check"], &["check", "--format", "json"]] {
        let one = amp2mp(&orig, &[args, &["--jobs", "1"]].concat());
        let eight = amp2mp(&orig, &[args, &["-j", "8"]].concat());
        assert_eq!(one.code, eight.code, "{args:?}");
        assert_eq!(one.stdout, eight.stdout, "{args:?}");
        assert_eq!(one.stderr, eight.stderr, "{args:?}");
        assert!(!one.stdout.is_empty(), "{args:?}");
    }
    let diff = amp2mp(&orig, &["diff", "-j", "8"]);
    assert_eq!(diff.stdout.matches("diff --git ").count(), 21);
    assert_eq!(
        diff.stderr.matches(": skipped: not valid UTF-8\n").count(),
        6
    );

    let a = subdir(&tmp, "a");
    let b = subdir(&tmp, "b");
    copy_tree(&orig, &a);
    copy_tree(&orig, &b);
    let one = amp2mp(&a, &["apply", "-j", "1"]);
    let eight = amp2mp(&b, &["apply", "--jobs=8"]);
    assert_eq!(one.code, 0);
    assert_eq!(eight.code, 0);
    assert_eq!(one.stdout, "");
    assert_eq!(eight.stdout, "");
    assert_eq!(one.stderr, eight.stderr);
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_ne!(snapshot(&a), snapshot(&orig));
}

// 5 ------------------------------------------------------------------------------------------

#[test]
fn apply_refuses_files_with_uncommitted_changes() {
    let tmp = tempdir();
    let dir = tmp.path();
    git_init(dir);
    put(dir, "src/clean.js", SIMPLE);
    put(dir, "src/dirty.js", SIMPLE);
    git_commit_all(dir);
    let dirty = format!("{SIMPLE}// edited\n");
    put(dir, "src/dirty.js", &dirty);
    put(dir, "src/untracked.ts", SIMPLE);
    let staged = "import amplitude from 'amplitude-js';\namplitude.getInstance().setUserId(id);\n";
    put(dir, "staged.js", staged);
    git(dir, &["add", "staged.js"]);

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    let refused =
        "not written: it has uncommitted changes; commit or stash them, or pass --allow-dirty";
    assert_eq!(
        out.stderr,
        format!(
            "amp2mp: error: src/dirty.js: {refused}\n\
             amp2mp: error: src/untracked.ts: {refused}\n\
             amp2mp: error: staged.js: {refused}\n\
             amp2mp: 1 file changed, 1 call rewritten (track 1); 0 uses left for a person\n"
        )
    );
    // The clean committed file was written; the others were left as they were.
    assert_eq!(get_str(dir, "src/clean.js"), SIMPLE_OUT);
    assert_eq!(get_str(dir, "src/dirty.js"), dirty);
    assert_eq!(get_str(dir, "src/untracked.ts"), SIMPLE);
    assert_eq!(get_str(dir, "staged.js"), staged);

    // The same refusal from a subdirectory of the work tree. (Named alone, `dirty.js` would be
    // left whole: the other files of `src/` use the same client.)
    let out = amp2mp(&dir.join("src"), &["apply", "."]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        format!("amp2mp: error: dirty.js: {refused}")
    );
    assert_eq!(get_str(dir, "src/dirty.js"), dirty);

    let out = amp2mp(dir, &["apply", "--allow-dirty"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: 3 files changed, 3 calls rewritten (identify 1, track 2); 0 uses left for a person\n"
    );
    assert_eq!(get_str(dir, "src/clean.js"), SIMPLE_OUT);
    assert_eq!(
        get_str(dir, "src/dirty.js"),
        format!("{SIMPLE_OUT}// edited\n")
    );
    assert_eq!(get_str(dir, "src/untracked.ts"), SIMPLE_OUT);
    assert_eq!(
        get_str(dir, "staged.js"),
        "import mixpanel from 'mixpanel-browser';\nmixpanel.identify(id);\n"
    );
}

// 6 ------------------------------------------------------------------------------------------

#[test]
fn non_utf8_file_is_skipped_and_reported() {
    let tmp = tempdir();
    let dir = tmp.path();
    let latin1: &[u8] =
        b"import amplitude from 'amplitude-js';\n// caf\xe9\namplitude.getInstance().logEvent('A');\n";
    put(dir, "src/latin1.js", latin1);
    // Not UTF-8 either, but no mention of Amplitude: passed over in silence.
    put(dir, "src/other.js", b"// caf\xe9\nexport default 1;\n");

    for cmd in ["diff", "apply"] {
        let out = amp2mp(dir, &[cmd]);
        assert_eq!(out.code, 0, "{cmd}");
        assert_eq!(out.stdout, "", "{cmd}");
        let closing = if cmd == "diff" {
            "0 files to change, 0 calls to rewrite"
        } else {
            "0 files changed, 0 calls rewritten"
        };
        assert_eq!(
            out.stderr,
            format!(
                "amp2mp: warning: src/latin1.js: skipped: not valid UTF-8\n\
                 amp2mp: {closing}; 0 uses left for a person\n"
            ),
            "{cmd}"
        );
        assert_eq!(get(dir, "src/latin1.js"), latin1, "{cmd}");
    }

    let out = amp2mp(dir, &["check"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "src/latin1.js:1:1: unanalyzed-file: mentions Amplitude but was not analysed: not valid UTF-8\n\n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: warning: src/latin1.js: skipped: not valid UTF-8\n\
         amp2mp: 1 finding (0 fixable by `amp2mp apply`) in 1 file\n"
    );

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "findings": [{
                "path": "src/latin1.js", "line": 1, "column": 1, "end_line": 1, "end_column": 1,
                "rule": "unanalyzed-file",
                "message": "mentions Amplitude but was not analysed: not valid UTF-8",
                "fixable": false
            }],
            "summary": {"findings": 1, "fixable": 0, "files": 1, "errors": 0}
        })
    );
    assert_eq!(get(dir, "src/latin1.js"), latin1);
}

// 7 ------------------------------------------------------------------------------------------

#[test]
fn oversized_file_is_skipped_with_a_warning() {
    let tmp = tempdir();
    let dir = tmp.path();
    let mut big = SIMPLE.to_string();
    big += "// ";
    while big.len() < 199 {
        big.push('x');
    }
    big.push('\n');
    assert_eq!(big.len(), 200);
    put(dir, "big.js", &big);
    put(dir, "small.js", "export const s = 1;\n");
    let warning = "amp2mp: warning: big.js: skipped: larger than 100 bytes (raise --max-file-size to include it)\n";

    let out = amp2mp(dir, &["diff", "--max-file-size", "100"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!(
            "{warning}amp2mp: 0 files to change, 0 calls to rewrite; 0 uses left for a person\n"
        )
    );

    let out = amp2mp(dir, &["apply", "--max-file-size", "100"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        format!("{warning}amp2mp: 0 files changed, 0 calls rewritten; 0 uses left for a person\n")
    );
    assert_eq!(get_str(dir, "big.js"), big);

    let out = amp2mp(dir, &["check", "--max-file-size", "100"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "big.js:1:1: unanalyzed-file: mentions Amplitude but was not analysed: larger than 100 bytes (raise --max-file-size to include it)\n\n"
    );

    // Exactly at the limit is not over it.
    let out = amp2mp(dir, &["apply", "--max-file-size", "200"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: 1 file changed, 1 call rewritten (track 1); 0 uses left for a person\n"
    );
    assert_eq!(get_str(dir, "big.js"), big.replace(SIMPLE, SIMPLE_OUT));
}

// 8 ------------------------------------------------------------------------------------------

#[test]
fn crlf_and_bom_round_trip_through_apply() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "crlf.js", SIMPLE.replace('\n', "\r\n"));
    // Amplitude stays imported (the flush is left), so a line is inserted: with CRLF too.
    put(
        dir,
        "crlf_left.ts",
        "import amplitude from 'amplitude-js';\r\n\
         amplitude.getInstance().setUserId(id);\r\n\
         amplitude.getInstance('session').setSessionId(0);\r\n",
    );
    put(dir, "bom.js", format!("\u{feff}{SIMPLE}"));
    put(
        dir,
        "bom_crlf.tsx",
        "\u{feff}import amplitude from 'amplitude-js';\r\n\
         amplitude.getInstance().setUserProperties(p);\r\n",
    );
    put(
        dir,
        "mixed.js",
        "import amplitude from 'amplitude-js';\n\
         amplitude.getInstance().setGroup(k, v);\r\n\
         const x = 1;\n",
    );

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (2):\n\
         \x20 crlf_left.ts:1:1: import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         \x20 crlf_left.ts:4:1: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 5 files changed, 5 calls rewritten (identify 1, people.set 1, set_group 1, track 2); 2 uses left for a person\n"
    );
    assert_eq!(
        get(dir, "crlf.js"),
        b"import mixpanel from 'mixpanel-browser';\r\nmixpanel.track('A', { x: 1 });\r\n"
    );
    assert_eq!(
        get(dir, "crlf_left.ts"),
        b"import amplitude from 'amplitude-js';\r\n\
          import mixpanel from 'mixpanel-browser';\r\n\
          mixpanel.identify(id);\r\n\
          amplitude.getInstance('session').setSessionId(0);\r\n"
    );
    assert_eq!(
        get(dir, "bom.js"),
        b"\xef\xbb\xbfimport mixpanel from 'mixpanel-browser';\nmixpanel.track('A', { x: 1 });\n"
    );
    assert_eq!(
        get(dir, "bom_crlf.tsx"),
        b"\xef\xbb\xbfimport mixpanel from 'mixpanel-browser';\r\nmixpanel.people.set(p);\r\n"
    );
    assert_eq!(
        get(dir, "mixed.js"),
        b"import mixpanel from 'mixpanel-browser';\nmixpanel.set_group(k, v);\r\nconst x = 1;\n"
    );

    // A second run has nothing left to do and changes no byte.
    let before = snapshot(dir);
    let out = amp2mp(dir, &["diff"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(snapshot(dir), before);
}

// 9 ------------------------------------------------------------------------------------------

#[test]
fn walk_respects_ignore_files_skips_node_modules_and_enters_hidden_dirs() {
    let tmp = tempdir();
    let dir = tmp.path();
    // Not a git repository: .gitignore and .ignore must be honoured anyway.
    put(dir, ".gitignore", "gen/\n*.min.js\n");
    put(dir, "lib/.ignore", "vendored.ts\n");
    for f in [
        "src/a.js",
        "gen/out.js",
        "src/app.min.js",
        "lib/vendored.ts",
        "lib/own.ts",
        "node_modules/pkg/index.js",
        "src/node_modules/inner/index.js",
        ".storybook/preview.tsx",
        "src/notes.txt",
        "src/types.d.ts.bak",
    ] {
        put(dir, f, SIMPLE);
    }
    let before = snapshot(dir);

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "amp2mp: 3 files changed, 3 calls rewritten (track 3); 0 uses left for a person\n"
    );
    let after = snapshot(dir);
    let changed: Vec<&str> = after
        .iter()
        .filter(|(p, b)| before[*p] != **b)
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(
        changed,
        [".storybook/preview.tsx", "lib/own.ts", "src/a.js"]
    );
    assert_eq!(get_str(dir, ".storybook/preview.tsx"), SIMPLE_OUT);

    let out = amp2mp(dir, &["diff", "--no-ignore"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let headers: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("diff --git "))
        .collect();
    assert_eq!(
        headers,
        [
            "diff --git a/gen/out.js b/gen/out.js",
            "diff --git a/lib/vendored.ts b/lib/vendored.ts",
            "diff --git a/src/app.min.js b/src/app.min.js",
        ]
    );

    let out = amp2mp(dir, &["apply", "--no-ignore"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "amp2mp: 3 files changed, 3 calls rewritten (track 3); 0 uses left for a person\n"
    );
    for f in ["gen/out.js", "src/app.min.js", "lib/vendored.ts"] {
        assert_eq!(get_str(dir, f), SIMPLE_OUT, "{f}");
    }
    for f in [
        "node_modules/pkg/index.js",
        "src/node_modules/inner/index.js",
        "src/notes.txt",
        "src/types.d.ts.bak",
    ] {
        assert_eq!(get_str(dir, f), SIMPLE, "{f}");
    }
}

// 10 -----------------------------------------------------------------------------------------

#[test]
fn check_json_lists_exact_findings() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "src/t.ts",
        "import amplitude from 'amplitude-js';\n\
         \n\
         export function go(id: string) {\n\
         \x20 amplitude.getInstance().setUserId(id);\n\
         \x20 amplitude.getInstance().logEvent('Go', {\n    id,\n  });\n\
         \x20 amplitude.getInstance('session').setSessionId(0);\n\
         }\n",
    );
    put(dir, "src/plain.ts", "export const p = 1;\n");

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "");
    assert!(out.stdout.ends_with("}\n") && out.stdout.matches('\n').count() == 1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let expected = serde_json::json!({
        "findings": [
            {
                "path": "src/t.ts", "line": 1, "column": 1, "end_line": 1, "end_column": 38,
                "rule": "amplitude-import",
                "message": "import of `amplitude-js` is still used: remove it once its uses are migrated",
                "fixable": false
            },
            {
                "path": "src/t.ts", "line": 4, "column": 3, "end_line": 4, "end_column": 40,
                "rule": "amplitude-call",
                "message": "Amplitude `setUserId`: becomes `mixpanel.identify`",
                "fixable": true
            },
            {
                "path": "src/t.ts", "line": 5, "column": 3, "end_line": 7, "end_column": 5,
                "rule": "amplitude-call",
                "message": "Amplitude `logEvent`: becomes `mixpanel.track`",
                "fixable": true
            },
            {
                "path": "src/t.ts", "line": 8, "column": 3, "end_line": 8, "end_column": 51,
                "rule": "amplitude-call",
                "message": "Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent",
                "fixable": false
            }
        ],
        "summary": {"findings": 4, "fixable": 2, "files": 1, "errors": 0}
    });
    assert_eq!(v, expected);

    // The text format says the same, each finding with its line underlined (a finding over
    // several lines to the end of its first).
    let out = amp2mp(dir, &["check"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "src/t.ts:1:1: amplitude-import: import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         \x20 1 | import amplitude from 'amplitude-js';\n\
         \x20   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n\
         src/t.ts:4:3: amplitude-call: Amplitude `setUserId`: becomes `mixpanel.identify`\n\
         \x20 4 |   amplitude.getInstance().setUserId(id);\n\
         \x20   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n\
         src/t.ts:5:3: amplitude-call: Amplitude `logEvent`: becomes `mixpanel.track`\n\
         \x20 5 |   amplitude.getInstance().logEvent('Go', {\n\
         \x20   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n\
         src/t.ts:8:3: amplitude-call: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         \x20 8 |   amplitude.getInstance('session').setSessionId(0);\n\
         \x20   |   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: 4 findings (2 fixable by `amp2mp apply`) in 1 file\n"
    );

    // Nothing found: an empty list and exit 0.
    let out = amp2mp(dir, &["check", "--format", "json", "src/plain.ts"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "{\"findings\":[],\"summary\":{\"errors\":0,\"files\":0,\"findings\":0,\"fixable\":0}}\n"
    );
}

// 11 -----------------------------------------------------------------------------------------

#[test]
fn color_always_has_escapes_and_piped_default_has_none() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "a.js", SIMPLE);
    let plain = "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n@@ -1,2 +1,2 @@\n\
                 -import amplitude from 'amplitude-js';\n\
                 -amplitude.getInstance().logEvent('A', { x: 1 });\n\
                 +import mixpanel from 'mixpanel-browser';\n\
                 +mixpanel.track('A', { x: 1 });\n";

    let out = amp2mp(dir, &["diff", "--color", "always"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "\x1b[1mdiff --git a/a.js b/a.js\x1b[0m\n\
         \x1b[1m--- a/a.js\x1b[0m\n\
         \x1b[1m+++ b/a.js\x1b[0m\n\
         \x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n\
         \x1b[31m-import amplitude from 'amplitude-js';\x1b[0m\n\
         \x1b[31m-amplitude.getInstance().logEvent('A', { x: 1 });\x1b[0m\n\
         \x1b[32m+import mixpanel from 'mixpanel-browser';\x1b[0m\n\
         \x1b[32m+mixpanel.track('A', { x: 1 });\x1b[0m\n"
    );

    // Piped (the default `auto`) and `never`: not one escape byte, on stdout or stderr.
    for args in [
        &["diff"][..],
        &["diff", "--color", "auto"],
        &["diff", "--color", "never"],
    ] {
        let out = amp2mp(dir, args);
        assert_eq!(out.code, 0, "{args:?}");
        assert_eq!(out.stdout, plain, "{args:?}");
        assert!(!out.stderr.contains('\x1b'), "{args:?}");
    }
    for args in [&["check"][..], &["check", "--format", "json"]] {
        let out = amp2mp(dir, args);
        assert_eq!(out.code, 1, "{args:?}");
        assert!(!out.stdout.contains('\x1b'), "{args:?}");
        assert!(!out.stderr.contains('\x1b'), "{args:?}");
    }
}

// 12 -----------------------------------------------------------------------------------------

#[test]
fn broken_pipe_exits_quietly() {
    let tmp = tempdir();
    let dir = tmp.path();
    for i in 0..300 {
        let mut body = String::from("import amplitude from 'amplitude-js';\n");
        for j in 0..20 {
            body += &format!(
                "amplitude.getInstance().logEvent('Event {i} {j}', {{ file: {i}, call: {j} }});\n"
            );
        }
        put(dir, &format!("src/m{i:03}/f{i:03}.js"), body);
    }

    let mut child = amp2mp_cmd(dir, &["diff"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn amp2mp");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).unwrap();
    // The reader (and with it the pipe's read end) is dropped here: the diff is ~1 MB, far
    // more than a pipe holds, so amp2mp is still writing when the pipe closes.
    assert_eq!(first, "diff --git a/src/m000/f000.js b/src/m000/f000.js\n");
    let out = child.wait_with_output().expect("wait for amp2mp");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.to_lowercase().contains("broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

// 13 -----------------------------------------------------------------------------------------

#[test]
fn apply_prints_the_exact_summary() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "src/app.js",
        "import amplitude from 'amplitude-js';\n\
         amplitude.getInstance().init(key);\n\
         amplitude.getInstance().logEvent('A', { x: 1 });\n\
         amplitude.getInstance().setUserId(id);\n\
         amplitude.getInstance().setUserProperties(p);\n\
         amplitude.getInstance().setGroup(k, v);\n\
         amplitude.getInstance().logEvent('B');\n",
    );
    put(
        dir,
        "src/flush.js",
        "import amplitude from 'amplitude-js';\n\nexport function bye() {\n  amplitude.getInstance('session').setSessionId(0);\n}\n",
    );
    put(dir, "src/plain.js", "export const p = 1;\n");

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (2):\n\
         \x20 src/flush.js:1:1: import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         \x20 src/flush.js:4:3: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 1 file changed, 6 calls rewritten (identify 1, init 1, people.set 1, set_group 1, track 2); 2 uses left for a person\n"
    );
    assert_eq!(
        get_str(dir, "src/app.js"),
        "import mixpanel from 'mixpanel-browser';\n\
         mixpanel.init(key);\n\
         mixpanel.track('A', { x: 1 });\n\
         mixpanel.identify(id);\n\
         mixpanel.people.set(p);\n\
         mixpanel.set_group(k, v);\n\
         mixpanel.track('B');\n"
    );

    // Singular words: one file, one call, one use.
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "snippet.js",
        "amplitude.getInstance().logEvent('A');\n\n\
         window.addEventListener('pagehide', () => {\n  amplitude.getInstance('session').setSessionId(0);\n});\n",
    );
    let out = amp2mp(dir, &["diff"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (1):\n\
         \x20 snippet.js:4:3: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 1 file to change, 1 call to rewrite (track 1); 1 use left for a person\n"
    );
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (1):\n\
         \x20 snippet.js:4:3: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 1 file changed, 1 call rewritten (track 1); 1 use left for a person\n"
    );
    assert_eq!(
        get_str(dir, "snippet.js"),
        "mixpanel.track('A');\n\n\
         window.addEventListener('pagehide', () => {\n  amplitude.getInstance('session').setSessionId(0);\n});\n"
    );

    // Nothing rewritten: no parenthesised part.
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (1):\n\
         \x20 snippet.js:4:3: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 0 files changed, 0 calls rewritten; 1 use left for a person\n"
    );
}

// 14 -----------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn read_only_file_is_written_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "a_ro.js", SIMPLE);
    put(dir, "b_rw.js", SIMPLE);
    std::fs::set_permissions(dir.join("a_ro.js"), std::fs::Permissions::from_mode(0o444)).unwrap();

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: 2 files changed, 2 calls rewritten (track 2); 0 uses left for a person\n"
    );
    assert_eq!(get_str(dir, "a_ro.js"), SIMPLE_OUT);
    assert_eq!(get_str(dir, "b_rw.js"), SIMPLE_OUT);
    let mode = std::fs::metadata(dir.join("a_ro.js"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
    // No temporary file left beside them.
    assert_eq!(
        snapshot(dir).keys().collect::<Vec<_>>(),
        ["a_ro.js", "b_rw.js"]
    );
}

// Bugs found while writing these tests -------------------------------------------------------

/// After `apply` inserted `import mixpanel` below the kept Amplitude import, the summary still
/// points the person at the line the flush() had before the rewrite (3), not at the line it is on
/// in the file now written (4), which is what `check` reports next.
#[test]
fn apply_summary_points_into_the_written_file() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "b.js",
        "import amplitude from 'amplitude-js';\n\
         amplitude.getInstance().logEvent('A', { x: 1 });\n\
         amplitude.getInstance('session').setSessionId(0);\n",
    );
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        get_str(dir, "b.js"),
        "import amplitude from 'amplitude-js';\n\
         import mixpanel from 'mixpanel-browser';\n\
         mixpanel.track('A', { x: 1 });\n\
         amplitude.getInstance('session').setSessionId(0);\n"
    );
    let check = amp2mp(dir, &["check"]);
    assert!(check
        .stdout
        .contains("b.js:4:1: amplitude-call: Amplitude `setSessionId`"));
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (2):\n\
         \x20 b.js:1:1: import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         \x20 b.js:4:1: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         amp2mp: 1 file changed, 1 call rewritten (track 1); 2 uses left for a person\n"
    );
}

/// A file name with a tab is written into the diff unquoted, so `git apply` reads the name as
/// ending at the tab and fails (git itself writes `"a/ta\tb.js"`).
#[test]
fn diff_of_a_path_with_a_tab_applies_with_git() {
    let tmp = tempdir();
    let orig = subdir(&tmp, "orig");
    put(&orig, "ta\tb.js", SIMPLE);
    let patched = subdir(&tmp, "patched");
    copy_tree(&orig, &patched);
    let out = amp2mp(&orig, &["diff"]);
    assert_eq!(out.code, 0);
    std::fs::write(tmp.path().join("x.patch"), &out.stdout).unwrap();
    git_init(&patched);
    git(&patched, &["apply", "../x.patch"]);
    assert_eq!(get_str(&patched, "ta\tb.js"), SIMPLE_OUT);
}

/// `apply link.js`, where link.js is a symlink to real.js, renames the rewritten text over the
/// link: the link becomes a regular file and real.js is left unmigrated.
#[cfg(unix)]
#[test]
fn apply_through_a_symlink_keeps_the_link() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "real.js", SIMPLE);
    std::os::unix::fs::symlink("real.js", dir.join("link.js")).unwrap();
    let out = amp2mp(dir, &["apply", "link.js"]);
    assert!(out.code == 0 || out.code == 2, "{out:?}");
    let link = std::fs::symlink_metadata(dir.join("link.js")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "link.js is no longer a symlink"
    );
    // Either the target is migrated (code 0) or nothing is (code 2, refused): never half of it.
    let real = get_str(dir, "real.js");
    if out.code == 0 {
        assert_eq!(real, SIMPLE_OUT);
    } else {
        assert_eq!(real, SIMPLE);
    }
}

/// `check --format json missing.js a.js` exits 2 for the missing path, but the JSON summary
/// that CI reads says `"errors": 0`.
#[test]
fn check_json_counts_a_missing_path_as_an_error() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "a.js", SIMPLE);
    let out = amp2mp(dir, &["check", "--format", "json", "missing.js", "a.js"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "amp2mp: error: missing.js: no such file or directory\n"
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["summary"]["errors"], 1, "{}", out.stdout);
}
