//! `check`'s output formats: `text` (one `path:line:column: rule: message` line per finding)
//! and `json` (the contract's single object with `findings` and `summary`).

use crate::app::FileResult;
use crate::cli::CheckFormat;

/// The findings of all files, in path and position order, in `format`.
/// `path_errors` counts command-line paths that could not be used (they have no result).
pub fn render(results: &[FileResult], path_errors: usize, format: CheckFormat) -> String {
    match format {
        CheckFormat::Text => text(results),
        CheckFormat::Json => json(results, path_errors),
    }
}

fn text(results: &[FileResult]) -> String {
    let mut out = String::new();
    for r in results {
        for f in &r.findings {
            out += &format!(
                "{}:{}:{}: {}: {}\n",
                r.display, f.line, f.column, f.finding.rule, f.finding.message
            );
        }
    }
    out
}

fn json(results: &[FileResult], path_errors: usize) -> String {
    let findings: Vec<serde_json::Value> = results
        .iter()
        .flat_map(|r| {
            r.findings.iter().map(move |f| {
                let mut v = serde_json::json!({
                    "path": r.display,
                    "line": f.line,
                    "column": f.column,
                    "end_line": f.end_line,
                    "end_column": f.end_column,
                    "rule": f.finding.rule,
                    "message": f.finding.message,
                    "fixable": f.finding.fixable,
                });
                if let Some(note) = &f.finding.note {
                    v["note"] = serde_json::Value::from(note.as_str());
                }
                v
            })
        })
        .collect();
    let fixable = findings.iter().filter(|f| f["fixable"] == true).count();
    let files = results.iter().filter(|r| !r.findings.is_empty()).count();
    let errors = path_errors + results.iter().filter(|r| r.error.is_some()).count();
    let value = serde_json::json!({
        "findings": findings,
        "summary": {
            "findings": findings.len(),
            "fixable": fixable,
            "files": files,
            "errors": errors,
        }
    });
    format!("{value}\n")
}

/// `amp2mp: N findings (F fixable) in M files`, for the text format's stderr.
pub fn total_line(results: &[FileResult]) -> String {
    let all: Vec<_> = results.iter().flat_map(|r| &r.findings).collect();
    let fixable = all.iter().filter(|f| f.finding.fixable).count();
    let files = results.iter().filter(|r| !r.findings.is_empty()).count();
    format!(
        "amp2mp: {} finding{} ({fixable} fixable by `amp2mp apply`) in {files} file{}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
    )
}
