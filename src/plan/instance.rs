//! The SDKs whose Mixpanel counterpart has no default instance: `@amplitude/analytics-node` →
//! the `mixpanel` package (reference §4) and `@amplitude/analytics-react-native` →
//! `mixpanel-react-native` (§5). A file's module-level `init(key)` statement becomes the client
//! (`const mixpanel = Mixpanel.init(key)`, `const mixpanel = new Mixpanel(key, true)` plus
//! `mixpanel.init()`), and the file's other calls go to it. A file without such an `init` has no
//! client to call, so its calls are reported; so are the legacy `@amplitude/node` and
//! `@amplitude/react-native` packages.

use super::calls::{Done, Site};
use super::Planner;
use crate::builders::{self, arguments};
use crate::edit::Edit;
use crate::mapping::Target;
use crate::options;
use crate::resolve::{unwrap, Call, Client, Family, Instance as Named, Root, LEGACY_NODE};
use std::ops::Range;
use tree_sitter::Node;

/// The variable the Mixpanel client is created in.
pub fn client_name() -> &'static str {
    crate::config::current().identifier()
}

/// The client a file creates for an instance SDK.
#[derive(Clone, Debug)]
pub struct Instance {
    pub family: Family,
    /// The `init` call that creates it.
    pub init: usize,
    pub init_range: Range<usize>,
    /// The variable holding the client: `mixpanel`, or the legacy Node SDK's own (`client` in
    /// `const client = Amplitude.init(key)`, which stays and holds the Mixpanel client).
    pub var: String,
    pub legacy_node: bool,
}

/// The packages whose calls this module rewrites.
fn supported(source: &str) -> bool {
    matches!(
        source,
        "@amplitude/analytics-node"
            | "@amplitude/analytics-react-native"
            | "@amplitude/react-native"
            | LEGACY_NODE
    )
}

/// The Mixpanel package for an instance SDK family.
pub fn package(family: Family) -> &'static str {
    match family {
        Family::Mobile => crate::config::current().react_native_package(),
        _ => crate::config::current().node_package(),
    }
}

