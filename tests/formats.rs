//! `check`'s formats, end to end on the real binary: exit codes in every format, the text
//! format's underline and colors, the GitHub annotation lines with their escaping, the SARIF log
//! against the 2.1.0 structure (with fingerprints that survive line shifts and fixes that make
//! what `apply` writes), and the README: its CI commands run as written and its examples are
//! what amp2mp prints.

mod common;

use common::{amp2mp, get_str, put, tempdir, SIMPLE};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;

const FORMATS: [&str; 4] = ["text", "json", "sarif", "github"];

/// What stdout must be in `format`: parseable, and naming `findings` findings.
fn assert_parses(format: &str, stdout: &str, findings: usize) {
    match format {
        "json" => {
            let v: Value = serde_json::from_str(stdout).expect("json parses");
            assert_eq!(v["findings"].as_array().unwrap().len(), findings);
        }
        "sarif" => {
            let v: Value = serde_json::from_str(stdout).expect("sarif parses");
            assert_sarif_shape(&v);
            assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), findings);
        }
        "github" => {
            assert_eq!(stdout.lines().count(), findings);
            assert!(stdout
                .lines()
                .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")));
        }
        _ => assert_eq!(stdout.matches(": amplitude-").count(), findings),
    }
}

#[test]
fn every_format_exits_0_clean_1_with_findings_2_on_errors() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "clean/a.js", "export const a = 1;\n");
    put(dir, "found/a.js", SIMPLE);
    for format in FORMATS {
        let total = |n: &str| format!("amp2mp: {n}\n");
        let out = amp2mp(dir, &["check", "--format", format, "clean"]);
        assert_eq!(out.code, 0, "{format}");
        assert_parses(format, &out.stdout, 0);
        let expected = if format == "text" {
            total("0 findings (0 fixable by `amp2mp apply`) in 0 files")
        } else {
            String::new()
        };
        assert_eq!(out.stderr, expected, "{format}");

        let out = amp2mp(dir, &["check", "--format", format, "found"]);
        assert_eq!(out.code, 1, "{format}");
        assert_parses(format, &out.stdout, 2);
        let expected = if format == "text" {
            total("2 findings (2 fixable by `amp2mp apply`) in 1 file")
        } else {
            String::new()
        };
        assert_eq!(out.stderr, expected, "{format}");

        // A missing path is an error (2), but what was found is still printed in full.
        let out = amp2mp(dir, &["check", "--format", format, "missing.js", "found"]);
        assert_eq!(out.code, 2, "{format}");
        assert_parses(format, &out.stdout, 2);
        assert!(
            out.stderr
                .starts_with("amp2mp: error: missing.js: no such file or directory\n"),
            "{format}: {}",
            out.stderr
        );
    }
}

#[test]
fn text_colors_only_when_asked() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "a.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().setSessionId(0);\n",
    );
    let plain = "a.js:1:1: amplitude-import: import of `amplitude-js` is still used: remove it once its uses are migrated\n\
                 \x20 1 | import amplitude from 'amplitude-js';\n\
                 \x20   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
                 \n\
                 a.js:2:1: amplitude-call: Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
                 \x20 2 | amplitude.getInstance().setSessionId(0);\n\
                 \x20   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
                 \n";
    for args in [
        &["check"][..],
        &["check", "--color", "never"],
        &["check", "--color", "auto"],
    ] {
        let out = amp2mp(dir, args);
        assert_eq!(out.code, 1, "{args:?}");
        assert_eq!(out.stdout, plain, "{args:?}");
        assert!(!out.stderr.contains('\x1b'), "{args:?}");
    }
    let out = amp2mp(dir, &["check", "--color", "always"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "\x1b[1ma.js:1:1:\x1b[0m \x1b[1m\x1b[31mamplitude-import:\x1b[0m import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         \x20 \x1b[1m\x1b[34m1 |\x1b[0m import amplitude from 'amplitude-js';\n\
         \x20 \x1b[1m\x1b[34m  |\x1b[0m \x1b[1m\x1b[31m^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\x1b[0m\n\
         \n\
         \x1b[1ma.js:2:1:\x1b[0m \x1b[1m\x1b[31mamplitude-call:\x1b[0m Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\
         \x20 \x1b[1m\x1b[34m2 |\x1b[0m amplitude.getInstance().setSessionId(0);\n\
         \x20 \x1b[1m\x1b[34m  |\x1b[0m \x1b[1m\x1b[31m^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\x1b[0m\n\
         \n"
    );
    // The machine formats are never colored.
    for format in ["json", "sarif", "github"] {
        let out = amp2mp(dir, &["check", "--color", "always", "--format", format]);
        assert!(!out.stdout.contains('\x1b'), "{format}");
    }
}

