//! What the end of a run needs of the files already handled, so that their results can be
//! dropped as they stream out: counts over every file (changed files, calls rewritten by kind,
//! findings, failures), and a slim copy of only the results that the summary, the report or
//! `check`'s stderr list one by one (skipped and failed files, uses left for a person, rewrites
//! with a caveat). Memory follows what those texts print, not the number of files.

use crate::app::FileResult;
use crate::mapping::Target;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Tally {
    /// Slim results with something to list, in path order once [`Tally::finish`] has run.
    pub kept: Vec<FileResult>,
    /// Files with a new text.
    pub changed: usize,
    /// Calls rewritten in the changed files, by Mixpanel call.
    pub kinds: BTreeMap<Target, usize>,
    pub findings: usize,
    pub fixable: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
    /// Files that failed (exit 2).
    pub failed: usize,
}

impl Tally {
    /// Counts `r` and keeps what the end of the run lists of it.
    pub fn add(&mut self, r: FileResult) {
        if r.output.is_some() {
            self.changed += 1;
            for (target, _, _) in &r.rewrites {
                *self.kinds.entry(*target).or_default() += 1;
            }
        }
        self.findings += r.findings.len();
        self.fixable += r.findings.iter().filter(|f| f.finding.fixable).count();
        self.files_with_findings += usize::from(!r.findings.is_empty());
        self.failed += usize::from(r.error.is_some());
        if let Some(slim) = slim(r) {
            self.kept.push(slim);
        }
    }

    /// Puts the kept results in path order (results handled out of order, the package.json
    /// files, are added last).
    pub fn finish(&mut self) {
        self.kept.sort_by(|a, b| a.display.cmp(&b.display));
    }

    /// The calls rewritten, by Mixpanel method name.
    pub fn by_method(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for (t, n) in &self.kinds {
            *out.entry(t.method()).or_default() += n;
        }
        out
    }
}

/// The part of `r` the end of the run lists: its display path, whether it changed, why it was
/// skipped or failed, and its findings that are left for a person or carry a caveat. `None`
/// when there is nothing to list.
fn slim(r: FileResult) -> Option<FileResult> {
    let listed: Vec<_> = r
        .findings
        .into_iter()
        .filter(|f| !f.finding.fixable || f.finding.note.is_some())
        .collect();
    if listed.is_empty() && r.skipped.is_none() && r.error.is_none() {
        return None;
    }
    Some(FileResult {
        display: r.display,
        path: r.path,
        output: r.output.map(|_| String::new()),
        findings: listed,
        skipped: r.skipped,
        error: r.error,
        ..FileResult::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Located;

    fn finding(fixable: bool, note: Option<&str>) -> Located {
        let mut f = crate::engine::test_finding((1, 1), (1, 2), fixable);
        f.finding.note = note.map(String::from);
        f
    }

    #[test]
    fn counts_every_file_and_keeps_only_what_is_listed() {
        let mut t = Tally::default();
        t.add(FileResult {
            display: "b.js".into(),
            output: Some("new".into()),
            original: Some("old".into()),
            rewrites: vec![(Target::Track, 1, 1), (Target::Track, 2, 1)],
            findings: vec![finding(true, None), finding(true, None)],
            ..FileResult::default()
        });
        t.add(FileResult {
            display: "a.js".into(),
            output: Some("new".into()),
            rewrites: vec![(Target::Identify, 1, 1)],
            findings: vec![
                finding(true, Some("caveat")),
                finding(false, None),
                finding(true, None),
            ],
            ..FileResult::default()
        });
        t.add(FileResult {
            display: "0.js".into(),
            error: Some("cannot read it".into()),
            ..FileResult::default()
        });
        t.finish();
        assert_eq!((t.changed, t.findings, t.fixable), (2, 5, 4));
        assert_eq!((t.files_with_findings, t.failed), (2, 1));
        assert_eq!(
            t.by_method().into_iter().collect::<Vec<_>>(),
            [("identify", 1), ("track", 2)]
        );
        // b.js has nothing to list; a.js keeps its caveat and its leftover, without texts.
        let kept: Vec<(&str, usize)> = t
            .kept
            .iter()
            .map(|r| (r.display.as_str(), r.findings.len()))
            .collect();
        assert_eq!(kept, [("0.js", 0), ("a.js", 2)]);
        assert_eq!(t.kept[1].output.as_deref(), Some(""));
        assert!(t.kept[1].rewrites.is_empty() && t.kept[1].original.is_none());
    }
}
