//! Turns a file's resolved Amplitude use into edits and findings; never does I/O. Each Amplitude
//! call is either rewritten (its callee replaced, arguments kept byte for byte) or reported with
//! a reason. Then stored clients and imports that nothing uses any more are deleted, and the
//! Mixpanel import is put in place of the first one (or reused when the file has one).

use crate::edit::{whole_lines, Edit};
use crate::mapping::{self, Action, Target};
use crate::resolve::{
    unwrap, Call, Client, Family, Import, Imported, Instance, Origin, Resolution, Root,
    MIXPANEL_BROWSER,
};
use std::collections::HashSet;
use std::ops::Range;
use tree_sitter::Node;

/// Stable rule ids, shared by `check`'s formats.
pub mod rule {
    pub const IMPORT: &str = "amplitude-import";
    pub const CALL: &str = "amplitude-call";
    pub const UNANALYZED: &str = "unanalyzed-file";
    /// A package.json dependency on an Amplitude package.
    pub const DEPENDENCY: &str = "amplitude-dependency";
}

/// One Amplitude use: rewritten by `apply` (`fixable`) or left for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub range: Range<usize>,
    pub rule: &'static str,
    /// What was found, as written (`logEvent`, `amplitude.Identify`, `amplitude-js`).
    pub subject: String,
    pub message: String,
    pub fixable: bool,
}

/// One call rewritten, for the summary's counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewritten {
    pub target: Target,
    pub at: usize,
}

/// The edits and findings for one file.
#[derive(Default, Debug)]
pub struct Plan {
    pub edits: Vec<Edit>,
    pub rewrites: Vec<Rewritten>,
    pub findings: Vec<Finding>,
}

/// Plans the migration of one resolved file.
pub fn plan(res: &Resolution) -> Plan {
    let mut p = Planner::new(res);
    p.calls();
    p.stored_clients();
    p.imports();
    p.leftover_uses();
    p.finish()
}

struct Planner<'r, 't> {
    res: &'r Resolution<'t>,
    src: &'t str,
    /// The name the Mixpanel object has (an existing import's, or `mixpanel`).
    mp: String,
    /// `mixpanel` names something in the file that is not Mixpanel.
    mp_taken: bool,
    newline: &'static str,
    edits: Vec<Edit>,
    rewrites: Vec<Rewritten>,
    findings: Vec<Finding>,
    /// Reference / producer node ids that rewritten calls consume.
    consumed: HashSet<usize>,
    /// Ranges deleted whole: anything inside is consumed.
    deleted: Vec<Range<usize>>,
    /// Node ids already covered by a finding.
    reported: HashSet<usize>,
    /// Calls left for a person: Amplitude uses inside them are covered by their finding.
    left_calls: Vec<Range<usize>>,
    /// A rewrite from an import needs the Mixpanel import.
    needs_import: bool,
}

impl<'r, 't> Planner<'r, 't> {
    fn new(res: &'r Resolution<'t>) -> Self {
        let existing = res.mixpanel_import().and_then(|i| {
            i.bindings
                .iter()
                .find(|b| b.imported == Imported::Module)
                .map(|b| b.binding.name.clone())
        });
        let mp_taken = existing.is_none() && res.scopes.resolve("mixpanel", 0).is_some();
        Planner {
            res,
            src: res.source,
            mp: existing.unwrap_or_else(|| "mixpanel".to_string()),
            mp_taken,
            newline: if res.source.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
            edits: Vec::new(),
            rewrites: Vec::new(),
            findings: Vec::new(),
            consumed: HashSet::new(),
            deleted: Vec::new(),
            reported: HashSet::new(),
            left_calls: Vec::new(),
            needs_import: false,
        }
    }