#[test]
fn text_renders_markup_package_json_and_skipped_files() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "package.json",
        "{\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.9\"\n  }\n}\n",
    );
    put(
        dir,
        "page.vue",
        "<template>\n  <button @click=\"amplitude.logEvent('Buy')\">Buy</button>\n</template>\n",
    );
    put(dir, "latin1.js", b"// caf\xe9 amplitude.logEvent('x')\n");
    let out = amp2mp(dir, &["check"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "latin1.js:1:1: unanalyzed-file: mentions Amplitude but was not analysed: not valid UTF-8\n\
         \n\
         package.json:3:5: amplitude-dependency: `amplitude-js` dependency: becomes `mixpanel-browser@^2.83.0`\n\
         \x20 3 |     \"amplitude-js\": \"^8.21.9\"\n\
         \x20   |     ^^^^^^^^^^^^^^\n\
         \n\
         page.vue:2:19: amplitude-call: Amplitude `logEvent`: becomes `mixpanel.track` (in the markup, which amp2mp leaves to you)\n\
         \x20 2 |   <button @click=\"amplitude.logEvent('Buy')\">Buy</button>\n\
         \x20   |                   ^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         \n"
    );
}

#[test]
fn github_lines_escape_paths_and_messages() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "we,ird:dir/page.html",
        "<html>\n<script src=\"https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js?v=100%25\"></script>\n</html>\n",
    );
    put(
        dir,
        "we,ird:dir/opt.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().setOptOut(false);\n",
    );
    let out = amp2mp(dir, &["check", "--format", "github"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "");
    assert_eq!(
        out.stdout,
        "::warning file=we%2Cird%3Adir/opt.js,line=1,col=1,endLine=1,endColumn=38,title=amplitude-import::import of `amplitude-js`: replaced by `mixpanel-browser`\n\
         ::warning file=we%2Cird%3Adir/opt.js,line=2,col=1,endLine=2,endColumn=41,title=amplitude-call::Amplitude `setOptOut`: becomes `mixpanel.opt_in_tracking`%0Anote: mixpanel.opt_in_tracking() also tracks an $opt_in event\n\
         ::error file=we%2Cird%3Adir/page.html,line=2,col=1,endLine=2,endColumn=82,title=amplitude-snippet::`<script src=\"https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js?v=100%2525\">` loads an Amplitude SDK: load Mixpanel's instead (its snippet, or the `mixpanel-browser` package)\n"
    );
    // Each line parses back: the properties split on `,` and `=`, and unescaping gives the
    // path and the message as written.
    let first = out.stdout.lines().nth(1).unwrap();
    let (head, message) = first
        .split_once("::")
        .map(|(_, rest)| rest.split_once("::").unwrap())
        .unwrap();
    let (level, props) = head.split_once(' ').unwrap();
    assert_eq!(level, "warning");
    let props: Vec<(&str, &str)> = props
        .split(',')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        keys,
        ["file", "line", "col", "endLine", "endColumn", "title"]
    );
    assert_eq!(unescape(props[0].1), "we,ird:dir/opt.js");
    assert_eq!(
        unescape(message),
        "Amplitude `setOptOut`: becomes `mixpanel.opt_in_tracking`\nnote: mixpanel.opt_in_tracking() also tracks an $opt_in event"
    );
}

