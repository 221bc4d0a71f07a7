//! Turns a file's resolved Amplitude use into edits and findings; never does I/O. Each Amplitude
//! call is either rewritten (its callee replaced, arguments kept byte for byte) or reported with
//! a reason. Then stored clients and imports that nothing uses any more are deleted, and the
//! Mixpanel import is put in place of the first one (or reused when the file has one).

use crate::clients::ClientId;
use crate::edit::{whole_lines, Edit};
use crate::facts::Site as HandedOver;
use crate::mapping::{self, Action, Target};
use crate::resolve::{
    unwrap, Call, Client, Family, Import, Imported, Instance, Origin, Resolution, Root,
};
use crate::suppress::{self, Suppression};
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;
use tree_sitter::Node;

mod calls;
mod instance;
mod mentions;
mod names;
mod types;

use calls::Done;

/// Why the snippet's global client is left while its loader is Amplitude's.
pub const SNIPPET_LOADED: &str = "the Amplitude snippet is loaded here: replace it with Mixpanel's snippet, then run amp2mp again to move the calls";

/// Stable rule ids, shared by `check`'s formats.
pub mod rule {
    pub const IMPORT: &str = "amplitude-import";
    pub const CALL: &str = "amplitude-call";
    pub const TYPE: &str = "amplitude-type";
    pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
    pub const UNANALYZED: &str = "unanalyzed-file";
    /// A package.json dependency on an Amplitude package.
    pub const DEPENDENCY: &str = "amplitude-dependency";
}

/// The start of the reason given for calls amp2mp cannot analyse because of a syntax error.
const SYNTAX_ERROR: &str = "inside a syntax error";

/// Why Ampli call sites are left alone.
const AMPLI: &str = "Ampli is generated from Amplitude's tracking plan: port the generated file's internals (load → mixpanel.init, track → mixpanel.track(event.event_type, event.event_properties), identify → mixpanel.identify + people.set) or migrate its call sites by hand";

/// One Amplitude use: rewritten by `apply` (`fixable`) or left for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub range: Range<usize>,
    pub rule: &'static str,
    /// What was found, as written (`logEvent`, `amplitude.Identify`, `amplitude-js`).
    pub subject: String,
    pub message: String,
    pub fixable: bool,
    /// For a rewrite whose behaviour differs in a way a person should know: the caveat.
    pub note: Option<String>,
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
    /// Every use of a client the file has, one entry a use.
    pub uses: Vec<ClientId>,
    /// The uses that cannot be rewritten, which keep their client on Amplitude: (client, byte,
    /// the finding's message).
    pub blockers: Vec<(ClientId, usize, String)>,
}

/// Plans the migration of one resolved file.
pub fn plan(res: &Resolution, handed: &[HandedOver]) -> Plan {
    let mut p = Planner::new(res);
    p.find_instance();
    p.calls();
    p.handed_over(handed);
    p.stored_clients();
    p.types();
    p.ambient();
    p.typed_params();
    p.mentions();
    p.global_reads();
    p.imports();
    p.leftover_uses();
    p.endpoints();
    p.unreadable();
    p.finish()
}

struct Planner<'r, 't> {
    res: &'r Resolution<'t>,
    src: &'t str,
    /// The name the Mixpanel object has (an existing import's, or `mixpanel`).
    mp: String,
    /// `mixpanel` names something in the file that is not Mixpanel.
    mp_taken: bool,
    /// The quote character for strings amp2mp writes: the first Amplitude import's.
    quote: char,
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
    /// Mixpanel types that rewritten TypeScript types use (`Mixpanel`, `Config`, `Dict`).
    type_names: BTreeSet<&'static str>,
    /// The client the file creates for the Node or React Native SDK, if it creates one.
    instance: Option<instance::Instance>,
    /// A rewrite calls that client, so its package is imported.
    needs_instance_import: bool,
    /// `amp2mp-ignore` comments, and whether each silenced something.
    suppressions: Vec<(Suppression, bool)>,
    /// Stored clients this module hands over: their values become the Mixpanel object instead
    /// of being deleted.
    handed_stores: Vec<crate::resolve::StoreKey>,
    uses: Vec<ClientId>,
    blockers: Vec<(ClientId, usize, String)>,
}