impl<'t> Planner<'_, 't> {
    /// Finds the module-level `init` statement that creates the file's client, if there is
    /// exactly one and the names it needs are free.
    pub(super) fn find_instance(&mut self) {
        let mut found = Vec::new();
        for call in &self.res.calls {
            let Some((client, method)) = self.classify(call) else {
                continue;
            };
            if method != "init" || !matches!(client.family, Family::Server | Family::Mobile) {
                continue;
            }
            if self.in_error(call.node) || super::statement_has_error(call.node) {
                continue;
            }
            let Some(source) = self.res.source_of(&client).filter(|s| supported(s)) else {
                continue;
            };
            if source == LEGACY_NODE {
                if let Some(var) = module_declarator(call.node, self.src) {
                    // The client the init makes is migrated whole or not at all.
                    let left = self
                        .res
                        .stored
                        .values()
                        .any(|s| s.display == var && self.res.env.left.contains_key(&s.id));
                    if left {
                        continue;
                    }
                    found.push(Instance {
                        family: client.family,
                        init: call.node.id(),
                        init_range: call.node.byte_range(),
                        var,
                        legacy_node: true,
                    });
                }
                continue;
            }
            let top = self
                .site(call)
                .ok()
                .and_then(|s| s.stmt)
                .and_then(|s| s.parent());
            if top.is_some_and(|p| p.kind() == "program") {
                found.push(Instance {
                    family: client.family,
                    init: call.node.id(),
                    init_range: call.node.byte_range(),
                    var: client_name().to_string(),
                    legacy_node: false,
                });
            }
        }
        let names_free = self.word_free("Mixpanel");
        if let ([inst], true) = (found.as_slice(), names_free) {
            if inst.legacy_node || !self.mp_taken {
                self.instance = Some(inst.clone());
            }
        }
    }

    /// Whether a stored client is the legacy Node SDK's, which keeps its variable.
    pub(super) fn keeps_store(&self, display: &str) -> bool {
        self.instance
            .as_ref()
            .is_some_and(|i| i.legacy_node && i.var == display)
    }

    /// Whether `word` appears nowhere in the file outside Amplitude imports.
    fn word_free(&self, word: &str) -> bool {
        super::types::occurrences(self.src, word).iter().all(|at| {
            self.res
                .imports
                .iter()
                .any(|i| i.range.start <= *at && *at < i.range.end)
        })
    }

    /// For the legacy Node SDK's `const client = Amplitude.init(key)` whose client is left
    /// whole: why.
    fn held_back(&self, call: &Call<'t>) -> Option<String> {
        let var = module_declarator(call.node, self.src)?;
        self.res
            .stored
            .values()
            .filter(|s| s.display == var)
            .find_map(|s| self.res.env.left.get(&s.id).cloned())
    }

    /// Why a call of an instance SDK is left alone when the file creates no client.
    fn no_client(&self, client: &Client) -> String {
        let legacy = !self.res.source_of(client).is_some_and(supported);
        match (client.family, legacy) {
            (Family::Server, true) => "`@amplitude/node` (the legacy Node SDK): migrate to the `mixpanel` package by hand".into(),
            (_, true) => "`@amplitude/react-native` (the legacy React Native SDK): migrate to `mixpanel-react-native` by hand".into(),
            (Family::Server, false) => "Mixpanel's Node SDK has no default instance, and this file has no module-level init() to create one: create it with Mixpanel.init(token) where init() is, export it, and call it here".into(),
            _ => "mixpanel-react-native has no default instance, and this file has no module-level init() to create one: create it with new Mixpanel(token, true) where init() is, export it, and call it here".into(),
        }
    }

    /// The rewrite of a call of the Node or React Native SDK.
    pub(super) fn rewrite_instance(
        &self,
        call: &Call<'t>,
        client: &Client,
        method: &str,
        target: Target,
    ) -> Result<Done, String> {
        let Some(inst) = self
            .instance
            .as_ref()
            .filter(|i| i.family == client.family && self.belongs(i, client, call))
        else {
            return Err(self
                .held_back(call)
                .unwrap_or_else(|| self.no_client(client)));
        };
        if client.instance != Named::Default {
            return Err("a named instance (getInstance('name')): the file's one Mixpanel client is the default one; migrate by hand".into());
        }
        let args = arguments(call.args);
        if args.iter().any(|a| a.kind() == "spread_element") {
            return Err("spread arguments: check the argument list by hand".into());
        }
        let site = self.site(call)?;
        if target == Target::Init && call.node.id() != inst.init {
            return Err("a second init(): the file's client is created by the module-level one: migrate by hand".into());
        }
        let mut done = match client.family {
            Family::Server => self.node(inst, call, method, target, &args, &site)?,
            _ => self.react_native(inst, call, method, target, &args, &site)?,
        };
        if let (Some(promise), false) = (site.promise, done.target == Target::Removed) {
            let wrapped = site.awaited.is_some() && client.family == Family::Server;
            if !wrapped {
                done.edits
                    .push(Edit::delete(call.node.end_byte()..promise.end_byte()));
                if let Some(a) = site.awaited {
                    done.edits
                        .push(Edit::delete(a.start_byte()..call.node.start_byte()));
                }
            }
        }
        Ok(done)
    }

    /// Whether a call goes to the file's client: through the SDK's import (the init itself, for
    /// the legacy Node SDK), or through the legacy Node SDK's variable.
    fn belongs(&self, inst: &Instance, client: &Client, call: &Call<'t>) -> bool {
        match &client.root {
            Root::Stored(key) => {
                inst.legacy_node
                    && self
                        .res
                        .stored
                        .get(key)
                        .is_some_and(|s| s.display == inst.var && !s.ambiguous)
            }
            _ if inst.legacy_node => call.node.id() == inst.init,
            _ => self
                .res
                .source_of(client)
                .is_some_and(|s| supported(s) && s != LEGACY_NODE),
        }
    }

    /// The distinct id an event-options argument names (`user_id`, else `device_id`).
    fn distinct_id(&self, opts: Option<Node<'t>>) -> Result<Option<String>, String> {
        let Some(o) = opts.filter(|o| !self.is_nullish(*o)) else {
            return Ok(None);
        };
        let mapped = options::event_options(self.src, o, true)?;
        if mapped.groups.is_some() || mapped.props.len() != 1 {
            return Err("event options other than user_id or device_id: migrate by hand".into());
        }
        Ok(mapped.props[0]
            .strip_prefix("distinct_id: ")
            .map(String::from))
    }

    fn node(
        &self,
        inst: &Instance,
        call: &Call<'t>,
        method: &str,
        target: Target,
        args: &[Node<'t>],
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let v = inst.var.as_str();
        let to = |what: &str| format!("becomes `{what}` on the `mixpanel` package's client");
        match (target, args) {
            (Target::Init, [key, rest @ ..]) if rest.len() <= 1 => {
                let config = match rest.first().filter(|o| !self.is_nullish(**o)) {
                    None => None,
                    Some(o) => Some(options::node_config(self.src, unwrap(*o))?),
                };
                let mut text = if inst.legacy_node {
                    format!("Mixpanel.init({}", self.key_text(*key))
                } else {
                    format!("const {v} = Mixpanel.init({}", self.key_text(*key))
                };
                let mut notes = Vec::new();
                if let Some(cfg) = config {
                    if !cfg.pairs.is_empty() {
                        text += &format!(", {{ {} }}", cfg.pairs.join(", "));
                    }
                    if !cfg.dropped.is_empty() {
                        notes.push(format!(
                            "init options with no Mixpanel equivalent were removed: {}",
                            cfg.dropped.join(", ")
                        ));
                    }
                }
                text.push(')');
                let mut d = self.replace(call, Target::Init, text, to("Mixpanel.init"));
                d.notes = notes;
                if inst.legacy_node {
                    d.gone.push(inst.init_range.clone());
                }
                Ok(d)
            }
            (Target::Track, [..]) => {
                let (event, props, extra) = self.event_parts(args)?;
                let mut pairs = extra.props;
                if let Some(g) = extra.groups {
                    pairs.push(spread_text(&g));
                }
                let merged =
                    options::merge_props_with(self.src, props, &pairs, &|n| self.props_text(n));
                let mut text = match &merged {
                    Some(p) => format!("{v}.track({event}, {p})"),
                    None => format!("{v}.track({event})"),
                };
                let mut notes = Vec::new();
                if !pairs.iter().any(|p| p.starts_with("distinct_id:")) {
                    notes.push("the event names no user_id or device_id: Mixpanel records it without a user".to_string());
                }
                let mut d = self.replace(call, Target::Track, text.clone(), to("mixpanel.track"));
                if let (Some(a), Some(_)) = (site.awaited, site.promise) {
                    text.truncate(text.len() - 1);
                    let wrapped = format!("await new Promise((resolve) => {text}, resolve))");
                    d.edits = vec![Edit::new(a.byte_range(), wrapped)];
                    notes.push("awaiting the call now waits for Mixpanel's request; its callback gets an error or undefined, not Amplitude's result".into());
                }
                d.notes = notes;
                Ok(d)
            }
            (Target::People, [user, device, builder]) if inst.legacy_node => {
                let uid = match (self.is_nullish(*user), self.is_nullish(*device)) {
                    (false, true) => self.text(*user).to_string(),
                    (true, false) => self.text(*device).to_string(),
                    (false, false) => format!("{} ?? {}", self.text(*user), self.text(*device)),
                    (true, true) => {
                        return Err("identify without a user id or a device id: migrate by hand".into())
                    }
                };
                self.node_people(v, call, site, *builder, &uid, to("mixpanel.people.*"))
            }
            (Target::People, [builder, opts]) => {
                let uid = self
                    .distinct_id(Some(*opts))?
                    .ok_or("identify without user_id or device_id: Mixpanel's people calls need a distinct id; migrate by hand")?;
                self.node_people(v, call, site, *builder, &uid, to("mixpanel.people.*"))
            }
            (Target::People, [_]) => Err("identify without event options: Mixpanel's Node people calls need the user's distinct id; migrate by hand".into()),
            (Target::SetGroup, [kind, name, opts]) => {
                let uid = self
                    .distinct_id(Some(*opts))?
                    .ok_or("setGroup without user_id: migrate by hand")?;
                let key = match unwrap(*kind).kind() {
                    "string" => self.text(*kind).to_string(),
                    _ => format!("[{}]", self.text(*kind)),
                };
                let text = format!("{v}.people.set({uid}, {{ {key}: {} }})", self.text(*name));
                let mut d = self.replace(call, Target::PeopleSet, text, to("mixpanel.people.set"));
                d.notes.push("Mixpanel's Node SDK has no super properties: later events must carry the group themselves".into());
                Ok(d)
            }
            (Target::Revenue, [rev, rest @ ..]) if rest.len() <= 1 && method == "revenue" => {
                let uid = self.distinct_id(rest.first().copied())?;
                let (chain, gone) = self.builder(*rev, super::calls::Builder::Revenue, site)?;
                let mut props = builders::revenue_props(self.src, &chain.ops)?;
                if let Some(u) = uid {
                    props.rest = Some(match props.rest {
                        Some(r) => format!("{r}, distinct_id: {u}"),
                        None => format!("distinct_id: {u}"),
                    });
                }
                let text = format!("{v}.track({}, {})", self.revenue_event(), props.object());
                let d = self.replace(call, Target::Revenue, text, to("mixpanel.track"));
                Ok(d.with_builder(gone, chain.new.byte_range(), Vec::new()))
            }
            (Target::Removed, []) => self.remove(method, site),
            (Target::GroupIdentify, _) => Err("group Identify: Mixpanel's Node SDK has mixpanel.groups.set/set_once/unset/union/remove(type, name, …): migrate by hand".into()),
            _ => Err(format!("`{method}` has no counterpart in Mixpanel's Node SDK, or these arguments do not: migrate by hand")),
        }
    }

    fn react_native(
        &self,
        inst: &Instance,
        call: &Call<'t>,
        method: &str,
        target: Target,
        args: &[Node<'t>],
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let v = inst.var.as_str();
        let to = |what: &str| format!("becomes `{what}` on the mixpanel-react-native client");
        let replace = |target: Target, text: String| {
            let what = text.split('(').next().unwrap_or_default().to_string();
            self.replace(call, target, text, to(&what))
        };
        match (target, args) {
            (Target::Init, [key, rest @ ..]) if rest.len() <= 2 => {
                let (user, opts) = match rest {
                    [o] if unwrap(*o).kind() == "object" => (None, Some(*o)),
                    [u] => (Some(*u), None),
                    [u, o] => (Some(*u), Some(*o)),
                    _ => (None, None),
                };
                let user = user.filter(|u| !self.is_nullish(*u));
                let mut texts = vec![format!(
                    "const {v} = new Mixpanel({}, true)",
                    self.key_text(*key)
                )];
                let mut notes = vec!["trackAutomaticEvents is on, like Amplitude's default session events".to_string()];
                let mut init = format!("{v}.init()");
                if let Some(o) = opts.filter(|o| !self.is_nullish(*o)) {
                    let cfg = options::node_config(self.src, unwrap(o))?;
                    if cfg.pairs.iter().any(|p| p.contains("api-eu")) {
                        init = format!("{v}.init(false, {{}}, 'https://api-eu.mixpanel.com')");
                    }
                    if !cfg.dropped.is_empty() {
                        notes.push(format!(
                            "init options with no Mixpanel equivalent were removed: {}",
                            cfg.dropped.join(", ")
                        ));
                    }
                }
                texts.push(init);
                if let Some(u) = user {
                    texts.push(format!("{v}.identify({})", self.text(u)));
                }
                let mut d = self.multi(call, site, &texts, Target::Init, to("new Mixpanel(token, true)"))?;
                d.notes = notes;
                Ok(d)
            }
            (Target::Track, [e]) => Ok(replace(Target::Track, format!("{v}.track({})", self.event_text(*e)))),
            (Target::Track, [e, p]) => Ok(replace(
                Target::Track,
                format!("{v}.track({}, {})", self.event_text(*e), self.props_text(*p)),
            )),
            (Target::Identify, [id]) if self.is_nullish(*id) => {
                Ok(replace(Target::Reset, format!("{v}.reset()")))
            }
            (Target::Identify, [id]) => Ok(replace(
                Target::Identify,
                format!("{v}.identify({})", self.text(*id)),
            )),
            (Target::Reset, []) if method == "reset" => Ok(replace(Target::Reset, format!("{v}.reset()"))),
            (Target::PeopleSet, [p]) => Ok(replace(
                Target::PeopleSet,
                format!("{v}.getPeople().set({})", self.text(*p)),
            )),
            (Target::SetGroup, [k, val]) => Ok(replace(
                Target::SetGroup,
                format!("{v}.setGroup({}, {})", self.text(*k), self.text(*val)),
            )),
            (Target::Removed, []) => Ok(replace(Target::Track, format!("{v}.flush()")))
                .map(|mut d| {
                    d.target = Target::Removed;
                    d.to = to("mixpanel.flush");
                    d
                }),
            (Target::OptOut, [flag]) => match self.text(unwrap(*flag)) {
                "true" => Ok(replace(Target::OptOut, format!("{v}.optOutTracking()"))),
                "false" => Ok(replace(Target::OptIn, format!("{v}.optInTracking()"))),
                _ => Err("setOptOut with a value known only at run time: use optOutTracking() or optInTracking() by hand".into()),
            },
            (Target::People, [builder]) => {
                let (chain, gone) = self.builder(*builder, super::calls::Builder::Identify, site)?;
                let calls = builders::rn_people_calls(self.src, &chain.ops)?;
                let texts: Vec<String> = calls.calls.iter().map(|c| format!("{v}.{c}")).collect();
                let d = self.multi(call, site, &texts, Target::People, to("mixpanel.getPeople()"))?;
                Ok(d.with_builder(gone, chain.new.byte_range(), calls.notes))
            }
            _ => Err(format!("`{method}` has no counterpart in mixpanel-react-native, or these arguments do not: migrate by hand")),
        }
    }

    /// `identify` for Node: one `people.<op>(distinctId, …)` per operation kind.
    fn node_people(
        &self,
        v: &str,
        call: &Call<'t>,
        site: &Site<'t>,
        builder: Node<'t>,
        uid: &str,
        to: String,
    ) -> Result<Done, String> {
        let (chain, gone) = self.builder(builder, super::calls::Builder::Identify, site)?;
        let calls = builders::people_calls(self.src, &chain.ops)?;
        let texts: Vec<String> = calls
            .calls
            .iter()
            .map(|c| format!("{v}.{}", builders::with_first_arg(c, uid)))
            .collect();
        let d = self.multi(call, site, &texts, Target::People, to)?;
        Ok(d.with_builder(gone, chain.new.byte_range(), calls.notes))
    }

    /// A Node event: the name, the properties and the mapped event options, from
    /// `(e, p, opts)` or an event object.
    fn event_parts(
        &self,
        args: &[Node<'t>],
    ) -> Result<(String, Option<Node<'t>>, options::EventOptions), String> {
        Ok(match args {
            [] => return Err("track() without an event name".into()),
            [first] if unwrap(*first).kind() == "object" => {
                let ev = options::event_object(self.src, unwrap(*first), true)?;
                let name = ev
                    .event_node
                    .map_or(ev.event_type.to_string(), |n| self.event_text(n));
                (name, ev.properties, ev.options)
            }
            [e] => (self.event_text(*e), None, Default::default()),
            [e, p] => (self.event_text(*e), Some(*p), Default::default()),
            [e, p, o] => (
                self.event_text(*e),
                Some(*p),
                options::event_options(self.src, *o, true)?,
            ),
            _ => return Err("track() with more than three arguments: migrate by hand".into()),
        })
    }

    /// Several statements in place of a call statement.
    fn multi(
        &self,
        call: &Call<'t>,
        site: &Site<'t>,
        texts: &[String],
        target: Target,
        to: String,
    ) -> Result<Done, String> {
        let edit = self.statements(call, site, texts)?;
        Ok(Done {
            target,
            edits: vec![edit],
            to,
            notes: Vec::new(),
            gone: Vec::new(),
        })
    }

    /// The import line of the instance SDK's Mixpanel package, in the style of `like`.
    pub(super) fn instance_import_text(
        &self,
        family: Family,
        like: &crate::resolve::Import,
    ) -> String {
        let q = like.quote;
        let semi = if like.semicolon { ";" } else { "" };
        let pkg = package(family);
        match (family, like.is_require) {
            (Family::Mobile, true) => format!("const {{ Mixpanel }} = require({q}{pkg}{q}){semi}"),
            (Family::Mobile, false) => format!("import {{ Mixpanel }} from {q}{pkg}{q}{semi}"),
            (_, true) => format!("const Mixpanel = require({q}{pkg}{q}){semi}"),
            (_, false) => format!("import Mixpanel from {q}{pkg}{q}{semi}"),
        }
    }
}

/// `const name = X.init(…)` at module level, one declarator: the name.
fn module_declarator(call: Node, src: &str) -> Option<String> {
    let declarator = call
        .parent()
        .filter(|p| p.kind() == "variable_declarator")?;
    let declaration = declarator.parent()?;
    let top = declaration.parent()?.kind() == "program"
        && declaration.named_child_count() == 1
        && matches!(
            declaration.kind(),
            "lexical_declaration" | "variable_declaration"
        );
    let name = declarator.child_by_field_name("name")?;
    (top && name.kind() == "identifier").then(|| src[name.byte_range()].to_string())
}

/// An object literal's members as text (`{ org: id }` → `org: id`), else `...expr`.
fn spread_text(text: &str) -> String {
    let single = one_braced(text);
    match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        Some(inner) if single && !inner.trim().is_empty() => {
            inner.trim().trim_end_matches(',').to_string()
        }
        _ => format!("...{text}"),
    }
}

/// Whether the text's first `{` closes at its last byte (`{ a } ?? { b }` does not).
fn one_braced(text: &str) -> bool {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && i + 1 != text.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_objects_are_inlined_only_when_one_literal() {
        assert_eq!(spread_text("{ org: id }"), "org: id");
        assert_eq!(
            spread_text("{ a: 1 } ?? { b: 2 }"),
            "...{ a: 1 } ?? { b: 2 }"
        );
        assert_eq!(spread_text("groups"), "...groups");
        assert_eq!(spread_text("{}"), "...{}");
    }
}
