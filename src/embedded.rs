//! Code embedded in markup: the `<script>` blocks of Vue and Svelte components and of HTML
//! pages. [`scan`] finds the blocks with a small hand-written scanner (case-insensitive tag
//! names, attributes in any quote style, HTML comments, raw-text elements such as `<style>`,
//! Vue's top-level blocks, Svelte's `{…}` attribute values) and says what each holds: code for
//! a grammar (`lang="ts"`/`"typescript"` → TypeScript, `"tsx"` → TSX, otherwise JavaScript,
//! JSX included), code loaded by `src=`, a language amp2mp does not parse (`lang="coffee"`),
//! or no code at all (`type="application/json"`, `text/x-template`). [`transform`] runs the
//! engine on the code and splices each block's new text back in place: every byte outside the
//! blocks stays the same, and findings carry the file's own lines and columns. Pure: no I/O.
//!
//! Blocks that share a scope are transformed as one program: both blocks of a Vue component
//! (`<script setup>` sees the imports and declarations of the plain `<script>`), both of a
//! Svelte component (`context="module"` and the instance script), and all classic scripts of
//! an HTML page (one global scope); each HTML `type="module"` script is a program of its own.
//! So an Amplitude import in one block and its uses in the other migrate together, and one
//! Mixpanel import (added next to the import it replaces, or an existing one reused) serves
//! both blocks. The blocks are joined with a marker statement between them, and the engine's
//! output is split at the markers again; each changed block must still parse on its own.
//!
//! The markup itself is never rewritten, but what it says is not ignored: template expressions
//! (Vue's `{{ }}`, `:x`, `@x` and `v-` attributes, Svelte's `{…}`) and HTML `on…` handler
//! attributes see the scripts' bindings. So that the markup keeps working, every identifier it
//! reads is added to the program as a bare reference (`track;`): the engine then keeps the
//! import or stored client the markup still needs, and reports it. When the markup may use
//! Amplitude, a second pass with the markup's code itself reports each use there.

use crate::edit::{self, Edit};
use crate::engine::{self, LineIndex, Located, Outcome};
use crate::lang::{self, Lang, Markup};
use crate::mapping::Target;
use crate::plan::{rule, Finding};
use crate::prefilter;
use memchr::{memchr, memchr2, memmem};
use std::ops::Range;

/// Rule of a `<script src>` that loads an Amplitude SDK (reported, never rewritten): the same
/// rule as the loader snippet found in strings by `endpoints.rs`.
pub const SCRIPT_SRC: &str = crate::endpoints::SNIPPET;

/// Appended to a finding in the markup, which amp2mp never rewrites.
const IN_MARKUP: &str = " (in the markup, which amp2mp leaves to you)";

/// One `<script>` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    /// The opening tag, `<script …>`.
    pub tag: Range<usize>,
    /// Everything between the opening and the closing tag.
    pub content: Range<usize>,
    pub code: Code,
}

/// What a `<script>` element holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Code {
    /// JavaScript or TypeScript, parsed as `lang`. `own_scope`: an HTML `type="module"`
    /// script, which does not share its scope with the page's other scripts.
    Parsed { lang: Lang, own_scope: bool },
    /// `src=…`: the code is loaded from there (any content is ignored, as browsers do).
    External(String),
    /// A script language amp2mp does not parse, named by the `lang` attribute.
    Unsupported(String),
    /// Not code: data or a template (`application/json`, `text/x-template`, …).
    NotCode,
}

/// The `<script>` elements of `text`, in order.
pub fn scan(markup: Markup, text: &str) -> Vec<Script> {
    Scanner::run(markup, text).scripts
}

/// The ranges of `text` that are code amp2mp would parse (the content of the parsed blocks),
/// for the minified-file check.
pub fn code_ranges(markup: Markup, text: &str) -> Vec<Range<usize>> {
    scan(markup, text)
        .into_iter()
        .filter(|s| matches!(s.code, Code::Parsed { .. }))
        .map(|s| s.content)
        .collect()
}

/// Transforms the code in `text`, a `markup` file. If any block's rewrite fails verification,
/// nothing is rewritten and `error` says why.
pub fn transform(markup: Markup, text: &str, env: &crate::clients::Env) -> Outcome {
    let scanned = Scanner::run(markup, text);
    let index = LineIndex::new(text);
    let mut done = vec![UnitDone {
        findings: scanned
            .scripts
            .iter()
            .filter_map(|s| unparsed_finding(s, text))
            .map(|f| locate(&index, text, f))
            .collect(),
        ..UnitDone::default()
    }];
    // `<script src="…amplitude…">` loads the snippet's global client: it is left with it.
    let loaders: Vec<(usize, usize)> = done[0]
        .findings
        .iter()
        .filter(|f| f.finding.rule == SCRIPT_SRC)
        .map(|f| (f.line, f.column))
        .collect();
    for (line, column) in loaders {
        {
            let id = env.global(&crate::clients::Instance::Default);
            *done[0].facts.uses.entry(id.clone()).or_default() += 1;
            done[0].facts.blockers.push(crate::clients::Blocker {
                client: id,
                line,
                column,
                reason: crate::plan::SNIPPET_LOADED.to_string(),
            });
        }
    }
    for unit in units(markup, &scanned) {
        let blocks: Vec<&Script> = unit
            .blocks
            .iter()
            .filter_map(|&i| scanned.scripts.get(i))
            .collect();
        let mut code = blocks
            .iter()
            .map(|s| &s.content)
            .chain(unit.markup.iter().map(|m| &m.range));
        // A file that reads a client another module hands over (`this.$amp`) need not name
        // Amplitude.
        if env.links() || code.any(|r| prefilter::may_contain(&text.as_bytes()[r.clone()])) {
            done.push(transform_unit(&unit, &blocks, text, &index, env));
        }
    }
    merge(text, done)
}

/// One outcome for the file from its units': all edits, or none if any unit failed.
fn merge(text: &str, done: Vec<UnitDone>) -> Outcome {
    let mut out = Outcome::default();
    let mut edits = Vec::new();
    for d in done {
        merge_facts(&mut out.facts, d.facts);
        out.findings.extend(d.findings);
        out.rewrites.extend(d.rewrites);
        edits.extend(d.edits);
        out.error = out.error.or(d.error);
    }
    out.findings.sort_by(|a, b| {
        (a.finding.range.start, a.finding.rule).cmp(&(b.finding.range.start, b.finding.rule))
    });
    out.rewrites
        .sort_by_key(|&(_, line, column)| (line, column));
    if out.error.is_some() {
        out.rewrites.clear();
        for f in &mut out.findings {
            if f.finding.fixable {
                f.finding.fixable = false;
                f.finding.message += engine::NOT_APPLIED;
            }
        }
        return out;
    }
    let (edits, _) = edit::sort_and_split(edits);
    let output = edit::apply(text, &edits);
    out.output = (output != text).then_some(output);
    out
}

