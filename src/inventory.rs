//! The data audit behind `amp2mp inventory`: every event a file tracks through Amplitude, read
//! from the same resolution the migration uses, so only calls on a real Amplitude client count
//! (never Firebase's `logEvent` or a local class's `track`). A tracking call is `logEvent`,
//! `track`, `logEventWithTimestamp` or `logEventWithGroups` (the event name is the first
//! argument, or an event object's `event_type`; the properties are the second argument, or its
//! `event_properties`), a revenue call (`logRevenue`, `logRevenueV2`, `revenue`) under the event
//! name Mixpanel will get (`Revenue`, or the config's), or a typed method of an Ampli wrapper
//! (`ampli.songPlayed({…})`), named by its method. A name is literal when it is a string
//! literal or a template string without substitutions (escapes decoded); anything else is
//! dynamic and kept as its source text, on one line. Property keys come from object literals:
//! identifier, string and number keys and shorthand properties by name, a computed key as
//! `[expr]`, a spread as `...expr`, and a properties argument that is not an object literal as
//! a spread of it (`...props`: its keys are not known here). This module only finds the sites
//! of one file; `render::inventory` groups and prints them. Pure: no I/O.

use crate::builders::{self, arguments};
use crate::embedded;
use crate::engine::LineIndex;
use crate::lang::{self, Kind, Lang};
use crate::plan;
use crate::queries;
use crate::resolve::{Call, Family, Resolution};
use tree_sitter::Node;

/// The methods of an Ampli wrapper that are not events of the tracking plan (`track` is
/// Amplitude's own, read like the SDKs').
const AMPLI_API: &[&str] = &["load", "identify", "setGroup", "groupIdentify", "flush"];

/// An event name as the code passes it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventName {
    /// A string literal or a template string without substitutions, decoded.
    Literal(String),
    /// Any other expression, as its source text on one line.
    Dynamic(String),
}

impl EventName {
    /// The name or the expression's text.
    pub fn text(&self) -> &str {
        match self {
            EventName::Literal(s) | EventName::Dynamic(s) => s,
        }
    }

    pub fn is_dynamic(&self) -> bool {
        matches!(self, EventName::Dynamic(_))
    }
}

/// What kind of call tracks the event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SiteKind {
    /// `logEvent`, `track` and their variants, event objects included.
    Track,
    /// A revenue call, tracked as the config's revenue event (`Revenue`).
    Revenue,
    /// A typed Ampli method: the name is the method's, not the tracking plan's event name.
    Ampli,
}

impl SiteKind {
    /// The kind as the output formats name it.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Track => "track",
            SiteKind::Revenue => "revenue",
            SiteKind::Ampli => "ampli",
        }
    }
}

/// A property key seen in a literal property object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// An identifier, string or number key, or a shorthand property.
    Name(String),
    /// `[expr]`: a computed key, by its expression's text.
    Computed(String),
    /// `...expr`: the keys of a spread object (or of a properties argument that is not an
    /// object literal), not known here.
    Spread(String),
}

impl Key {
    /// The key as printed: `name`, `[expr]`, `...expr`.
    pub fn text(&self) -> String {
        match self {
            Key::Name(s) => s.clone(),
            Key::Computed(s) => format!("[{s}]"),
            Key::Spread(s) => format!("...{s}"),
        }
    }
}

/// One tracking call's event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub name: EventName,
    pub kind: SiteKind,
    /// In source order, as written.
    pub keys: Vec<Key>,
}

/// A tracking call and where it is: 1-based line and character column of the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSite {
    pub event: Event,
    pub line: usize,
    pub column: usize,
}

/// What one file tracks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileInventory {
    /// In position order.
    pub sites: Vec<EventSite>,
    /// Tracking calls inside a syntax error, left out.
    pub left_out: usize,
}

/// What the reading of one call found.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    Event(Event),
    /// A tracking call with a syntax error in it: its arguments cannot be trusted.
    LeftOut,
}

/// The tracking calls of a whole file of `kind`: a script, or the `<script>` blocks and
/// template code of markup (at whole-file positions).
pub fn file_events(kind: Kind, source: &str) -> Result<FileInventory, String> {
    let found = match kind {
        Kind::Script(lang) => program_events(lang, source)?,
        Kind::Markup(markup) => {
            let mut error = None;
            let found = embedded::analyse(markup, source, |lang, program| {
                program_events(lang, program).unwrap_or_else(|e| {
                    error = error.take().or(Some(e));
                    Vec::new()
                })
            });
            if let Some(e) = error {
                return Err(e);
            }
            found
        }
    };
    Ok(locate(source, found))
}

