//! The rewrite of one Amplitude call, by kind: which Mixpanel call (or calls) replace it, from
//! the shape of its arguments, or why a person has to migrate it. The planner in `plan.rs`
//! decides which calls are Amplitude's and takes the edits; this file only builds them.

use super::{line_end_after, line_indent, Planner};
use crate::builders::{self, arguments, Chain};
use crate::edit::{whole_lines, Edit};
use crate::mapping::Target;
use crate::options;
use crate::resolve::{
    unwrap, with_semicolon, Call, Client, Family, Imported, Instance, Origin, Root,
};
use std::ops::Range;
use tree_sitter::Node;

/// A planned rewrite of one call.
pub struct Done {
    pub target: Target,
    pub edits: Vec<Edit>,
    /// What the call becomes, for the finding's message: "becomes `mixpanel.track`".
    pub to: String,
    /// Caveats for the summary.
    pub notes: Vec<String>,
    /// Ranges whose text the output drops (builders), so references in them count as gone.
    pub gone: Vec<Range<usize>>,
}

impl Done {
    /// Takes a builder along with the call: its statements (`const b = new Identify()…;` and
    /// `b.set(…);`) are deleted, its text counts as gone, and its caveats are kept.
    pub fn with_builder(
        mut self,
        statements: Vec<Range<usize>>,
        new: Range<usize>,
        notes: Vec<String>,
    ) -> Done {
        self.edits
            .extend(statements.iter().cloned().map(Edit::delete));
        self.notes.extend(notes);
        self.gone.extend(statements);
        self.gone.push(new);
        self
    }
}

/// Where a call sits: its statement, and `.promise` / `await` around it.
#[derive(Clone, Copy)]
pub struct Site<'t> {
    /// The expression statement that is exactly this call (with `.promise` and `await`).
    pub stmt: Option<Node<'t>>,
    /// `call.promise`.
    pub promise: Option<Node<'t>>,
    /// `await call.promise`.
    pub awaited: Option<Node<'t>>,
}

impl Site<'_> {
    /// Whether the statement can become several statements or none: it sits directly in a
    /// block, not as the body of an `if` or a loop.
    pub(super) fn in_block(&self) -> bool {
        self.stmt.and_then(|s| s.parent()).is_some_and(|p| {
            matches!(
                p.kind(),
                "statement_block"
                    | "program"
                    | "switch_case"
                    | "switch_default"
                    | "class_static_block"
            )
        })
    }
}

/// Which Amplitude builder a `new` expression constructs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builder {
    Identify,
    Revenue,
}

impl Builder {
    pub(super) fn name(self) -> &'static str {
        match self {
            Builder::Identify => "Identify",
            Builder::Revenue => "Revenue",
        }
    }
}

