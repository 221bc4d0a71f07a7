//! End-to-end tests of the package.json dependency swaps: the real binary on temp directories,
//! asserting the exact bytes of diffs, written files and `check` findings. The runner and the
//! file and git helpers are in `tests/common`.

mod common;

use common::{
    amp2mp, copy_tree, get_str, git, git_init_commit_all, put, snapshot, subdir, tempdir, Out,
    SIMPLE, SIMPLE_OUT,
};
use serde_json::json;
use std::path::Path;

/// A file whose import stays: its only call is not rewritten, so nothing Mixpanel is added.
const LEFT: &str =
    "import amplitude from 'amplitude-js';\namplitude.getInstance('release').setVersionName('1.2.0');\n";

/// `check --format json`'s findings for one path.
fn findings_of(out: &Out, path: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("check prints JSON");
    v["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .filter(|f| f["path"] == path)
        .cloned()
        .collect()
}

const SHOP: &str = "{\n  \"name\": \"shop\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.0\",\n    \"react\": \"^18.2.0\"\n  },\n  \"devDependencies\": {\n    \"@types/amplitude-js\": \"^8.16.0\",\n    \"typescript\": \"^5.4.0\"\n  }\n}\n";
const SHOP_OUT: &str = "{\n  \"name\": \"shop\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"react\": \"^18.2.0\"\n  },\n  \"devDependencies\": {\n    \"typescript\": \"^5.4.0\"\n  }\n}\n";

#[test]
fn all_imports_migrated_swaps_the_dependencies() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", SHOP);
    put(dir, "src/a.js", SIMPLE);

    let out = amp2mp(dir, &["diff"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "diff --git a/package.json b/package.json\n\
         --- a/package.json\n\
         +++ b/package.json\n\
         @@ -2,11 +2,10 @@\n   \"name\": \"shop\",\n   \"version\": \"1.0.0\",\n   \"dependencies\": {\n\
         -    \"amplitude-js\": \"^8.21.0\",\n\
         +    \"mixpanel-browser\": \"^2.83.0\",\n     \"react\": \"^18.2.0\"\n   },\n   \"devDependencies\": {\n\
         -    \"@types/amplitude-js\": \"^8.16.0\",\n     \"typescript\": \"^5.4.0\"\n   }\n }\n\
         diff --git a/src/a.js b/src/a.js\n\
         --- a/src/a.js\n\
         +++ b/src/a.js\n\
         @@ -1,2 +1,2 @@\n\
         -import amplitude from 'amplitude-js';\n\
         -amplitude.getInstance().logEvent('A', { x: 1 });\n\
         +import mixpanel from 'mixpanel-browser';\n\
         +mixpanel.track('A', { x: 1 });\n"
    );
    assert_eq!(
        out.stderr,
        "amp2mp: 2 files to change, 1 call to rewrite (track 1); 0 uses left for a person\n"
    );
    assert_eq!(get_str(dir, "package.json"), SHOP);

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        findings_of(&out, "package.json"),
        [
            json!({
                "path": "package.json", "line": 5, "column": 5, "end_line": 5, "end_column": 19,
                "rule": "amplitude-dependency",
                "message": "`amplitude-js` dependency: becomes `mixpanel-browser@^2.83.0`",
                "fixable": true
            }),
            json!({
                "path": "package.json", "line": 9, "column": 5, "end_line": 9, "end_column": 26,
                "rule": "amplitude-dependency",
                "message": "`@types/amplitude-js` dependency: removed (mixpanel-browser ships its own types)",
                "fixable": true
            }),
        ]
    );

    git_init_commit_all(dir);
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: 2 files changed, 1 call rewritten (track 1); 0 uses left for a person\n"
    );
    assert_eq!(get_str(dir, "package.json"), SHOP_OUT);
    assert_eq!(get_str(dir, "src/a.js"), SIMPLE_OUT);

    // Nothing is left, and a second run changes nothing.
    let out = amp2mp(dir, &["check"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
    let out = amp2mp(dir, &["diff"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn a_declared_package_nothing_imports_is_swapped() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", SHOP);
    put(dir, "src/a.js", "export const a = 1;\n");
    git_init_commit_all(dir);
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(get_str(dir, "package.json"), SHOP_OUT);
}

#[test]
fn a_leftover_import_keeps_the_dependency_with_a_finding() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", SHOP);
    put(dir, "src/a.js", LEFT);
    put(dir, "src/b.js", LEFT);
    put(dir, "src/c/d.js", LEFT);
    git_init_commit_all(dir);

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        findings_of(&out, "package.json"),
        [
            json!({
                "path": "package.json", "line": 5, "column": 5, "end_line": 5, "end_column": 19,
                "rule": "amplitude-dependency",
                "message": "`amplitude-js` stays: 3 imports of it are left in src/a.js, src/b.js (+1 more); run amp2mp again once they are migrated",
                "fixable": false
            }),
            json!({
                "path": "package.json", "line": 9, "column": 5, "end_line": 9, "end_column": 26,
                "rule": "amplitude-dependency",
                "message": "`@types/amplitude-js` stays: 3 imports of `amplitude-js` are left in src/a.js, src/b.js (+1 more); run amp2mp again once they are migrated",
                "fixable": false
            }),
        ]
    );

    for cmd in ["diff", "apply"] {
        let out = amp2mp(dir, &[cmd]);
        assert_eq!(out.code, 0, "{cmd}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{cmd}");
        assert!(
            out.stderr.contains(
                "\n  package.json:5:5: `amplitude-js` stays: 3 imports of it are left in src/a.js, src/b.js (+1 more); run amp2mp again once they are migrated\n"
            ),
            "{cmd}: {}",
            out.stderr
        );
        assert_eq!(get_str(dir, "package.json"), SHOP, "{cmd}");
    }
}

#[test]
fn migrated_code_gets_mixpanel_beside_a_package_that_stays() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", SHOP);
    put(dir, "src/a.js", LEFT);
    put(dir, "src/b.js", SIMPLE);
    git_init_commit_all(dir);

    let out = amp2mp(dir, &["diff"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains(
        "\n  package.json:5:5: `amplitude-js` stays: 1 import of it is left in src/a.js; run amp2mp again once it is migrated (`mixpanel-browser@^2.83.0` is added beside it: the migrated code imports it)\n"
    ), "{}", out.stderr);
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // After the write, the summary tells what is left in the file as written.
    assert!(out.stderr.contains(
        "\n  package.json:5:5: `amplitude-js` stays: 1 import of it is left in src/a.js; run amp2mp again once it is migrated\n"
    ), "{}", out.stderr);
    assert_eq!(
        get_str(dir, "package.json"),
        SHOP.replace(
            "    \"react\"",
            "    \"mixpanel-browser\": \"^2.83.0\",\n    \"react\""
        )
    );
    assert_eq!(get_str(dir, "src/b.js"), SIMPLE_OUT);

    // Once the last import is migrated by hand, the next run swaps what is left.
    put(
        dir,
        "src/a.js",
        "import mixpanel from 'mixpanel-browser';\nmixpanel.register({ app_version: '1.2.0' });\n",
    );
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
            "a",
        ],
    );
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(get_str(dir, "package.json"), SHOP_OUT);
}

