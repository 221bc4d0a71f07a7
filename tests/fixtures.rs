//! Runs every case in `fixtures/`: `input.<ext>` must become `expected.<ext>` exactly, the output
//! must parse with no new errors (for `.vue`, `.svelte` and `.html`: each `<script>` block it
//! parses), a second run must change nothing, and `check` on the output must report exactly
//! `findings.json` (an empty list when the file is absent). Every file goes through
//! `engine::transform_file`, the entry point the app uses.
//! `AMP2MP_BLESS=findings cargo test --test fixtures` writes `findings.json` from the current
//! output (`AMP2MP_BLESS=all` also overwrites `expected.<ext>`, which are written by hand: review
//! the diff before committing either).

use amp2mp::embedded::{self, Code};
use amp2mp::engine::{self, Located};
use amp2mp::lang::{self, Kind, Lang};
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn input_of(dir: &Path) -> (PathBuf, String) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(ext) = name.strip_prefix("input.") {
            return (p.clone(), ext.to_string());
        }
    }
    panic!("{}: no input.<ext>", dir.display());
}

fn findings_json(findings: &[Located]) -> serde_json::Value {
    serde_json::Value::Array(
        findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "line": f.line,
                    "column": f.column,
                    "rule": f.finding.rule,
                    "message": f.finding.message,
                    "fixable": f.finding.fixable,
                })
            })
            .collect(),
    )
}

fn errors(lang: Lang, src: &str) -> usize {
    engine::error_count(&lang::parse(lang, src).unwrap())
}

/// Why `output` parses worse than `input`, if it does: the file, or one of its script blocks.
fn new_syntax_error(kind: Kind, input: &str, output: &str) -> Option<String> {
    let markup = match kind {
        Kind::Script(lang) => {
            return (errors(lang, output) > errors(lang, input))
                .then(|| "output has a new syntax error".to_string())
        }
        Kind::Markup(m) => m,
    };
    let before = embedded::scan(markup, input);
    let after = embedded::scan(markup, output);
    if before.len() != after.len() {
        return Some(format!(
            "the output has {} <script> blocks, the input {}",
            after.len(),
            before.len()
        ));
    }
    for (n, (b, a)) in before.iter().zip(&after).enumerate() {
        if let Code::Parsed { lang, .. } = b.code {
            let (old, new) = (&input[b.content.clone()], &output[a.content.clone()]);
            if errors(lang, new) > errors(lang, old) {
                return Some(format!("<script> block {} has a new syntax error", n + 1));
            }
        }
    }
    None
}

#[test]
fn every_fixture() {
    let bless = std::env::var("AMP2MP_BLESS").unwrap_or_default();
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 20,
        "expected the fixture set, found {} cases",
        all.len()
    );
    for dir in &all {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (input_path, ext) = input_of(dir);
        let kind = Kind::from_path(&input_path).expect("an extension amp2mp handles");
        let input = std::fs::read_to_string(&input_path).unwrap();
        let expected_path = dir.join(format!("expected.{ext}"));
        let findings_path = dir.join("findings.json");

        let first = engine::transform_file(kind, &input);
        let output = first.output.clone().unwrap_or_else(|| input.clone());
        let check = engine::transform_file(kind, &output);
        let findings = findings_json(&check.findings);
        if bless == "all" {
            std::fs::write(&expected_path, &output).unwrap();
        }
        if bless == "findings" || bless == "all" {
            if check.findings.is_empty() {
                let _ = std::fs::remove_file(&findings_path);
            } else {
                let text = serde_json::to_string_pretty(&findings).unwrap() + "\n";
                std::fs::write(&findings_path, text).unwrap();
            }
        }

        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name}: missing expected.{ext}"));
        if output != expected {
            failures.push(format!(
                "{name}: output differs from expected.{ext}\n--- expected\n{expected}\n--- actual\n{output}"
            ));
        }
        if let Some(e) = &first.error {
            failures.push(format!("{name}: transform failed: {e}"));
        }
        if let Some(why) = new_syntax_error(kind, &input, &output) {
            failures.push(format!("{name}: {why}"));
        }
        if let Some(again) = &check.output {
            failures.push(format!("{name}: second run is not a no-op:\n{again}"));
        }
        let want: serde_json::Value = match std::fs::read_to_string(&findings_path) {
            Ok(t) => serde_json::from_str(&t).expect("findings.json parses"),
            Err(_) => serde_json::Value::Array(vec![]),
        };
        if findings != want {
            failures.push(format!(
                "{name}: check on the output reports\n{}\nbut findings.json says\n{}",
                serde_json::to_string_pretty(&findings).unwrap(),
                serde_json::to_string_pretty(&want).unwrap()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}
