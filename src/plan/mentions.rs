//! Amplitude packages named outside a static import or require: lazy loads
//! (`import('amplitude-js')`, `await require(…)`, `import(…).then(cb)`, a loader function
//! `const sdk = () => import(…)` and its calls), re-exports (`export * from '@amplitude/…'`),
//! TypeScript's `typeof import(…)`, and test mocks (`jest.mock('amplitude-js')`). amp2mp does not
//! rewrite them; each is reported so that `check` never passes while one is left, and a lazy
//! load or a re-export keeps the package's client on Amplitude (its uses are not followed).

use super::{rule, Finding, Planner};
use crate::clients::Family;
use crate::resolve::{word_offsets, Instance};
use std::ops::Range;
use tree_sitter::Node;

/// How a package name is used, from the node around its string.
#[derive(Debug, PartialEq, Eq)]
enum Mention {
    /// `import('x')` / `require('x')` not bound by a static form: the range to report (the
    /// whole `.then(…)` call when there is one) and the loader's name when the load is the
    /// body of `const NAME = () => import('x')`.
    Load(Range<usize>, Option<String>),
    /// `export … from 'x'`.
    Reexport(Range<usize>),
    /// Any other call taking the name first (`jest.mock('x')`), or a type (`typeof import('x')`).
    Other(Range<usize>),
}

/// The `.then(…)` call a promise expression is the object of, if any: the range to report.
fn then_call(promise: Node) -> Option<Node> {
    let member = promise
        .parent()
        .filter(|p| p.kind() == "member_expression")?;
    let prop = member.child_by_field_name("property")?;
    if prop.kind() != "property_identifier" {
        return None;
    }
    member.parent().filter(|c| c.kind() == "call_expression")
}