#[test]
fn a_module_named_outside_an_import_keeps_the_dependency() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", SHOP);
    put(dir, "src/a.js", SIMPLE);
    put(
        dir,
        "src/index.ts",
        "export type Sdk = typeof import('amplitude-js');\n",
    );
    put(dir, "src/a.test.js", "jest.mock('amplitude-js');\n");
    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(
        findings_of(&out, "package.json")[0]["message"],
        "`amplitude-js` stays: src/a.test.js, src/index.ts still name it outside an import amp2mp migrates (a re-export, a dynamic import, a mock); run amp2mp again once they are migrated (`mixpanel-browser@^2.83.0` is added beside it: the migrated code imports it)"
    );
}

#[test]
fn each_package_json_of_a_monorepo_answers_for_its_own_files() {
    let tmp = tempdir();
    let dir = tmp.path();
    let root = "{\n  \"private\": true,\n  \"workspaces\": [\"packages/*\"],\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.0\"\n  }\n}\n";
    let legacy = "{\n  \"name\": \"legacy\",\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.0.0\",\n    \"lodash\": \"^4.17.21\"\n  }\n}\n";
    put(dir, "package.json", root);
    put(dir, "src/app.js", SIMPLE);
    put(dir, "packages/legacy/package.json", legacy);
    put(dir, "packages/legacy/src/old.js", LEFT);
    // A package that does not declare amplitude-js: its files resolve the root's.
    put(
        dir,
        "packages/tools/package.json",
        "{\n  \"name\": \"tools\"\n}\n",
    );
    put(dir, "packages/tools/t.js", SIMPLE);
    git_init_commit_all(dir);

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        findings_of(&out, "packages/legacy/package.json"),
        [json!({
            "path": "packages/legacy/package.json", "line": 4, "column": 5, "end_line": 4, "end_column": 19,
            "rule": "amplitude-dependency",
            "message": "`amplitude-js` stays: 1 import of it is left in packages/legacy/src/old.js; run amp2mp again once it is migrated",
            "fixable": false
        })]
    );
    assert_eq!(
        findings_of(&out, "package.json"),
        [json!({
            "path": "package.json", "line": 5, "column": 5, "end_line": 5, "end_column": 19,
            "rule": "amplitude-dependency",
            "message": "`amplitude-js` dependency: becomes `mixpanel-browser@^2.83.0`",
            "fixable": true
        })]
    );
    assert!(findings_of(&out, "packages/tools/package.json").is_empty());

    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        get_str(dir, "package.json"),
        root.replace(
            "\"amplitude-js\": \"^8.21.0\"",
            "\"mixpanel-browser\": \"^2.83.0\""
        )
    );
    assert_eq!(get_str(dir, "packages/legacy/package.json"), legacy);
    assert_eq!(get_str(dir, "packages/tools/t.js"), SIMPLE_OUT);

    // A leftover in the package that does not declare it keeps the root's dependency.
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "package.json", root);
    put(dir, "src/app.js", SIMPLE);
    put(
        dir,
        "packages/tools/package.json",
        "{\n  \"name\": \"tools\"\n}\n",
    );
    put(dir, "packages/tools/t.js", LEFT);
    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(
        findings_of(&out, "package.json")[0]["message"],
        "`amplitude-js` stays: 1 import of it is left in packages/tools/t.js; run amp2mp again once it is migrated (`mixpanel-browser@^2.83.0` is added beside it: the migrated code imports it)"
    );
}