    fn text(&self, n: Node) -> &'t str {
        &self.src[n.byte_range()]
    }

    fn is_gone(&self, id: usize, range: &Range<usize>) -> bool {
        self.consumed.contains(&id)
            || self
                .deleted
                .iter()
                .any(|d| d.start <= range.start && range.end <= d.end)
    }

    /// The Amplitude client and method a call is on, if it is an Amplitude call.
    fn classify(&self, call: &Call<'t>) -> Option<(Client, String)> {
        let name = self.text(call.name).to_string();
        if let Some(recv) = call.receiver {
            return self.res.receiver(recv).map(|c| (c, name));
        }
        let (binding, family, exported) = self.res.imported_function(call)?;
        Some((
            Client {
                origin: Origin::Import,
                family,
                instance: Instance::Default,
                root: Root::Import(binding),
                root_ref: call.name.id(),
                producers: Vec::new(),
            },
            exported,
        ))
    }

    fn calls(&mut self) {
        let calls = self.res.calls.clone();
        for call in &calls {
            let Some((client, method)) = self.classify(call) else {
                continue;
            };
            let action = mapping::action(&method);
            if action == Action::Client {
                continue;
            }
            let outcome = match action {
                Action::Report(reason) => Err(reason.to_string()),
                _ if self.in_error(call.node) || statement_has_error(call.node) => {
                    Err("inside a syntax error: fix the syntax, then run amp2mp again".into())
                }
                Action::Rewrite(target) => self.rewrite(call, &client, &method, target),
                Action::Client => continue,
            };
            match outcome {
                Ok((target, edits)) => {
                    let clash = edits
                        .iter()
                        .any(|e| self.edits.iter().any(|k| k.overlaps(e)));
                    if clash {
                        self.leftover(
                            call,
                            &method,
                            &client,
                            "overlaps another rewrite: run amp2mp again after this one".into(),
                        );
                        continue;
                    }
                    self.edits.extend(edits);
                    self.consumed.insert(client.root_ref);
                    self.consumed.extend(client.producers.iter().copied());
                    if client.origin == Origin::Import {
                        self.needs_import = true;
                    }
                    self.rewrites.push(Rewritten {
                        target,
                        at: call.node.start_byte(),
                    });
                    let to = format!("{}.{}", self.receiver_base(&client), target.method());
                    self.findings.push(Finding {
                        range: call.node.byte_range(),
                        rule: rule::CALL,
                        subject: method.clone(),
                        message: format!("Amplitude `{method}`: becomes `{to}`"),
                        fixable: true,
                    });
                }
                Err(reason) => self.leftover(call, &method, &client, reason),
            }
        }
    }

    fn leftover(&mut self, call: &Call<'t>, method: &str, client: &Client, reason: String) {
        self.reported.insert(client.root_ref);
        self.reported.extend(client.producers.iter().copied());
        self.left_calls.push(call.node.byte_range());
        self.findings.push(Finding {
            range: call.node.byte_range(),
            rule: rule::CALL,
            subject: method.to_string(),
            message: format!("Amplitude `{method}`: {reason}"),
            fixable: false,
        });
    }

    /// The edits for one rewritable call, or why it is left alone.
    fn rewrite(
        &self,
        call: &Call<'t>,
        client: &Client,
        method: &str,
        target: Target,
    ) -> Result<(Target, Vec<Edit>), String> {
        if !client.family.is_rewritten() {
            return Err(match client.family {
                Family::Server => {
                    "server-side SDK: migrating to the `mixpanel` Node package is not supported yet"
                        .into()
                }
                Family::Mobile => {
                    "React Native SDK: migrating to `mixpanel-react-native` is not supported yet"
                        .into()
                }
                _ => "this Amplitude package has no Mixpanel counterpart: migrate by hand".into(),
            });
        }
        if let Some(Root::Stored(key)) = Some(&client.root) {
            if self.res.stored.get(key).is_some_and(|s| s.ambiguous) {
                return Err(
                    "the variable holds an Amplitude client and something else: migrate by hand"
                        .into(),
                );
            }
        }
        if client.instance == Instance::Unknown {
            return Err(
                "getInstance() with a name that is not a string literal: migrate by hand".into(),
            );
        }
        if client.origin != Origin::Window {
            if self.mp_taken && client.origin == Origin::Import {
                return Err("`mixpanel` already names something else in this file: rename it, then run amp2mp again".into());
            }
            if self.mixpanel_shadowed(call.node) {
                return Err("a local `mixpanel` shadows the Mixpanel object here: rename it, then run amp2mp again".into());
            }
        }
        let args = arguments(call.args);
        if args.iter().any(|a| a.kind() == "spread_element") {
            return Err("spread arguments: check the argument list by hand".into());
        }
        let sep = if self.text(call.callee).contains("?.") {
            "?."
        } else {
            "."
        };
        let recv = self.receiver_text(client);
        let callee = |m: &str| Edit::new(call.callee.byte_range(), format!("{recv}{sep}{m}"));
        match target {
            Target::Track => match args.as_slice() {
                [] => Err(format!("`{method}` without an event name")),
                [first, ..] if unwrap(*first).kind() == "object" => Err("event object: unpack event_type and event_properties into mixpanel.track(name, props) (not rewritten yet)".into()),
                [_] | [_, _] => Ok((target, vec![callee("track")])),
                _ => Err("the third argument (callback or event options) means something else in mixpanel.track (not rewritten yet)".into()),
            },
            Target::Identify => match args.as_slice() {
                [id] if self.is_nullish(*id) => Ok((
                    Target::Reset,
                    vec![Edit::new(call.node.byte_range(), format!("{recv}{sep}reset()"))],
                )),
                [_] => Ok((target, vec![callee("identify")])),
                [] => Err("setUserId() without an id: use mixpanel.reset() to log out".into()),
                _ => Err("the startNewSession argument has no Mixpanel equivalent: migrate by hand".into()),
            },
            Target::Reset => match args.as_slice() {
                [] => Ok((target, vec![Edit::new(call.node.byte_range(), format!("{recv}{sep}reset()"))])),
                _ => Err("reset() with arguments: migrate by hand".into()),
            },
            Target::PeopleSet => match args.as_slice() {
                [_] => Ok((target, vec![callee("people.set")])),
                _ => Err(format!("`{method}` expects one properties object")),
            },
            Target::SetGroup => match args.as_slice() {
                [_, _] => Ok((target, vec![callee("set_group")])),
                [_, _, _] => Err("event options (third argument) have no Mixpanel equivalent (not rewritten yet)".into()),
                _ => Err("setGroup expects a group type and a group name".into()),
            },
            Target::Init => self.init(call, client, &args, sep),
        }
    }

    /// `init(key[, userId][, options])` → `mixpanel.init(key[, {}][, 'name'])` plus an
    /// `identify(userId)` statement after it.
    fn init(
        &self,
        call: &Call<'t>,
        client: &Client,
        args: &[Node<'t>],
        sep: &str,
    ) -> Result<(Target, Vec<Edit>), String> {
        let (key, user, options) = match args {
            [] => return Err("init() without an API key".into()),
            [key] => (*key, None, None),
            [key, second] if unwrap(*second).kind() == "object" => (*key, None, Some(*second)),
            [key, second] => (*key, Some(*second), None),
            [key, second, third] => (*key, Some(*second), Some(*third)),
            _ => return Err("the init callback (fourth argument) becomes Mixpanel's `loaded` option (not rewritten yet)".into()),
        };
        let user = user.filter(|u| !self.is_nullish(*u));
        let options = options.filter(|o| !self.is_nullish(*o));
        if let Some(o) = options {
            let o = unwrap(o);
            if o.kind() != "object" {
                return Err(
                    "init options given as an expression: map them to Mixpanel's config by hand"
                        .into(),
                );
            }
            if !arguments(o).is_empty() {
                return Err("init options are mapped to Mixpanel's config by a later version (not rewritten yet)".into());
            }
        }
        let statement = call
            .node
            .parent()
            .filter(|p| p.kind() == "expression_statement");
        if user.is_some() && statement.is_none() {
            return Err("init with a user id inside an expression: move mixpanel.identify(userId) after it by hand".into());
        }
        let base = self.receiver_base(client);
        let mut edits = Vec::new();
        let named = match &client.instance {
            Instance::Named(name, quote) => Some(format!("{quote}{name}{quote}")),
            _ => None,
        };
        if named.is_none() && args.len() == 1 {
            edits.push(Edit::new(
                call.callee.byte_range(),
                format!("{base}{sep}init"),
            ));
        } else {
            let mut text = format!("{base}{sep}init({}", self.text(key));
            match (options, &named) {
                (Some(o), _) => text += &format!(", {}", self.text(o)),
                (None, Some(_)) => text += ", {}",
                (None, None) => {}
            }
            if let Some(n) = &named {
                text += &format!(", {n}");
            }
            text.push(')');
            edits.push(Edit::new(call.node.byte_range(), text));
        }
        if let (Some(user), Some(stmt)) = (user, statement) {
            let recv = self.receiver_text(client);
            let semi = if self.text(stmt).ends_with(';') {
                ";"
            } else {
                ""
            };
            let at = line_end_after(self.src, stmt.end_byte());
            let indent = line_indent(self.src, stmt.start_byte());
            edits.push(Edit::insert(
                at,
                format!(
                    "{}{indent}{recv}{sep}identify({}){semi}",
                    self.newline,
                    self.text(user)
                ),
            ));
        }
        Ok((Target::Init, edits))
    }

    /// Whether the node sits in, or contains, a syntax error.
    fn in_error(&self, node: Node) -> bool {
        let r = node.byte_range();
        node.has_error()
            || self
                .res
                .error_ranges
                .iter()
                .any(|e| e.start <= r.start && r.end <= e.end)
    }

    fn is_nullish(&self, n: Node) -> bool {
        matches!(self.text(unwrap(n)), "null" | "undefined")
    }

    /// Whether `mixpanel` read at `node` would find a local that is not the Mixpanel object.
    fn mixpanel_shadowed(&self, node: Node) -> bool {
        let scope = self.res.scopes.scope_of(node);
        match self.res.scopes.resolve(&self.mp, scope) {
            None => false,
            Some(b) => b.scope != 0 || self.mp_taken,
        }
    }

    /// The Mixpanel object a client becomes, without the instance: `mixpanel`, `window.mixpanel`.
    fn receiver_base(&self, client: &Client) -> String {
        match client.origin {
            Origin::Import => self.mp.clone(),
            Origin::Global => "mixpanel".to_string(),
            Origin::Window => "window.mixpanel".to_string(),
        }
    }

    /// The Mixpanel object a client becomes, with a named instance: `mixpanel.secondary`.
    fn receiver_text(&self, client: &Client) -> String {
        let base = self.receiver_base(client);
        match &client.instance {
            Instance::Named(name, quote) if is_identifier(name) => format!("{base}.{name}"),
            Instance::Named(name, quote) => format!("{base}[{quote}{name}{quote}]"),
            _ => base,
        }
    }

    /// Deletes the declarations of stored clients whose every use was rewritten.
    fn stored_clients(&mut self) {
        let mut stored: Vec<_> = self.res.stored.values().collect();
        stored.sort_by_key(|s| s.sites.first().map_or(0, |x| x.range.start));
        for s in stored {
            let all_used = s.uses.iter().all(|u| self.consumed.contains(u));
            let removable = !s.ambiguous
                && all_used
                && s.sites.iter().all(|site| site.statement.is_some())
                && s.family.is_rewritten();
            if !removable {
                continue;
            }
            let ranges: Vec<Range<usize>> = s
                .sites
                .iter()
                .filter_map(|site| site.statement.clone())
                .map(|r| whole_lines(self.src, r))
                .collect();
            if ranges.iter().any(|r| {
                self.edits
                    .iter()
                    .any(|e| e.overlaps(&Edit::delete(r.clone())))
            }) {
                continue;
            }
            for r in ranges {
                self.edits.push(Edit::delete(r.clone()));
                self.deleted.push(r);
            }
        }
    }

    /// Removes Amplitude imports nothing uses any more and puts the Mixpanel import in place.
    fn imports(&mut self) {
        let imports: Vec<&Import> = self
            .res
            .imports
            .iter()
            .filter(|i| Family::of_package(&i.source).is_some())
            .collect();
        let mut placed = self.res.mixpanel_import().is_some() || !self.needs_import;
        let mut first_kept: Option<&Import> = None;
        for import in imports {
            let family = Family::of_package(&import.source).unwrap_or(Family::Other);
            let free: Vec<bool> = import
                .bindings
                .iter()
                .map(|b| self.binding_free(&b.binding))
                .collect();
            let removable = family.is_rewritten() && !import.bindings.is_empty();
            let all_free = removable && free.iter().all(|f| *f);
            let mut removed = false;
            if all_free {
                if let Some(stmt) = import.statement.clone() {
                    if !placed {
                        let text = self.mixpanel_import_text(import);
                        self.edits.push(Edit::new(stmt.clone(), text));
                        placed = true;
                    } else {
                        self.edits
                            .push(Edit::delete(whole_lines(self.src, stmt.clone())));
                    }
                    self.deleted.push(stmt);
                    removed = true;
                }
            } else if removable {
                let specs: Vec<Range<usize>> = import
                    .bindings
                    .iter()
                    .zip(&free)
                    .filter(|(_, f)| **f)
                    .filter_map(|(b, _)| b.specifier.clone())
                    .collect();
                for r in &specs {
                    let del = specifier_with_comma(self.src, r.clone());
                    self.edits.push(Edit::delete(del));
                    self.deleted.push(r.clone());
                }
            }
            if !removed && first_kept.is_none() && import.statement.is_some() {
                first_kept = Some(import);
            }
            self.findings
                .push(self.import_finding(import, family, removed));
        }
        if !placed {
            if let Some(import) = first_kept {
                let text = self.mixpanel_import_text(import);
                let at = line_end_after(self.src, import.range.end);
                let indent = line_indent(self.src, import.range.start);
                self.edits
                    .push(Edit::insert(at, format!("{}{indent}{text}", self.newline)));
            }
        }
    }

    fn import_finding(&self, import: &Import, family: Family, removed: bool) -> Finding {
        let message = if removed {
            format!(
                "import of `{}`: replaced by `{MIXPANEL_BROWSER}`",
                import.source
            )
        } else {
            match family {
                Family::Server => format!("import of `{}`: server-side SDK, migrate to the `mixpanel` package (not rewritten yet)", import.source),
                Family::Mobile => format!("import of `{}`: migrate to `mixpanel-react-native` (not rewritten yet)", import.source),
                Family::Other => format!("import of `{}`: no Mixpanel counterpart, migrate by hand", import.source),
                _ if import.bindings.is_empty() => format!("side-effect import of `{}`: remove it once the snippet is replaced", import.source),
                _ => format!("import of `{}` is still used: remove it once its uses are migrated", import.source),
            }
        };
        Finding {
            range: import.range.clone(),
            rule: rule::IMPORT,
            subject: import.source.clone(),
            message,
            fixable: removed,
        }
    }

    /// Whether no reference to the binding is left after the planned edits.
    fn binding_free(&self, b: &crate::scope::Binding) -> bool {
        self.res.scopes.references.iter().all(|r| {
            self.is_gone(r.node_id, &(r.start..r.end))
                || self.res.scopes.resolve(&r.name, r.scope).as_ref() != Some(b)
        })
    }

    fn mixpanel_import_text(&self, like: &Import) -> String {
        let q = like.quote;
        let semi = if like.semicolon { ";" } else { "" };
        if like.is_require {
            let keyword = self.src[like.range.clone()]
                .split_whitespace()
                .next()
                .filter(|k| matches!(*k, "const" | "let" | "var"))
                .unwrap_or("const");
            format!(
                "{keyword} {} = require({q}{MIXPANEL_BROWSER}{q}){semi}",
                self.mp
            )
        } else {
            format!("import {} from {q}{MIXPANEL_BROWSER}{q}{semi}", self.mp)
        }
    }

    /// Reports every Amplitude reference and client producer the plan leaves in place and no
    /// other finding covers: a client passed as a value, `new amplitude.Identify()`, a kept
    /// `const client = amplitude.getInstance()`.
    fn leftover_uses(&mut self) {
        let mut found = Vec::new();
        for call in &self.res.calls {
            if self.is_gone(call.node.id(), &call.node.byte_range())
                || self.reported.contains(&call.node.id())
            {
                continue;
            }
            let Some(client) = self.res.producer(call) else {
                continue;
            };
            self.reported.insert(client.root_ref);
            self.reported.extend(client.producers.iter().copied());
            let holder = self.res.stored.values().find(|s| {
                s.sites.iter().any(|x| {
                    x.value.as_ref().is_some_and(|v| {
                        v.start <= call.node.start_byte() && call.node.end_byte() <= v.end
                    })
                })
            });
            let message = match holder {
                _ if self.in_error(call.node) || statement_has_error(call.node) => {
                    "Amplitude client inside a syntax error: fix the syntax, then run amp2mp again"
                        .to_string()
                }
                Some(s) if s.sites.iter().any(|x| x.statement.is_none()) => format!("Amplitude client kept in `{}`, which amp2mp cannot delete (exported or part of a larger statement): migrate its users, then delete it", s.display),
                Some(s) => format!("Amplitude client kept in `{}`, which is still used: delete it once its uses are migrated", s.display),
                None => "Amplitude client used as a value: migrate by hand".to_string(),
            };
            found.push(Finding {
                range: call.node.byte_range(),
                rule: rule::CALL,
                subject: self.text(call.name).to_string(),
                message,
                fixable: false,
            });
        }
        for r in &self.res.scopes.references {
            let range = r.start..r.end;
            let in_left_call = self
                .left_calls
                .iter()
                .any(|c| c.start <= range.start && range.end <= c.end);
            if self.is_gone(r.node_id, &range) || self.reported.contains(&r.node_id) || in_left_call
            {
                continue;
            }
            let Some(b) = self.res.scopes.resolve(&r.name, r.scope) else {
                continue;
            };
            let is_amplitude = self.res.import_binding(&b).is_some()
                || self
                    .res
                    .stored
                    .contains_key(&crate::resolve::StoreKey::Var(b.clone()));
            if !is_amplitude {
                continue;
            }
            let subject = member_text(self.src, range.clone());
            found.push(Finding {
                range,
                rule: rule::CALL,
                message: format!(
                    "Amplitude `{subject}` used outside a call amp2mp rewrites: migrate by hand"
                ),
                subject,
                fixable: false,
            });
        }
        self.findings.extend(found);
    }

    fn finish(mut self) -> Plan {
        self.edits.sort_by_key(|e| (e.range.start, e.range.end));
        self.findings
            .sort_by(|a, b| (a.range.start, a.rule).cmp(&(b.range.start, b.rule)));
        self.rewrites.sort_by_key(|r| r.at);
        Plan {
            edits: self.edits,
            rewrites: self.rewrites,
            findings: self.findings,
        }
    }
}

