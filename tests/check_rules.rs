//! `check`'s rules end to end: a project with a leftover of every rule makes `check` exit 1
//! and report each rule id; a fully migratable project checks clean (exit 0) after `apply`.

mod common;

use common::put;
use std::collections::BTreeSet;
use std::path::Path;

/// The exit code and stdout of amp2mp in `dir` with `args`.
fn amp2mp(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = common::amp2mp(dir, args);
    (out.code, out.stdout)
}

/// (path, rule) of every finding in `check --format json` output.
fn rules(json: &str) -> BTreeSet<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_leftover_of_every_rule_fails_the_check() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    put(
        dir,
        "package.json",
        "{\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.9\"\n  }\n}\n",
    );
    put(
        dir,
        "src/left.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().setSessionId(1);\n",
    );
    put(dir, "src/types.ts", "import type { Types } from '@amplitude/analytics-browser';\nexport let level: Types.LogLevel;\n");
    put(
        dir,
        "src/http.js",
        "export const url = 'https://api2.amplitude.com/2/httpapi';\n",
    );
    put(
        dir,
        "src/snippet.js",
        "s.src = 'https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js';\n",
    );
    put(dir, "src/broken.js", "import amplitude from 'amplitude-js';\nfunction f( {\n  amplitude.getInstance().logEvent('A';\n");
    put(
        dir,
        "src/quiet.js",
        "// amp2mp-ignore-next-line\nconst amplitudeFree = 1;\nwindow.amplitude.logEvent('x');\n",
    );
    let (code, out) = amp2mp(dir, &["check", "--format", "json", "."]);
    assert_eq!(code, 1, "{out}");
    let found: BTreeSet<String> = rules(&out).into_iter().map(|(_, r)| r).collect();
    let every: BTreeSet<String> = [
        "amplitude-call",
        "amplitude-dependency",
        "amplitude-http-api",
        "amplitude-import",
        "amplitude-snippet",
        "amplitude-type",
        "unanalyzed-file",
        "unused-suppression",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, every);
}

#[test]
fn a_fully_migrated_project_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    put(
        dir,
        "package.json",
        "{\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.9\"\n  }\n}\n",
    );
    put(dir, "src/app.js", "import amplitude from 'amplitude-js';\nconst client = amplitude.getInstance();\nclient.init(KEY);\nclient.logEvent('Loaded', { page: 'home' });\nclient.setUserId(null);\nclient.regenerateDeviceId();\n");
    let (before, _) = amp2mp(dir, &["check", "--format", "json", "."]);
    assert_eq!(before, 1);
    let (applied, _) = amp2mp(dir, &["apply", "."]);
    assert_eq!(applied, 0);
    let (after, out) = amp2mp(dir, &["check", "--format", "json", "."]);
    assert_eq!(after, 0, "{out}");
    assert_eq!(
        out,
        "{\"findings\":[],\"summary\":{\"errors\":0,\"files\":0,\"findings\":0,\"fixable\":0}}\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("src/app.js")).unwrap(),
        "import mixpanel from 'mixpanel-browser';\nmixpanel.init(KEY);\nmixpanel.track('Loaded', { page: 'home' });\nmixpanel.reset();\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("package.json")).unwrap(),
        "{\n  \"dependencies\": {\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
    );
}