/// Package files in every style: CRLF and tabs, four spaces and no final newline, one line.
fn styled_tree(dir: &Path) {
    put(
        dir,
        "package.json",
        "{\r\n\t\"name\": \"root\",\r\n\t\"dependencies\": {\r\n\t\t\"react\": \"^18.2.0\",\r\n\t\t\"amplitude-js\": \"^8.21.0\",\r\n\t\t\"@amplitude/analytics-browser\": \"^2.11.0\"\r\n\t}\r\n}\r\n",
    );
    put(dir, "src/a.js", SIMPLE);
    put(
        dir,
        "src/b.ts",
        "import * as amplitude from '@amplitude/analytics-browser';\r\namplitude.track('B');\r\n",
    );
    put(
        dir,
        "web/package.json",
        "{\n    \"name\": \"web\",\n    \"devDependencies\": {\n        \"@types/amplitude-js\": \"^8.16.0\",\n        \"jest\": \"^29.0.0\"\n    },\n    \"peerDependencies\": {\n        \"zod\": \"^3.0.0\",\n        \"amplitude-js\": \"^8.0.0\"\n    }\n}",
    );
    put(dir, "web/w.js", SIMPLE);
    put(
        dir,
        "tiny/package.json",
        "{\"name\":\"tiny\",\"dependencies\":{\"@amplitude/analytics-node\":\"^1.3.0\",\"a\":\"1\"}}\n",
    );
}