/// Sorts what was found by position and gives each event its line and column in `source`.
fn locate(source: &str, mut found: Vec<(usize, Found)>) -> FileInventory {
    found.sort_by_key(|(at, _)| *at);
    let index = LineIndex::new(source);
    let mut inv = FileInventory::default();
    for (at, f) in found {
        match f {
            Found::Event(event) => {
                let (line, column) = index.position(source, at);
                inv.sites.push(EventSite {
                    event,
                    line,
                    column,
                });
            }
            Found::LeftOut => inv.left_out += 1,
        }
    }
    inv
}

/// The tracking calls of one program, at byte offsets (the start of each call).
fn program_events(lang: Lang, source: &str) -> Result<Vec<(usize, Found)>, String> {
    let queries = queries::for_lang(lang).map_err(|e| e.to_string())?;
    let tree = lang::parse(lang, source).ok_or("the parser gave up on this file")?;
    let env = crate::clients::Env::default();
    let res = Resolution::new(&tree, source, queries, &env);
    Ok(plan::amplitude_calls(&res)
        .into_iter()
        .filter_map(|(call, client, method)| {
            let found = read_call(&call, client.family, &method, source)?;
            Some((call.node.start_byte(), found))
        })
        .collect())
}

/// The event of a call on an Amplitude client; `None` when the call does not track one.
fn read_call(call: &Call, family: Family, method: &str, src: &str) -> Option<Found> {
    let args = arguments(call.args);
    let event = match (family, method) {
        (Family::Ampli, m) if AMPLI_API.contains(&m) => return None,
        (_, "logEvent" | "track" | "logEventWithTimestamp" | "logEventWithGroups") => {
            args.first()?;
            if call.node.has_error() {
                return Some(Found::LeftOut);
            }
            tracked(&args, src)?
        }
        (Family::Ampli, m) => ampli(m, &args, src),
        (_, "logRevenue" | "logRevenueV2" | "revenue") => revenue(method, &args, src),
        _ => return None,
    };
    if call.node.has_error() {
        return Some(Found::LeftOut);
    }
    Some(Found::Event(event))
}

/// `track(name, props)` or `track({ event_type, event_properties }, props)`.
fn tracked(args: &[Node], src: &str) -> Option<Event> {
    let first = *args.first()?;
    let object = value(first);
    let (name, mut keys) = if object.kind() == "object" {
        event_object(object, src)
    } else {
        (event_name(first, src), Vec::new())
    };
    keys.extend(properties(args.get(1).copied(), src));
    Some(Event {
        name,
        kind: SiteKind::Track,
        keys,
    })
}

/// The name and property keys of an event object: its `event_type` (the object's text when it
/// has none) and `event_properties`.
fn event_object(object: Node, src: &str) -> (EventName, Vec<Key>) {
    let mut name = None;
    let mut keys = Vec::new();
    for member in arguments(object) {
        let (field, value) = match member.kind() {
            "pair" => match (
                member.child_by_field_name("key"),
                member.child_by_field_name("value"),
            ) {
                (Some(k), Some(v)) => (key(k, src), Some(v)),
                _ => continue,
            },
            "shorthand_property_identifier" => (Key::Name(text(member, src)), None),
            _ => continue,
        };
        let Key::Name(field) = field else { continue };
        match (field.as_str(), value) {
            ("event_type", Some(v)) => name = Some(event_name(v, src)),
            ("event_type", None) => name = Some(EventName::Dynamic(field)),
            ("event_properties", Some(v)) => keys = properties(Some(v), src),
            ("event_properties", None) => keys = vec![Key::Spread(field)],
            _ => {}
        }
    }
    let name = name.unwrap_or_else(|| EventName::Dynamic(one_line(&text(object, src))));
    (name, keys)
}

/// A typed Ampli method: the properties are an object literal among the first two arguments
/// (the Node wrapper takes the user id first); properties given any other way are not read.
fn ampli(method: &str, args: &[Node], src: &str) -> Event {
    let keys = args
        .iter()
        .take(2)
        .map(|a| value(*a))
        .find(|a| a.kind() == "object")
        .map(|o| object_keys(o, src))
        .unwrap_or_default();
    Event {
        name: EventName::Literal(method.to_string()),
        kind: SiteKind::Ampli,
        keys,
    }
}