/// A finding for a block that loads Amplitude, or that concerns Amplitude but is not parsed.
fn unparsed_finding(s: &Script, text: &str) -> Option<Finding> {
    let content = &text[s.content.clone()];
    match &s.code {
        Code::External(src) if src.to_ascii_lowercase().contains("amplitude") => Some(Finding {
            range: s.tag.clone(),
            rule: SCRIPT_SRC,
            subject: src.clone(),
            message: format!(
                "`<script src=\"{src}\">` loads an Amplitude SDK: load Mixpanel's instead (its snippet, or the `mixpanel-browser` package)"
            ),
            fixable: false,
            note: None,
        }),
        Code::Unsupported(name) if prefilter::may_contain(content.as_bytes()) => Some(Finding {
            range: s.tag.clone(),
            rule: rule::UNANALYZED,
            subject: name.clone(),
            message: format!(
                "a `<script lang=\"{name}\">` block mentions Amplitude but was not analysed: amp2mp parses JavaScript and TypeScript only"
            ),
            fixable: false,
            note: None,
        }),
        _ => None,
    }
}

fn locate(index: &LineIndex, text: &str, finding: Finding) -> Located {
    let (line, column) = index.position(text, finding.range.start);
    let (end_line, end_column) = index.position(text, finding.range.end);
    Located {
        line,
        column,
        end_line,
        end_column,
        finding,
    }
}

// ---------------------------------------------------------------------------------------------
// The scanner

/// Elements whose content is text, not markup: a `<script>` inside one is not a script.
const RAW_TEXT: [&str; 8] = [
    "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// A piece of markup that holds JavaScript: a template expression or a handler attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
struct MarkupCode {
    range: Range<usize>,
    /// An expression (parsed inside parentheses) rather than statements.
    expression: bool,
}

/// What one scan found.
#[derive(Debug, Default)]
struct Scanned {
    scripts: Vec<Script>,
    markup: Vec<MarkupCode>,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    markup: Markup,
    found: Scanned,
}

/// A start tag.
#[derive(Debug)]
struct Tag {
    /// Lower-cased.
    name: String,
    attrs: Vec<Attr>,
    /// Just after the closing `>`.
    end: usize,
    self_closing: bool,
}

/// An attribute; Svelte's bare `{expr}` and `{...spread}` have an empty name.
#[derive(Debug)]
struct Attr {
    /// Lower-cased.
    name: String,
    /// The value without its quotes (or braces, for a Svelte `{…}` value).
    value: Option<Range<usize>>,
    braced: bool,
}

impl<'a> Scanner<'a> {
    fn run(markup: Markup, text: &'a str) -> Scanned {
        let mut s = Scanner {
            bytes: text.as_bytes(),
            text,
            markup,
            found: Scanned::default(),
        };
        s.walk(0, text.len(), true);
        s.found
    }

    /// Scans `from..to`; `top` is the top level of a Vue component (outside `<template>`).
    fn walk(&mut self, from: usize, to: usize, top: bool) {
        let in_template = match self.markup {
            Markup::Vue => !top,
            Markup::Svelte => true,
            Markup::Html => false,
        };
        let mut at = from;
        while at < to {
            let hay = &self.bytes[at..to];
            let next = if in_template {
                memchr2(b'<', b'{', hay)
            } else {
                memchr(b'<', hay)
            };
            let Some(k) = next else { break };
            let p = at + k;
            at = if self.bytes[p] == b'{' {
                self.text_expression(p, to)
            } else {
                self.markup_at(p, to, top)
            };
        }
    }

    /// A `{{ expr }}` (Vue) or `{expr}` (Svelte) in text, at `p`; returns where to go on.
    fn text_expression(&mut self, p: usize, to: usize) -> usize {
        if self.markup == Markup::Vue {
            if p + 2 > to || self.bytes[p + 1] != b'{' {
                return p + 1;
            }
            let Some(k) = memmem::find(&self.bytes[p + 2..to], b"}}") else {
                return to;
            };
            self.expression(p + 2..p + 2 + k, true);
            return p + 2 + k + 2;
        }
        let (inner, end) = brace_block(self.bytes, p, to);
        // `{#if …}`, `{:else}`, `{/if}`, `{@html …}` are Svelte's own syntax.
        if !matches!(self.bytes.get(p + 1), Some(b'#' | b':' | b'/' | b'@')) {
            self.expression(inner, true);
        }
        end
    }

    fn expression(&mut self, range: Range<usize>, expression: bool) {
        if !range.is_empty() && !self.text[range.clone()].trim().is_empty() {
            self.found.markup.push(MarkupCode { range, expression });
        }
    }

    /// The markup at a `<`; returns where to go on.
    fn markup_at(&mut self, p: usize, to: usize, top: bool) -> usize {
        let rest = &self.bytes[p..to];
        if rest.starts_with(b"<!--") {
            return memmem::find(&self.bytes[p + 4..to], b"-->").map_or(to, |k| p + 4 + k + 3);
        }
        if rest.starts_with(b"</") || rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            return p + 2;
        }
        let Some(tag) = start_tag(self.bytes, p, to, self.markup == Markup::Svelte) else {
            return p + 1;
        };
        let vue_top = self.markup == Markup::Vue && top;
        if !vue_top {
            self.attribute_code(&tag);
        }
        if tag.name == "script" {
            if self.markup == Markup::Vue && !top {
                // Vue ignores a `<script>` inside its template.
                return close_tag(self.bytes, tag.end, to, "script").1;
            }
            return self.script(p, &tag, to);
        }
        if tag.self_closing {
            return tag.end;
        }
        if RAW_TEXT.contains(&tag.name.as_str()) {
            return close_tag(self.bytes, tag.end, to, &tag.name).1;
        }
        if vue_top {
            // A top-level block of a Vue component: the template is markup, every other block
            // (`<style>`, `<i18n>`, `<docs>`, a `pug` template) is text.
            let lang = attr_value(&tag, "lang", self.text).unwrap_or("");
            if tag.name == "template" && matches!(lang.trim(), "" | "html") {
                let (close, after) = skip_nested(self.bytes, tag.end, to, "template");
                self.walk(tag.end, close, false);
                return after;
            }
            return close_tag(self.bytes, tag.end, to, &tag.name).1;
        }
        tag.end
    }

    /// The template expressions and handlers among a tag's attributes.
    fn attribute_code(&mut self, tag: &Tag) {
        for a in &tag.attrs {
            let Some(value) = a.value.clone() else {
                continue;
            };
            match self.markup {
                Markup::Html => {
                    if a.name.starts_with("on") {
                        self.expression(value, false);
                    }
                }
                Markup::Vue => {
                    if let Some(expression) = vue_directive(&a.name) {
                        self.expression(value, expression);
                    }
                }
                Markup::Svelte => {
                    if a.braced {
                        let start = value.start
                            + if self.text[value.clone()].starts_with("...") {
                                3
                            } else {
                                0
                            };
                        self.expression(start.min(value.end)..value.end, true);
                    } else {
                        let mut at = value.start;
                        while let Some(k) = memchr(b'{', &self.bytes[at..value.end]) {
                            let open = at + k;
                            let (inner, end) = brace_block(self.bytes, open, value.end);
                            self.expression(inner, true);
                            at = end;
                        }
                    }
                }
            }
        }
    }

    /// Records the `<script>` whose start tag begins at `p`; returns where to go on.
    fn script(&mut self, p: usize, tag: &Tag, to: usize) -> usize {
        // HTML ignores the `/` of `<script/>`; Vue and Svelte take it as an empty element.
        let (content, after) = if tag.self_closing && self.markup != Markup::Html {
            (tag.end..tag.end, tag.end)
        } else {
            let (close, after) = close_tag(self.bytes, tag.end, to, "script");
            (tag.end..close, after)
        };
        self.found.scripts.push(Script {
            tag: p..tag.end,
            content,
            code: classify(self.markup, tag, self.text),
        });
        after
    }
}

