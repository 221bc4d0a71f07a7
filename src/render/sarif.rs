//! `check --format sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.
//! One run whose driver is amp2mp and lists every rule it can report ([`super::rules`]); one
//! result per finding, with its rule, its level (`error` for what `apply` leaves, `warning` for
//! what it rewrites), its region (1-based, columns in Unicode code points), a fingerprint and,
//! for a finding `apply` rewrites, a fix holding the line changes of the rewrite on the finding's
//! lines (changes on no finding's lines go with the nearest one, see [`assign`]). Files that failed and unusable paths become tool execution notifications.
//!
//! The fingerprint (`amp2mpFindingHash/v1`) is a 64-bit FNV-1a hash of the rule, the path, the
//! text the finding covers on its first line (without whitespace) and the finding's rank
//! among the file's findings with the same rule and text: stable across runs and amp2mp
//! versions, and unchanged when lines above it are added or removed. GitHub's upload action
//! adds its own `primaryLocationLineHash` beside it.

use super::check::{caveat, is_warning};
use super::rules::{self, Rule};
use super::source::covered;
use crate::app::FileResult;
use crate::discover::Discovered;
use crate::engine::Located;
use crate::tally::Tally;
use serde_json::{json, Value};
use similar::{DiffTag, TextDiff};
use std::collections::HashMap;
use std::ops::Range;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const FINGERPRINT: &str = "amp2mpFindingHash/v1";
/// Paths are relative to the directory amp2mp ran in, which this base id names.
const BASE: &str = "%SRCROOT%";

/// The log up to its results, pretty-printed: the schema, the version, and the run's tool (every
/// rule amp2mp reports), base directory and column kind. The results follow ([`file`]), then the
/// invocation ([`tail`]), so that the log streams out as the files are done.
pub fn head() -> String {
    let mut driver = json!({
        "name": "amp2mp",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules::RULES.iter().map(descriptor).collect::<Vec<_>>(),
    });
    if let Some(uri) = information_uri() {
        driver["informationUri"] = Value::from(uri);
    }
    let base = json!({
        BASE: { "description": { "text": "The directory amp2mp check ran in." } }
    });
    format!(
        "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"tool\": {},\n      \"originalUriBaseIds\": {},\n      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
        nested(&json!({ "driver": driver }), 6),
        nested(&base, 6),
    )
}

/// The log after its results: the invocation (whether the run succeeded, and why not), closed.
/// `empty` when no result was written.
pub fn tail(tally: &Tally, found: &Discovered, empty: bool) -> String {
    let close = if empty { "]" } else { "\n      ]" };
    format!(
        "{close},\n      \"invocations\": {}\n    }}\n  ]\n}}\n",
        nested(&json!([invocation(tally, found)]), 6)
    )
}

/// One file's results, each pretty-printed at its depth in the log, comma-separated.
pub fn file(r: &FileResult) -> String {
    let hunks = match (&r.original, &r.output) {
        (Some(old), Some(new)) if r.findings.iter().any(|f| f.finding.fixable) => hunks(old, new),
        _ => Vec::new(),
    };
    let fixes = assign(&r.findings, &hunks);
    let mut seen: HashMap<(&str, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for (f, fix) in r.findings.iter().zip(fixes) {
        let text = r
            .lines
            .get(f.line)
            .map(|l| collapse(covered(l, f)))
            .unwrap_or_default();
        let rank = seen.entry((f.finding.rule, text.clone())).or_default();
        let print = fingerprint(f.finding.rule, &r.display, &text, *rank);
        *rank += 1;
        let fix: Vec<&Hunk> = fix.into_iter().filter_map(|i| hunks.get(i)).collect();
        let value = result(r, f, print, &fix);
        out.push(format!("        {}", nested(&value, 8)));
    }
    out.join(",\n")
}

/// `value` pretty-printed, its lines after the first indented by `depth` spaces, to stand at
/// that depth in the log.
fn nested(value: &Value, depth: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.replace('\n', &format!("\n{}", " ".repeat(depth)))
}

/// The project's address, when Cargo.toml names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn descriptor(r: &Rule) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.short },
        "fullDescription": { "text": r.help },
        "help": { "text": r.help },
        "defaultConfiguration": { "level": "error" },
    })
}