/// A revenue call: the keys of its event properties when they are written at the call, in a
/// `Revenue` chain passed straight in (`setEventProperties({…})`) or React Native's
/// `logRevenue({ price, eventProperties })`.
fn revenue(method: &str, args: &[Node], src: &str) -> Event {
    let first = args.first().map(|a| value(*a));
    let props = match (method, first) {
        ("logRevenue", Some(o)) if o.kind() == "object" => member(o, "eventProperties", src),
        (_, Some(arg)) => builders::chain(arg, src).and_then(|chain| {
            let op = chain
                .ops
                .iter()
                .rev()
                .find(|op| op.name == "setEventProperties")?;
            op.args.first().copied()
        }),
        _ => None,
    };
    Event {
        name: EventName::Literal(crate::config::current().revenue_event().to_string()),
        kind: SiteKind::Revenue,
        keys: properties(props, src),
    }
}

/// The value of the last `name: value` member of an object literal.
fn member<'t>(object: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    arguments(object)
        .into_iter()
        .filter(|m| m.kind() == "pair")
        .filter(|m| {
            m.child_by_field_name("key")
                .is_some_and(|k| key(k, src) == Key::Name(name.to_string()))
        })
        .filter_map(|m| m.child_by_field_name("value"))
        .next_back()
}

/// The keys a properties argument gives: an object literal's keys, nothing for none (or
/// `null`, `undefined`), and a spread of any other expression.
fn properties(arg: Option<Node>, src: &str) -> Vec<Key> {
    let Some(arg) = arg else {
        return Vec::new();
    };
    let v = value(arg);
    match v.kind() {
        "object" => object_keys(v, src),
        "null" | "undefined" => Vec::new(),
        "spread_element" => vec![spread(v, src)],
        _ => vec![spread_of(v, src)],
    }
}

/// The keys of an object literal, in source order.
fn object_keys(object: Node, src: &str) -> Vec<Key> {
    arguments(object)
        .into_iter()
        .filter_map(|m| match m.kind() {
            "pair" => m.child_by_field_name("key").map(|k| key(k, src)),
            "method_definition" => m.child_by_field_name("name").map(|k| key(k, src)),
            "shorthand_property_identifier" => Some(Key::Name(text(m, src))),
            "spread_element" => Some(spread(m, src)),
            _ => None,
        })
        .collect()
}

/// `...expr` → the spread's key.
fn spread(node: Node, src: &str) -> Key {
    match node.named_child(0).filter(|n| !n.is_extra()) {
        Some(inner) => spread_of(value(inner), src),
        None => Key::Spread(text(node, src).trim_start_matches('.').to_string()),
    }
}

/// The key for spreading `expr` (types and parentheses stripped): in parentheses again when
/// `...` would not read as applying to all of it (`...(a || b)`).
fn spread_of(expr: Node, src: &str) -> Key {
    let t = one_line(&text(expr, src));
    let simple = matches!(
        expr.kind(),
        "identifier"
            | "member_expression"
            | "subscript_expression"
            | "call_expression"
            | "this"
            | "object"
    );
    Key::Spread(if simple { t } else { format!("({t})") })
}

/// A member's key node as a key: a computed key of a literal string is that string.
fn key(node: Node, src: &str) -> Key {
    match node.kind() {
        "string" | "template_string" => match literal(node, src) {
            Some(s) => Key::Name(s),
            None => Key::Computed(one_line(&text(node, src))),
        },
        "computed_property_name" => {
            let inner = node.named_child(0).filter(|n| !n.is_extra());
            match inner.and_then(|n| literal(value(n), src)) {
                Some(s) => Key::Name(s),
                None => {
                    let t = text(node, src);
                    let t = t.strip_prefix('[').unwrap_or(&t);
                    let t = t.strip_suffix(']').unwrap_or(t);
                    Key::Computed(one_line(t.trim()))
                }
            }
        }
        _ => Key::Name(text(node, src)),
    }
}

/// The event name an argument gives.
fn event_name(arg: Node, src: &str) -> EventName {
    match literal(value(arg), src) {
        Some(s) => EventName::Literal(s),
        None => EventName::Dynamic(one_line(&text(value(arg), src))),
    }
}

/// The value of a string literal or of a template string without substitutions.
fn literal(node: Node, src: &str) -> Option<String> {
    let raw = text(node, src);
    match node.kind() {
        "string" => {}
        "template_string" => {
            let mut c = node.walk();
            if node
                .named_children(&mut c)
                .any(|n| n.kind() == "template_substitution")
            {
                return None;
            }
        }
        _ => return None,
    }
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    if node.kind() == "template_string" {
        Some(unescape(&inner.replace("\r\n", "\n")))
    } else {
        Some(unescape(inner))
    }
}