/// Reads the context of a package string (`string` node).
fn mention(string: Node, source: &str) -> Option<Mention> {
    let args = string.parent()?;
    if args.kind() == "export_statement" {
        return Some(Mention::Reexport(args.byte_range()));
    }
    // `typeof import('x')` and other type positions.
    let mut n = Some(args);
    while let Some(p) = n {
        if p.kind().ends_with("_type") || p.kind() == "type_query" {
            return Some(Mention::Other(p.byte_range()));
        }
        if p.kind().ends_with("statement") || p.kind().ends_with("declaration") {
            break;
        }
        n = p.parent();
    }
    if args.kind() != "arguments" {
        return None;
    }
    let first = args.named_child(0).is_some_and(|f| f.id() == string.id());
    let call = args.parent().filter(|c| c.kind() == "call_expression")?;
    if !first {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let loads = function.kind() == "import"
        || (function.kind() == "identifier" && &source[function.byte_range()] == "require");
    if !loads {
        return Some(Mention::Other(call.byte_range()));
    }
    let mut at = call;
    if let Some(p) = at.parent().filter(|p| p.kind() == "await_expression") {
        at = p;
    }
    let range = then_call(at).map_or(at.byte_range(), |t| t.byte_range());
    let loader = at
        .parent()
        .filter(|p| p.kind() == "arrow_function")
        .and_then(|f| f.parent())
        .filter(|d| d.kind() == "variable_declarator")
        .and_then(|d| d.child_by_field_name("name"))
        .filter(|n| n.kind() == "identifier")
        .map(|n| source[n.byte_range()].to_string());
    Some(Mention::Load(range, loader))
}

impl Planner<'_, '_> {
    /// `window.amplitude` read outside a call (`if (!window.amplitude) return`): the snippet's
    /// global itself. It becomes `window.mixpanel` with its client, or is reported.
    pub(super) fn global_reads(&mut self) {
        let id = self.res.env.global(&Instance::Default);
        let left = self.res.env.left.get(&id).cloned();
        for at in word_offsets(self.src, "amplitude") {
            // Only `window.amplitude` is of interest: a cheap look before the tree.
            if !self.src[..at].ends_with("window.") {
                continue;
            }
            let Some(prop) = self.res.root.descendant_for_byte_range(at, at + 9) else {
                continue;
            };
            if prop.kind() != "property_identifier" {
                continue;
            }
            let Some(member) = prop.parent().filter(|m| m.kind() == "member_expression") else {
                continue;
            };
            let is_window = member
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "identifier" && self.text(o) == "window")
                && self
                    .res
                    .scopes
                    .resolve("window", self.res.scopes.scope_of(member))
                    .is_none();
            let range = member.byte_range();
            let taken = self.is_gone(member.id(), &range)
                || self.reported.contains(&member.id())
                || self
                    .left_calls
                    .iter()
                    .any(|c| c.start <= range.start && range.end <= c.end);
            // A read that continues (`window.amplitude.getInstance`) belongs to a call amp2mp
            // planned or reported.
            let continues = member
                .parent()
                .is_some_and(|p| p.kind() == "member_expression" || p.kind() == "call_expression");
            if !is_window || taken || continues {
                continue;
            }
            self.uses.push(id.clone());
            match &left {
                None if self.res.error_ranges.is_empty() => {
                    self.edits.push(crate::edit::Edit::new(
                        prop.byte_range(),
                        "mixpanel".to_string(),
                    ));
                    self.findings.push(Finding {
                        range,
                        rule: rule::CALL,
                        subject: "window.amplitude".into(),
                        message:
                            "`window.amplitude` (the snippet's global): becomes `window.mixpanel`"
                                .into(),
                        fixable: true,
                        note: None,
                    });
                }
                _ => {
                    let why = left.clone().unwrap_or_else(|| {
                        "a syntax error in the file: fix it, then run amp2mp again".into()
                    });
                    self.findings.push(Finding {
                        range,
                        rule: rule::CALL,
                        subject: "window.amplitude".into(),
                        message: format!("`window.amplitude` (the snippet's global): {why}"),
                        fixable: false,
                        note: None,
                    });
                }
            }
        }
    }

    /// Reports every Amplitude package named outside the file's static imports and requires,
    /// and the lazy loads bound like imports (`const a = await import('x')`).
    pub(super) fn mentions(&mut self) {
        let imports: Vec<Range<usize>> = self.res.imports.iter().map(|i| i.range.clone()).collect();
        for import in &self.res.imports {
            let (Some(lazy), Some(family)) = (&import.lazy, Family::of_package(&import.source))
            else {
                continue;
            };
            self.block_lazy(family, import.range.start, lazy);
        }
        let mut seen: Vec<usize> = Vec::new();
        for at in word_offsets(self.src, "amplitude") {
            // A package name starts a string (`'amplitude-js'`) or a scope (`'@amplitude/…'`).
            if !self.src[..at].ends_with(['\'', '"', '`', '@']) {
                continue;
            }
            let Some(frag) = self.res.root.descendant_for_byte_range(at, at + 1) else {
                continue;
            };
            if frag.kind() != "string_fragment" || seen.contains(&frag.id()) {
                continue;
            }
            seen.push(frag.id());
            let Some(family) = Family::of_package(self.text(frag)) else {
                continue;
            };
            if imports.iter().any(|r| r.start <= at && at < r.end) {
                continue;
            }
            let Some(string) = frag.parent() else {
                continue;
            };
            let package = self.text(frag).to_string();
            match mention(string, self.src) {
                Some(Mention::Load(range, loader)) => {
                    let text = self.src[string.parent().map_or(string.byte_range(), |a| {
                        a.parent().map_or(a.byte_range(), |c| c.byte_range())
                    })]
                    .to_string();
                    self.block_lazy(family, range.start, &text);
                    self.mention_finding(range, &package, format!("`{text}` loads the Amplitude SDK lazily: amp2mp does not rewrite lazy loads; load `mixpanel-browser` the same way and migrate these calls by hand"));
                    if let Some(name) = loader {
                        self.loader_calls(&name, &package, string.start_byte());
                    }
                }
                Some(Mention::Reexport(range)) => {
                    let id = self.res.env.shared(family, &Instance::Default);
                    self.uses.push(id.clone());
                    self.block(&id, range.start, || {
                        format!("`export … from '{package}'` hands the SDK to other modules")
                    });
                    self.mention_finding(range, &package, format!("re-export of `{package}`: the modules that import it call Amplitude: migrate them, then remove it"));
                }
                Some(Mention::Other(range)) => {
                    self.mention_finding(range, &package, format!("`{package}` is named here (a mock or a type of the Amplitude SDK): update it once the SDK's uses are migrated"));
                }
                None => {}
            }
        }
    }

    /// A lazy load keeps the package's shared client on Amplitude.
    fn block_lazy(&mut self, family: Family, at: usize, text: &str) {
        let id = self.res.env.shared(family, &Instance::Default);
        self.uses.push(id.clone());
        self.block(&id, at, || {
            format!("`{text}` loads the SDK lazily, which amp2mp does not rewrite")
        });
    }

    /// The calls of a loader function (`sdk().then(…)`), each reported whole.
    fn loader_calls(&mut self, name: &str, package: &str, defined_at: usize) {
        for at in word_offsets(self.src, name) {
            let Some(ident) = self.res.root.descendant_for_byte_range(at, at + name.len()) else {
                continue;
            };
            let call = ident
                .parent()
                .filter(|c| c.kind() == "call_expression")
                .filter(|c| {
                    c.child_by_field_name("function")
                        .is_some_and(|f| f.id() == ident.id())
                });
            let Some(call) = call else {
                continue;
            };
            if call.start_byte() <= defined_at && defined_at < call.end_byte() {
                continue;
            }
            let range = then_call(call).map_or(call.byte_range(), |t| t.byte_range());
            self.mention_finding(range, package, format!("`{name}()` loads `{package}` lazily: amp2mp does not rewrite lazy loads; migrate this use by hand"));
        }
    }

    /// A finding on a mention; its subject is the text reported, so that the package.json
    /// step does not count it among the package's imports.
    fn mention_finding(&mut self, range: Range<usize>, package: &str, message: String) {
        self.findings.push(Finding {
            subject: format!("'{package}'"),
            range,
            rule: rule::IMPORT,
            message,
            fixable: false,
            note: None,
        });
    }
}