impl<'t> Planner<'_, 't> {
    /// The edits for one rewritable call, or why it is left alone.
    pub(super) fn rewrite(
        &self,
        call: &Call<'t>,
        client: &Client,
        method: &str,
        target: Target,
    ) -> Result<Done, String> {
        if matches!(client.family, Family::Server | Family::Mobile) {
            return self.rewrite_instance(call, client, method, target);
        }
        self.check_client(call, client)?;
        let args = arguments(call.args);
        if args.iter().any(|a| a.kind() == "spread_element") {
            return Err("spread arguments: check the argument list by hand".into());
        }
        let site = self.site(call)?;
        let sep = if self.text(call.callee).contains("?.") {
            "?."
        } else {
            "."
        };
        let recv = self.receiver_text(client);
        let mut done = match target {
            Target::Init => self.init(call, client, &args, sep, &site)?,
            Target::Track | Target::TrackWithGroups => {
                self.track(call, client, method, &args, &recv, sep)?
            }
            Target::Identify => self.set_user_id(call, &args, &recv, sep)?,
            Target::Reset => self.reset(call, method, &args, &recv, sep, &site)?,
            Target::PeopleSet => match args.as_slice() {
                [_] => self.callee(call, &recv, sep, target),
                _ => return Err(format!("`{method}` expects one properties object")),
            },
            Target::SetGroup => match args.as_slice() {
                [_, _] => self.callee(call, &recv, sep, target),
                [_, _, _] => return Err(
                    "event options (third argument) have no Mixpanel equivalent: migrate by hand"
                        .into(),
                ),
                _ => return Err("setGroup expects a group type and a group name".into()),
            },
            Target::People => self.identify(call, &args, &recv, sep, &site)?,
            Target::GroupIdentify => self.group_identify(call, &args, &recv, sep, &site)?,
            Target::Revenue => self.revenue(call, method, &args, &recv, sep, &site)?,
            Target::OptOut | Target::OptIn => self.opt_out(call, &args, &recv, sep)?,
            Target::HasOptedOut | Target::GetProperty => {
                self.getter(call, method, &args, &recv, sep)?
            }
            Target::Removed => self.remove(method, &site)?,
        };
        if let (Some(promise), false) = (site.promise, done.target == Target::Removed) {
            done.edits
                .push(Edit::delete(call.node.end_byte()..promise.end_byte()));
            if let Some(a) = site.awaited {
                done.edits
                    .push(Edit::delete(a.start_byte()..call.node.start_byte()));
            }
        }
        Ok(done)
    }

    /// Clients amp2mp does not rewrite through, and names that would clash.
    pub(super) fn check_client(&self, call: &Call<'t>, client: &Client) -> Result<(), String> {
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
        if let Root::Stored(key) = &client.root {
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
        Ok(())
    }

    /// The call's statement and `.promise`/`await` around it. Using the promise's result is
    /// a reason: Mixpanel's calls return none.
    pub(super) fn site(&self, call: &Call<'t>) -> Result<Site<'t>, String> {
        let mut top = call.node;
        let mut site = Site {
            stmt: None,
            promise: None,
            awaited: None,
        };
        if let Some(p) = top.parent().filter(|p| p.kind() == "member_expression") {
            let is_promise = p
                .child_by_field_name("property")
                .is_some_and(|prop| self.text(prop) == "promise");
            if is_promise && p.child_by_field_name("object") == Some(top) {
                site.promise = Some(p);
                top = p;
            }
        }
        if let Some(p) = top.parent().filter(|p| p.kind() == "await_expression") {
            site.awaited = Some(p);
            top = p;
        }
        site.stmt = top.parent().filter(|p| p.kind() == "expression_statement");
        if site.promise.is_some() && site.stmt.is_none() {
            return Err("the result of `.promise` is used, and Mixpanel's calls return no promise: migrate by hand".into());
        }
        Ok(site)
    }

    /// What a target becomes, for messages: `mixpanel.track`.
    pub(super) fn to(&self, recv: &str, sep: &str, target: Target) -> String {
        format!("becomes `{recv}{sep}{}`", target.method())
    }

    pub(super) fn done(&self, target: Target, edits: Vec<Edit>, to: String) -> Done {
        Done {
            target,
            edits,
            to,
            notes: Vec::new(),
            gone: Vec::new(),
        }
    }

    /// Only the callee changes: `amplitude.setUserProperties(p)` → `mixpanel.people.set(p)`.
    pub(super) fn callee(&self, call: &Call<'t>, recv: &str, sep: &str, target: Target) -> Done {
        let edit = Edit::new(
            call.callee.byte_range(),
            format!("{recv}{sep}{}", target.method()),
        );
        self.done(target, vec![edit], self.to(recv, sep, target))
    }

    /// The whole call is replaced by `text`.
    pub(super) fn replace(
        &self,
        call: &Call<'t>,
        target: Target,
        text: String,
        to: String,
    ) -> Done {
        self.done(target, vec![Edit::new(call.node.byte_range(), text)], to)
    }

    /// Several calls in place of one: statements when the call is one, else a reason.
    pub(super) fn statements(
        &self,
        call: &Call<'t>,
        site: &Site<'t>,
        calls: &[String],
    ) -> Result<Edit, String> {
        if calls.len() > 1 && !site.in_block() {
            return Err("becomes several Mixpanel calls, but it is not a statement of its own in a block: make it one, then run amp2mp again".into());
        }
        let sep = match site.stmt {
            Some(stmt) => {
                let semi = if self.text(stmt).trim_end().ends_with(';') {
                    ";"
                } else {
                    ""
                };
                let indent = line_indent(self.src, stmt.start_byte());
                format!("{semi}{}{indent}", self.newline)
            }
            None => String::new(),
        };
        Ok(Edit::new(call.node.byte_range(), calls.join(&sep)))
    }

    pub(super) fn set_user_id(
        &self,
        call: &Call<'t>,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
    ) -> Result<Done, String> {
        match args {
            [id] if self.is_nullish(*id) => Ok(self.replace(
                call,
                Target::Reset,
                format!("{recv}{sep}reset()"),
                self.to(recv, sep, Target::Reset),
            )),
            [_] => Ok(self.callee(call, recv, sep, Target::Identify)),
            [] => Err("setUserId() without an id: use mixpanel.reset() to log out".into()),
            _ => Err(
                "the startNewSession argument has no Mixpanel equivalent: migrate by hand".into(),
            ),
        }
    }

    /// `reset()`, and `regenerateDeviceId()`, which is dropped right after a logout that
    /// already became `reset()`.
    pub(super) fn reset(
        &self,
        call: &Call<'t>,
        method: &str,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
        site: &Site<'t>,
    ) -> Result<Done, String> {
        if !args.is_empty() {
            return Err(format!("{method}() with arguments: migrate by hand"));
        }
        let mut done = self.replace(
            call,
            Target::Reset,
            format!("{recv}{sep}reset()"),
            self.to(recv, sep, Target::Reset),
        );
        if method == "regenerateDeviceId" {
            if let (Some(stmt), true) = (site.stmt, site.in_block()) {
                if self.follows_logout(stmt) {
                    let range = whole_lines(self.src, with_semicolon(stmt, self.src));
                    done.edits = vec![Edit::delete(range)];
                    done.target = Target::Removed;
                    done.to =
                        "dropped: the mixpanel.reset() just before it also makes a new device id"
                            .into();
                    return Ok(done);
                }
            }
            done.notes.push("regenerateDeviceId() became mixpanel.reset(), which also clears the user id and super properties".into());
        }
        Ok(done)
    }

    /// Whether the statement before `stmt` is a logout rewritten to `reset()`.
    pub(super) fn follows_logout(&self, stmt: Node<'t>) -> bool {
        let mut prev = stmt.prev_named_sibling();
        while let Some(p) = prev.filter(|p| p.kind() == "comment") {
            prev = p.prev_named_sibling();
        }
        let Some(call) = prev
            .filter(|p| p.kind() == "expression_statement")
            .and_then(|p| p.named_child(0))
        else {
            return false;
        };
        // A logout rewritten in this run, or one an earlier run already made `mixpanel.reset()`
        // (so that a second run merges the same way as the first).
        let already = self.text(call) == format!("{}.reset()", self.mp);
        already
            || self
                .rewrites
                .iter()
                .any(|r| r.at == call.start_byte() && r.target == Target::Reset)
    }

    /// `init(key[, userId][, options][, callback])` → `mixpanel.init(key[, config][, 'name'])`
    /// plus an `identify(userId)` statement after it.
    pub(super) fn init(
        &self,
        call: &Call<'t>,
        client: &Client,
        args: &[Node<'t>],
        sep: &str,
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let (key, user, options, callback) = match args {
            [] => return Err("init() without an API key".into()),
            [key] => (*key, None, None, None),
            [key, second] if unwrap(*second).kind() == "object" => {
                (*key, None, Some(*second), None)
            }
            [_, second] if client.family == Family::Browser && !is_literal(*second) => {
                return Err("init's second argument is a user id or an options object, decided at run time: migrate by hand".into())
            }
            [key, second] => (*key, Some(*second), None, None),
            [key, second, third] => (*key, Some(*second), Some(*third), None),
            [key, second, third, cb] => (*key, Some(*second), Some(*third), Some(*cb)),
            _ => return Err("init() with more than four arguments: migrate by hand".into()),
        };
        let user = user.filter(|u| !self.is_nullish(*u));
        let options = options.filter(|o| !self.is_nullish(*o));
        let callback = callback.filter(|c| !self.is_nullish(*c));
        let mut cfg =
            match options.map(unwrap) {
                None => options::InitConfig::default(),
                Some(o) if o.kind() == "object" => options::init_config(self.src, o)?,
                Some(_) => return Err(
                    "init options given as an expression: map them to Mixpanel's config by hand"
                        .into(),
                ),
            };
        let mut notes = std::mem::take(&mut cfg.notes);
        if let Some(cb) = callback {
            cfg.pairs.push(format!("loaded: {}", self.text(cb)));
            notes.push("the init callback became Mixpanel's `loaded` option, which is called with the mixpanel object".into());
        }
        if !cfg.dropped.is_empty() {
            notes.push(format!(
                "init options with no Mixpanel equivalent were removed: {}",
                cfg.dropped.join(", ")
            ));
        }
        let user = match (user, &cfg.user_id) {
            (Some(_), Some(_)) => return Err(
                "init with a user id both as an argument and as the userId option: migrate by hand"
                    .into(),
            ),
            (Some(u), None) => Some(self.text(u).to_string()),
            (None, u) => u.clone(),
        };
        let named = match &client.instance {
            Instance::Named(name, quote) => Some(format!("{quote}{name}{quote}")),
            _ => None,
        };
        let statement = site.stmt.filter(|_| site.promise.is_none());
        if user.is_some() && statement.is_none() {
            return Err("init with a user id inside an expression: move mixpanel.identify(userId) after it by hand".into());
        }
        let base = self.receiver_base(client);
        let mut edits = Vec::new();
        let empty_given = options.map(unwrap).is_some_and(|o| arguments(o).is_empty());
        let config = match self.config_text(options, &cfg.pairs) {
            None if empty_given => options.map(|o| self.text(o).to_string()),
            c => c,
        };
        if named.is_none() && config.is_none() && args.len() == 1 {
            edits.push(Edit::new(
                call.callee.byte_range(),
                format!("{base}{sep}init"),
            ));
            edits.extend(self.token_edit(key));
        } else {
            let mut text = format!("{base}{sep}init({}", self.key_text(key));
            match (config, &named) {
                (Some(c), _) => text += &format!(", {c}"),
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
                format!("{}{indent}{recv}{sep}identify({user}){semi}", self.newline),
            ));
        }
        let mut done = self.done(Target::Init, edits, format!("becomes `{base}{sep}init`"));
        done.notes = notes;
        done.gone = cfg.gone;
        Ok(done)
    }

    /// The config object for `pairs`, laid out like the options object it replaces (one pair
    /// per line when that spanned lines); `None` when there is nothing to configure.
    pub(super) fn config_text(
        &self,
        options: Option<Node<'t>>,
        pairs: &[String],
    ) -> Option<String> {
        if pairs.is_empty() {
            return None;
        }
        let obj = options.map(unwrap);
        let multiline = obj.is_some_and(|o| self.text(o).contains('\n'));
        let Some(o) = obj.filter(|_| multiline) else {
            return Some(format!("{{ {} }}", pairs.join(", ")));
        };
        let inner = arguments(o)
            .first()
            .map_or("  ", |m| line_indent(self.src, m.start_byte()));
        let close = line_indent(self.src, o.end_byte().saturating_sub(1));
        let nl = self.newline;
        let body: Vec<String> = pairs.iter().map(|p| format!("{inner}{p},")).collect();
        Some(format!("{{{nl}{}{nl}{close}}}", body.join(nl)))
    }

    /// `logEvent`/`track`/`logEventWithTimestamp`/`logEventWithGroups` → `mixpanel.track` or
    /// `track_with_groups`, with event options merged into the properties.
    pub(super) fn track(
        &self,
        call: &Call<'t>,
        client: &Client,
        method: &str,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
    ) -> Result<Done, String> {
        let (event, props, extra) = match (method, args) {
            (_, []) => return Err(format!("`{method}` without an event name")),
            (_, [first]) if unwrap(*first).kind() == "object" => {
                let ev = options::event_object(self.src, unwrap(*first), false)?;
                let name = ev.event_node.map_or(ev.event_type.to_string(), |n| self.event_text(n));
                (name, ev.properties, ev.options)
            }
            (_, [_]) | (_, [_, _]) if method != "logEventWithGroups" => {
                let mut done = self.callee(call, recv, sep, Target::Track);
                done.edits.extend(self.event_edit(args[0]));
                if let Some(p) = args.get(1) {
                    done.edits.extend(self.key_edits(*p));
                }
                return Ok(done);
            }
            ("logEventWithTimestamp", [e, p, t]) => {
                let mut o = options::EventOptions::default();
                if !self.is_nullish(*t) {
                    o.props.push(format!("time: {}", self.text(*t)));
                }
                (self.event_text(*e), Some(*p), o)
            }
            ("logEventWithGroups", [e, rest @ ..]) if rest.len() <= 2 => {
                let groups = rest
                    .get(1)
                    .filter(|g| !self.is_nullish(**g))
                    .map(|g| self.text(*g).to_string());
                let o = options::EventOptions {
                    groups,
                    ..Default::default()
                };
                (self.event_text(*e), rest.first().copied(), o)
            }
            (_, [e, p, opts]) if client.family == Family::Browser => {
                (self.event_text(*e), Some(*p), options::event_options(self.src, *opts, false)?)
            }
            (_, [_, _, _]) => return Err("the third argument is a callback, and mixpanel.track's callback is called with 1/0 instead of (code, body): migrate by hand".into()),
            _ => return Err("callbacks after the event properties: mixpanel.track's callback is called with 1/0 instead of (code, body); migrate by hand".into()),
        };
        let merged =
            options::merge_props_with(self.src, props, &extra.props, &|n| self.props_text(n));
        let (target, text) = match extra.groups {
            Some(groups) => (
                Target::TrackWithGroups,
                format!(
                    "{recv}{sep}track_with_groups({event}, {}, {groups})",
                    merged.as_deref().unwrap_or("{}")
                ),
            ),
            None => (
                Target::Track,
                match merged {
                    Some(p) => format!("{recv}{sep}track({event}, {p})"),
                    None => format!("{recv}{sep}track({event})"),
                },
            ),
        };
        let mut done = self.replace(call, target, text, self.to(recv, sep, target));
        done.notes = extra.notes;
        Ok(done)
    }

    /// The builder a call's argument holds: a `new Identify()…` chain written inline, or a
    /// `const` in the same block built by chains and statements before the call and used by
    /// nothing else. Returns the chain and the statements to delete with the call.
    pub(super) fn builder(
        &self,
        arg: Node<'t>,
        want: Builder,
        site: &Site<'t>,
    ) -> Result<(Chain<'t>, Vec<Range<usize>>), String> {
        let arg = unwrap(arg);
        let unreadable = || {
            format!(
                "the {} is built where amp2mp cannot follow it: migrate by hand",
                want.name()
            )
        };
        if arg.kind() == "new_expression" || arg.kind() == "call_expression" {
            let chain = builders::chain(arg, self.src).ok_or_else(unreadable)?;
            self.check_builder(chain.new, want)?;
            return Ok((chain, Vec::new()));
        }
        if arg.kind() != "identifier" {
            return Err(unreadable());
        }
        let stmt = site
            .stmt
            .filter(|_| site.in_block())
            .ok_or_else(unreadable)?;
        let name = self.text(arg);
        let mut sibling = stmt.prev_named_sibling();
        let mut steps: Vec<(Node<'t>, Vec<builders::Op<'t>>)> = Vec::new();
        while let Some(s) = sibling {
            if let Some(chain) = self.declared_chain(s, name) {
                self.check_builder(chain.new, want)?;
                let mut ops = chain.ops;
                let mut gone = vec![whole_lines(self.src, with_semicolon(s, self.src))];
                for (step, step_ops) in steps.into_iter().rev() {
                    ops.extend(step_ops);
                    gone.push(whole_lines(self.src, with_semicolon(step, self.src)));
                }
                self.only_used_in(arg, &gone)?;
                return Ok((
                    Chain {
                        new: chain.new,
                        ops,
                    },
                    gone,
                ));
            }
            if s.kind() == "comment" {
                sibling = s.prev_named_sibling();
                continue;
            }
            match self.builder_step(s, name) {
                Some(ops) => steps.push((s, ops)),
                None if !self.text(s).contains(name) => {}
                None => return Err(unreadable()),
            }
            sibling = s.prev_named_sibling();
        }
        Err(unreadable())
    }

    /// `const name = new X()…;` (one declarator): its chain.
    pub(super) fn declared_chain(&self, s: Node<'t>, name: &str) -> Option<Chain<'t>> {
        if !matches!(s.kind(), "lexical_declaration" | "variable_declaration")
            || s.named_child_count() != 1
        {
            return None;
        }
        let d = s.named_child(0)?;
        let declared = d.child_by_field_name("name")?;
        if declared.kind() != "identifier" || self.text(declared) != name {
            return None;
        }
        builders::chain(d.child_by_field_name("value")?, self.src)
    }

    /// `name.set(…).add(…);` as a statement: its operations.
    pub(super) fn builder_step(&self, s: Node<'t>, name: &str) -> Option<Vec<builders::Op<'t>>> {
        if s.kind() != "expression_statement" {
            return None;
        }
        let mut ops = Vec::new();
        let mut n = unwrap(s.named_child(0)?);
        loop {
            match n.kind() {
                "call_expression" => {
                    let (object, op) = builders::method_call(n, self.src)?;
                    ops.push(op);
                    n = object;
                }
                "identifier" if self.text(n) == name => {
                    ops.reverse();
                    return Some(ops);
                }
                _ => return None,
            }
        }
    }

    /// Every reference to the builder variable lies in `ranges` or is `arg` itself.
    pub(super) fn only_used_in(
        &self,
        arg: Node<'t>,
        ranges: &[Range<usize>],
    ) -> Result<(), String> {
        let Some(b) = self.res.scopes.resolve_node(arg, self.src) else {
            return Err(
                "the builder variable is not declared in this file: migrate by hand".into(),
            );
        };
        let name = self.text(arg);
        for r in &self.res.scopes.references {
            if r.name != name || r.node_id == arg.id() {
                continue;
            }
            let inside = ranges.iter().any(|g| g.start <= r.start && r.end <= g.end);
            if !inside && self.res.scopes.resolve(&r.name, r.scope).as_ref() == Some(&b) {
                return Err(format!("`{name}` is used elsewhere too: migrate by hand"));
            }
        }
        Ok(())
    }

    /// The `new` expression constructs Amplitude's `want` builder: `new amplitude.Identify()`,
    /// `new Identify()` of a named import, `new window.amplitude.Identify()`.
    pub(super) fn check_builder(&self, new: Node<'t>, want: Builder) -> Result<(), String> {
        let not_ours = || {
            format!(
                "the argument is not an Amplitude {}: migrate by hand",
                want.name()
            )
        };
        let ctor = unwrap(
            new.child_by_field_name("constructor")
                .ok_or_else(not_ours)?,
        );
        let ok = match ctor.kind() {
            "identifier" => self
                .res
                .scopes
                .resolve_node(ctor, self.src)
                .and_then(|b| self.res.import_binding(&b).cloned())
                .is_some_and(|(f, imported)| {
                    builder_family(f) && imported == Imported::Named(want.name().to_string())
                }),
            "member_expression" => {
                let prop = ctor.child_by_field_name("property").map(|p| self.text(p));
                prop == Some(want.name())
                    && ctor
                        .child_by_field_name("object")
                        .and_then(|o| self.res.receiver(o))
                        .is_some_and(|c| builder_family(c.family))
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(not_ours())
        }
    }

    /// `identify(new Identify()…)` → `mixpanel.people.<op>(…)` per operation kind.
    pub(super) fn identify(
        &self,
        call: &Call<'t>,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let arg = match args {
            [arg] => *arg,
            [_, _] => return Err("identify with event options or a callback: Mixpanel's people calls always target the current user; migrate by hand".into()),
            _ => return Err("identify expects one Identify object".into()),
        };
        let (chain, gone) = self.builder(arg, Builder::Identify, site)?;
        let calls = builders::people_calls(self.src, &chain.ops)?;
        let texts: Vec<String> = calls
            .calls
            .iter()
            .map(|c| format!("{recv}{sep}{c}"))
            .collect();
        let edits = vec![self.statements(call, site, &texts)?];
        let kinds: Vec<&str> = calls
            .calls
            .iter()
            .filter_map(|c| c.split('(').next())
            .collect();
        let kinds: Vec<String> = dedup(&kinds)
            .iter()
            .map(|k| format!("`{recv}{sep}{k}`"))
            .collect();
        let done = self.done(
            Target::People,
            edits,
            format!("becomes {}", kinds.join(", ")),
        );
        Ok(done.with_builder(gone, chain.new.byte_range(), calls.notes))
    }

    /// `groupIdentify(type, name, new Identify()…)` → `mixpanel.get_group(type, name).<op>(…)`.
    pub(super) fn group_identify(
        &self,
        call: &Call<'t>,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let [kind, name, arg] = args else {
            return Err("groupIdentify with event options or a callback: migrate by hand".into());
        };
        if unwrap(*name).kind() == "array" {
            return Err(
                "several group names: call mixpanel.get_group(type, name) once per name by hand"
                    .into(),
            );
        }
        let (chain, gone) = self.builder(*arg, Builder::Identify, site)?;
        let calls = builders::group_calls(self.src, &chain.ops)?;
        let name_kind = unwrap(*name).kind();
        let note = (!matches!(name_kind, "string" | "number" | "template_string")).then(|| {
            format!(
                "if `{}` is an array of group names, call mixpanel.get_group once per name",
                self.text(*name)
            )
        });
        let group = format!(
            "{recv}{sep}get_group({}, {})",
            self.text(*kind),
            self.text(*name)
        );
        let texts: Vec<String> = calls.calls.iter().map(|c| format!("{group}.{c}")).collect();
        let edits = vec![self.statements(call, site, &texts)?];
        let done = self.done(
            Target::GroupIdentify,
            edits,
            format!("becomes `{recv}{sep}get_group(…)` calls"),
        );
        let mut done = done.with_builder(gone, chain.new.byte_range(), calls.notes);
        done.notes.extend(note);
        Ok(done)
    }

    /// `revenue(new Revenue()…)`, `logRevenueV2(…)`, `logRevenue(price, quantity, id)` →
    /// `mixpanel.track('Revenue', { price, quantity, product_id, … })`.
    pub(super) fn revenue(
        &self,
        call: &Call<'t>,
        method: &str,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
        site: &Site<'t>,
    ) -> Result<Done, String> {
        let mut statements = Vec::new();
        let mut gone = Vec::new();
        let props = if method == "logRevenue" {
            let text = |i: usize| args.get(i).map(|a| self.text(*a).to_string());
            if args.is_empty() || args.len() > 3 {
                return Err("logRevenue expects (price, quantity, productId)".into());
            }
            builders::RevenueProps {
                price: text(0),
                quantity: text(1),
                product_id: text(2),
                ..Default::default()
            }
        } else {
            let [arg] = args else {
                return Err(format!("{method} with event options: migrate by hand"));
            };
            let (chain, deleted) = self.builder(*arg, Builder::Revenue, site)?;
            statements = deleted;
            gone.push(chain.new.byte_range());
            builders::revenue_props(self.src, &chain.ops)?
        };
        let event = self.revenue_event();
        let text = format!("{recv}{sep}track({event}, {})", props.object());
        let to = format!("becomes `{recv}{sep}track({event}, …)`");
        let mut done = self.replace(call, Target::Revenue, text, to);
        done.edits
            .extend(statements.iter().cloned().map(Edit::delete));
        done.gone = gone;
        done.gone.extend(statements);
        Ok(done)
    }

    /// `setOptOut(true)` → `opt_out_tracking({ delete_user: false })`, `false` → `opt_in_tracking()`.
    pub(super) fn opt_out(
        &self,
        call: &Call<'t>,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
    ) -> Result<Done, String> {
        let [flag] = args else {
            return Err("setOptOut expects true or false".into());
        };
        match self.text(unwrap(*flag)) {
            "true" => Ok(self.replace(
                call,
                Target::OptOut,
                format!("{recv}{sep}opt_out_tracking({{ delete_user: false }})"),
                self.to(recv, sep, Target::OptOut),
            )),
            "false" => {
                let mut d = self.replace(
                    call,
                    Target::OptIn,
                    format!("{recv}{sep}opt_in_tracking()"),
                    self.to(recv, sep, Target::OptIn),
                );
                d.notes.push("mixpanel.opt_in_tracking() also tracks an $opt_in event".into());
                Ok(d)
            }
            _ => Err("setOptOut with a value known only at run time: use opt_out_tracking({ delete_user: false }) or opt_in_tracking() by hand".into()),
        }
    }

    /// `getUserId()`, `getDeviceId()`, `getOptOut()` → Mixpanel's getters.
    pub(super) fn getter(
        &self,
        call: &Call<'t>,
        method: &str,
        args: &[Node<'t>],
        recv: &str,
        sep: &str,
    ) -> Result<Done, String> {
        if !args.is_empty() {
            return Err(format!("{method}() with arguments: migrate by hand"));
        }
        let q = self.quote;
        let (target, text, note) = match method {
            "getUserId" => (
                Target::GetProperty,
                format!("get_property({q}$user_id{q})"),
                None,
            ),
            "getDeviceId" => (
                Target::GetProperty,
                format!("get_property({q}$device_id{q})"),
                None,
            ),
            _ => (
                Target::HasOptedOut,
                "has_opted_out_tracking()".to_string(),
                Some("has_opted_out_tracking() is also true in browsers that send Do-Not-Track"),
            ),
        };
        let mut d = self.replace(
            call,
            target,
            format!("{recv}{sep}{text}"),
            format!("becomes `{recv}{sep}{text}`"),
        );
        d.notes.extend(note.map(String::from));
        Ok(d)
    }

    /// `flush()` as a statement in a block: deleted.
    pub(super) fn remove(&self, method: &str, site: &Site<'t>) -> Result<Done, String> {
        let stmt = site
            .stmt
            .filter(|_| site.in_block())
            .ok_or_else(|| format!("{method}() whose result is used or that is not a statement of its own: Mixpanel sends batches by itself; remove it by hand"))?;
        let range = whole_lines(self.src, with_semicolon(stmt, self.src));
        let mut done = self.done(
            Target::Removed,
            vec![Edit::delete(range.clone())],
            "removed: Mixpanel sends its batches by itself (also on page hide)".into(),
        );
        done.gone.push(range);
        Ok(done)
    }
}

/// The SDKs whose Identify and Revenue builders amp2mp reads.
fn builder_family(f: Family) -> bool {
    matches!(
        f,
        Family::Legacy | Family::Browser | Family::Server | Family::Mobile
    )
}

/// A literal that cannot be an options object: a string, number, template or `null`.
fn is_literal(n: Node) -> bool {
    matches!(
        unwrap(n).kind(),
        "string" | "number" | "template_string" | "null" | "undefined" | "object"
    )
}

/// The distinct strings, in first-seen order.
fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}