#[test]
fn diff_patch_applied_by_git_equals_apply_with_package_json() {
    let tmp = tempdir();
    let orig = subdir(&tmp, "orig");
    styled_tree(&orig);
    let patched = subdir(&tmp, "patched");
    let applied = subdir(&tmp, "applied");
    copy_tree(&orig, &patched);
    copy_tree(&orig, &applied);

    let diff = amp2mp(&orig, &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    std::fs::write(tmp.path().join("x.patch"), &diff.stdout).unwrap();
    git(&patched, &["init", "-q", "."]);
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
    assert_eq!(snapshot(&patched), snapshot(&applied));

    assert_eq!(
        get_str(&applied, "package.json"),
        "{\r\n\t\"name\": \"root\",\r\n\t\"dependencies\": {\r\n\t\t\"react\": \"^18.2.0\",\r\n\t\t\"mixpanel-browser\": \"^2.83.0\"\r\n\t}\r\n}\r\n"
    );
    assert_eq!(
        get_str(&applied, "web/package.json"),
        "{\n    \"name\": \"web\",\n    \"devDependencies\": {\n        \"jest\": \"^29.0.0\"\n    },\n    \"peerDependencies\": {\n        \"zod\": \"^3.0.0\",\n        \"mixpanel-browser\": \"^2.83.0\"\n    }\n}"
    );
    assert_eq!(
        get_str(&applied, "tiny/package.json"),
        "{\"name\":\"tiny\",\"dependencies\":{\"a\":\"1\",\"mixpanel\":\"^0.24.0\"}}\n"
    );
}

#[test]
fn package_json_that_cannot_be_used_is_reported() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "package.json",
        "{\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.0\",\n  }\n}\n",
    );
    put(dir, "web/package.json", SHOP);
    put(dir, "web/a.js", SIMPLE);

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        findings_of(&out, "package.json"),
        [json!({
            "path": "package.json", "line": 1, "column": 1, "end_line": 1, "end_column": 1,
            "rule": "unanalyzed-file",
            "message": "mentions Amplitude but was not analysed: not valid JSON (trailing comma at line 4 column 3)",
            "fixable": false
        })]
    );
    let out = amp2mp(dir, &["diff", "package.json"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");

    // A package.json named alone is not enough: the code below it decides.
    let out = amp2mp(dir, &["diff", "web/package.json"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "amp2mp: warning: web/package.json: a package.json is migrated together with the code below it: pass its directory instead; skipped\n\
         amp2mp: 0 files to change, 0 calls to rewrite; 0 uses left for a person\n"
    );
    let out = amp2mp(dir, &["diff", "web/package.json", "web"]);
    assert_eq!(out.code, 0);
    assert!(out
        .stdout
        .contains("diff --git a/web/package.json b/web/package.json\n"));
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

/// The files' parts stream out in path order; those after a package.json that mentions
/// Amplitude are held back and merged with it at the end. Whatever the format, the paths come
/// out sorted, the package.json files in their place.
#[test]
fn output_is_in_path_order_around_package_json_files() {
    let tmp = tempdir();
    let dir = tmp.path();
    styled_tree(dir);
    put(dir, "app.js", SIMPLE);
    put(dir, "zz.js", SIMPLE);
    let sorted = [
        "app.js",
        "package.json",
        "src/a.js",
        "src/b.ts",
        "tiny/package.json",
        "web/package.json",
        "web/w.js",
        "zz.js",
    ];
    let dedup = |paths: Vec<String>| {
        let mut v: Vec<String> = Vec::new();
        for p in paths {
            if v.last() != Some(&p) {
                v.push(p);
            }
        }
        v
    };

    let out = amp2mp(dir, &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    let paths: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dedup(paths), sorted);
    assert_eq!(v["summary"]["files"], 8);

    let out = amp2mp(dir, &["check", "--format", "github"]);
    let paths: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            l.split("file=")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(dedup(paths), sorted);

    let out = amp2mp(dir, &["check", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one SARIF log");
    let paths: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(dedup(paths), sorted);

    let out = amp2mp(dir, &["diff"]);
    let paths: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("diff --git a/"))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(paths, sorted);
}