/// For a Vue attribute name: `Some(true)` for an expression directive (`:x`, `v-bind`, `v-if`,
/// …), `Some(false)` for a handler (`@x`, `v-on:x`: statements), `None` for anything else
/// (plain attributes, and `v-for`/`v-slot`/`#slot`, which are not plain JavaScript).
fn vue_directive(name: &str) -> Option<bool> {
    if name.starts_with('@') || name.starts_with("v-on") {
        return Some(false);
    }
    if name.starts_with(':') || name.starts_with('.') {
        return Some(true);
    }
    let directive = name.strip_prefix("v-")?;
    let base = directive.split([':', '.']).next().unwrap_or("");
    (!matches!(base, "for" | "slot" | "else" | "pre" | "once" | "cloak")).then_some(true)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Parses the start tag whose `<` is at `lt`; `None` when it is not one (or never ends).
fn start_tag(bytes: &[u8], lt: usize, to: usize, braces: bool) -> Option<Tag> {
    let mut i = lt + 1;
    if !bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let name_start = i;
    while i < to && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    let name = lower(&bytes[name_start..i]);
    let mut attrs = Vec::new();
    loop {
        while i < to && is_space(bytes[i]) {
            i += 1;
        }
        match bytes[..to].get(i) {
            None => return None,
            Some(b'>') => {
                return Some(Tag {
                    name,
                    attrs,
                    end: i + 1,
                    self_closing: false,
                });
            }
            Some(b'/') if bytes[..to].get(i + 1) == Some(&b'>') => {
                return Some(Tag {
                    name,
                    attrs,
                    end: i + 2,
                    self_closing: true,
                });
            }
            Some(b'/') => {
                i += 1;
                continue;
            }
            Some(b'{') if braces => {
                let (inner, end) = brace_block(bytes, i, to);
                attrs.push(Attr {
                    name: String::new(),
                    value: Some(inner),
                    braced: true,
                });
                i = end;
                continue;
            }
            Some(_) => {}
        }
        // An attribute name: its first character may be `=`, as in HTML.
        let start = i;
        i += 1;
        while i < to && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = lower(&bytes[start..i]);
        let mut j = i;
        while j < to && is_space(bytes[j]) {
            j += 1;
        }
        let mut attr = Attr {
            name,
            value: None,
            braced: false,
        };
        if bytes[..to].get(j) == Some(&b'=') {
            j += 1;
            while j < to && is_space(bytes[j]) {
                j += 1;
            }
            match bytes[..to].get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = memchr(q, &bytes[j + 1..to]).map_or(to, |k| j + 1 + k);
                    attr.value = Some(j + 1..close);
                    i = (close + 1).min(to);
                }
                Some(b'{') if braces => {
                    let (inner, end) = brace_block(bytes, j, to);
                    attr.value = Some(inner);
                    attr.braced = true;
                    i = end;
                }
                _ => {
                    let s = j;
                    while j < to && !is_space(bytes[j]) && bytes[j] != b'>' {
                        j += 1;
                    }
                    attr.value = Some(s..j);
                    i = j;
                }
            }
        }
        attrs.push(attr);
    }
}

fn lower(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_ascii_lowercase()
}

/// The inside of the `{…}` opening at `open` (strings skipped, nesting counted), and the index
/// after its `}`; an unclosed brace runs to `to`.
fn brace_block(bytes: &[u8], open: usize, to: usize) -> (Range<usize>, usize) {
    let mut depth = 0usize;
    let mut i = open;
    while i < to {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return (open + 1..i, i + 1);
                }
            }
            q @ (b'\'' | b'"' | b'`') => {
                i = memchr(q, &bytes[i + 1..to]).map_or(to, |k| i + 1 + k);
            }
            _ => {}
        }
        i += 1;
    }
    ((open + 1).min(to)..to, to)
}

/// Whether `name` (lower case) starts at `at`, case-insensitively, and ends there as a tag name.
fn tag_name_at(bytes: &[u8], at: usize, to: usize, name: &str) -> bool {
    let end = at + name.len();
    end <= to
        && bytes[at..end].eq_ignore_ascii_case(name.as_bytes())
        && (end == to || is_space(bytes[end]) || matches!(bytes[end], b'/' | b'>'))
}

/// The `</name>` after `from`: where it starts and the index after it; `(to, to)` if none.
fn close_tag(bytes: &[u8], from: usize, to: usize, name: &str) -> (usize, usize) {
    let mut at = from;
    while let Some(k) = memchr(b'<', &bytes[at..to]) {
        let lt = at + k;
        if bytes.get(lt + 1) == Some(&b'/') && tag_name_at(bytes, lt + 2, to, name) {
            let after = memchr(b'>', &bytes[lt..to]).map_or(to, |k| lt + k + 1);
            return (lt, after);
        }
        at = lt + 1;
    }
    (to, to)
}