/// One result. A rule that [`rules::RULES`] does not describe (a test keeps every emitted rule
/// described) gets no `ruleIndex`: its `ruleId` alone names it.
fn result(r: &FileResult, f: &Located, print: String, fix: &[&Hunk]) -> Value {
    let mut message = f.finding.message.clone();
    if let Some(note) = caveat(f) {
        message += "\nnote: ";
        message += note;
    }
    let mut v = json!({
        "ruleId": f.finding.rule,
        "level": if is_warning(f) { "warning" } else { "error" },
        "message": { "text": message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(&r.display),
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                },
            }
        }],
        "partialFingerprints": { FINGERPRINT: print },
    });
    if let Some((index, _)) = rules::find(f.finding.rule) {
        v["ruleIndex"] = Value::from(index);
    }
    if !fix.is_empty() {
        let replacements: Vec<Value> = fix.iter().map(|h| h.replacement()).collect();
        v["fixes"] = json!([{
            "description": { "text": format!("amp2mp apply: {}", f.finding.message) },
            "artifactChanges": [{
                "artifactLocation": artifact(&r.display),
                "replacements": replacements,
            }],
        }]);
    }
    v
}

fn artifact(path: &str) -> Value {
    json!({ "uri": uri(path), "uriBaseId": BASE })
}

/// A relative path as a URI reference: every byte but ASCII letters, digits, `-._~` and `/`
/// percent-encoded (a `:` would otherwise read as a scheme).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out += &format!("%{b:02X}");
        }
    }
    out
}

/// Whether the run succeeded, and why not: unusable paths, walk warnings and failed files.
fn invocation(tally: &Tally, found: &Discovered) -> Value {
    let mut notes: Vec<Value> = found
        .errors
        .iter()
        .map(|e| json!({ "level": "error", "message": { "text": e } }))
        .collect();
    notes.extend(
        found
            .warnings
            .iter()
            .map(|w| json!({ "level": "warning", "message": { "text": w } })),
    );
    for r in &tally.kept {
        if let Some(why) = &r.error {
            notes.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {why}", r.display) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&r.display) } }],
            }));
        }
    }
    let failed = !found.errors.is_empty() || tally.failed > 0;
    let mut v = json!({ "executionSuccessful": !failed });
    if !notes.is_empty() {
        v["toolExecutionNotifications"] = Value::from(notes);
    }
    v
}