/// The runner's unescaping of a workflow command value.
fn unescape(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Asserts the structure SARIF 2.1.0 requires (and GitHub code scanning reads) of a log.
fn assert_sarif_shape(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().expect("runs is an array");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "amp2mp");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules is an array");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "rule ids are unique"
    );
    for r in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            let text = r[key]["text"]
                .as_str()
                .unwrap_or_else(|| panic!("{r}: {key}.text"));
            assert!(!text.is_empty() && text.len() <= 1024, "{r}: {key}");
        }
    }
    let invocations = run["invocations"].as_array().unwrap();
    assert!(invocations[0]["executionSuccessful"].is_boolean());
    for n in invocations[0]["toolExecutionNotifications"]
        .as_array()
        .into_iter()
        .flatten()
    {
        assert!(n["message"]["text"].is_string(), "{n}");
        assert!(["error", "warning", "note", "none"].contains(&n["level"].as_str().unwrap()));
    }
    for result in run["results"].as_array().expect("results is an array") {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], id, "ruleIndex points at the rule");
        assert!(["error", "warning", "note", "none"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].is_string());
        assert_region(&physical["region"]);
        let prints = result["partialFingerprints"].as_object().unwrap();
        assert!(!prints.is_empty() && prints.values().all(Value::is_string));
        for fix in result["fixes"].as_array().into_iter().flatten() {
            assert_eq!(
                result["level"], "warning",
                "only rewritten findings have fixes"
            );
            assert!(fix["description"]["text"].is_string());
            let changes = fix["artifactChanges"].as_array().unwrap();
            assert!(!changes.is_empty());
            for change in changes {
                assert_eq!(
                    change["artifactLocation"], physical["artifactLocation"],
                    "a fix changes the finding's file"
                );
                let replacements = change["replacements"].as_array().unwrap();
                assert!(!replacements.is_empty());
                for r in replacements {
                    assert_region(&r["deletedRegion"]);
                    if let Some(inserted) = r.get("insertedContent") {
                        assert!(inserted["text"].is_string());
                    }
                }
            }
        }
    }
}

/// A text region: 1-based start and end, the end not before the start.
fn assert_region(region: &Value) {
    let n = |k: &str| {
        region[k]
            .as_u64()
            .unwrap_or_else(|| panic!("{region}: {k}"))
    };
    let (line, column, end_line, end_column) = (
        n("startLine"),
        n("startColumn"),
        n("endLine"),
        n("endColumn"),
    );
    assert!(line >= 1 && column >= 1 && end_column >= 1, "{region}");
    assert!((end_line, end_column) >= (line, column), "{region}");
}

#[test]
fn sarif_is_a_2_1_0_log_with_rules_levels_and_regions() {
    let tmp = tempdir();
    let dir = tmp.path();
    put(
        dir,
        "src/a b.js",
        "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A');\namplitude.getInstance('session').setSessionId(0);\n",
    );
    put(
        dir,
        "src/latin1.js",
        b"// caf\xe9 amplitude.logEvent('x')\n",
    );
    let out = amp2mp(dir, &["check", "--format", "sarif", "src", "missing"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.ends_with("}\n"));
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_sarif_shape(&log);
    let run = &log["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "amplitude-import",
            "amplitude-call",
            "amplitude-type",
            "amplitude-dependency",
            "unanalyzed-file",
            "amplitude-http-api",
            "amplitude-snippet",
            "unused-suppression"
        ]
    );
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(
        run["invocations"],
        json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": {"text": "missing: no such file or directory"}
            }]
        }])
    );
    let results = run["results"].as_array().unwrap();
    let summary: Vec<(&str, &str, u64)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("amplitude-import", "error", 1),
            ("amplitude-call", "warning", 2),
            ("amplitude-call", "error", 3),
            ("unanalyzed-file", "error", 1),
        ]
    );
    let mut call = results[1].clone();
    let print = call["partialFingerprints"]["amp2mpFindingHash/v1"].take();
    assert!(print.as_str().unwrap().len() == 16, "{print}");
    assert_eq!(
        call,
        json!({
            "ruleId": "amplitude-call",
            "ruleIndex": 1,
            "level": "warning",
            "message": {"text": "Amplitude `logEvent`: becomes `mixpanel.track`"},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": "src/a%20b.js", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 38}
            }}],
            "partialFingerprints": {"amp2mpFindingHash/v1": null},
            "fixes": [{
                "description": {"text": "amp2mp apply: Amplitude `logEvent`: becomes `mixpanel.track`"},
                "artifactChanges": [{
                    "artifactLocation": {"uri": "src/a%20b.js", "uriBaseId": "%SRCROOT%"},
                    // The import added before the call's line joins the call's change.
                    "replacements": [{
                        "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 3, "endColumn": 1},
                        "insertedContent": {"text": "import mixpanel from 'mixpanel-browser';\nmixpanel.track('A');\n"}
                    }]
                }]
            }]
        })
    );
    // The skipped file: a finding at 1:1 with no fix.
    assert_eq!(
        results[3]["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
    );
    assert!(results[3].get("fixes").is_none());
}