/// Like [`close_tag`], counting nested elements of the same name (and skipping comments).
fn skip_nested(bytes: &[u8], from: usize, to: usize, name: &str) -> (usize, usize) {
    let mut depth = 1usize;
    let mut at = from;
    while let Some(k) = memchr(b'<', &bytes[at..to]) {
        let lt = at + k;
        if bytes[lt..to].starts_with(b"<!--") {
            at = memmem::find(&bytes[lt + 4..to], b"-->").map_or(to, |k| lt + 4 + k + 3);
            continue;
        }
        if bytes.get(lt + 1) == Some(&b'/') && tag_name_at(bytes, lt + 2, to, name) {
            depth -= 1;
            if depth == 0 {
                let after = memchr(b'>', &bytes[lt..to]).map_or(to, |k| lt + k + 1);
                return (lt, after);
            }
        } else if tag_name_at(bytes, lt + 1, to, name) {
            depth += 1;
        }
        at = lt + 1;
    }
    (to, to)
}

/// The value of attribute `name` (the first one, as in HTML); `Some("")` when it has none.
fn attr_value<'t>(tag: &Tag, name: &str, text: &'t str) -> Option<&'t str> {
    let a = tag.attrs.iter().find(|a| a.name == name)?;
    Some(a.value.clone().map_or("", |r| &text[r]))
}

