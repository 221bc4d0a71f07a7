//! `check --format github`: one GitHub Actions workflow command per finding, which the runner
//! turns into an annotation on the file and lines:
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. What `apply` leaves
//! is an `error`; what it rewrites is a `warning`. Values are escaped as the runner expects:
//! `%`, `\r` and `\n` in the message, and also `:` and `,` in the properties.

use super::check::{caveat, is_warning};
use crate::app::FileResult;

/// A file's findings, one command line each, in position order.
pub fn file(r: &FileResult) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let level = if is_warning(f) { "warning" } else { "error" };
        let mut message = f.finding.message.clone();
        if let Some(note) = caveat(f) {
            message += "\nnote: ";
            message += note;
        }
        out += &format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&r.display),
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            property(f.finding.rule),
            data(&message),
        );
    }
    out
}

/// A command's message, escaped: `%`, `\r`, `\n`.
pub fn data(s: &str) -> String {
    escape(s, false)
}

/// A command's property value, escaped: `%`, `\r`, `\n`, `:`, `,`.
pub fn property(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, in_property: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if in_property => out.push_str("%3A"),
            ',' if in_property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_runner() {
        assert_eq!(data("50% off\r\nnext: a, b"), "50%25 off%0D%0Anext: a, b");
        assert_eq!(property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        assert_eq!(data("%0A"), "%250A");
        assert_eq!(property("src/ok.js"), "src/ok.js");
    }
}