/// `text` without its whitespace, so reformatting the code keeps its fingerprint.
fn collapse(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The fingerprint of a finding: FNV-1a (64-bit) of its parts, as 16 hex digits.
fn fingerprint(rule: &str, path: &str, text: &str, rank: usize) -> String {
    let rank = rank.to_string();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for part in [rule, path, text, &rank] {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Which hunks each finding's fix holds (indexes into `hunks`, per finding): a fixable finding
/// gets the hunks on its lines; a hunk on no fixable finding's lines (an import added, a package
/// put in its sorted place) goes to the nearest fixable finding, the earlier on a tie. So the
/// fixes of a file with a fixable finding together hold every change `apply` makes to it.
fn assign(findings: &[Located], hunks: &[Hunk]) -> Vec<Vec<usize>> {
    let mut fixes = vec![Vec::new(); findings.len()];
    let fixable = || {
        findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.finding.fixable)
    };
    for (h, hunk) in hunks.iter().enumerate() {
        let mut touched = fixable().filter(|(_, f)| hunk.touches(f)).peekable();
        if touched.peek().is_some() {
            touched.for_each(|(i, _)| fixes[i].push(h));
        } else if let Some((i, _)) = fixable().min_by_key(|(i, f)| (hunk.distance(f), *i)) {
            fixes[i].push(h);
        }
    }
    fixes
}

/// One change of a file's rewrite, in whole lines of the old text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Hunk {
    /// 1-based old lines replaced; empty (`n..n`) for an insertion before line `n`.
    lines: Range<usize>,
    /// Where the replaced text starts and ends (1-based line and column, end exclusive).
    start: (usize, usize),
    end: (usize, usize),
    inserted: String,
}

impl Hunk {
    /// Whether the change falls on the finding's lines (an insertion: strictly inside them).
    fn touches(&self, f: &Located) -> bool {
        let last = if f.end_line > f.line && f.end_column == 1 {
            f.end_line - 1
        } else {
            f.end_line
        };
        if self.lines.is_empty() {
            f.line < self.lines.start && self.lines.start <= last
        } else {
            self.lines.start <= last && self.lines.end > f.line
        }
    }

    /// How many lines lie between the change and the finding (0 when they meet).
    fn distance(&self, f: &Located) -> usize {
        let (first, last) = (
            self.lines.start,
            self.lines.end.max(self.lines.start + 1) - 1,
        );
        if last < f.line {
            f.line - last
        } else {
            first.saturating_sub(f.end_line)
        }
    }

    fn replacement(&self) -> Value {
        let mut v = json!({
            "deletedRegion": {
                "startLine": self.start.0,
                "startColumn": self.start.1,
                "endLine": self.end.0,
                "endColumn": self.end.1,
            }
        });
        if !self.inserted.is_empty() {
            v["insertedContent"] = json!({ "text": self.inserted });
        }
        v
    }
}

/// The changes turning `old` into `new`, by lines: each run of changed lines is one hunk, split
/// line by line where it replaces as many lines as it removes (two rewritten calls on adjacent
/// lines are two changes). A byte order mark on both texts is left out of the positions, like
/// the findings' columns; `None` if only one has it.
fn hunks(old: &str, new: &str) -> Vec<Hunk> {
    let (old, new) = match (old.strip_prefix('\u{feff}'), new.strip_prefix('\u{feff}')) {
        (Some(o), Some(n)) => (o, n),
        (None, None) => (old, new),
        _ => return Vec::new(),
    };
    let diff = TextDiff::from_lines(old, new);
    let (olds, news) = (diff.old_slices(), diff.new_slices());
    let mut runs: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut open: Option<(Range<usize>, Range<usize>)> = None;
    for op in diff.ops() {
        if op.tag() == DiffTag::Equal {
            runs.extend(open.take());
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        open = Some(match open {
            Some((po, pn)) => (po.start..o.end, pn.start..n.end),
            None => (o, n),
        });
    }
    runs.extend(open);
    let mut out = Vec::new();
    for (o, n) in runs {
        if o.len() == n.len() && o.len() > 1 {
            out.extend(o.zip(n).map(|(i, j)| hunk(olds, news, i..i + 1, j..j + 1)));
        } else {
            out.push(hunk(olds, news, o, n));
        }
    }
    out
}

/// The hunk replacing old lines `o` (0-based) by new lines `n`.
fn hunk(olds: &[&str], news: &[&str], o: Range<usize>, n: Range<usize>) -> Hunk {
    let start = (o.start + 1, 1);
    let end = match olds.get(o.end.wrapping_sub(1)) {
        _ if o.is_empty() => start,
        Some(last) if !last.ends_with('\n') => (o.end, last.chars().count() + 1),
        _ => (o.end + 1, 1),
    };
    Hunk {
        lines: o.start + 1..o.end + 1,
        start,
        end,
        inserted: news.get(n).map(|l| l.concat()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, end_line: usize, end_column: usize) -> Located {
        crate::engine::test_finding((line, 1), (end_line, end_column), true)
    }

    #[test]
    fn fnv1a_matches_its_reference_values() {
        // FNV-1a 64 of "" is the offset basis; of "a" a published test vector. Here each part
        // is followed by a NUL, so check the hash through a one-part computation.
        let mut h = 0xcbf2_9ce4_8422_2325_u64;
        for &b in b"a" {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        assert_eq!(h, 0xaf63_dc4c_8601_ec8c);
        let a = fingerprint("amplitude-call", "a.js", "amplitude.logEvent('x')", 0);
        assert_eq!(a.len(), 16);
        assert_eq!(
            a,
            fingerprint("amplitude-call", "a.js", "amplitude.logEvent('x')", 0)
        );
        assert_ne!(
            a,
            fingerprint("amplitude-call", "a.js", "amplitude.logEvent('x')", 1)
        );
        assert_ne!(
            a,
            fingerprint("amplitude-call", "b.js", "amplitude.logEvent('x')", 0)
        );
        // The parts are delimited: moving a byte from one to the next changes the hash.
        assert_ne!(fingerprint("ab", "c", "", 0), fingerprint("a", "bc", "", 0));
    }

    #[test]
    fn uris_encode_what_is_not_a_plain_path() {
        assert_eq!(uri("src/a-b_c.~.js"), "src/a-b_c.~.js");
        assert_eq!(uri("a b:c,d%é.js"), "a%20b%3Ac%2Cd%25%C3%A9.js");
    }

    #[test]
    fn hunks_are_whole_lines_split_where_counts_match() {
        let old = "a\nb\nc\nd\n";
        let new = "a\nB\nC\nd\nx";
        let h = hunks(old, new);
        assert_eq!(
            h,
            vec![
                Hunk {
                    lines: 2..3,
                    start: (2, 1),
                    end: (3, 1),
                    inserted: "B\n".into()
                },
                Hunk {
                    lines: 3..4,
                    start: (3, 1),
                    end: (4, 1),
                    inserted: "C\n".into()
                },
                Hunk {
                    lines: 5..5,
                    start: (5, 1),
                    end: (5, 1),
                    inserted: "x".into()
                },
            ]
        );
        // A last line without a newline ends at its last character; a deletion inserts nothing.
        let h = hunks("a\nb", "a\n");
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].start, h[0].end), ((2, 1), (2, 2)));
        assert_eq!(
            h[0].replacement(),
            json!({"deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 2}})
        );
        // One line becoming two stays one hunk.
        let h = hunks("init(k, u);\n", "init(k);\nidentify(u);\n");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].inserted, "init(k);\nidentify(u);\n");
        // A byte order mark is not part of the positions.
        let h = hunks("\u{feff}a\n", "\u{feff}b\n");
        assert_eq!(
            (h[0].start, h[0].end, h[0].inserted.as_str()),
            ((1, 1), (2, 1), "b\n")
        );
        assert!(hunks("\u{feff}a\n", "b\n").is_empty());
    }

    /// `old` with the hunks (sorted, distinct) applied, by their line ranges.
    fn apply(old: &str, hunks: &[&Hunk]) -> String {
        let olds: Vec<&str> = old.split_inclusive('\n').collect();
        let (mut out, mut next) = (String::new(), 1);
        for h in hunks {
            out.extend(olds[next - 1..h.lines.start - 1].iter().copied());
            out += &h.inserted;
            next = h.lines.end;
        }
        out.extend(olds[next - 1..].iter().copied());
        out
    }

    #[test]
    fn a_files_fixes_together_make_the_whole_rewrite() {
        let old = "import a from 'amplitude-js';\nlet x = 1;\na.logEvent('A');\na.logEvent('B');\n\nfoo();\n";
        let new = "import a from 'amplitude-js';\nimport mixpanel from 'mixpanel-browser';\nlet x = 1;\nmixpanel.track('A');\nmixpanel.track('B');\n\nfoo();\n";
        let mut import = at(1, 1, 30);
        import.finding.fixable = false;
        let findings = [import, at(3, 3, 17), at(4, 4, 17)];
        let hs = hunks(old, new);
        assert_eq!(hs.len(), 3);
        // The import added on line 2 goes with the nearest call, the earlier of two.
        let fixes = assign(&findings, &hs);
        assert_eq!(fixes, vec![vec![], vec![0, 1], vec![2]]);
        let all: Vec<&Hunk> = fixes.concat().into_iter().map(|i| &hs[i]).collect();
        assert_eq!(apply(old, &all), new);
        // Nothing fixable: no fix at all.
        assert_eq!(assign(&findings[..1], &hs), vec![Vec::<usize>::new()]);
    }

    #[test]
    fn a_hunk_touches_the_findings_on_its_lines() {
        let h = |lines: Range<usize>| Hunk {
            lines,
            start: (0, 0),
            end: (0, 0),
            inserted: String::new(),
        };
        assert!(h(2..3).touches(&at(2, 2, 9)));
        assert!(!h(3..4).touches(&at(2, 3, 1)));
        assert!(h(3..4).touches(&at(2, 4, 1)));
        assert!(h(3..4).touches(&at(2, 3, 2)));
        assert!(!h(1..2).touches(&at(2, 2, 9)));
        // An insertion touches a finding only strictly inside it.
        assert!(h(3..3).touches(&at(2, 3, 5)));
        assert!(!h(2..2).touches(&at(2, 3, 5)));
        assert!(!h(3..3).touches(&at(2, 2, 5)));
    }
}