/// What a `<script>` with these attributes holds.
fn classify(markup: Markup, tag: &Tag, text: &str) -> Code {
    if let Some(src) = attr_value(tag, "src", text) {
        return Code::External(src.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let (type_lang, module) = match attr_value(tag, "type", text) {
        None => (Lang::JavaScript, false),
        Some(t) => match script_type(t) {
            Some(found) => found,
            None => return Code::NotCode,
        },
    };
    let lang = match attr_value(tag, "lang", text) {
        Some(l) if !l.trim().is_empty() => match Lang::from_lang_attribute(l) {
            Some(lang) => lang,
            None => return Code::Unsupported(l.trim().to_string()),
        },
        _ => type_lang,
    };
    Code::Parsed {
        lang,
        own_scope: markup == Markup::Html && module,
    }
}

/// The grammar a `type` attribute selects, and whether it makes a module; `None` when the
/// block is not code (JSON, templates, import maps, shaders, …).
fn script_type(value: &str) -> Option<(Lang, bool)> {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "module" => Some((Lang::JavaScript, true)),
        "" | "text/javascript" | "application/javascript" | "application/ecmascript"
        | "application/x-ecmascript" | "application/x-javascript" | "text/ecmascript"
        | "text/jscript" | "text/livescript" | "text/x-ecmascript" | "text/x-javascript"
        | "text/javascript1.0" | "text/javascript1.1" | "text/javascript1.2"
        | "text/javascript1.3" | "text/javascript1.4" | "text/javascript1.5"
        // In-browser Babel: JavaScript with JSX.
        | "text/babel" | "text/jsx" => Some((Lang::JavaScript, false)),
        "text/typescript" | "application/typescript" => Some((Lang::TypeScript, false)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Units: the blocks transformed together

/// Blocks that share a scope, with the markup code that sees it.
#[derive(Debug)]
struct Unit {
    lang: Lang,
    /// Indices into the scanned scripts.
    blocks: Vec<usize>,
    markup: Vec<MarkupCode>,
}

/// Groups the parsed blocks: one unit per grammar for a component; for a page, one for its
/// classic scripts and one per module script. The markup code goes with the first shared unit.
fn units(markup: Markup, scanned: &Scanned) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut shared: Vec<(Lang, usize)> = Vec::new();
    for (i, s) in scanned.scripts.iter().enumerate() {
        let Code::Parsed { lang, own_scope } = s.code else {
            continue;
        };
        let existing = shared.iter().find(|(l, _)| *l == lang).map(|&(_, u)| u);
        match existing {
            Some(u) if !own_scope => {
                if let Some(unit) = units.get_mut(u) {
                    unit.blocks.push(i);
                }
            }
            _ => {
                if !own_scope {
                    shared.push((lang, units.len()));
                }
                units.push(Unit {
                    lang,
                    blocks: vec![i],
                    markup: Vec::new(),
                });
            }
        }
    }
    if !scanned.markup.is_empty() {
        let target = match shared.first() {
            Some(&(_, u)) => u,
            None => {
                let lang = if markup == Markup::Html {
                    Lang::JavaScript
                } else {
                    units.first().map_or(Lang::JavaScript, |u| u.lang)
                };
                units.push(Unit {
                    lang,
                    blocks: Vec::new(),
                    markup: Vec::new(),
                });
                units.len() - 1
            }
        };
        if let Some(u) = units.get_mut(target) {
            u.markup = scanned.markup.clone();
        }
    }
    units
}

/// Adds one unit's facts to the file's.
fn merge_facts(into: &mut crate::clients::Facts, from: crate::clients::Facts) {
    into.exports.extend(from.exports);
    into.reexports.extend(from.reexports);
    into.slots.extend(from.slots);
    into.imports.extend(from.imports);
    into.imports.sort();
    into.imports.dedup();
    for (id, n) in from.uses {
        *into.uses.entry(id).or_default() += n;
    }
    into.blockers.extend(from.blockers);
}

/// What transforming one unit gave, in file positions.
#[derive(Default)]
struct UnitDone {
    facts: crate::clients::Facts,
    edits: Vec<Edit>,
    rewrites: Vec<(Target, usize, usize)>,
    findings: Vec<Located>,
    error: Option<String>,
}

/// Transforms one unit. The engine sees the blocks and a bare reference to every name the
/// markup reads (so it keeps what the markup needs). Only when the markup may use Amplitude
/// (a kept name turned out to be Amplitude's, or the markup mentions it) does a second pass
/// with the markup's own code find those uses, for the report: its rewrites are not used, so
/// a call in the markup never makes the script import Mixpanel for nothing.
fn transform_unit(
    unit: &Unit,
    blocks: &[&Script],
    text: &str,
    index: &LineIndex,
    env: &crate::clients::Env,
) -> UnitDone {
    let lang = unit.lang;
    let joined = Joined::new(text, blocks, &unit.markup, &[]);
    let mut out = engine::transform_with(lang, &joined.text, env);
    let mut done = UnitDone::default();
    let starts = line_starts(&joined.text);
    for b in &mut out.facts.blockers {
        let (at, _) = joined.to_file(offset_of(&joined.text, &starts, b.line, b.column));
        (b.line, b.column) = index.position(text, at);
    }
    done.facts = std::mem::take(&mut out.facts);
    for (target, line, column) in out.rewrites {
        let (at, role) = joined.to_file(offset_of(&joined.text, &starts, line, column));
        if role == Role::Block {
            let (l, c) = index.position(text, at);
            done.rewrites.push((target, l, c));
        }
    }
    let mut kept = Vec::new();
    for (role, f) in file_findings(&joined, out.findings, text, index) {
        match role {
            Role::Block => done.findings.push(f),
            _ => kept.push(f),
        }
    }
    let mentioned = unit
        .markup
        .iter()
        .any(|m| prefilter::may_contain(&text.as_bytes()[m.range.clone()]));
    if !kept.is_empty() || mentioned {
        let with_markup = Joined::new(text, blocks, &[], &unit.markup);
        let found = engine::transform_with(lang, &with_markup.text, env).findings;
        let uses: Vec<Located> = file_findings(&with_markup, found, text, index)
            .into_iter()
            .filter(|(role, _)| *role == Role::Markup)
            .map(|(_, f)| f)
            .collect();
        // A markup use found both as itself and as a kept name is reported once, as itself.
        kept.retain(|k| {
            !uses
                .iter()
                .any(|u| u.finding.range.start == k.finding.range.start)
        });
        done.findings.extend(uses);
    }
    done.findings.extend(kept);

    let name = blocks.first().map_or_else(
        || "the markup".to_string(),
        |s| {
            format!(
                "the `<script>` block at line {}",
                index.position(text, s.tag.start).0
            )
        },
    );
    if let Some(why) = out.error {
        done.error = Some(format!("{name}: {why}"));
        return done;
    }
    let Some(output) = out.output else {
        return done;
    };
    let Some(pieces) = joined.split(&output, blocks.len()) else {
        done.error = Some(format!(
            "{name}: internal: the rewritten blocks could not be told apart; the file was left unchanged"
        ));
        return done;
    };
    for (s, piece) in blocks.iter().zip(pieces) {
        let before = &text[s.content.clone()];
        if piece == before {
            continue;
        }
        if !parses_as_well(lang, before, piece) {
            let line = index.position(text, s.tag.start).0;
            done.error = Some(format!(
                "the `<script>` block at line {line}: the rewrite would add a syntax error to it; the file was left unchanged"
            ));
            done.edits.clear();
            return done;
        }
        done.edits.push(Edit::new(s.content.clone(), piece));
    }
    done
}

/// The engine's findings on `joined`, placed in the file, with the role of where they lie;
/// those in the markup are not fixable, and say so.
fn file_findings(
    joined: &Joined,
    findings: Vec<Located>,
    text: &str,
    index: &LineIndex,
) -> Vec<(Role, Located)> {
    findings
        .into_iter()
        .map(|f| {
            let (start, role) = joined.to_file(f.finding.range.start);
            let (end, _) = joined.to_file(f.finding.range.end);
            let mut finding = f.finding;
            finding.range = start..end.max(start);
            if role != Role::Block {
                finding.fixable = false;
                finding.message += IN_MARKUP;
            }
            (role, locate(index, text, finding))
        })
        .collect()
}

/// Whether `after` parses with no more errors than `before`.
fn parses_as_well(lang: Lang, before: &str, after: &str) -> bool {
    let errors = |s: &str| lang::parse(lang, s).map(|t| engine::error_count(&t));
    matches!((errors(before), errors(after)), (Some(b), Some(a)) if a <= b)
}

/// What a stretch of the joined program is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A script block's content, spliced back.
    Block,
    /// A name the markup uses, as a bare reference: it keeps what the markup needs alive.
    Keep,
    /// Markup code, analysed for reports only.
    Markup,
}

/// One stretch of the joined program and where it comes from in the file.
#[derive(Debug)]
struct Segment {
    joined: usize,
    /// Bytes added before the file's text (an opening parenthesis).
    prefix: usize,
    file: Range<usize>,
    role: Role,
}

/// Blocks and markup code joined into one program for the engine, and the way back.
///
/// Layout: `block₀ ⏎ M ⏎ block₁ ⏎ M ⏎ … blockₙ ⏎ M ⏎ tail`, where `M` is a marker statement
/// (`void 0;` and a comment no block contains): a statement of its own, so a block that ends
/// without a semicolon cannot run on into the next one. The tail holds the kept names and then
/// the markup code, each followed by `⏎;⏎`; it is analysed but never spliced back.
#[derive(Debug)]
struct Joined {
    text: String,
    marker: String,
    segments: Vec<Segment>,
}

impl Joined {
    /// Joins `blocks`, a bare reference to each name `keep` reads, and the code of `analyse`.
    fn new(file: &str, blocks: &[&Script], keep: &[MarkupCode], analyse: &[MarkupCode]) -> Joined {
        let marker = (0u32..)
            .map(|n| format!("void 0; /*amp2mp:script-boundary:{n}*/"))
            .find(|m| !file.contains(m.as_str()))
            .unwrap_or_default();
        let mut j = Joined {
            text: String::new(),
            marker,
            segments: Vec::new(),
        };
        for s in blocks {
            j.push(file, s.content.clone(), Role::Block, "", "");
            j.text.push('\n');
            j.text.push_str(&j.marker);
            j.text.push('\n');
        }
        for m in keep {
            for name in identifiers(file, m.range.clone()) {
                j.push(file, name, Role::Keep, "", ";\n;\n");
            }
        }
        for m in analyse {
            let (open, close) = if m.expression {
                ("(", ")\n;\n")
            } else {
                ("", "\n;\n")
            };
            j.push(file, m.range.clone(), Role::Markup, open, close);
        }
        j
    }

    fn push(&mut self, file: &str, range: Range<usize>, role: Role, open: &str, close: &str) {
        self.segments.push(Segment {
            joined: self.text.len(),
            prefix: open.len(),
            file: range.clone(),
            role,
        });
        self.text.push_str(open);
        self.text.push_str(&file[range]);
        self.text.push_str(close);
    }

    /// The file offset of joined offset `at`, and the role of the stretch it lies in (offsets
    /// between stretches go to the end of the one before).
    fn to_file(&self, at: usize) -> (usize, Role) {
        let i = self
            .segments
            .partition_point(|s| s.joined <= at)
            .saturating_sub(1);
        match self.segments.get(i) {
            Some(s) => {
                let within = at.saturating_sub(s.joined + s.prefix).min(s.file.len());
                (s.file.start + within, s.role)
            }
            None => (0, Role::Markup),
        }
    }

    /// The new text of each of the `n` blocks in the engine's `output`; `None` when the markers
    /// are not all there.
    fn split<'o>(&self, output: &'o str, n: usize) -> Option<Vec<&'o str>> {
        let pieces: Vec<&str> = output.split(self.marker.as_str()).collect();
        if self.marker.is_empty() || pieces.len() != n + 1 {
            return None;
        }
        Some(
            pieces
                .into_iter()
                .take(n)
                .enumerate()
                .map(|(i, p)| {
                    let p = if i > 0 {
                        p.strip_prefix('\n').unwrap_or(p)
                    } else {
                        p
                    };
                    p.strip_suffix('\n').unwrap_or(p)
                })
                .collect(),
        )
    }
}

