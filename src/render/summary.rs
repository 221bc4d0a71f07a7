//! The end-of-run summary on stderr for `diff` and `apply`: warnings and errors per file, every
//! Amplitude use left for a person (path:line:column and reason), the caveats of rewrites whose
//! behaviour differs, and one closing line with the files changed and the calls rewritten by kind.

use crate::discover::Discovered;
use crate::tally::Tally;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Apply,
}

/// Warning and error lines, in path order.
pub fn problems(tally: &Tally, found: &Discovered) -> Vec<String> {
    let mut lines: Vec<String> = found
        .errors
        .iter()
        .map(|e| format!("amp2mp: error: {e}"))
        .collect();
    lines.extend(
        found
            .warnings
            .iter()
            .map(|w| format!("amp2mp: warning: {w}")),
    );
    for r in &tally.kept {
        if let Some(why) = &r.skipped {
            lines.push(format!("amp2mp: warning: {}: skipped: {why}", r.display));
        }
        if let Some(why) = &r.error {
            lines.push(format!("amp2mp: error: {}: {why}", r.display));
        }
    }
    lines
}

/// The whole summary text.
pub fn render(tally: &Tally, found: &Discovered, mode: Mode) -> String {
    let mut out = String::new();
    for line in problems(tally, found) {
        out += &line;
        out.push('\n');
    }
    let left: Vec<String> = tally
        .kept
        .iter()
        .flat_map(|r| {
            r.findings
                .iter()
                .filter(|f| !f.finding.fixable && r.skipped.is_none())
                .map(move |f| {
                    format!(
                        "  {}:{}:{}: {}",
                        r.display, f.line, f.column, f.finding.message
                    )
                })
        })
        .collect();
    if !left.is_empty() {
        out += &format!("amp2mp: left for a person ({}):\n", left.len());
        for l in &left {
            out += l;
            out.push('\n');
        }
    }
    // The same uses by client: which client was left whole, and the use that keeps it.
    let clients = crate::clients::left_clients(tally.kept.iter().flat_map(|r| {
        r.findings
            .iter()
            .filter(|f| !f.finding.fixable && r.skipped.is_none())
            .map(move |f| (r.display.as_str(), f.finding.message.as_str()))
    }));
    if !clients.is_empty() {
        out += &format!("amp2mp: clients left whole ({}):\n", clients.len());
        for (client, first, _, files) in &clients {
            let shown: Vec<&str> = files.iter().take(3).map(String::as_str).collect();
            let more = match files.len().saturating_sub(3) {
                0 => String::new(),
                n => format!(" (+{n} more)"),
            };
            out += &format!(
                "  {client}: kept by {first}; its uses are listed above ({}{more})\n",
                shown.join(", ")
            );
        }
    }
    let notes: Vec<String> = tally
        .kept
        .iter()
        .filter(|r| r.output.is_some())
        .flat_map(|r| {
            r.findings.iter().filter_map(move |f| {
                let note = f.finding.note.as_ref().filter(|_| f.finding.fixable)?;
                Some(format!("  {}:{}:{}: {note}", r.display, f.line, f.column))
            })
        })
        .collect();
    if !notes.is_empty() {
        out += &format!(
            "amp2mp: rewritten with caveats to review ({}):\n",
            notes.len()
        );
        for l in &notes {
            out += l;
            out.push('\n');
        }
    }
    out += &closing_line(tally, mode, left.len());
    out.push('\n');
    out
}

fn closing_line(tally: &Tally, mode: Mode, left: usize) -> String {
    let files = tally.changed;
    let kinds = tally.by_method();
    let calls: usize = kinds.values().sum();
    let by_kind = if kinds.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        format!(" ({})", parts.join(", "))
    };
    let (changed, rewritten) = match mode {
        Mode::Diff => ("to change", "to rewrite"),
        Mode::Apply => ("changed", "rewritten"),
    };
    format!(
        "amp2mp: {files} {} {changed}, {calls} {} {rewritten}{by_kind}; {left} {} left for a person",
        plural(files, "file", "files"),
        plural(calls, "call", "calls"),
        plural(left, "use", "uses"),
    )
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}
