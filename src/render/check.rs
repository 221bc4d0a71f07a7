//! `check`'s output formats. `text` is for people, like rustc or ESLint: one
//! `path:line:column: rule: message` line per finding, then its source line with a caret
//! underline (and a caveat note for a rewrite that has one), colored only when asked; the
//! one-line total goes to stderr. `json` is the contract's single object with `findings` and
//! `summary`; `sarif` ([`super::sarif`]) and `github` ([`super::github`]) are for CI. All are
//! pure: results in, text out.

use super::source::{covered, SourceLines};
use crate::app::FileResult;
use crate::cli::CheckFormat;
use crate::discover::Discovered;
use crate::engine::Located;
use anstyle::{AnsiColor, Style};

/// One file's part of the output in `format`; `None` when it has no finding.
pub fn file(r: &FileResult, format: CheckFormat, color: bool) -> Option<String> {
    if r.findings.is_empty() {
        return None;
    }
    Some(match format {
        CheckFormat::Text => text(r, color),
        CheckFormat::Json => json(r),
        CheckFormat::Sarif => super::sarif::file(r),
        CheckFormat::Github => super::github::file(r),
    })
}

/// What goes around and between the files' parts: a JSON object or SARIF log opens before the
/// first file and closes after the last, with commas between the files' parts.
#[derive(Clone, Copy, Debug)]
pub struct Document {
    format: CheckFormat,
}

impl Document {
    pub fn new(format: CheckFormat) -> Document {
        Document { format }
    }

    /// Written before the first file's part.
    pub fn head(&self) -> String {
        match self.format {
            CheckFormat::Json => "{\"findings\":[".to_string(),
            CheckFormat::Sarif => super::sarif::head(),
            CheckFormat::Text | CheckFormat::Github => String::new(),
        }
    }

    /// Written before a file's part; `first` for the first part written.
    pub fn separator(&self, first: bool) -> &'static str {
        match (self.format, first) {
            (CheckFormat::Json, false) => ",",
            (CheckFormat::Sarif, true) => "\n",
            (CheckFormat::Sarif, false) => ",\n",
            _ => "",
        }
    }

    /// Written after the last file's part; `empty` when no part was written.
    pub fn tail(&self, tally: &crate::tally::Tally, found: &Discovered, empty: bool) -> String {
        match self.format {
            CheckFormat::Json => {
                let summary = serde_json::json!({
                    "findings": tally.findings,
                    "fixable": tally.fixable,
                    "files": tally.files_with_findings,
                    "errors": found.errors.len() + tally.failed,
                });
                format!("],\"summary\":{summary}}}\n")
            }
            CheckFormat::Sarif => super::sarif::tail(tally, found, empty),
            CheckFormat::Text | CheckFormat::Github => String::new(),
        }
    }
}

/// Whether a finding is only a warning: `apply` rewrites it. What `apply` leaves is an error.
pub fn is_warning(f: &Located) -> bool {
    f.finding.fixable
}

/// The caveat of a rewrite `apply` makes, if it has one.
pub fn caveat(f: &Located) -> Option<&str> {
    f.finding.note.as_deref().filter(|_| f.finding.fixable)
}

/// A line longer than this many characters is shown as a window around the finding.
const SHOWN: usize = 160;

/// The styles of the text format, or none at all.
struct Styles {
    on: bool,
}

impl Styles {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn level(f: &Located) -> Style {
        let color = if is_warning(f) {
            AnsiColor::Yellow
        } else {
            AnsiColor::Red
        };
        Style::new().bold().fg_color(Some(color.into()))
    }

    fn gutter() -> Style {
        Style::new().bold().fg_color(Some(AnsiColor::Blue.into()))
    }
}

fn text(r: &FileResult, color: bool) -> String {
    let styles = Styles { on: color };
    let mut out = String::new();
    for f in &r.findings {
        out += &text_finding(&r.display, &r.lines, f, &styles);
    }
    out
}

/// One finding: the header line, the source line and underline when the line is known, the
/// caveat, and an empty line.
fn text_finding(path: &str, lines: &SourceLines, f: &Located, st: &Styles) -> String {
    let level = Styles::level(f);
    let location = format!("{path}:{}:{}:", f.line, f.column);
    let mut out = format!(
        "{} {} {}\n",
        st.paint(Style::new().bold(), &location),
        st.paint(level, &format!("{}:", f.finding.rule)),
        f.finding.message
    );
    let number = f.line.to_string();
    let blank = " ".repeat(number.len());
    if let Some(line) = lines.get(f.line) {
        let (shown, pad, carets) = underline(line, f);
        out += &format!(
            "  {} {}\n  {} {pad}{}\n",
            st.paint(Styles::gutter(), &format!("{number} |")),
            shown,
            st.paint(Styles::gutter(), &format!("{blank} |")),
            st.paint(level, &"^".repeat(carets)),
        );
    }
    if let Some(note) = caveat(f) {
        out += &format!(
            "  {} {} {note}\n",
            st.paint(Styles::gutter(), &format!("{blank} =")),
            st.paint(Style::new().bold(), "note:"),
        );
    }
    out.push('\n');
    out
}