/// The byte offset of a 1-based line and character column, as [`LineIndex`] gives them;
/// `starts` are the offsets where the lines of `text` start.
fn offset_of(text: &str, starts: &[usize], line: usize, column: usize) -> usize {
    let start = starts
        .get(line.saturating_sub(1))
        .copied()
        .unwrap_or(text.len());
    let rest = text.get(start..).unwrap_or("");
    let bom = if rest.starts_with('\u{feff}') { 3 } else { 0 };
    let line_text = &rest[bom..];
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    start + bom + within
}

/// Where each line of `text` starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
        .collect()
}

/// Words that are not names a template can bind, space-separated.
const KEYWORDS: &str = "abstract arguments as async await break case catch class const continue \
    debugger declare default delete do else enum export extends false finally for function if \
    implements import in instanceof interface let new null of package private protected public \
    return static super switch this throw true try type typeof undefined var void while with \
    yield";

fn is_keyword(word: &str) -> bool {
    KEYWORDS.split_whitespace().any(|k| k == word)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The identifiers `range` (markup code) reads: words outside string literals, not after a
/// `.` (a property) and not keywords.
fn identifiers(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let b = bytes[i];
        if matches!(b, b'\'' | b'"' | b'`') {
            i = memchr(b, &bytes[i + 1..range.end]).map_or(range.end, |k| i + 1 + k + 1);
            continue;
        }
        if !is_word_byte(b) {
            i += 1;
            continue;
        }
        let start = i;
        while i < range.end && is_word_byte(bytes[i]) {
            i += 1;
        }
        let word = &text[start..i];
        let property = bytes[range.start..start]
            .iter()
            .rev()
            .find(|b| !is_space(**b))
            == Some(&b'.');
        if b.is_ascii_digit() || property || !word.is_ascii() || is_keyword(word) {
            continue;
        }
        found.push(start..i);
    }
    found
}