/// Strips what does not change a value: parentheses, `!`, `as T`, `satisfies T`, `<T>x`.
fn value(mut n: Node) -> Node {
    loop {
        let mut c = n.walk();
        let mut inner = n.named_children(&mut c).filter(|c| !c.is_extra());
        let next = match n.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => inner.next(),
            "type_assertion" => inner.last(),
            _ => None,
        };
        match next {
            Some(next) => n = next,
            None => return n,
        }
    }
}

fn text(n: Node, src: &str) -> String {
    src.get(n.byte_range()).unwrap_or("").to_string()
}

/// `text` on one line: each line break, with the blanks around it, becomes one space.
pub fn one_line(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_string();
    }
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_matches([' ', '\t', '\r']))
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

/// Decodes the escapes of a JavaScript string literal's content: the single-character ones,
/// `\xHH`, `\uHHHH` (surrogate pairs joined), `\u{H…}`, line continuations; any other escaped
/// character stands for itself, and what cannot be a character becomes U+FFFD.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        let Some(c) = rest.chars().next() else {
            out.push('\\');
            break;
        };
        rest = &rest[c.len_utf8()..];
        match c {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0' if !rest.starts_with(|d: char| d.is_ascii_digit()) => out.push('\0'),
            '\r' => rest = rest.strip_prefix('\n').unwrap_or(rest),
            '\n' | '\u{2028}' | '\u{2029}' => {}
            'x' => match hex(rest, 2) {
                Some(v) => {
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    rest = &rest[2..];
                }
                None => out.push('x'),
            },
            'u' => {
                let (ch, used) = unicode_escape(rest);
                out.push(ch);
                rest = &rest[used..];
            }
            other => out.push(other),
        }
    }
    out.push_str(rest);
    out
}

/// The character of a `\u` escape whose text after `\u` starts `rest`, and the bytes it used.
fn unicode_escape(rest: &str) -> (char, usize) {
    if let Some(braced) = rest.strip_prefix('{') {
        if let Some(end) = braced.find('}') {
            let v = u32::from_str_radix(&braced[..end], 16).ok();
            let ch = v.and_then(char::from_u32).unwrap_or('\u{fffd}');
            return (ch, end + 2);
        }
        return ('u', 0);
    }
    let Some(high) = hex(rest, 4) else {
        return ('u', 0);
    };
    if (0xD800..0xDC00).contains(&high) {
        let low = rest
            .get(4..6)
            .filter(|p| *p == "\\u")
            .and_then(|_| hex(&rest[6..], 4));
        if let Some(low) = low.filter(|l| (0xDC00..0xE000).contains(l)) {
            let v = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            return (char::from_u32(v).unwrap_or('\u{fffd}'), 10);
        }
    }
    (char::from_u32(high).unwrap_or('\u{fffd}'), 4)
}