/// The argument (or property) nodes of an `arguments` (or `object`) node, comments skipped.
fn arguments(args: Node) -> Vec<Node> {
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|n| !n.is_extra())
        .collect()
}

/// Whether the statement holding `node` contains a syntax error.
fn statement_has_error(node: Node) -> bool {
    let mut n = node.parent();
    while let Some(p) = n {
        if p.is_error() {
            return true;
        }
        if p.kind().ends_with("statement") || p.kind().ends_with("declaration") {
            return p.has_error();
        }
        n = p.parent();
    }
    false
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The leading whitespace of the line holding byte `at`.
fn line_indent(src: &str, at: usize) -> &str {
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &src[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t', '\u{feff}']).len();
    line[..width].trim_start_matches('\u{feff}')
}

/// Where to insert a new line after a statement ending at `end`: the end of its line when only
/// blanks or a `//` comment follow it there, else `end` itself.
fn line_end_after(src: &str, end: usize) -> usize {
    let rest = &src[end..];
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let line = rest[..line_len].trim_end_matches('\r');
    let trimmed = line.trim_start_matches([' ', '\t']);
    if trimmed.is_empty() || trimmed.starts_with("//") {
        end + line.len()
    } else {
        end
    }
}

/// A specifier's range plus the comma and blanks that separate it from its neighbour.
fn specifier_with_comma(src: &str, r: Range<usize>) -> Range<usize> {
    let after = &src[r.end..];
    let ws_after = after.len() - after.trim_start().len();
    if after[ws_after..].starts_with(',') {
        let rest = &after[ws_after + 1..];
        let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return r.start..r.end + ws_after + 1 + ws;
    }
    let before = &src[..r.start];
    let trimmed = before.trim_end();
    if trimmed.ends_with(',') {
        return trimmed.len() - 1..r.end;
    }
    r
}

/// `amplitude` or, when the reference is the object of a member access, `amplitude.Identify`.
fn member_text(src: &str, r: Range<usize>) -> String {
    let name = &src[r.clone()];
    let rest = &src[r.end..];
    if let Some(prop) = rest.strip_prefix('.') {
        let len = prop
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(prop.len());
        if len > 0 {
            return format!("{name}.{}", &prop[..len]);
        }
    }
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifier_removal_takes_one_comma() {
        let src = "import { a, b, c } from 'x';";
        assert_eq!(&src[specifier_with_comma(src, 12..13)], "b, ");
        assert_eq!(&src[specifier_with_comma(src, 15..16)], ", c");
        assert_eq!(&src[specifier_with_comma(src, 9..10)], "a, ");
    }

    #[test]
    fn line_helpers() {
        let src = "if (a) {\n\tb(); // x\r\n}";
        assert_eq!(line_indent(src, 10), "\t");
        assert_eq!(line_end_after(src, 14), 19);
        assert_eq!(line_end_after("a(); b();", 4), 4);
        assert!(is_identifier("secondary") && !is_identifier("my-app"));
        assert_eq!(
            member_text("amplitude.Identify()", 0..9),
            "amplitude.Identify"
        );
    }
}
