//! The whole transform of one file's text, with no I/O: parse, resolve, plan, apply the edits,
//! and parse the result again. A result that would add a syntax error is dropped and the file
//! reported, so amp2mp never writes a broken file. Positions are turned into 1-based lines and
//! columns here, for every output format.

use crate::clients::{self, Blocker, Env, Facts};
use crate::edit;
use crate::embedded;
use crate::lang::{self, Kind, Lang};
use crate::mapping::Target;
use crate::plan::{self, Finding};
use crate::queries;
use crate::resolve::Resolution;
use tree_sitter::Tree;

/// A finding with its position, 1-based; columns count characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub finding: Finding,
}

/// What the transform made of one file.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The new text, when it differs from the input.
    pub output: Option<String>,
    /// Calls rewritten, with their 1-based line and column.
    pub rewrites: Vec<(Target, usize, usize)>,
    pub findings: Vec<Located>,
    /// The rewrites that carry a caveat, positioned in `output`.
    pub notes: Vec<Located>,
    /// Why the file could not be transformed, if it could not.
    pub error: Option<String>,
    /// What the file tells the rest of the project: the clients it hands over, its uses of
    /// each client and the uses that keep one on Amplitude (positioned in the input).
    pub facts: Facts,
}

/// Appended to the message of a finding `apply` would have rewritten, when the file's rewrite
/// was dropped.
pub const NOT_APPLIED: &str = " (not applied: the rewritten file would not parse)";

/// Transforms a whole file of `kind`: a script, or the `<script>` blocks of markup. The entry
/// point for every file the app or the fixture runner processes.
pub fn transform_file(kind: Kind, source: &str) -> Outcome {
    transform_file_with(kind, source, &Env::default())
}

/// [`transform_file`] with what the link step tells the file.
pub fn transform_file_with(kind: Kind, source: &str, env: &Env) -> Outcome {
    match kind {
        Kind::Script(lang) => transform_with(lang, source, env),
        // A page's blocks and tags are kept whole together too (a loader tag, a block's call).
        Kind::Markup(markup) => keep_whole(env, |e| embedded::transform(markup, source, e)),
    }
}

/// How many times a file is planned again with more of its clients left on Amplitude, at most
/// (each round leaves at least one more client, and a file has few).
const MAX_ROUNDS: usize = 8;

/// Transforms `source` with `env`, keeping each client whole within the file: when a use of a
/// client cannot be rewritten, the file is planned again with that client left on Amplitude
/// (every use reported), until no client is half migrated. The blockers of every round are
/// kept, so the link step can leave the same clients in the other files.
pub fn transform_with(lang: Lang, source: &str, env: &Env) -> Outcome {
    keep_whole(env, |e| transform_passes(lang, source, e))
}

/// Runs `transform` with `env`, then again with every client one of its uses blocked left on
/// Amplitude, until no new client is blocked.
fn keep_whole(env: &Env, transform: impl Fn(&Env) -> Outcome) -> Outcome {
    let mut roots: Vec<Blocker> = Vec::new();
    let mut local: Option<Env> = None;
    for _ in 0..MAX_ROUNDS {
        let now = local.as_ref().unwrap_or(env);
        let mut out = transform(now);
        let new: Vec<Blocker> = out
            .facts
            .blockers
            .iter()
            .filter(|b| !now.left.contains_key(&b.client))
            .cloned()
            .collect();
        if new.is_empty() || out.error.is_some() {
            roots.append(&mut out.facts.blockers);
            out.facts.blockers = roots;
            return out;
        }
        let mut next = now.clone();
        for b in &new {
            if next.left.contains_key(&b.client) {
                continue;
            }
            let blocking = new.iter().filter(|x| x.client == b.client).count();
            let uses = out.facts.uses.get(&b.client).copied().unwrap_or(blocking);
            let first = format!("line {}: {}", b.line, b.reason);
            let message =
                clients::left_message(&b.client.describe(), blocking, uses.max(blocking), &first);
            next.left.insert(b.client.clone(), message);
        }
        roots.extend(new);
        local = Some(next);
    }
    failed(
        "internal: the file's clients could not be kept whole; the file was left unchanged".into(),
    )
}

/// How many times a file with a syntax error is transformed again, at most.
const MORE_PASSES: usize = 2;

/// Transforms `source`, parsed as `lang`.
///
/// In a file with a syntax error, amp2mp leaves alone what sits in or beside the error; but
/// the parser can recover from an error differently once the code around it is rewritten, so a
/// second run could find more to do. Such a file is transformed again from its own output
/// (at most [`MORE_PASSES`] more times) until a pass changes nothing, so that a second run of
/// amp2mp changes nothing either. The findings are the first pass's, about the file as it is.
pub fn transform(lang: Lang, source: &str) -> Outcome {
    transform_with(lang, source, &Env::default())
}

