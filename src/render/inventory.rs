//! `inventory`'s output formats. The sites of all files are grouped into one row per event
//! (name and kind): literal names first, then dynamic ones, each group sorted alphabetically
//! (case-insensitive, ties in byte order); each row has its number of calls, its locations in
//! path order, and the union of its property keys (names sorted like events, then computed
//! keys, then spreads). `table` is for a terminal (first location only), `json` for tools,
//! `csv` (RFC 4180 quoting, keys and locations joined with `;`) for a spreadsheet, `markdown`
//! for a pull request or an issue. Pure functions from results to text.

use crate::app::FileResult;
use crate::cli::InventoryFormat;
use crate::inventory::{EventName, Key, SiteKind};
use std::collections::BTreeMap;

/// Where an event is tracked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location<'r> {
    pub path: &'r str,
    pub line: usize,
    pub column: usize,
}

impl Location<'_> {
    /// `path:line:column`.
    pub fn text(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.column)
    }
}

/// One event of the inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<'r> {
    pub name: &'r EventName,
    pub kind: SiteKind,
    /// In path order, then position.
    pub locations: Vec<Location<'r>>,
    /// Sorted, each once.
    pub keys: Vec<&'r Key>,
}

impl Row<'_> {
    /// The kind column of `table` and `markdown`: `dynamic` for a name known only at run time.
    fn kind_label(&self) -> &'static str {
        if self.name.is_dynamic() {
            "dynamic"
        } else {
            self.kind.as_str()
        }
    }
}

/// Totals over the inventory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub events: usize,
    pub dynamic: usize,
    pub calls: usize,
    pub files: usize,
    pub skipped: usize,
    pub left_out: usize,
    pub errors: usize,
}

/// The inventory of all files in `format`. `path_errors` counts command-line paths that could
/// not be used (they have no result).
pub fn render(results: &[FileResult], path_errors: usize, format: InventoryFormat) -> String {
    let rows = rows(results);
    let totals = totals(results, &rows, path_errors);
    match format {
        InventoryFormat::Table => table(&rows, &totals),
        InventoryFormat::Json => json(&rows, &totals),
        InventoryFormat::Csv => csv(&rows),
        InventoryFormat::Markdown => markdown(&rows, &totals),
    }
}

/// A warning for each file with tracking calls inside a syntax error, for stderr.
pub fn left_out(results: &[FileResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.events.left_out > 0)
        .map(|r| {
            let n = r.events.left_out;
            format!(
                "amp2mp: warning: {}: {n} tracking call{} inside a syntax error left out of the inventory: fix the syntax and run it again",
                r.display,
                if n == 1 { "" } else { "s" }
            )
        })
        .collect()
}

/// The sites of all files grouped into sorted rows.
pub fn rows(results: &[FileResult]) -> Vec<Row<'_>> {
    let mut grouped: BTreeMap<(bool, String, &str, SiteKind), Row> = BTreeMap::new();
    for r in results {
        for site in &r.events.sites {
            let e = &site.event;
            let name = e.name.text();
            let sort = (e.name.is_dynamic(), name.to_lowercase(), name, e.kind);
            let row = grouped.entry(sort).or_insert_with(|| Row {
                name: &e.name,
                kind: e.kind,
                locations: Vec::new(),
                keys: Vec::new(),
            });
            row.locations.push(Location {
                path: &r.display,
                line: site.line,
                column: site.column,
            });
            row.keys.extend(&e.keys);
        }
    }
    let mut rows: Vec<Row> = grouped.into_values().collect();
    for row in &mut rows {
        row.keys.sort_by_cached_key(|k| key_order(k));
        row.keys.dedup();
    }
    rows
}

/// Names, then computed keys, then spreads; alphabetical within each.
fn key_order(k: &Key) -> (u8, String, String) {
    let (class, s) = match k {
        Key::Name(s) => (0, s),
        Key::Computed(s) => (1, s),
        Key::Spread(s) => (2, s),
    };
    (class, s.to_lowercase(), s.clone())
}

fn totals(results: &[FileResult], rows: &[Row], path_errors: usize) -> Totals {
    Totals {
        events: rows.len(),
        dynamic: rows.iter().filter(|r| r.name.is_dynamic()).count(),
        calls: rows.iter().map(|r| r.locations.len()).sum(),
        files: results
            .iter()
            .filter(|r| !r.events.sites.is_empty())
            .count(),
        skipped: results.iter().filter(|r| r.skipped.is_some()).count(),
        left_out: results.iter().map(|r| r.events.left_out).sum(),
        errors: path_errors + results.iter().filter(|r| r.error.is_some()).count(),
    }
}

