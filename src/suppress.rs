//! Suppression comments: `// amp2mp-ignore-next-line` on the line before a finding and a
//! trailing `// amp2mp-ignore` on its line, each optionally naming rule ids
//! (`// amp2mp-ignore-next-line amplitude-call, amplitude-import`). A suppressed call is
//! neither rewritten nor reported; a suppression that silences nothing is itself reported
//! (`unused-suppression`). Found by a substring search, then checked to be a real comment in the
//! syntax tree, so a string that mentions the marker does not count.

use std::ops::Range;
use tree_sitter::Node;

const MARKER: &str = "amp2mp-ignore";

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The comment's bytes.
    pub range: Range<usize>,
    /// The 0-based line it silences.
    pub line: usize,
    /// The rule ids it names; empty means every rule.
    pub rules: Vec<String>,
}

impl Suppression {
    /// Whether it silences `rule` on `line`.
    pub fn covers(&self, line: usize, rule: &str) -> bool {
        self.line == line && (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
    }
}

/// The 0-based line of byte `at`.
pub fn line_of(src: &str, at: usize) -> usize {
    memchr::memchr_iter(b'\n', &src.as_bytes()[..at.min(src.len())]).count()
}

/// Every suppression comment in `src`, whose syntax tree is rooted at `root`.
pub fn scan(src: &str, root: Node) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (at, _) in src.match_indices(MARKER) {
        let Some(comment) = root.descendant_for_byte_range(at, at + MARKER.len()) else {
            continue;
        };
        if comment.kind() != "comment" {
            continue;
        }
        let text = &src[comment.byte_range()];
        if let Some(s) = parse(
            text,
            comment.byte_range(),
            line_of(src, comment.start_byte()),
        ) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// Reads one comment: `// amp2mp-ignore-next-line [rules]` or `// amp2mp-ignore [rules]`
/// (also in `/* … */`). The comment must start with the marker.
fn parse(text: &str, range: Range<usize>, line: usize) -> Option<Suppression> {
    let body = text
        .strip_prefix("//")
        .or_else(|| text.strip_prefix("/*").map(|t| t.trim_end_matches("*/")))?
        .trim();
    let rest = body.strip_prefix(MARKER)?;
    let (next_line, rest) = match rest.strip_prefix("-next-line") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':'])) {
        return None;
    }
    let rules = rest
        .trim_start_matches(':')
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .take_while(|r| !r.starts_with("--"))
        .map(String::from)
        .collect();
    Some(Suppression {
        range,
        line: if next_line { line + 1 } else { line },
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{self, Lang};

    fn scan_src(src: &str) -> Vec<Suppression> {
        let tree = lang::parse(Lang::JavaScript, src).unwrap();
        scan(src, tree.root_node())
    }

    #[test]
    fn both_forms_with_and_without_rules() {
        let src = "// amp2mp-ignore-next-line\na();\nb(); // amp2mp-ignore amplitude-call, amplitude-import\n/* amp2mp-ignore-next-line: amplitude-type -- kept on purpose */\nc();\n";
        let s = scan_src(src);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].line, s[0].rules.len()), (1, 0));
        assert_eq!(s[1].line, 2);
        assert_eq!(s[1].rules, ["amplitude-call", "amplitude-import"]);
        assert_eq!(
            (s[2].line, s[2].rules.clone()),
            (4, vec!["amplitude-type".to_string()])
        );
        assert!(s[1].covers(2, "amplitude-import") && !s[1].covers(2, "amplitude-type"));
        assert!(s[0].covers(1, "anything"));
    }

    #[test]
    fn markers_in_strings_or_mid_comment_do_not_count() {
        let src = "const s = '// amp2mp-ignore';\n// see amp2mp-ignore docs\n// amp2mp-ignored\n";
        assert!(scan_src(src).is_empty());
    }

    #[test]
    fn lines_are_zero_based() {
        assert_eq!(line_of("a\nb\nc", 4), 2);
        assert_eq!(line_of("a", 0), 0);
    }
}