/// The line as shown (control characters replaced, a long line cut to a window around the
/// finding, marked with `…`), the padding before the carets (the line's tabs kept, so the
/// carets stand under the code in any terminal), and the number of carets (at least one).
fn underline(line: &str, f: &Located) -> (String, String, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    let start = f.column.saturating_sub(1).min(chars.len());
    let width = covered(line, f).trim_end().chars().count().max(1);
    let (from, to) = if chars.len() <= SHOWN {
        (0, chars.len())
    } else {
        let from = start.saturating_sub(SHOWN / 4);
        (from, (from + SHOWN).min(chars.len()))
    };
    let mut shown: String = if from > 0 {
        "…".into()
    } else {
        String::new()
    };
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    let mut pad: String = if from > 0 { " ".into() } else { String::new() };
    pad.extend(
        chars[from..start.max(from)]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' }),
    );
    let room = to.saturating_sub(start).max(1);
    (shown, pad, width.min(room))
}

/// A file's findings as JSON objects, comma-separated.
fn json(r: &FileResult) -> String {
    let items: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
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
            v.to_string()
        })
        .collect();
    items.join(",")
}

/// `amp2mp: N findings (F fixable) in M files`, for the text format's stderr.
pub fn total_line(tally: &crate::tally::Tally) -> String {
    let (all, fixable, files) = (tally.findings, tally.fixable, tally.files_with_findings);
    format!(
        "amp2mp: {all} finding{} ({fixable} fixable by `amp2mp apply`) in {files} file{}",
        if all == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize, end_line: usize, end_column: usize) -> Located {
        crate::engine::test_finding((line, column), (end_line, end_column), true)
    }

    fn shown(line: &str, f: &Located) -> String {
        let (shown, pad, carets) = underline(line, f);
        format!("{shown}\n{pad}{}", "^".repeat(carets))
    }

    #[test]
    fn carets_stand_under_the_covered_characters() {
        assert_eq!(shown("  a.b(1);", &at(1, 3, 1, 9)), "  a.b(1);\n  ^^^^^^");
        // Tabs are kept in the padding; characters, not bytes, are counted.
        assert_eq!(shown("\té(x)", &at(1, 2, 1, 6)), "\té(x)\n\t^^^^");
        // A finding that goes on past its first line is underlined to that line's end.
        assert_eq!(shown("  f({  ", &at(1, 3, 3, 2)), "  f({  \n  ^^^");
        // Empty or out-of-line spans still get one caret.
        assert_eq!(shown("ab", &at(1, 1, 1, 1)), "ab\n^");
        assert_eq!(shown("ab", &at(1, 5, 1, 9)), "ab\n  ^");
        // Control characters are not written to the terminal.
        assert_eq!(shown("a\u{1b}[2Jb", &at(1, 1, 1, 2)), "a\u{fffd}[2Jb\n^");
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_finding() {
        let line = format!(
            "{}amplitude.logEvent('x');{}",
            "x".repeat(300),
            "y".repeat(300)
        );
        let (shown, pad, carets) = underline(&line, &at(1, 301, 1, 325));
        assert_eq!(shown.chars().count(), SHOWN + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(carets, 24);
        let under: String = shown
            .chars()
            .skip(pad.chars().count())
            .take(carets)
            .collect();
        assert_eq!(under, "amplitude.logEvent('x');");
    }

    #[test]
    fn text_shows_the_line_the_underline_and_the_caveat() {
        let mut f = at(12, 3, 12, 27);
        f.finding.note = Some("a caveat".into());
        let lines = SourceLines::of(
            &format!("{}  amplitude.logEvent('x');\n", "\n".repeat(11)),
            std::slice::from_ref(&f),
        );
        let plain = text_finding("a.js", &lines, &f, &Styles { on: false });
        assert_eq!(
            plain,
            "a.js:12:3: amplitude-call: Amplitude `logEvent`: becomes `mixpanel.track`\n\
             \x20 12 |   amplitude.logEvent('x');\n\
             \x20    |   ^^^^^^^^^^^^^^^^^^^^^^^^\n\
             \x20    = note: a caveat\n\
             \n"
        );
        let colored = text_finding("a.js", &lines, &f, &Styles { on: true });
        assert_eq!(
            colored,
            "\x1b[1ma.js:12:3:\x1b[0m \x1b[1m\x1b[33mamplitude-call:\x1b[0m Amplitude `logEvent`: becomes `mixpanel.track`\n\
             \x20 \x1b[1m\x1b[34m12 |\x1b[0m   amplitude.logEvent('x');\n\
             \x20 \x1b[1m\x1b[34m   |\x1b[0m   \x1b[1m\x1b[33m^^^^^^^^^^^^^^^^^^^^^^^^\x1b[0m\n\
             \x20 \x1b[1m\x1b[34m   =\x1b[0m \x1b[1mnote:\x1b[0m a caveat\n\
             \n"
        );
        // Without the line (a skipped file): the header alone.
        f.finding.fixable = false;
        let bare = text_finding("a.js", &SourceLines::default(), &f, &Styles { on: false });
        assert_eq!(
            bare,
            "a.js:12:3: amplitude-call: Amplitude `logEvent`: becomes `mixpanel.track`\n\n"
        );
    }
}