/// Runs `analyse` over the code of a `markup` file, for readers other than the transform
/// (`inventory`): once per unit that may use Amplitude, on its blocks and its markup code
/// joined as one program (as the transform's report pass sees them). `analyse` gets the
/// grammar and the program and returns what it found at program offsets; those come back at
/// offsets of the whole file.
pub fn analyse<T>(
    markup: Markup,
    text: &str,
    mut analyse: impl FnMut(Lang, &str) -> Vec<(usize, T)>,
) -> Vec<(usize, T)> {
    let scanned = Scanner::run(markup, text);
    let mut found = Vec::new();
    for unit in units(markup, &scanned) {
        let blocks: Vec<&Script> = unit
            .blocks
            .iter()
            .filter_map(|&i| scanned.scripts.get(i))
            .collect();
        let mut code = blocks
            .iter()
            .map(|s| &s.content)
            .chain(unit.markup.iter().map(|m| &m.range));
        if !code.any(|r| prefilter::may_contain(&text.as_bytes()[r.clone()])) {
            continue;
        }
        let joined = Joined::new(text, &blocks, &[], &unit.markup);
        for (at, item) in analyse(unit.lang, &joined.text) {
            found.push((joined.to_file(at).0, item));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(markup: Markup, text: &str) -> Vec<(&str, Code)> {
        scan(markup, text)
            .into_iter()
            .map(|s| (&text[s.content], s.code))
            .collect()
    }

    const JS: Code = Code::Parsed {
        lang: Lang::JavaScript,
        own_scope: false,
    };
    const TS: Code = Code::Parsed {
        lang: Lang::TypeScript,
        own_scope: false,
    };

    #[test]
    fn finds_blocks_with_any_case_and_quotes() {
        let src = "<template><p>{{ a }}</p></template>\n<SCRIPT lang='TS'>a()</SCRIPT >\n<script setup lang=tsx>b()</script>\n<script lang=\"typescript\" setup>c()</script>";
        assert_eq!(
            contents(Markup::Vue, src),
            vec![
                ("a()", TS),
                (
                    "b()",
                    Code::Parsed {
                        lang: Lang::Tsx,
                        own_scope: false
                    }
                ),
                ("c()", TS),
            ]
        );
    }

    #[test]
    fn types_src_and_languages() {
        let src = concat!(
            "<script src=\"https://cdn.amplitude.com/libs/a.js\"></script>",
            "<script type=\"application/json\">{\"amplitude\": 1}</script>",
            "<script type=\"text/x-template\" id=\"t\"><div/></script>",
            "<script type=\"module\">m()</script>",
            "<script type=\"text/javascript; charset=utf-8\">j()</script>",
            "<script lang=\"coffee\">c()</script>",
            "<script type=\"\">e()</script>",
        );
        let found = contents(Markup::Html, src);
        assert_eq!(
            found[0].1,
            Code::External("https://cdn.amplitude.com/libs/a.js".into())
        );
        assert_eq!(found[1].1, Code::NotCode);
        assert_eq!(found[2].1, Code::NotCode);
        assert_eq!(
            found[3],
            (
                "m()",
                Code::Parsed {
                    lang: Lang::JavaScript,
                    own_scope: true
                }
            )
        );
        assert_eq!(found[4], ("j()", JS));
        assert_eq!(found[5].1, Code::Unsupported("coffee".into()));
        assert_eq!(found[6], ("e()", JS));
    }

    #[test]
    fn comments_raw_text_and_attributes_hide_scripts() {
        let src = concat!(
            "<!-- <script>a()</script> -->",
            "<div title=\"<script>b()</script>\" data-x='>'>",
            "<style>p::after { content: '<script>' }</style>",
            "<textarea><script>c()</script></textarea>",
            "<script>d('</scriptx>')</script>",
        );
        assert_eq!(contents(Markup::Html, src), vec![("d('</scriptx>')", JS)]);
    }

    #[test]
    fn self_closing_and_unclosed_scripts() {
        let vue = "<script setup src=\"./a.ts\" />\n<script>b()</script>";
        let found = contents(Markup::Vue, vue);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1], ("b()", JS));
        // HTML ignores the slash: the content runs to `</script>`.
        assert_eq!(
            contents(Markup::Html, "<script/>x()</script>"),
            vec![("x()", JS)]
        );
        assert_eq!(contents(Markup::Html, "<p><script>x()"), vec![("x()", JS)]);
        assert!(contents(Markup::Html, "<script src='a.js'").is_empty());
    }

    #[test]
    fn vue_top_level_blocks_other_than_template_are_text() {
        let src = "<docs>\n```html\n<script>a()</script>\n```\n</docs>\n<template><template v-if=\"x\"><script>b()</script></template><p/></template>\n<script>c()</script>";
        assert_eq!(contents(Markup::Vue, src), vec![("c()", JS)]);
    }

    #[test]
    fn svelte_braces_may_hold_a_greater_than_sign() {
        let src = "<button on:click={() => n > 1 && go('<script>')}>{n}</button>\n<script context=\"module\">m()</script>\n<script lang=\"ts\">i()</script>";
        assert_eq!(
            contents(Markup::Svelte, src),
            vec![("m()", JS), ("i()", TS)]
        );
        let code: Vec<&str> = Scanner::run(Markup::Svelte, src)
            .markup
            .iter()
            .map(|m| &src[m.range.clone()])
            .collect();
        assert_eq!(code, vec!["() => n > 1 && go('<script>')", "n"]);
    }

    #[test]
    fn markup_code_per_format() {
        let vue = "<template><a :href=\"url\" @click=\"track('x')\" v-for=\"i in is\" class=\"c\">{{ n + 1 }}</a></template>";
        let found: Vec<(&str, bool)> = Scanner::run(Markup::Vue, vue)
            .markup
            .iter()
            .map(|m| (&vue[m.range.clone()], m.expression))
            .collect();
        assert_eq!(
            found,
            vec![("url", true), ("track('x')", false), (" n + 1 ", true)]
        );
        let html = "<button onclick=\"amplitude.logEvent('x')\" title=\"{{ no }}\">";
        let found: Vec<&str> = Scanner::run(Markup::Html, html)
            .markup
            .iter()
            .map(|m| &html[m.range.clone()])
            .collect();
        assert_eq!(found, vec!["amplitude.logEvent('x')"]);
    }

    #[test]
    fn identifiers_skip_strings_properties_and_keywords() {
        let src = "a.b(c, 'd', typeof e) + f?.g";
        let words: Vec<&str> = identifiers(src, 0..src.len())
            .into_iter()
            .map(|r| &src[r])
            .collect();
        assert_eq!(words, vec!["a", "c", "e", "f"]);
    }

    #[test]
    fn offsets_round_trip_with_positions() {
        let src = "ab\n\u{feff}é = x;\nlast";
        let idx = LineIndex::new(src);
        for at in [0, 1, 2, 6, 8, src.len() - 1] {
            let (l, c) = idx.position(src, at);
            assert_eq!(offset_of(src, &line_starts(src), l, c), at, "{at}");
        }
    }

    #[test]
    fn findings_and_rewrites_carry_file_positions() {
        let src = "<template>\n  <p>amplitude</p>\n</template>\n\n<script>import amplitude from 'amplitude-js'\nexport default {\n  mounted() { amplitude.getInstance().logEvent('A') },\n}\n</script>\n";
        let out = transform(Markup::Vue, src, &crate::clients::Env::default());
        assert_eq!(out.error, None);
        let expected = src
            .replace(
                "import amplitude from 'amplitude-js'",
                "import mixpanel from 'mixpanel-browser'",
            )
            .replace("amplitude.getInstance().logEvent", "mixpanel.track");
        assert_eq!(out.output.as_deref(), Some(expected.as_str()));
        let at: Vec<(usize, usize)> = out.findings.iter().map(|f| (f.line, f.column)).collect();
        assert_eq!(at, vec![(5, 9), (7, 15)]);
        assert_eq!(
            out.rewrites.iter().map(|r| (r.1, r.2)).collect::<Vec<_>>(),
            vec![(7, 15)]
        );
    }

    #[test]
    fn an_import_in_one_block_serves_the_other() {
        let src = "<script>\nimport { track } from '@amplitude/analytics-browser'\nexport default { name: 'A' }\n</script>\n<script setup>\ntrack('Opened')\n</script>\n";
        let out = transform(Markup::Vue, src, &crate::clients::Env::default());
        assert_eq!(
            out.output.as_deref(),
            Some("<script>\nimport mixpanel from 'mixpanel-browser'\nexport default { name: 'A' }\n</script>\n<script setup>\nmixpanel.track('Opened')\n</script>\n")
        );
    }

    #[test]
    fn a_client_the_template_uses_is_left_whole_and_reported() {
        let src = "<script setup>\nimport * as amplitude from '@amplitude/analytics-browser'\namplitude.track('Shown')\n</script>\n<template>\n  <button @click=\"amplitude.track('Clicked')\">Go</button>\n</template>\n";
        let out = transform(Markup::Vue, src, &crate::clients::Env::default());
        // The template's use stays on Amplitude, so the client is left whole: the script's
        // call is reported with it instead of moving to Mixpanel alone.
        assert_eq!(out.output, None);
        let script: Vec<&Located> = out.findings.iter().filter(|f| f.line == 3).collect();
        assert_eq!(script.len(), 1, "{:#?}", out.findings);
        assert!(!script[0].finding.fixable);
        assert!(script[0].finding.message.contains("left: 1 of 2 uses of the default `@amplitude/analytics-browser` instance cannot be rewritten: line 6"), "{}", script[0].finding.message);
        let template: Vec<&Located> = out.findings.iter().filter(|f| f.line == 6).collect();
        assert_eq!(template.len(), 1, "{:#?}", out.findings);
        assert_eq!(template[0].column, 19);
        assert!(!template[0].finding.fixable);
        assert!(template[0].finding.message.ends_with(IN_MARKUP));
    }

    #[test]
    fn a_call_only_in_the_markup_changes_nothing() {
        let src = "<script setup>\nimport * as amplitude from '@amplitude/analytics-browser'\n</script>\n<template><b @click=\"amplitude.track('x')\" /></template>\n";
        let out = transform(Markup::Vue, src, &crate::clients::Env::default());
        assert_eq!(out.output, None);
        let found: Vec<(usize, usize, bool)> = out
            .findings
            .iter()
            .map(|f| (f.line, f.column, f.finding.fixable))
            .collect();
        assert_eq!(found, vec![(2, 1, false), (4, 22, false)]);
    }

    #[test]
    fn a_local_named_amplitude_in_a_svelte_template_is_not_amplitude() {
        let src = "<script>\n  export let amplitude = 0.5;\n  import amp from 'amplitude-js';\n  amp.getInstance().logEvent('Shown');\n</script>\n<p>{amplitude.toFixed(2)}</p>\n";
        let out = transform(Markup::Svelte, src, &crate::clients::Env::default());
        assert!(
            out.findings.iter().all(|f| f.line < 6),
            "{:#?}",
            out.findings
        );
        assert!(out
            .output
            .unwrap()
            .ends_with("<p>{amplitude.toFixed(2)}</p>\n"));
    }

    #[test]
    fn every_prefix_and_cut_of_markup_is_handled() {
        let src = "<!-- c --><template><b :x=\"a.b('<')\" @y=\"track(1)\">{{ amplitude.x }}</b>{é {{é</template>\n<p on:x={é}>{é</p><script lang=\"ts\">\nimport * as amplitude from '@amplitude/analytics-browser'\namplitude.track('é', { a: `${1}` })\n</script><script setup>\namplitude.setUserId('u')</script>\n<style>a{}</style>";
        let cuts: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        for markup in [Markup::Vue, Markup::Svelte, Markup::Html] {
            for &end in &cuts {
                let text = &src[..end];
                let _ = transform(markup, text, &crate::clients::Env::default());
                let _ = code_ranges(markup, text);
                // The same text with one byte range dropped from the middle.
                let mid = cuts[cuts.len() / 2].min(end);
                let cut = format!("{}{}", &src[..mid], &src[end.max(mid)..]);
                let _ = transform(markup, &cut, &crate::clients::Env::default());
            }
        }
    }

    /// The text with every block's content taken out.
    fn outside(markup: Markup, text: &str) -> Vec<String> {
        let mut at = 0;
        let mut parts = Vec::new();
        for s in scan(markup, text) {
            parts.push(text[at..s.content.start].to_string());
            at = s.content.end;
        }
        parts.push(text[at..].to_string());
        parts
    }

    #[test]
    fn random_markup_never_panics() {
        #[rustfmt::skip]
        const TOKENS: [&str; 30] = [
            "<", ">", "script", "<script>", "</script>", "<script setup lang=ts>", "{", "}",
            "{{", "}}", "\"", "'", "`", "=", " ", "\n", "é", "<!--", "-->", "amplitude.",
            "track(", ")", "/", "<template>", "</template>", "@click=", "on:click=", "onclick=",
            "import * as amplitude from '@amplitude/analytics-browser'\n", "<style>",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..40 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                text.push_str(TOKENS[(seed >> 33) as usize % TOKENS.len()]);
            }
            for markup in [Markup::Vue, Markup::Svelte, Markup::Html] {
                let out = transform(markup, &text, &crate::clients::Env::default());
                if let Some(new) = out.output {
                    // Whatever changed lies inside the blocks the scan found.
                    assert_eq!(outside(markup, &new), outside(markup, &text), "{text}");
                }
            }
        }
    }

    #[test]
    fn an_inline_loader_snippet_is_reported_and_keeps_its_client() {
        let src = "<script>\n(function(e,t){var r=t.createElement('script');r.src='https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js';e.amplitude={}})(window,document);\namplitude.getInstance().init('KEY');\n</script>\n";
        let out = transform(Markup::Html, src, &crate::clients::Env::default());
        let found: Vec<(usize, usize, &str, bool)> = out
            .findings
            .iter()
            .map(|f| (f.line, f.column, f.finding.rule, f.finding.fixable))
            .collect();
        assert_eq!(
            found,
            vec![(2, 54, SCRIPT_SRC, false), (3, 1, rule::CALL, false)]
        );
    }

    #[test]
    fn one_failed_unit_leaves_the_whole_file() {
        let text = "<script>a()</script><script type=module>b()</script>";
        let index = LineIndex::new(text);
        let fixable = |at: usize| {
            locate(
                &index,
                text,
                Finding {
                    range: at..at + 3,
                    rule: rule::CALL,
                    subject: "a".into(),
                    message: "m".into(),
                    fixable: true,
                    note: None,
                },
            )
        };
        let good = UnitDone {
            edits: vec![Edit::new(8..11, "x()")],
            rewrites: vec![(Target::Track, 1, 9)],
            findings: vec![fixable(8)],
            error: None,
            ..UnitDone::default()
        };
        let bad = UnitDone {
            findings: vec![fixable(43)],
            error: Some("the `<script>` block at line 1: broken".into()),
            ..UnitDone::default()
        };
        let out = merge(text, vec![good, bad]);
        assert_eq!(out.output, None);
        assert!(out.rewrites.is_empty());
        assert_eq!(
            out.error.as_deref(),
            Some("the `<script>` block at line 1: broken")
        );
        assert!(out
            .findings
            .iter()
            .all(|f| !f.finding.fixable && f.finding.message.ends_with(engine::NOT_APPLIED)));
        let good = UnitDone {
            edits: vec![Edit::new(8..11, "x()")],
            ..UnitDone::default()
        };
        let out = merge(text, vec![good]);
        assert_eq!(
            out.output.as_deref(),
            Some("<script>x()</script><script type=module>b()</script>")
        );
    }

    #[test]
    fn split_finds_each_block_again() {
        let joined = Joined {
            text: "a\nM\nb\nM\n".into(),
            marker: "M".into(),
            segments: Vec::new(),
        };
        assert_eq!(joined.split("x\nM\ny\nM\n", 2), Some(vec!["x", "y"]));
        assert_eq!(joined.split("x\ny\nM\n", 2), None);
        assert!(parses_as_well(Lang::JavaScript, "a(", "b("));
        assert!(!parses_as_well(Lang::JavaScript, "a()", "b("));
    }
}