/// The value of the first `n` characters of `s` as hex digits, if they all are.
fn hex(s: &str, n: usize) -> Option<u32> {
    let digits = s.get(..n)?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Markup;

    type Seen = (String, bool, &'static str, Vec<String>, usize);

    fn events(lang: Lang, src: &str) -> Vec<Seen> {
        let inv = file_events(Kind::Script(lang), src).unwrap();
        inv.sites
            .into_iter()
            .map(|s| {
                (
                    s.event.name.text().to_string(),
                    s.event.name.is_dynamic(),
                    s.event.kind.as_str(),
                    s.event.keys.iter().map(Key::text).collect(),
                    s.line,
                )
            })
            .collect()
    }

    fn names(v: &[Seen]) -> Vec<&str> {
        v.iter().map(|e| e.0.as_str()).collect()
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(unescape(r"a\'b\n\x41\u0042\u{43}\\"), "a'b\nABC\\");
        assert_eq!(unescape(r"\uD83D\uDE00!"), "😀!");
        assert_eq!(unescape(r"\uD83D"), "\u{fffd}");
        assert_eq!(unescape("a\\\nb"), "ab");
        assert_eq!(unescape(r"\q\xZZ\u{zz}"), "qxZZ\u{fffd}");
        assert_eq!(unescape("\\"), "\\");
    }

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("a.b"), "a.b");
        assert_eq!(one_line("f(\n  a,\r\n  b\n)"), "f( a, b )");
    }

    #[test]
    fn literal_and_dynamic_names_and_keys() {
        let src = "import amplitude from 'amplitude-js';\nconst c = amplitude.getInstance();\nc.logEvent('It\\'s', { a: 1, 'b c': 2, 3: x, d, ...rest, [k]: 1, ['e']: 2, f() {} });\nc.logEvent(`T`);\nc.logEvent(`V ${x}`, props);\nc.logEvent(NAMES.x, null);\n";
        let got = events(Lang::JavaScript, src);
        assert_eq!(got[0].0, "It's");
        assert_eq!(got[0].3, ["a", "b c", "3", "d", "...rest", "[k]", "e", "f"]);
        assert_eq!((got[1].0.as_str(), got[1].1), ("T", false));
        assert_eq!((got[2].0.as_str(), got[2].1), ("`V ${x}`", true));
        assert_eq!(got[2].3, ["...props"]);
        assert_eq!(
            (got[3].0.as_str(), got[3].1, got[3].3.len()),
            ("NAMES.x", true, 0)
        );
    }

    #[test]
    fn only_amplitude_calls_count() {
        let src = "import { logEvent } from 'firebase/analytics';\nimport { track } from '@amplitude/analytics-browser';\nlogEvent(a, 'purchase');\ntrack('Bought');\nclass A { track() {} m() { this.track('No'); } }\nfunction f(track) { track('Shadowed'); }\n";
        let got = events(Lang::TypeScript, src);
        assert_eq!(names(&got), ["Bought"]);
    }

    #[test]
    fn event_objects_revenue_and_ampli() {
        let src = "import * as amp from '@amplitude/analytics-browser';\nimport { ampli } from './ampli';\namp.track({ event_type: 'Obj', event_properties: { p: 1 } }, { q: 2 });\namp.track({ ...base });\namp.revenue(new amp.Revenue().setPrice(1).setEventProperties({ coupon: c }));\nampli.load({});\nampli.songPlayed({ title: 't' });\nampli.track({ event_type });\n";
        let got = events(Lang::TypeScript, src);
        assert_eq!(
            names(&got),
            ["Obj", "{ ...base }", "Revenue", "songPlayed", "event_type"]
        );
        assert_eq!(got[0].3, ["p", "q"]);
        assert_eq!(
            (got[2].2, got[2].3.clone()),
            ("revenue", vec!["coupon".to_string()])
        );
        assert_eq!(
            (got[3].2, got[3].3.clone()),
            ("ampli", vec!["title".to_string()])
        );
        assert!(got[4].1);
    }

    #[test]
    fn types_and_parentheses_are_not_part_of_a_name() {
        let src = "import { track } from '@amplitude/analytics-browser';\ntrack(name as string, props as P | undefined);\ntrack(('Paren'), { ...(a || b), ...c!, ...(d) });\ntrack(<string>x, (e ?? f));\n";
        let got = events(Lang::TypeScript, src);
        assert_eq!(names(&got), ["name", "Paren", "x"]);
        assert_eq!(got[0].3, ["...props"]);
        assert_eq!(got[1].3, ["...(a || b)", "...c", "...d"]);
        assert_eq!(got[2].3, ["...(e ?? f)"]);
    }

    #[test]
    fn revenue_keys_come_from_the_event_properties() {
        let src = "import { Amplitude } from '@amplitude/react-native';\nconst a = Amplitude.getInstance();\na.logRevenue({ price: 1, eventProperties: { plan: 'pro' } });\na.logRevenue(2, 1, 'sku');\na.logEvent('Opened', { from });\n";
        let got = events(Lang::JavaScript, src);
        let seen: Vec<(&str, &str, Vec<String>)> = got
            .iter()
            .map(|e| (e.0.as_str(), e.2, e.3.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                ("Revenue", "revenue", vec!["plan".to_string()]),
                ("Revenue", "revenue", vec![]),
                ("Opened", "track", vec!["from".to_string()]),
            ]
        );
    }

    #[test]
    fn calls_in_syntax_errors_are_left_out() {
        let src = "import amplitude from 'amplitude-js';\namplitude.getInstance().logEvent('A', { a: });\namplitude.getInstance().logEvent('B');\n";
        let inv = file_events(Kind::Script(Lang::JavaScript), src).unwrap();
        assert_eq!(inv.left_out, 1);
        assert_eq!(inv.sites.len(), 1);
        assert_eq!(inv.sites[0].event.name.text(), "B");
    }

    #[test]
    fn markup_positions_are_whole_file() {
        let src = "<template>\n  <button @click=\"track('Clicked', { id })\">x</button>\n</template>\n<script setup lang=\"ts\">\nimport { track } from '@amplitude/analytics-browser';\ntrack('Mounted');\n</script>\n";
        let inv = file_events(Kind::Markup(Markup::Vue), src).unwrap();
        let got: Vec<(&str, usize, usize)> = inv
            .sites
            .iter()
            .map(|s| (s.event.name.text(), s.line, s.column))
            .collect();
        assert_eq!(got, [("Clicked", 2, 19), ("Mounted", 6, 1)]);
    }
}