/// One round of [`transform_with`]: [`transform`]'s passes with a fixed `env`.
fn transform_passes(lang: Lang, source: &str, env: &Env) -> Outcome {
    let (mut out, broken) = transform_once(lang, source, env);
    if !broken || out.error.is_some() {
        return out;
    }
    for _ in 0..MORE_PASSES {
        let Some(text) = out.output.as_deref() else {
            break;
        };
        let (again, _) = transform_once(lang, text, env);
        let (Some(next), None) = (again.output, again.error) else {
            break;
        };
        out.rewrites.extend(again.rewrites);
        out.notes.extend(again.notes);
        out.output = (next != source).then_some(next);
    }
    out
}

/// One pass of [`transform`], and whether `source` has a syntax error.
fn transform_once(lang: Lang, source: &str, env: &Env) -> (Outcome, bool) {
    let queries = match queries::for_lang(lang) {
        Ok(q) => q,
        Err(e) => return (failed(e.to_string()), false),
    };
    let Some(tree) = lang::parse(lang, source) else {
        return (failed("the parser gave up on this file".into()), false);
    };
    let broken = tree.root_node().has_error();
    (transform_tree(lang, source, &tree, queries, env), broken)
}

/// One pass over `source`'s parsed `tree`.
fn transform_tree(
    lang: Lang,
    source: &str,
    tree: &Tree,
    queries: &queries::Queries,
    env: &Env,
) -> Outcome {
    let res = Resolution::new(tree, source, queries, env);
    let (mut facts, handed) = crate::facts::collect(&res);
    let plan = plan::plan(&res, &handed);
    let index = LineIndex::new(source);
    for id in &plan.uses {
        *facts.uses.entry(id.clone()).or_default() += 1;
    }
    facts.blockers = plan
        .blockers
        .iter()
        .map(|(client, at, reason)| {
            let (line, column) = index.position(source, *at);
            Blocker {
                client: client.clone(),
                line,
                column,
                reason: reason.clone(),
            }
        })
        .collect();
    let mut out = Outcome {
        rewrites: plan
            .rewrites
            .iter()
            .map(|r| {
                let (l, c) = index.position(source, r.at);
                (r.target, l, c)
            })
            .collect(),
        findings: plan
            .findings
            .iter()
            .map(|f| index.locate(source, f.clone()))
            .collect(),
        facts,
        ..Outcome::default()
    };
    if plan.edits.is_empty() {
        return out;
    }
    let (edits, rejected) = edit::sort_and_split(plan.edits);
    let output = edit::apply(source, &edits);
    let verdict = if !rejected.is_empty() {
        Err("internal: overlapping edits were planned".to_string())
    } else {
        verify_edited(lang, tree, source, &edits, &output)
    };
    match verdict {
        Ok(()) => {
            let moved = LineIndex::new(&output);
            out.notes = plan
                .findings
                .iter()
                .filter(|f| f.fixable && f.note.is_some())
                .map(|f| {
                    let mut f = f.clone();
                    let start = edit::shifted(&edits, f.range.start);
                    f.range = start..start;
                    moved.locate(&output, f)
                })
                .collect();
            out.output = (output != source).then_some(output);
        }
        Err(why) => {
            out.error = Some(format!("{why}; the file was left unchanged"));
            // A file left unchanged keeps every client it uses on Amplitude, in every file.
            let blockers: Vec<Blocker> = out
                .facts
                .uses
                .keys()
                .map(|client| Blocker {
                    client: client.clone(),
                    line: 1,
                    column: 1,
                    reason: format!("this file is left unchanged ({why})"),
                })
                .collect();
            out.facts.blockers.extend(blockers);
            out.rewrites.clear();
            for f in &mut out.findings {
                if f.finding.fixable {
                    f.finding.fixable = false;
                    f.finding.message += NOT_APPLIED;
                }
            }
        }
    }
    out
}

fn failed(error: String) -> Outcome {
    Outcome {
        error: Some(error),
        ..Outcome::default()
    }
}

/// [`verify`], re-parsing incrementally: the original tree is edited with each change (from
/// the last to the first, so earlier offsets hold) and tree-sitter re-parses only what changed.
fn verify_edited(
    lang: Lang,
    before: &Tree,
    source: &str,
    edits: &[edit::Edit],
    output: &str,
) -> Result<(), String> {
    let mut edited = before.clone();
    for e in edits.iter().rev() {
        let start = point_at(source, e.range.start);
        edited.edit(&tree_sitter::InputEdit {
            start_byte: e.range.start,
            old_end_byte: e.range.end,
            new_end_byte: e.range.start + e.replacement.len(),
            start_position: start,
            old_end_position: point_at(source, e.range.end),
            new_end_position: advance(start, &e.replacement),
        });
    }
    let Some(after) = lang::reparse(lang, output, &edited) else {
        return Err("the rewritten file could not be parsed".into());
    };
    if error_count(&after) > error_count(before) {
        return Err("the rewrite would add a syntax error".into());
    }
    Ok(())
}