impl<'r, 't> Planner<'r, 't> {
    fn new(res: &'r Resolution<'t>) -> Self {
        let existing = res.mixpanel_import().and_then(|i| {
            i.bindings
                .iter()
                .find(|b| b.imported == Imported::Module)
                .map(|b| b.binding.name.clone())
        });
        let ident = crate::config::current().identifier();
        let mp_taken = existing.is_none() && res.scopes.resolve(ident, 0).is_some();
        Planner {
            res,
            src: res.source,
            mp: existing.unwrap_or_else(|| ident.to_string()),
            mp_taken,
            quote: res
                .imports
                .iter()
                .find(|i| Family::of_package(&i.source).is_some())
                .map_or('\'', |i| i.quote),
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
            type_names: BTreeSet::new(),
            instance: None,
            needs_instance_import: false,
            suppressions: suppress::scan(res.source, res.root)
                .into_iter()
                .map(|s| (s, false))
                .collect(),
            handed_stores: Vec::new(),
            uses: Vec::new(),
            blockers: Vec::new(),
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
        if let Some(recv) = call.receiver {
            let client = self.res.receiver(recv)?;
            return Some((client, self.text(call.name).to_string()));
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
                id: self.res.env.shared(family, &Instance::Default),
                kept: None,
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
            if mapping::action(&method) != Action::Client
                && self.suppressed(call.node.start_byte(), rule::CALL)
            {
                continue;
            }
            if mapping::action(&method) == Action::Client {
                continue;
            }
            self.uses.push(client.id.clone());
            let outcome = match mapping::action(&method) {
                Action::Client => continue,
                _ if client.family == Family::Other => Err(
                    "this Amplitude package has no Mixpanel counterpart: migrate by hand".into(),
                ),
                _ if client.family == Family::Ampli => Err(
                    "generated from Amplitude's tracking plan: port the Ampli wrapper (see its import) or migrate by hand".into(),
                ),
                Action::Report(reason) => Err(reason.to_string()),
                _ if self.in_error(call.node) || statement_has_error(call.node) => {
                    Err(format!("{SYNTAX_ERROR}: fix the syntax, then run amp2mp again"))
                }
                Action::Rewrite(_)
                    if client.origin == Origin::Import && self.import_near_error() =>
                {
                    Err("an Amplitude import sits beside a syntax error, so amp2mp cannot replace it: fix the syntax, then run amp2mp again".into())
                }
                Action::Rewrite(target) => self.rewrite(call, &client, &method, target),
            };
            // A client left whole: a use that could be rewritten says why it is not; one that
            // could not gives its own reason.
            let left = self.res.env.left.get(&client.id);
            match (outcome, left) {
                (Ok(_), Some(why)) => self.leftover(call, &method, &client, why.clone()),
                (Ok(done), None) => self.accept(call, &client, &method, done),
                (Err(reason), _) => self.leftover(call, &method, &client, reason),
            }
        }
    }

    /// Takes a planned rewrite, unless its edits overlap one already taken.
    fn accept(&mut self, call: &Call<'t>, client: &Client, method: &str, done: Done) {
        let clash = done
            .edits
            .iter()
            .any(|e| self.edits.iter().any(|k| k.overlaps(e)));
        if clash {
            let reason = "overlaps another rewrite: run amp2mp again after this one".into();
            self.leftover(call, method, client, reason);
            return;
        }
        if done.edits.iter().any(|e| self.near_error(&e.range)) {
            // Editing next to a syntax error can change how the parser recovers from it, and so
            // what the next run sees.
            let reason =
                format!("{SYNTAX_ERROR} on the same line: fix the syntax, then run amp2mp again");
            self.leftover(call, method, client, reason);
            return;
        }
        self.edits.extend(done.edits);
        self.deleted.extend(done.gone);
        self.consumed.insert(client.root_ref);
        self.consumed.extend(client.producers.iter().copied());
        if matches!(client.family, Family::Server | Family::Mobile) {
            self.needs_instance_import = true;
        } else if client.origin == Origin::Import {
            self.needs_import = true;
        }
        self.rewrites.push(Rewritten {
            target: done.target,
            at: call.node.start_byte(),
        });
        self.findings.push(Finding {
            range: call.node.byte_range(),
            rule: rule::CALL,
            subject: method.to_string(),
            message: format!("Amplitude `{method}`: {}", done.to),
            fixable: true,
            note: (!done.notes.is_empty()).then(|| done.notes.join("; ")),
        });
    }

    fn leftover(&mut self, call: &Call<'t>, method: &str, client: &Client, reason: String) {
        self.block(&client.id, call.node.start_byte(), || {
            format!("`{method}`: {reason}")
        });
        self.reported.insert(client.root_ref);
        self.reported.extend(client.producers.iter().copied());
        self.left_calls.push(call.node.byte_range());
        self.findings.push(Finding {
            range: call.node.byte_range(),
            rule: if reason.contains("syntax error") {
                rule::UNANALYZED
            } else {
                rule::CALL
            },
            subject: method.to_string(),
            message: format!("{} `{method}`: {reason}", client.family.sdk_name()),
            fixable: false,
            note: None,
        });
    }

    /// Records a use that keeps `client` on Amplitude, unless the client is left already.
    fn block(&mut self, client: &ClientId, at: usize, why: impl FnOnce() -> String) {
        if !self.res.env.left.contains_key(client) {
            self.blockers.push((client.clone(), at, why()));
        }
    }

    /// Whether a range overlaps a syntax error: amp2mp does not delete or replace what it
    /// cannot read (after a deletion the parser may read the error differently).
    fn near_error(&self, r: &Range<usize>) -> bool {
        if self.res.error_ranges.is_empty() {
            return false;
        }
        // The whole lines the range is on: an error beside it on its line counts. A range that
        // ends with its line's break (a deleted statement) does not reach into the next line.
        let last = if r.end > r.start && self.src.as_bytes().get(r.end - 1) == Some(&b'\n') {
            r.end - 1
        } else {
            r.end
        };
        let start = self.src[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let end = self.src[last..]
            .find('\n')
            .map_or(self.src.len(), |i| last + i);
        self.res
            .error_ranges
            .iter()
            .any(|e| e.start <= end && start <= e.end)
    }

    /// Whether an Amplitude import of the file sits beside a syntax error.
    fn import_near_error(&self) -> bool {
        !self.res.error_ranges.is_empty()
            && self
                .res
                .imports
                .iter()
                .any(|i| Family::of_package(&i.source).is_some() && self.near_error(&i.range))
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
            Origin::Linked => client.kept.clone().unwrap_or_else(|| self.mp.clone()),
        }
    }

    /// The Mixpanel object a client becomes, with a named instance: `mixpanel.secondary`.
    fn receiver_text(&self, client: &Client) -> String {
        let base = self.receiver_base(client);
        if client.origin == Origin::Linked {
            // The module that hands it over picks the instance.
            return base;
        }
        match &client.instance {
            Instance::Named(name, quote) if is_identifier(name) => format!("{base}.{name}"),
            Instance::Named(name, quote) => format!("{base}[{quote}{name}{quote}]"),
            _ => base,
        }
    }

    /// TypeScript's declarations of the snippet's global: `declare const amplitude` becomes
    /// `declare const mixpanel` once its client is migrated (the rewritten calls read the Mixpanel
    /// snippet's global), else it is reported; `interface Window { amplitude: … }` is reported
    /// (its type is Amplitude's: a person writes Mixpanel's).
    fn ambient(&mut self) {
        let global = self.res.env.global(&Instance::Default);
        let left = self.res.env.left.contains_key(&global);
        let declared_mixpanel = self.res.ambient.iter().any(|n| self.text(*n) == "mixpanel")
            || self.res.scopes.resolve("mixpanel", 0).is_some();
        for &name in &self.res.ambient {
            let range = name.byte_range();
            if !left && !declared_mixpanel && self.res.error_ranges.is_empty() {
                self.edits
                    .push(Edit::new(range.clone(), "mixpanel".to_string()));
                self.findings.push(Finding {
                    range,
                    rule: rule::TYPE,
                    subject: "amplitude".into(),
                    message: "`declare const amplitude` (the snippet's global for the compiler): becomes `declare const mixpanel`".into(),
                    fixable: true,
                    note: None,
                });
            } else {
                self.findings.push(Finding {
                    range,
                    rule: rule::TYPE,
                    subject: "amplitude".into(),
                    message: "`declare const amplitude` types the snippet's global for the compiler: declare `mixpanel` instead once its uses are migrated".into(),
                    fixable: false,
                    note: None,
                });
            }
        }
        for &prop in &self.res.window_types {
            self.findings.push(Finding {
                range: prop.byte_range(),
                rule: rule::TYPE,
                subject: "Window.amplitude".into(),
                message: "`interface Window { amplitude }` types the snippet's global `window.amplitude`: type `window.mixpanel` instead once its uses are migrated (mixpanel-browser exports the `Mixpanel` type)".into(),
                fixable: false,
                note: None,
            });
        }
    }

    /// A parameter typed as an Amplitude client receives a client amp2mp does not follow
    /// across calls: it keeps the package's shared client on Amplitude.
    fn typed_params(&mut self) {
        for (ident, ty, family) in &self.res.typed_params {
            let id = self.res.env.shared(*family, &Instance::Default);
            self.uses.push(id.clone());
            let name = self.text(*ident);
            self.block(&id, ident.start_byte(), || {
                if ident.kind() == "shorthand_property_identifier_pattern" {
                    format!("`{name}` is read from a property typed `{ty}`: amp2mp does not follow clients kept in objects of that type")
                } else {
                    format!("`{name}` is a parameter typed `{ty}`: amp2mp does not follow the client passed in")
                }
            });
        }
        for (ident, ty, _, exported) in &self.res.typed_returns {
            if !exported {
                continue;
            }
            let name = self.text(*ident);
            let id = ClientId::returned(&self.res.env.file, name);
            self.uses.push(id.clone());
            self.block(&id, ident.start_byte(), || {
                format!("`{name}()` returns a client typed `{ty}`: amp2mp does not follow what a function returns")
            });
        }
    }

    /// Rewrites what this module hands to others (an export, a global slot) to the Mixpanel
    /// object, for a client that is migrated; else the use blocks the client.
    fn handed_over(&mut self, handed: &[HandedOver<'t>]) {
        for site in handed {
            let client = &site.client;
            self.uses.push(client.id.clone());
            if self.res.env.left.contains_key(&client.id) {
                continue;
            }
            let at = site.expr.start_byte();
            if !client.family.is_rewritten() {
                self.block(&client.id, at, || {
                    format!("a client of {} is handed to other modules: amp2mp migrates those only inside the module that creates them", client.family.sdk_name())
                });
                continue;
            }
            if self.in_error(site.expr) || statement_has_error(site.expr) {
                self.block(&client.id, at, || SYNTAX_ERROR.to_string());
                continue;
            }
            match &client.root {
                Root::Stored(key) if client.producers.is_empty() => {
                    self.consumed.insert(client.root_ref);
                    self.handed_stores.push(key.clone());
                }
                _ if client.origin == Origin::Linked => {
                    // Handed on as it was received: the module that made it decides.
                    self.consumed.insert(client.root_ref);
                }
                _ => {
                    let edit = Edit::new(site.expr.byte_range(), self.receiver_text(client));
                    if self.edits.iter().any(|e| e.overlaps(&edit)) {
                        self.block(&client.id, at, || {
                            "the client handed over overlaps another rewrite".into()
                        });
                        continue;
                    }
                    self.edits.push(edit);
                    self.consumed.insert(client.root_ref);
                    self.consumed.extend(client.producers.iter().copied());
                    if client.origin == Origin::Import {
                        self.needs_import = true;
                    }
                }
            }
        }
    }

    /// Rewrites the values of a stored client this module hands over to the Mixpanel object;
    /// whether it did (else the store blocks its client).
    fn hand_over_store(&mut self, s: &crate::resolve::StoredClient) -> bool {
        if s.ambiguous || !self.res.error_ranges.is_empty() {
            return false;
        }
        let mut edits = Vec::new();
        let mut consumed = Vec::new();
        for site in &s.sites {
            let Some(value) = site.value.clone() else {
                continue;
            };
            let Some(node) = self
                .res
                .root
                .descendant_for_byte_range(value.start, value.end)
            else {
                return false;
            };
            let node = crate::resolve::outermost_with_range(node);
            let Some(client) = self.res.receiver(node) else {
                continue;
            };
            if client.producers.is_empty() {
                continue;
            }
            edits.push(Edit::new(value, self.receiver_text(&client)));
            consumed.push(client.root_ref);
            consumed.extend(client.producers.iter().copied());
            if client.origin == Origin::Import {
                self.needs_import = true;
            }
        }
        if edits
            .iter()
            .any(|e| self.edits.iter().any(|k| k.overlaps(e)))
        {
            return false;
        }
        self.edits.extend(edits);
        self.consumed.extend(consumed);
        true
    }

    /// Deletes the declarations of stored clients whose every use was rewritten.
    fn stored_clients(&mut self) {
        // A client kept in an object's property cannot be deleted with its statement: like a
        // client handed over, its value becomes the Mixpanel object.
        let props = self
            .res
            .stored
            .keys()
            .filter(|k| matches!(k, crate::resolve::StoreKey::Prop { .. }))
            .cloned();
        let mut keys: Vec<_> = self.handed_stores.iter().cloned().chain(props).collect();
        keys.sort_by_key(|k| self.res.stored.get(k).map_or(0, |s| s.sites[0].range.start));
        keys.dedup();
        self.handed_stores = keys;
        let handed: Vec<_> = self
            .handed_stores
            .iter()
            .filter_map(|k| self.res.stored.get(k))
            .collect();
        for s in handed {
            let all_used = s.uses.iter().all(|u| self.consumed.contains(u));
            if !all_used {
                // A use left in this module is reported (and blocks the client) on its own.
                continue;
            }
            if !self.hand_over_store(s) {
                let at = s.sites.first().map_or(0, |x| x.range.start);
                self.block(&s.id, at, || {
                    format!(
                        "`{}` is handed to other modules and amp2mp cannot rewrite its value",
                        s.display
                    )
                });
            }
        }
        let mut stored: Vec<_> = self.res.stored.values().collect();
        stored.sort_by_key(|s| s.sites.first().map_or(0, |x| x.range.start));
        for s in stored {
            let all_used = s.uses.iter().all(|u| self.consumed.contains(u));
            let removable = !s.ambiguous
                && !self.keeps_store(&s.display)
                && !self
                    .handed_stores
                    .iter()
                    .any(|k| self.res.stored.get(k).is_some_and(|h| std::ptr::eq(h, s)))
                && all_used
                && s.sites.iter().all(|site| site.statement.is_some())
                && self.res.error_ranges.is_empty()
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
        let mut placed = self.new_import_lines(None).is_none();
        let mut first_kept: Option<&Import> = None;
        for import in imports {
            let family = Family::of_package(&import.source).unwrap_or(Family::Other);
            let free: Vec<bool> = import
                .bindings
                .iter()
                .map(|b| self.binding_free(&b.binding))
                .collect();
            let migrated =
                family.is_rewritten() || self.instance.as_ref().is_some_and(|i| i.family == family);
            // In a file with a syntax error nothing is deleted: the parser's recovery can read
            // the rest of the file differently once a statement is gone.
            let removable =
                migrated && !import.bindings.is_empty() && self.res.error_ranges.is_empty();
            let all_free = removable && free.iter().all(|f| *f);
            let mut removed = false;
            if all_free {
                if let Some(stmt) = import.statement.clone() {
                    if let Some(text) = self.new_import_lines(Some(import)).filter(|_| !placed) {
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
            if let Some((import, text)) =
                first_kept.and_then(|i| Some((i, self.new_import_lines(Some(i))?)))
            {
                let at = line_end_after(self.src, import.range.end);
                let indent = line_indent(self.src, import.range.start);
                self.edits
                    .push(Edit::insert(at, format!("{}{indent}{text}", self.newline)));
            }
        }
    }

    fn import_finding(&self, import: &Import, family: Family, removed: bool) -> Finding {
        let message = if removed {
            let to = match family {
                Family::Server | Family::Mobile => instance::package(family),
                _ => crate::config::current().browser_package(),
            };
            format!("import of `{}`: replaced by `{to}`", import.source)
        } else {
            let migrated_here = self.instance.as_ref().is_some_and(|i| i.family == family);
            match family {
                _ if migrated_here => format!("import of `{}` is still used: remove it once its uses are migrated", import.source),
                Family::Server => format!("import of `{}`: server-side SDK, migrate to the `mixpanel` package (not rewritten yet)", import.source),
                Family::Mobile => format!("import of `{}`: migrate to `mixpanel-react-native` (not rewritten yet)", import.source),
                Family::Other if import.source.contains("react-amplitude") => format!("import of `{}`: React components (AmplitudeProvider, LogOnMount, …) have no Mixpanel counterpart: replace them with mixpanel calls by hand", import.source),
                Family::Other => format!("import of `{}`: no Mixpanel counterpart, migrate by hand", import.source),
                Family::Ampli => format!("import of the Ampli wrapper `{}`: {AMPLI}", import.source),
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
            note: None,
        }
    }

    /// Whether no reference to the binding is left after the planned edits.
    fn binding_free(&self, b: &crate::scope::Binding) -> bool {
        self.res.scopes.references.iter().all(|r| {
            self.is_gone(r.node_id, &(r.start..r.end))
                || self.res.scopes.resolve(&r.name, r.scope).as_ref() != Some(b)
        })
    }

    /// The Mixpanel import lines this file needs, in the style of `like` (an import they
    /// replace or follow): the default import when a rewrite needs it and the file has none,
    /// and `import type { … }` for rewritten TypeScript types. `None` when none is needed.
    fn new_import_lines(&self, like: Option<&Import>) -> Option<String> {
        let q = like.map_or(self.quote, |l| l.quote);
        let semi = like.is_none_or(|l| l.semicolon);
        let mut lines = Vec::new();
        if self.needs_import && self.res.mixpanel_import().is_none() {
            lines.push(like.map_or_else(String::new, |l| self.mixpanel_import_text(l)));
        }
        if let Some(inst) = self
            .instance
            .as_ref()
            .filter(|_| self.needs_instance_import)
        {
            let pkg = instance::package(inst.family);
            let imported = ['\'', '"']
                .iter()
                .any(|q| self.src.contains(&format!("{q}{pkg}{q}")));
            if !imported {
                lines.push(
                    like.map_or_else(String::new, |l| self.instance_import_text(inst.family, l)),
                );
            }
        }
        if !self.type_names.is_empty() {
            let names: Vec<&str> = self.type_names.iter().copied().collect();
            lines.push(format!(
                "import type {{ {} }} from {q}{}{q}{}",
                names.join(", "),
                crate::config::current().browser_package(),
                if semi { ";" } else { "" }
            ));
        }
        if lines.is_empty() {
            return None;
        }
        let indent = like.map_or("", |l| line_indent(self.src, l.range.start));
        Some(lines.join(&format!("{}{indent}", self.newline)))
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
                "{keyword} {} = require({q}{}{q}){semi}",
                self.mp,
                crate::config::current().browser_package()
            )
        } else {
            format!(
                "import {} from {q}{}{q}{semi}",
                self.mp,
                crate::config::current().browser_package()
            )
        }
    }

    /// Reports every Amplitude reference and client producer the plan leaves in place and no
    /// other finding covers: a client passed as a value, `new amplitude.Identify()`, a kept
    /// `const client = amplitude.getInstance()`.
    fn leftover_uses(&mut self) {
        let mut found = Vec::new();
        let res = self.res;
        for call in &res.calls {
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
            let holder = innermost_holder(self.res, call.node.byte_range());
            if holder.is_none() {
                // A client kept in a variable or field is not a use of its own: its uses are.
                self.uses.push(client.id.clone());
                self.block(&client.id, call.node.start_byte(), || {
                    "the client is used as a value amp2mp does not follow".into()
                });
            }
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
                rule: if message.contains(SYNTAX_ERROR) {
                    rule::UNANALYZED
                } else {
                    rule::CALL
                },
                subject: self.text(call.name).to_string(),
                message,
                fixable: false,
                note: None,
            });
        }
        for r in &res.scopes.references {
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
            let id = if let Some((family, _)) = self.res.import_binding(&b) {
                self.res.env.shared(*family, &Instance::Default)
            } else if let Some(s) = self
                .res
                .stored
                .get(&crate::resolve::StoreKey::Var(b.clone()))
            {
                s.id.clone()
            } else if let Some(l) = self.res.linked(&b) {
                l.id.clone()
            } else {
                continue;
            };
            let as_type = self
                .res
                .root
                .descendant_for_byte_range(r.start, r.end)
                .and_then(types::type_around);
            let subject = member_text(self.src, range.clone());
            // `amp.Identify`, `amp.Types.ServerZone`: the SDK's classes and namespaces, not a
            // use of the client instance.
            let class = subject
                .split_once('.')
                .is_some_and(|(_, m)| m.starts_with(|c: char| c.is_ascii_uppercase()));
            if as_type.is_none() && !class {
                self.uses.push(id.clone());
                self.block(&id, range.start, || {
                    format!("`{subject}` is used outside a call amp2mp rewrites")
                });
            }
            let finding = match as_type {
                Some(ty) => {
                    let subject = self.src[ty.byte_range()].to_string();
                    let message = if types::is_client_type(&subject) {
                        format!("Amplitude type `{subject}` stays while its client stays on Amplitude: it becomes `Mixpanel` from mixpanel-browser with the client")
                    } else {
                        format!("Amplitude type `{subject}` has no direct Mixpanel counterpart (mixpanel-browser exports Mixpanel, Config, Dict, People, Group): migrate by hand")
                    };
                    Finding {
                        range: ty.byte_range(),
                        rule: rule::TYPE,
                        message,
                        subject,
                        fixable: false,
                        note: None,
                    }
                }
                None => {
                    let subject = member_text(self.src, range.clone());
                    let broken = self
                        .res
                        .error_ranges
                        .iter()
                        .any(|e| e.start <= range.start && range.end <= e.end);
                    Finding {
                        range,
                        rule: if broken { rule::UNANALYZED } else { rule::CALL },
                        message: if broken {
                            format!("Amplitude `{subject}` {SYNTAX_ERROR}: amp2mp could not analyse it; fix the syntax, then run amp2mp again")
                        } else {
                            format!("Amplitude `{subject}` used outside a call amp2mp rewrites: migrate by hand")
                        },
                        subject,
                        fixable: false,
                        note: None,
                    }
                }
            };
            found.push(finding);
        }
        self.findings.extend(found);
    }

    /// A syntax error that holds `amplitude` and no finding: amp2mp could not read that use,
    /// so it is reported rather than passed over.
    fn unreadable(&mut self) {
        for e in &self.res.error_ranges {
            let covered = self
                .findings
                .iter()
                .any(|f| f.range.start < e.end && e.start < f.range.end.max(f.range.start + 1));
            if covered || !self.src[e.clone()].contains("amplitude") {
                continue;
            }
            self.findings.push(Finding {
                range: e.clone(),
                rule: rule::UNANALYZED,
                subject: "amplitude".into(),
                message: "a syntax error around an Amplitude use: amp2mp could not analyse it; fix the syntax, then run amp2mp again".into(),
                fixable: false,
                note: None,
            });
        }
    }

    /// Amplitude's HTTP APIs and CDN snippet named in strings.
    fn endpoints(&mut self) {
        for hit in crate::endpoints::scan(self.src, self.res.root) {
            if hit.rule == crate::endpoints::SNIPPET {
                // The loader is part of the global client: calls moved to `mixpanel` while it
                // still loads Amplitude would reach an object nothing defines.
                let id = self.res.env.global(&Instance::Default);
                self.uses.push(id.clone());
                self.block(&id, hit.range.start, || SNIPPET_LOADED.to_string());
            }
            self.findings.push(Finding {
                range: hit.range,
                rule: hit.rule,
                subject: hit.subject,
                message: hit.message,
                fixable: false,
                note: None,
            });
        }
    }

    /// Whether a suppression silences `rule` at byte `at`; marks it used.
    fn suppressed(&mut self, at: usize, rule: &str) -> bool {
        if self.suppressions.is_empty() {
            return false;
        }
        let line = suppress::line_of(self.src, at);
        let mut hit = false;
        for (s, used) in &mut self.suppressions {
            if s.covers(line, rule) {
                *used = true;
                hit = true;
            }
        }
        hit
    }

    /// Drops the findings a suppression silences, and reports the suppressions that silence
    /// nothing.
    fn apply_suppressions(&mut self) {
        if self.suppressions.is_empty() {
            return;
        }
        let findings = std::mem::take(&mut self.findings);
        for f in findings {
            if !self.suppressed(f.range.start, f.rule) {
                self.findings.push(f);
            }
        }
        for (s, used) in &self.suppressions {
            if *used {
                continue;
            }
            let subject = self.src[s.range.clone()].to_string();
            self.findings.push(Finding {
                range: s.range.clone(),
                rule: rule::UNUSED_SUPPRESSION,
                message: "this amp2mp-ignore comment silences nothing: remove it".into(),
                subject,
                fixable: false,
                note: None,
            });
        }
    }

    fn finish(mut self) -> Plan {
        self.apply_suppressions();
        self.edits.sort_by_key(|e| (e.range.start, e.range.end));
        self.findings
            .sort_by(|a, b| (a.range.start, a.rule).cmp(&(b.range.start, b.rule)));
        self.rewrites.sort_by_key(|r| r.at);
        Plan {
            edits: self.edits,
            rewrites: self.rewrites,
            findings: self.findings,
            uses: self.uses,
            blockers: self.blockers,
        }
    }
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

/// The stored client whose stored value holds `range` most closely (the smallest such value;
/// the first name on a tie), so the message does not depend on the order of a hash map.
fn innermost_holder<'r>(
    res: &'r Resolution,
    range: Range<usize>,
) -> Option<&'r crate::resolve::StoredClient> {
    res.stored
        .values()
        .filter_map(|s| {
            let len = s
                .sites
                .iter()
                .filter_map(|x| x.value.as_ref())
                .filter(|v| v.start <= range.start && range.end <= v.end)
                .map(|v| v.len())
                .min()?;
            Some((len, s))
        })
        .min_by(|(la, a), (lb, b)| la.cmp(lb).then_with(|| a.display.cmp(&b.display)))
        .map(|(_, s)| s)
}

/// Every call on an Amplitude client in a resolved file, with its client and method as the
/// planner decides them: for readers other than the planner (`inventory`).
pub(crate) fn amplitude_calls<'t>(res: &Resolution<'t>) -> Vec<(Call<'t>, Client, String)> {
    let p = Planner::new(res);
    res.calls
        .iter()
        .filter_map(|c| p.classify(c).map(|(client, method)| (*c, client, method)))
        .collect()
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
