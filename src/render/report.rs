//! `apply --report FILE.md`: the migration report to paste into a pull request. Totals, calls
//! rewritten by kind, every use left for a person as a `path#Lline` link with its reason, the
//! rewrites that carry a caveat, and the behaviour changes of each kind of rewrite that
//! happened (from the reference), so a reviewer knows what to test.

use crate::app::FileResult;
use crate::mapping::Target;
use crate::tally::Tally;

/// The whole report, in Markdown.
pub fn render(tally: &Tally) -> String {
    let written: Vec<&FileResult> = tally.kept.iter().filter(|r| r.output.is_some()).collect();
    let kinds = &tally.kinds;
    let calls: usize = kinds.values().sum();
    let left = leftovers(&tally.kept);
    let caveated = notes(&written);
    let mut out = String::from("# Amplitude → Mixpanel migration\n\n");
    out += &format!(
        "amp2mp {} rewrote **{calls}** {} in **{}** {}; **{}** {} left for a person.\n",
        env!("CARGO_PKG_VERSION"),
        plural(calls, "call", "calls"),
        tally.changed,
        plural(tally.changed, "file", "files"),
        left.len(),
        plural(left.len(), "use is", "uses are"),
    );
    if !kinds.is_empty() {
        out += "\n## Calls rewritten\n\n| Mixpanel call | count |\n| --- | ---: |\n";
        for (t, n) in kinds {
            out += &format!("| `{}` | {n} |\n", t.method());
        }
    }
    let clients = crate::clients::left_clients(tally.kept.iter().flat_map(|r| {
        r.findings
            .iter()
            .filter(|f| !f.finding.fixable)
            .map(move |f| (r.display.as_str(), f.finding.message.as_str()))
    }));
    if !clients.is_empty() {
        out += &format!("\n## Clients left whole ({})\n\n", clients.len());
        out += "Each is migrated whole or not at all: nothing about it changed, and every use is listed below.\n\n";
        out += "| client | kept on Amplitude by | files with its uses |\n| --- | --- | --- |\n";
        for (client, first, _, files) in &clients {
            out += &format!(
                "| {} | {} | {} |\n",
                escape_text(client).replace('|', "\\|"),
                escape_text(first).replace('|', "\\|"),
                files.join(", ")
            );
        }
    }
    if !left.is_empty() {
        out += &format!("\n## Left for a person ({})\n\n", left.len());
        for l in &left {
            out += &format!("- {l}\n");
        }
    }
    if !caveated.is_empty() {
        out += &format!("\n## Rewritten with caveats ({})\n\n", caveated.len());
        for c in &caveated {
            out += &format!("- {c}\n");
        }
    }
    let behaviour: Vec<(Target, &str)> = kinds
        .keys()
        .filter_map(|t| t.caveat().map(|c| (*t, c)))
        .collect();
    if !behaviour.is_empty() {
        out += "\n## Behaviour changes to review\n\n";
        let mut seen = Vec::new();
        for (t, c) in behaviour {
            if seen.contains(&c) {
                continue;
            }
            seen.push(c);
            out += &format!("- **`{}`**: {c}\n", t.method());
        }
    }
    out
}

/// `[path:line](path#Lline)`.
fn link(path: &str, line: usize) -> String {
    format!("[{path}:{line}]({}#L{line})", escape_link(path))
}

/// A path as a Markdown link target: spaces and parentheses escaped.
fn escape_link(path: &str) -> String {
    path.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
}

/// Message text made safe inside a Markdown list item (no stray HTML or line breaks).
fn escape_text(s: &str) -> String {
    s.replace('<', "&lt;").replace('\n', " ")
}

fn leftovers(results: &[FileResult]) -> Vec<String> {
    let mut out = Vec::new();
    for r in results {
        if let Some(why) = &r.skipped {
            out.push(format!(
                "{}: skipped: {}",
                link(&r.display, 1),
                escape_text(why)
            ));
            continue;
        }
        if let Some(why) = &r.error {
            out.push(format!(
                "{}: error: {}",
                link(&r.display, 1),
                escape_text(why)
            ));
        }
        for f in r.findings.iter().filter(|f| !f.finding.fixable) {
            out.push(format!(
                "{}: {}",
                link(&r.display, f.line),
                escape_text(&f.finding.message)
            ));
        }
    }
    out
}

fn notes(written: &[&FileResult]) -> Vec<String> {
    let mut out = Vec::new();
    for r in written {
        for f in &r.findings {
            if let (true, Some(note)) = (f.finding.fixable, &f.finding.note) {
                out.push(format!(
                    "{}: {}",
                    link(&r.display, f.line),
                    escape_text(note)
                ));
            }
        }
    }
    out
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_text_are_escaped() {
        assert_eq!(
            link("src/a b(1).js", 7),
            "[src/a b(1).js:7](src/a%20b%281%29.js#L7)"
        );
        assert_eq!(escape_text("a <b>\nc"), "a &lt;b> c");
    }

    #[test]
    fn an_empty_run_says_so() {
        assert_eq!(
            render(&Tally::default()),
            format!(
                "# Amplitude → Mixpanel migration\n\namp2mp {} rewrote **0** calls in **0** files; **0** uses are left for a person.\n",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
}