/// The tree-sitter point (row, byte column) of byte `at`.
fn point_at(src: &str, at: usize) -> tree_sitter::Point {
    let before = &src.as_bytes()[..at.min(src.len())];
    let row = memchr::memchr_iter(b'\n', before).count();
    let column = before.len() - memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    tree_sitter::Point { row, column }
}

/// The point after inserting `text` at `start`.
fn advance(start: tree_sitter::Point, text: &str) -> tree_sitter::Point {
    match memchr::memrchr(b'\n', text.as_bytes()) {
        None => tree_sitter::Point {
            row: start.row,
            column: start.column + text.len(),
        },
        Some(i) => tree_sitter::Point {
            row: start.row + memchr::memchr_iter(b'\n', text.as_bytes()).count(),
            column: text.len() - i - 1,
        },
    }
}

/// The rewritten text must parse with no more errors than the original had.
#[cfg(test)]
fn verify(lang: Lang, before: &Tree, output: &str) -> Result<(), String> {
    let Some(after) = lang::parse(lang, output) else {
        return Err("the rewritten file could not be parsed".into());
    };
    if error_count(&after) > error_count(before) {
        return Err("the rewrite would add a syntax error".into());
    }
    Ok(())
}

/// Number of ERROR and MISSING nodes in a tree (iterative walk).
pub fn error_count(tree: &Tree) -> usize {
    if !tree.root_node().has_error() {
        return 0;
    }
    let mut count = 0;
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

/// A finding of rule `amplitude-call` on `logEvent` at the given 1-based span, for the tests of
/// the modules that read findings.
#[cfg(test)]
pub(crate) fn test_finding(
    (line, column): (usize, usize),
    (end_line, end_column): (usize, usize),
    fixable: bool,
) -> Located {
    Located {
        line,
        column,
        end_line,
        end_column,
        finding: Finding {
            range: 0..0,
            rule: crate::plan::rule::CALL,
            subject: "logEvent".into(),
            message: "Amplitude `logEvent`: becomes `mixpanel.track`".into(),
            fixable,
            note: None,
        },
    }
}

/// Byte offset → 1-based line and character column.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `at`; a BOM does not count as a column.
    pub fn position(&self, source: &str, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at) - 1;
        let start = self.starts[line];
        let prefix = source.get(start..at).unwrap_or("");
        let prefix = prefix.strip_prefix('\u{feff}').unwrap_or(prefix);
        (line + 1, prefix.chars().count() + 1)
    }

    fn locate(&self, source: &str, finding: Finding) -> Located {
        let (line, column) = self.position(source, finding.range.start);
        let (end_line, end_column) = self.position(source, finding.range.end);
        Located {
            line,
            column,
            end_line,
            end_column,
            finding,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_characters() {
        let src = "\u{feff}ab\né = x;";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 3), (1, 1));
        assert_eq!(idx.position(src, 4), (1, 2));
        let e = src.find('=').unwrap();
        assert_eq!(idx.position(src, e), (2, 3));
    }

    #[test]
    fn a_rewrite_that_breaks_the_file_is_dropped() {
        let tree = lang::parse(Lang::JavaScript, "a();").unwrap();
        assert!(verify(Lang::JavaScript, &tree, "a(;").is_err());
        assert!(verify(Lang::JavaScript, &tree, "b();").is_ok());
    }

    #[test]
    fn incremental_verification_agrees_with_a_full_parse() {
        let src = "a();\nfoo(1,\n  2);\nb();\n";
        let tree = lang::parse(Lang::JavaScript, src).unwrap();
        let edits = [
            edit::Edit::new(0..1, "mixpanel.track"),
            edit::Edit::new(5..8, "bar"),
            edit::Edit::new(20..21, "("),
        ];
        let out = edit::apply(src, &edits);
        assert!(verify_edited(Lang::JavaScript, &tree, src, &edits, &out).is_err());
        assert!(verify(Lang::JavaScript, &tree, &out).is_err());
        let good = [
            edits[0].clone(),
            edits[1].clone(),
            edit::Edit::new(19..20, "c(\n"),
        ];
        let out = edit::apply(src, &good);
        assert!(verify_edited(Lang::JavaScript, &tree, src, &good, &out).is_ok());
        assert_eq!(point_at(src, 9), tree_sitter::Point { row: 1, column: 4 });
        assert_eq!(
            advance(tree_sitter::Point { row: 2, column: 3 }, "x\nyz"),
            tree_sitter::Point { row: 3, column: 2 }
        );
    }

    #[test]
    fn seed_example() {
        let src = "import amplitude from 'amplitude-js';\n\nconst amplitudeClient = amplitude.getInstance();\namplitudeClient.init('API_KEY');\namplitudeClient.logEvent('Clicked Button', {'finished_flow': false });\n";
        let out = transform(Lang::JavaScript, src);
        assert_eq!(out.error, None);
        assert_eq!(
            out.output.as_deref(),
            Some("import mixpanel from 'mixpanel-browser';\n\nmixpanel.init('API_KEY');\nmixpanel.track('Clicked Button', {'finished_flow': false });\n")
        );
    }
}