/// The (rule, fingerprint) of every result, in order.
fn fingerprints(log: &Value) -> Vec<(String, String)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["partialFingerprints"]["amp2mpFindingHash/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_are_stable_and_ignore_line_shifts() {
    let tmp = tempdir();
    let dir = tmp.path();
    let body =
        "amplitude.getInstance().setSessionId(0);\namplitude.getInstance().setSessionId(0);\n";
    put(
        dir,
        "a.js",
        format!("import amplitude from 'amplitude-js';\n{body}"),
    );
    let sarif = |dir: &Path| -> Value {
        let out = amp2mp(dir, &["check", "--format", "sarif"]);
        assert_eq!(out.code, 1);
        serde_json::from_str(&out.stdout).unwrap()
    };
    let before = sarif(dir);
    let prints = fingerprints(&before);
    assert_eq!(prints.len(), 3);
    // Two identical calls get different fingerprints (their rank differs).
    assert_ne!(prints[1].1, prints[2].1);
    assert_eq!(
        fingerprints(&sarif(dir)),
        prints,
        "the same from run to run"
    );
    // Lines added above, and the code reindented: same fingerprints, new lines.
    put(
        dir,
        "a.js",
        format!(
            "import amplitude from 'amplitude-js';\n\n// Sessions\n\n{}",
            body.replace("(0)", "( 0 )").replace("amp", "  amp")
        ),
    );
    let after = sarif(dir);
    assert_eq!(fingerprints(&after), prints);
    let line = |log: &Value, i: usize| {
        log["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .clone()
    };
    assert_eq!((line(&before, 1), line(&after, 1)), (json!(2), json!(5)));
    // Another path is another finding.
    put(dir, "b.js", get_str(dir, "a.js"));
    let both = fingerprints(&sarif(dir));
    assert_eq!(&both[..3], &prints[..]);
    assert!(both[3..].iter().all(|p| !prints.contains(p)));
}

/// The byte offset of a SARIF line and column (characters) in `text`; a byte order mark is not
/// a column.
fn offset(text: &str, line: u64, column: u64) -> usize {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n').expect("line exists") + 1;
    }
    if start == 0 && text.starts_with('\u{feff}') {
        start = 3;
    }
    start
        + text[start..]
            .chars()
            .take(column as usize - 1)
            .map(char::len_utf8)
            .sum::<usize>()
}

