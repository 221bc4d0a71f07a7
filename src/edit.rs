//! Byte-range edits: `Edit { range, replacement }`, sorting, overlap rejection and applying.
//! Every byte outside the edits' ranges is copied unchanged, which is what keeps comments,
//! quotes, CRLF, BOM and tabs intact.

use std::ops::Range;

/// Replace `range` of the source with `replacement` (an insertion when the range is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn new(range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::new(at..at, text)
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::new(range, "")
    }

    /// Whether two edits touch the same bytes. Two insertions at one point overlap too, since
    /// their order would be arbitrary; an insertion at the boundary of a replacement does not.
    pub fn overlaps(&self, other: &Edit) -> bool {
        let (a, b) = (&self.range, &other.range);
        if a.is_empty() && b.is_empty() {
            return a.start == b.start;
        }
        a.start < b.end && b.start < a.end
    }
}

/// Sorts edits by position and splits off those that overlap an earlier-listed one. The first
/// edit given for a region wins, so callers list the edits that matter most first.
pub fn sort_and_split(edits: Vec<Edit>) -> (Vec<Edit>, Vec<Edit>) {
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    let mut rejected = Vec::new();
    for e in edits {
        if kept.iter().any(|k| k.overlaps(&e)) {
            rejected.push(e);
        } else {
            kept.push(e);
        }
    }
    kept.sort_by_key(|e| (e.range.start, e.range.end));
    (kept, rejected)
}

/// Where byte `at` of the source ends up after `edits` (sorted, non-overlapping): moved by
/// every edit that ends at or before it.
pub fn shifted(edits: &[Edit], at: usize) -> usize {
    edits
        .iter()
        .filter(|e| e.range.end <= at)
        .fold(at, |pos, e| pos + e.replacement.len() - e.range.len())
}

/// Applies sorted, non-overlapping edits to `source`. Ranges must lie on char boundaries
/// (they come from tree-sitter node boundaries and line ends, which do).
pub fn apply(source: &str, edits: &[Edit]) -> String {
    let added: usize = edits.iter().map(|e| e.replacement.len()).sum();
    let mut out = String::with_capacity(source.len() + added);
    let mut at = 0;
    for e in edits {
        out.push_str(&source[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
    }
    out.push_str(&source[at..]);
    out
}

/// The range of the whole line(s) holding `range`, with the line break after them, when nothing
/// but whitespace shares those lines; otherwise `range` itself. Used to delete a statement
/// without leaving an empty line behind.
pub fn whole_lines(source: &str, range: Range<usize>) -> Range<usize> {
    let bytes = source.as_bytes();
    let start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_start = if start == 0 && source.starts_with('\u{feff}') {
        3
    } else {
        start
    };
    let before_blank = bytes[line_start.min(range.start)..range.start]
        .iter()
        .all(|b| *b == b' ' || *b == b'\t');
    let mut end = range.end;
    while end < bytes.len() && (bytes[end] == b' ' || bytes[end] == b'\t') {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'\r' {
        end += 1;
    }
    let at_line_end = end == bytes.len() || bytes[end] == b'\n';
    if !(before_blank && at_line_end) {
        return range;
    }
    if end < bytes.len() {
        end += 1;
    }
    // A BOM at the start of the file stays.
    line_start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_keeps_other_bytes() {
        let src = "a.b(1); // c\r\nd();";
        let (edits, rejected) =
            sort_and_split(vec![Edit::new(14..15, "e"), Edit::new(0..3, "x.y")]);
        assert!(rejected.is_empty());
        assert_eq!(apply(src, &edits), "x.y(1); // c\r\ne();");
    }

    #[test]
    fn overlapping_edits_are_rejected_first_wins() {
        let (kept, rejected) = sort_and_split(vec![
            Edit::new(0..5, "a"),
            Edit::new(3..8, "b"),
            Edit::insert(5, "c"),
            Edit::insert(5, "d"),
        ]);
        assert_eq!(kept, vec![Edit::new(0..5, "a"), Edit::insert(5, "c")]);
        assert_eq!(rejected, vec![Edit::new(3..8, "b"), Edit::insert(5, "d")]);
    }

    #[test]
    fn positions_shift_past_earlier_edits() {
        let edits = [
            Edit::delete(0..4),
            Edit::new(6..7, "xyz"),
            Edit::insert(9, "ab"),
        ];
        assert_eq!(shifted(&edits, 5), 1);
        assert_eq!(shifted(&edits, 6), 2);
        assert_eq!(shifted(&edits, 8), 6);
        assert_eq!(shifted(&edits, 9), 9);
        assert_eq!(shifted(&edits, 10), 10);
    }

    #[test]
    fn whole_lines_takes_the_line_break_only_when_alone() {
        let src = "x;\n  const c = 1;\r\ny;";
        let r = whole_lines(src, 5..17);
        assert_eq!(&src[r], "  const c = 1;\r\n");
        let src = "x; const c = 1;\ny;";
        assert_eq!(whole_lines(src, 3..15), 3..15);
        let src = "\u{feff}const c = 1;\nx;";
        assert_eq!(&src[whole_lines(src, 3..15)], "const c = 1;\n");
    }
}
