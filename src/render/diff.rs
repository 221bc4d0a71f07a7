//! The unified diff of one file, in `git diff`'s shape (`diff --git`, `a/` and `b/` prefixes,
//! three lines of context, `\ No newline at end of file`), so `git apply` takes it as is.
//! Optionally colored like git's.

use anstyle::{AnsiColor, Style};
use similar::TextDiff;

/// The diff turning `old` into `new` for the file shown as `path`.
pub fn unified(path: &str, old: &str, new: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let (a, b) = (git_quote("a/", path), git_quote("b/", path));
    let body = diff
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string();
    let text = format!("diff --git {a} {b}\n{body}");
    if color {
        colorize(&text)
    } else {
        text
    }
}

/// `prefix` + `path`, quoted and escaped the way git writes names with control characters,
/// quotes or backslashes (`"a/ta\tb.js"`), so that `git apply` reads them back.
fn git_quote(prefix: &str, path: &str) -> String {
    let special = |c: char| c < ' ' || c == '"' || c == '\\' || c == '\u{7f}';
    if !path.chars().any(special) {
        return format!("{prefix}{path}");
    }
    let mut out = String::from("\"");
    for c in prefix.chars().chain(path.chars()) {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if special(c) => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn colorize(text: &str) -> String {
    let style_of = |line: &str| -> Style {
        if line.starts_with("diff --git") || line.starts_with("--- ") || line.starts_with("+++ ") {
            Style::new().bold()
        } else if line.starts_with("@@") {
            Style::new().fg_color(Some(AnsiColor::Cyan.into()))
        } else if line.starts_with('+') {
            Style::new().fg_color(Some(AnsiColor::Green.into()))
        } else if line.starts_with('-') {
            Style::new().fg_color(Some(AnsiColor::Red.into()))
        } else {
            Style::new()
        }
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for line in text.split_inclusive('\n') {
        let (content, end) = match line.strip_suffix('\n') {
            Some(c) => (c, "\n"),
            None => (line, ""),
        };
        let style = style_of(content);
        if style == Style::new() {
            out.push_str(line);
        } else {
            out.push_str(&format!(
                "{}{content}{}{end}",
                style.render(),
                style.render_reset()
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_shaped_headers_and_hunks() {
        let d = unified("src/a.js", "a\nb\nc\n", "a\nB\nc\n", false);
        assert_eq!(
            d,
            "diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
    }

    #[test]
    fn special_names_are_quoted_like_git() {
        assert_eq!(git_quote("a/", "src/x.js"), "a/src/x.js");
        assert_eq!(git_quote("b/", "ta\tb.js"), "\"b/ta\\tb.js\"");
        assert_eq!(git_quote("a/", "q\"\\\u{1}"), "\"a/q\\\"\\\\\\001\"");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("a.js", "a\nb", "a\nc", false);
        assert!(d.ends_with("-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"));
    }

    #[test]
    fn color_wraps_changed_lines_only() {
        let d = unified("a.js", "a\nb\n", "a\nc\n", true);
        assert!(d.contains("\u{1b}[32m+c\u{1b}[0m\n"));
        assert!(d.contains("\n a\n"));
    }
}