/// `text` with every distinct replacement of the results' fixes for `uri` applied.
fn apply_fixes(text: &str, results: &[Value], uri: &str) -> String {
    let mut edits = BTreeSet::new();
    for result in results {
        for fix in result["fixes"].as_array().into_iter().flatten() {
            let change = &fix["artifactChanges"][0];
            if change["artifactLocation"]["uri"] != uri {
                continue;
            }
            for r in change["replacements"].as_array().unwrap() {
                let d = &r["deletedRegion"];
                let n = |k: &str| d[k].as_u64().unwrap();
                let start = offset(text, n("startLine"), n("startColumn"));
                let end = offset(text, n("endLine"), n("endColumn"));
                let inserted = r["insertedContent"]["text"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                edits.insert((start, end, inserted));
            }
        }
    }
    let mut out = text.to_string();
    for (start, end, inserted) in edits.into_iter().rev() {
        out.replace_range(start..end, &inserted);
    }
    out
}

#[test]
fn sarif_fixes_of_a_file_together_make_what_apply_writes() {
    let tmp = tempdir();
    let dir = tmp.path();
    let files = [
        (
            "src/kept.js",
            "import amplitude from 'amplitude-js';\n\nexport function go(user) {\n  amplitude.getInstance().init('KEY', user.id);\n  amplitude.getInstance().logEvent('Go', { n: 1 });\n  amplitude.getInstance().logEvent('Again');\n  amplitude.getInstance('session').setSessionId(0);\n  amplitude.getInstance().flush();\n}\n",
        ),
        (
            "src/bom.ts",
            "\u{feff}import * as amplitude from '@amplitude/analytics-browser';\r\n\r\namplitude.setUserId('ü');\r\namplitude.track('Ü', { 'é': 1 });\r\n",
        ),
        (
            "src/page.vue",
            "<template><p>hi</p></template>\n<script setup lang=\"ts\">\nimport * as amplitude from '@amplitude/analytics-browser';\namplitude.track('Seen');\n</script>\n",
        ),
        // A package.json whose code migrates fully: the Mixpanel package goes to its sorted
        // place, away from the line of the finding.
        (
            "web/package.json",
            "{\n  \"dependencies\": {\n    \"amplitude-js\": \"^8.21.9\",\n    \"left-pad\": \"^1.3.0\",\n    \"react\": \"^18.0.0\"\n  }\n}\n",
        ),
        ("web/a.js", SIMPLE),
    ];
    for (rel, text) in files {
        put(dir, rel, text);
    }
    let out = amp2mp(dir, &["check", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_sarif_shape(&log);
    let results = log["runs"][0]["results"].as_array().unwrap().clone();
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for (rel, text) in files {
        let written = get_str(dir, rel);
        assert_ne!(written, text, "{rel} is rewritten");
        assert_eq!(apply_fixes(text, &results, rel), written, "{rel}");
    }
}

/// The fenced code blocks of the README tagged `tag`.
fn readme_blocks(tag: &str) -> Vec<String> {
    let readme = include_str!("../README.md");
    let fence = format!("```{tag}\n");
    readme
        .split(fence.as_str())
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_string())
        .collect()
}

/// The arguments of every `amp2mp check` command in the README's CI recipes, without the shell
/// around them (a redirection, `||`).
fn readme_check_commands() -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    for block in readme_blocks("yaml") {
        for line in block.lines() {
            let Some(at) = line.find("amp2mp check") else {
                continue;
            };
            let command = line[at..].split(['>', '|']).next().unwrap();
            commands.push(
                command
                    .split_whitespace()
                    .skip(1)
                    .map(String::from)
                    .collect(),
            );
        }
    }
    commands
}

#[test]
fn readme_ci_commands_run_as_written() {
    let commands = readme_check_commands();
    let formats: BTreeSet<String> = commands
        .iter()
        .filter_map(|c| c.iter().skip_while(|a| *a != "--format").nth(1).cloned())
        .collect();
    assert_eq!(
        formats,
        ["github", "json", "sarif"].map(String::from).into()
    );
    assert!(commands.iter().any(|c| c == &["check"]), "{commands:?}");

    // The amp2mp.toml the README gives keeps amp2mp's own source and build out of the walk.
    let config: Vec<String> = readme_blocks("toml")
        .into_iter()
        .filter(|b| b.contains("tools/amp2mp/"))
        .collect();
    assert_eq!(config.len(), 1);
    let tmp = tempdir();
    let dir = tmp.path();
    put(dir, "amp2mp.toml", &config[0]);
    put(dir, "tools/amp2mp/fixtures/x/input.js", SIMPLE);
    put(dir, ".amp2mp/target/debug/build/x.js", SIMPLE);
    put(dir, "src/app.js", "export const app = 1;\n");
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = amp2mp(dir, &args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let format = args
            .iter()
            .skip_while(|a| **a != "--format")
            .nth(1)
            .unwrap_or(&"text");
        assert_parses(format, &out.stdout, 0);
    }
    // And with Amplitude left, the same commands fail the job.
    put(dir, "src/app.js", SIMPLE);
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(amp2mp(dir, &args).code, 1, "{args:?}");
    }
}

/// The README's examples of the text and GitHub formats are lines amp2mp prints for the demo
/// app.
#[test]
fn readme_format_examples_are_real_output() {
    let readme = include_str!("../README.md");
    let formats = readme
        .split("### Formats\n")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect("README has a Formats section");
    let example: Vec<&str> = formats
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .collect();
    assert!(example.len() >= 10, "{example:?}");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo-app");
    let text = amp2mp(&demo, &["check"]);
    let github = amp2mp(&demo, &["check", "--format", "github"]);
    let printed: BTreeSet<&str> = text
        .stdout
        .lines()
        .chain(text.stderr.lines())
        .chain(github.stdout.lines())
        .collect();
    for line in example {
        assert!(
            printed.contains(line),
            "README example line not printed: {line:?}"
        );
    }
}
