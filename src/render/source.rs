//! The source lines `check` shows under its findings and fingerprints them by. Only the lines
//! findings start on are kept, taken from the file's text once while it is in memory, so a run
//! over a large tree holds no whole file for them. Positions are 1-based; columns count
//! characters, as in [`Located`].

use crate::engine::Located;

/// Some lines of one file, by line number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceLines {
    /// (1-based line number, the line without its line break), sorted by number.
    lines: Vec<(usize, String)>,
}

impl SourceLines {
    /// The lines of `text` that `findings` start on. A line keeps no `\r` of a CRLF break, and
    /// the first keeps no byte order mark (columns do not count it either).
    pub fn of(text: &str, findings: &[Located]) -> SourceLines {
        let mut wanted: Vec<usize> = findings.iter().map(|f| f.line).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut wanted = wanted.into_iter().peekable();
        let mut lines = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let Some(&n) = wanted.peek() else { break };
            if n != i + 1 {
                continue;
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if i == 0 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            lines.push((n, line.to_string()));
            wanted.next();
        }
        SourceLines { lines }
    }

    /// Line `n`, if it was kept.
    pub fn get(&self, n: usize) -> Option<&str> {
        let i = self.lines.binary_search_by_key(&n, |(l, _)| *l).ok()?;
        Some(self.lines[i].1.as_str())
    }
}

/// The part of `line` (the finding's first line) that `f` covers: from its column to its end
/// column, or to the end of the line when the finding goes on past it.
pub fn covered<'a>(line: &'a str, f: &Located) -> &'a str {
    let start = byte_at(line, f.column);
    let end = if f.end_line == f.line {
        byte_at(line, f.end_column).max(start)
    } else {
        line.len()
    };
    &line[start..end]
}

/// The byte offset of 1-based character `column` in `line` (its length past the end).
pub fn byte_at(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize, end_line: usize, end_column: usize) -> Located {
        crate::engine::test_finding((line, column), (end_line, end_column), false)
    }

    #[test]
    fn keeps_only_the_lines_findings_start_on() {
        let text = "\u{feff}one\r\ntwo\r\nthree\r\nfour";
        let lines = SourceLines::of(text, &[at(4, 1, 4, 2), at(1, 1, 2, 1), at(4, 2, 4, 3)]);
        assert_eq!(lines.get(1), Some("one"));
        assert_eq!(lines.get(2), None);
        assert_eq!(lines.get(4), Some("four"));
        assert_eq!(lines.get(9), None);
        assert_eq!(SourceLines::of("", &[]), SourceLines::default());
        // A position past the text (a finding on a final empty line) keeps what exists.
        assert_eq!(SourceLines::of("a\n", &[at(2, 1, 2, 1)]).get(2), Some(""));
        assert_eq!(SourceLines::of("a", &[at(5, 1, 5, 1)]).get(5), None);
    }

    #[test]
    fn covered_counts_characters_and_stops_at_the_line_end() {
        let line = "  é.logEvent('x');";
        assert_eq!(covered(line, &at(1, 3, 1, 13)), "é.logEvent");
        assert_eq!(covered(line, &at(1, 3, 4, 2)), "é.logEvent('x');");
        assert_eq!(covered(line, &at(1, 30, 1, 40)), "");
        assert_eq!(covered(line, &at(1, 5, 1, 2)), "");
        assert_eq!(byte_at(line, 4), 4);
    }
}