/// `4 events (1 dynamic), 9 calls in 5 files`.
fn totals_line(t: &Totals) -> String {
    format!(
        "{} event{} ({} dynamic), {} call{} in {} file{}",
        t.events,
        plural(t.events),
        t.dynamic,
        t.calls,
        plural(t.calls),
        t.files,
        plural(t.files),
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Aligned columns, the first location of each event, and a closing line that says where the
/// other locations are.
fn table(rows: &[Row], totals: &Totals) -> String {
    if rows.is_empty() {
        return "no tracking calls found\n".to_string();
    }
    let mut cells: Vec<[String; 5]> = vec![[
        "EVENT".into(),
        "KIND".into(),
        "CALLS".into(),
        "KEYS".into(),
        "FIRST LOCATION".into(),
    ]];
    for row in rows {
        let keys: Vec<String> = row.keys.iter().map(|k| visible(&k.text())).collect();
        let first = row
            .locations
            .first()
            .map(Location::text)
            .unwrap_or_default();
        let more = match row.locations.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        cells.push([
            visible(row.name.text()),
            row.kind_label().into(),
            row.locations.len().to_string(),
            if keys.is_empty() {
                "-".into()
            } else {
                keys.join(", ")
            },
            first + &more,
        ]);
    }
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let mut out = String::new();
    for c in &cells {
        let line = format!(
            "{}  {}  {}  {}  {}",
            pad(&c[0], widths[0]),
            pad(&c[1], widths[1]),
            pad_left(&c[2], widths[2]),
            pad(&c[3], widths[3]),
            c[4]
        );
        out += line.trim_end();
        out.push('\n');
    }
    out += &format!(
        "\n{}; every location: --format json, csv or markdown\n",
        totals_line(totals)
    );
    out
}

fn pad(s: &str, width: usize) -> String {
    let n = width.saturating_sub(s.chars().count());
    format!("{s}{}", " ".repeat(n))
}

fn pad_left(s: &str, width: usize) -> String {
    let n = width.saturating_sub(s.chars().count());
    format!("{}{s}", " ".repeat(n))
}

/// Text for one line of a table: control characters escaped (`\n`, `\t`, `\u{1b}`), and an
/// empty name shown as `""`.
fn visible(s: &str) -> String {
    if s.is_empty() {
        return "\"\"".to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn json(rows: &[Row], t: &Totals) -> String {
    let events: Vec<serde_json::Value> = rows
        .iter()
        .map(|row| {
            let locations: Vec<serde_json::Value> = row
                .locations
                .iter()
                .map(|l| serde_json::json!({ "path": l.path, "line": l.line, "column": l.column }))
                .collect();
            let keys: Vec<String> = row.keys.iter().map(|k| k.text()).collect();
            serde_json::json!({
                "event": row.name.text(),
                "dynamic": row.name.is_dynamic(),
                "kind": row.kind.as_str(),
                "calls": row.locations.len(),
                "locations": locations,
                "keys": keys,
            })
        })
        .collect();
    let value = serde_json::json!({
        "events": events,
        "summary": {
            "events": t.events,
            "dynamic": t.dynamic,
            "calls": t.calls,
            "files": t.files,
            "skipped": t.skipped,
            "left_out": t.left_out,
            "errors": t.errors,
        }
    });
    format!("{value}\n")
}

/// The CSV header; `kind` comes last so the first five columns stay as documented.
const CSV_HEADER: &str = "event,dynamic,calls,keys,locations,kind";

fn csv(rows: &[Row]) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for row in rows {
        let keys: Vec<String> = row.keys.iter().map(|k| k.text()).collect();
        let locations: Vec<String> = row.locations.iter().map(Location::text).collect();
        let fields = [
            csv_field(row.name.text()),
            row.name.is_dynamic().to_string(),
            row.locations.len().to_string(),
            csv_field(&keys.join(";")),
            csv_field(&locations.join(";")),
            row.kind.as_str().to_string(),
        ];
        out += &fields.join(",");
        out.push('\n');
    }
    out
}

/// A CSV field, quoted per RFC 4180 when it holds a comma, a quote or a line break (quotes
/// doubled).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn markdown(rows: &[Row], totals: &Totals) -> String {
    if rows.is_empty() {
        return "No tracking calls found.\n".to_string();
    }
    let mut out = String::from(
        "| Event | Kind | Calls | Keys | Locations |\n| --- | --- | ---: | --- | --- |\n",
    );
    for row in rows {
        let keys: Vec<String> = row.keys.iter().map(|k| code_span(&k.text())).collect();
        let locations: Vec<String> = row.locations.iter().map(|l| code_span(&l.text())).collect();
        out += &format!(
            "| {} | {} | {} | {} | {} |\n",
            code_span(row.name.text()),
            row.kind_label(),
            row.locations.len(),
            keys.join(", "),
            locations.join(", ")
        );
    }
    out += &format!("\n{}.\n", totals_line(totals));
    out
}

/// `s` as a Markdown code span inside a table cell: fenced with more backticks than it holds,
/// padded when it starts or ends with a backtick or a space, control characters escaped,
/// pipes escaped (GitHub's tables split cells at an unescaped `|`, even in code).
pub fn code_span(s: &str) -> String {
    let s = visible(s).replace('|', "\\|");
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_per_rfc_4180() {
        assert_eq!(csv_field("Song Played"), "Song Played");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\r"), "\"cr\r\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn markdown_code_spans_survive_backticks_and_pipes() {
        assert_eq!(code_span("Song Played"), "`Song Played`");
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("`Viewed ${page}`"), "`` `Viewed ${page}` ``");
        assert_eq!(code_span("a``b"), "```a``b```");
        assert_eq!(code_span(" x"), "`  x `");
        assert_eq!(code_span("two\nlines"), "`two\\nlines`");
        assert_eq!(code_span(""), "`\"\"`");
    }

    #[test]
    fn table_cells_show_control_characters() {
        assert_eq!(visible("a\tb\u{1b}"), "a\\tb\\u{1b}");
        assert_eq!(visible(""), "\"\"");
    }
}
