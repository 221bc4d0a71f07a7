//! Which expressions in one file are Amplitude clients. Reads the query captures (imports,
//! requires, calls, stores) and the file's scopes, and answers: is this receiver an Amplitude
//! client, from which SDK, which instance? Only identifiers bound to an Amplitude import, a stored
//! client, or the snippet's global `amplitude` (when nothing local shadows it) count.

use crate::clients::{ClientId, Env, Linked, LinkedKind, Slot};
pub use crate::clients::{Family, Instance};
use crate::queries::{Compiled, Queries};
use crate::scope::{Binding, Scopes};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, Tree};

/// The legacy Node SDK, whose `init` returns a client.
pub const LEGACY_NODE: &str = "@amplitude/node";

/// What an imported name is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    /// The package object: `amplitude-js`'s manager, or the browser SDK's namespace.
    Module,
    /// A named export (`track`, `createInstance`, `Identify`, …), by its exported name.
    Named(String),
}

/// One binding an import introduces.
#[derive(Clone, Debug)]
pub struct ImportBinding {
    pub binding: Binding,
    pub imported: Imported,
    /// The `{ a as b }` specifier or `{ a: b }` property, for removing just it.
    pub specifier: Option<Range<usize>>,
}

/// An `import … from` or `const … = require(…)` of an Amplitude or Mixpanel package.
#[derive(Clone, Debug)]
pub struct Import {
    pub source: String,
    /// The statement, when amp2mp may replace or delete it whole.
    pub statement: Option<Range<usize>>,
    /// Where the statement is (also when it may not be removed), for reports.
    pub range: Range<usize>,
    pub is_require: bool,
    /// A lazy load (`await import('x')`, `await require('x')`), as written.
    pub lazy: Option<String>,
    pub quote: char,
    pub semicolon: bool,
    pub bindings: Vec<ImportBinding>,
}

/// A call expression in the file, from `queries/calls.scm`.
#[derive(Clone, Copy, Debug)]
pub struct Call<'t> {
    pub node: Node<'t>,
    pub callee: Node<'t>,
    /// The object of a method call; `None` for a plain function call.
    pub receiver: Option<Node<'t>>,
    /// The method name, or the called identifier.
    pub name: Node<'t>,
    pub args: Node<'t>,
}

/// Where a client is stored: a declarator, an assignment or a class field.
#[derive(Clone, Debug)]
pub struct StoreSite {
    /// The statement to delete when the client is no longer needed; `None` when it cannot be
    /// deleted safely (exported, several declarators, an assignment inside an expression).
    pub statement: Option<Range<usize>>,
    pub range: Range<usize>,
    /// The identifier assigned to, which the scope walk counts as a reference.
    pub target_ref: Option<usize>,
    /// The client expression stored, if any (`let c;` stores none).
    pub value: Option<Range<usize>>,
}

/// A variable or `this` field that holds an Amplitude client.
#[derive(Clone, Debug)]
pub struct StoredClient {
    pub display: String,
    /// The instance stored (the first one, when `ambiguous`).
    pub id: ClientId,
    pub origin: Origin,
    pub family: Family,
    pub instance: Instance,
    pub sites: Vec<StoreSite>,
    /// Something other than a client is stored there too: calls through it are reported.
    pub ambiguous: bool,
    /// Node ids of the reads (`client` identifiers or `this.client` members).
    pub uses: Vec<usize>,
}

/// How a receiver reaches Amplitude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Root {
    /// An import binding.
    Import(Binding),
    /// A stored client, by its key in [`Resolution::stored`].
    Stored(StoreKey),
    /// The snippet's global `amplitude`.
    Global,
    /// `window.amplitude`.
    Window,
    /// A global slot another module fills (`window.NAME`, `this.$NAME`).
    Slot,
}

/// Key of a stored client: a variable binding or a class field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StoreKey {
    Var(Binding),
    Field {
        class: usize,
        name: String,
    },
    /// A property of an object literal kept in a variable: `const a = { client: … }`.
    Prop {
        var: Binding,
        name: String,
    },
}

/// Where a client comes from in the end, which decides how the Mixpanel object is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An import or require: `mixpanel` from the `mixpanel-browser` import amp2mp adds or reuses.
    Import,
    /// The snippet's global `amplitude`: the Mixpanel snippet's global `mixpanel`.
    Global,
    /// `window.amplitude`: `window.mixpanel`.
    Window,
    /// A client another module hands over (an import of a local module, a global slot): the
    /// receiver is kept as written, since that module hands over the Mixpanel object once its
    /// client is migrated.
    Linked,
}

/// A resolved Amplitude receiver or function.
#[derive(Clone, Debug)]
pub struct Client {
    pub origin: Origin,
    pub family: Family,
    pub instance: Instance,
    pub root: Root,
    /// The identifier or `this.x` node read at the root.
    pub root_ref: usize,
    /// `getInstance()`/`createInstance()` calls on the way, by node id.
    pub producers: Vec<usize>,
    /// Which instance it is, across the project.
    pub id: ClientId,
    /// For a [`Origin::Linked`] client: the receiver's root as written, kept by rewrites.
    pub kept: Option<String>,
}

/// Everything known about one file's Amplitude use.
pub struct Resolution<'t> {
    pub source: &'t str,
    pub scopes: Scopes,
    pub imports: Vec<Import>,
    pub calls: Vec<Call<'t>>,
    pub stored: HashMap<StoreKey, StoredClient>,
    /// Ranges of the tree's ERROR nodes.
    pub error_ranges: Vec<Range<usize>>,
    /// The tree's root, for finding the node of a reference.
    pub root: Node<'t>,
    /// Bindings of the Amplitude imports, with what they import and their family.
    import_bindings: HashMap<Binding, (Family, Imported)>,
    calls_by_node: HashMap<usize, usize>,
    news: HashMap<usize, Node<'t>>,
    this_members: Vec<(Node<'t>, String)>,
    /// `Name.field` reads, for clients kept in static fields.
    static_members: Vec<Node<'t>>,
    /// Class name → its body's node id, for the classes that keep a client in a field.
    class_ids: HashMap<String, usize>,
    /// Names that can denote Amplitude: import locals, stored clients, `amplitude`, `window`.
    names: HashSet<String>,
    /// Import bindings of local modules that hand over an Amplitude client.
    linked: HashMap<Binding, Linked>,
    /// Module-object bindings of local modules (namespace import, `require`), by the names of
    /// the clients they export.
    linked_members: HashMap<Binding, HashMap<String, Linked>>,
    /// What the link step told this file.
    pub env: &'t Env,
    /// The file's `export` statements.
    pub exports: Vec<Node<'t>>,
    /// TypeScript's declarations of the snippet's globals for the compiler: the name of
    /// `declare const amplitude: any` (then read as the global), and the `amplitude` member of
    /// `interface Window { amplitude: … }`.
    pub ambient: Vec<Node<'t>>,
    pub window_types: Vec<Node<'t>>,
    /// Parameters typed as an Amplitude client (`client: AmplitudeClient`): the parameter's
    /// name and the type as written. The value passed in is not followed across calls.
    pub typed_params: Vec<(Node<'t>, String, Family)>,
    /// Functions whose return type is an Amplitude client: the function's name, the type as
    /// written, and whether the function is exported.
    pub typed_returns: Vec<(Node<'t>, String, Family, bool)>,
    /// Assignments to a member (`module.exports = c`, `window.a = c`): (assignment, member,
    /// value).
    pub slot_writes: Vec<(Node<'t>, Node<'t>, Node<'t>)>,
}

impl<'t> Resolution<'t> {
    /// Resolves `tree` (parsed from `source`) with the compiled `queries`.
    pub fn new(tree: &'t Tree, source: &'t str, queries: &Queries, env: &'t Env) -> Resolution<'t> {
        // Names handed over by other modules are not among the search's words: a file that
        // sees any is searched whole.
        let parts = if searched_whole(source, env) {
            matches_in(queries, tree.root_node(), source)
        } else {
            matches_by_part(queries, tree.root_node(), source)
        };
        Resolution::from_matches(tree, source, queries, parts, env)
    }

    /// Resolves `tree` from the combined query's `parts`.
    fn from_matches(
        tree: &'t Tree,
        source: &'t str,
        queries: &Queries,
        parts: [Vec<Match<'t>>; 5],
        env: &'t Env,
    ) -> Resolution<'t> {
        let root = tree.root_node();
        let q = &queries.combined;
        let mut anchored = collect_imports(q, &parts[0], source);
        anchored.extend(collect_requires(q, &parts[1], source));
        anchored.sort_by_key(|(i, _)| i.range.start);
        let (calls, news) = collect_calls(q, &parts[2]);
        let stores = collect_stores(q, &parts[3]);
        let (exports, slot_writes) = collect_exports(q, &parts[4]);

        let mut names: HashSet<String> = HashSet::new();
        for (import, _) in &anchored {
            for b in &import.bindings {
                names.insert(b.binding.name.clone());
            }
        }
        for s in &stores {
            if let StoreTarget::Var(n) = &s.target {
                names.insert(source[n.byte_range()].to_string());
            }
        }
        let (typed_params, typed_returns) = typed_parameters(root, source, &anchored);
        names.extend(
            typed_params
                .iter()
                .map(|(n, _, _)| source[n.byte_range()].to_string()),
        );
        let scopes = Scopes::build(tree, source, &names, &queries.kinds);
        names.extend(["amplitude".to_string(), "window".to_string()]);
        // The globals of the page's classic scripts, read by their bare names.
        names.extend(
            env.slots
                .keys()
                .filter(|(slot, _)| *slot == Slot::Window)
                .map(|(_, n)| n.clone()),
        );

        // Bindings were recorded by name only; place each in the scope that declares it.
        let mut imports = Vec::with_capacity(anchored.len());
        for (mut import, anchor) in anchored {
            let scope = scopes.scope_of(anchor);
            for b in &mut import.bindings {
                if let Some(resolved) = scopes.resolve(&b.binding.name, scope) {
                    b.binding = resolved;
                }
            }
            imports.push(import);
        }
        let import_bindings = imports
            .iter()
            .filter_map(|i| Family::of_package(&i.source).map(|f| (i, f)))
            .flat_map(|(i, f)| {
                i.bindings
                    .iter()
                    .map(move |b| (b.binding.clone(), (f, b.imported.clone())))
            })
            .collect();
        let linked: HashMap<Binding, Linked> = imports
            .iter()
            .filter(|i| Family::of_package(&i.source).is_none())
            .flat_map(|i| {
                i.bindings.iter().filter_map(move |b| {
                    let name = match &b.imported {
                        Imported::Module => "default",
                        Imported::Named(n) => n.as_str(),
                    };
                    let l = env
                        .imports
                        .get(&(i.source.clone(), name.to_string()))
                        .or_else(|| {
                            // `import * as a from './amp'` and `const a = require('./amp')`
                            // read the module's default export as `a.default` or `a`: only
                            // the CommonJS `module.exports = client` form is followed.
                            (b.imported == Imported::Module)
                                .then(|| env.imports.get(&(i.source.clone(), "*".to_string())))
                                .flatten()
                        })?;
                    Some((b.binding.clone(), l.clone()))
                })
            })
            .collect();
        // `import * as a from './amp'`, `const a = require('./amp')`: the module's named exports
        // are read as `a.name`.
        let mut linked_members: HashMap<Binding, HashMap<String, Linked>> = HashMap::new();
        for i in imports
            .iter()
            .filter(|i| Family::of_package(&i.source).is_none())
        {
            for b in &i.bindings {
                if b.imported != Imported::Module || linked.contains_key(&b.binding) {
                    continue;
                }
                for ((spec, name), l) in &env.imports {
                    if spec == &i.source && name != "default" && name != "*" {
                        linked_members
                            .entry(b.binding.clone())
                            .or_default()
                            .insert(name.clone(), l.clone());
                    }
                }
            }
        }
        let calls_by_node = calls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.node.id(), i))
            .collect();
        let this_members = stores
            .iter()
            .filter_map(|s| match &s.target {
                StoreTarget::ThisRead(n) => Some((*n, field_name(*n, source))),
                _ => None,
            })
            .collect();
        let static_members = stores
            .iter()
            .filter_map(|s| match &s.target {
                StoreTarget::StaticRead(n) => Some(*n),
                _ => None,
            })
            .collect();
        let mut res = Resolution {
            source,
            scopes,
            imports,
            calls,
            stored: HashMap::new(),
            error_ranges: error_ranges(tree),
            root,
            import_bindings,
            calls_by_node,
            news,
            this_members,
            static_members,
            class_ids: HashMap::new(),
            names,
            linked,
            linked_members,
            env,
            exports,
            slot_writes,
            ambient: Vec::new(),
            window_types: Vec::new(),
            typed_params,
            typed_returns,
        };
        (res.ambient, res.window_types) = ambient_globals(root, source);
        res.store_typed_params();
        res.resolve_stores(&stores);
        res
    }

    /// The family and imported name of an Amplitude import binding.
    pub fn import_binding(&self, b: &Binding) -> Option<&(Family, Imported)> {
        self.import_bindings.get(b)
    }

    /// The SDK family of an import binding that acts as the package object: a default or
    /// namespace import, Ampli's `{ ampli }`, or `@amplitude/react-native`'s `{ Amplitude }`.
    pub fn module_like(&self, b: &Binding) -> Option<Family> {
        match self.import_binding(b)? {
            (family, Imported::Module) => Some(*family),
            (Family::Ampli, Imported::Named(n)) if n == "ampli" => Some(Family::Ampli),
            (Family::Mobile, Imported::Named(n)) if n == "Amplitude" => Some(Family::Mobile),
            _ => None,
        }
    }

    /// Whether a binding is TypeScript's `declare const amplitude`: the snippet's global.
    pub fn is_ambient(&self, b: &Binding) -> bool {
        b.scope == 0
            && self
                .ambient
                .iter()
                .any(|n| &self.source[n.byte_range()] == b.name.as_str())
    }

    /// The client another module hands over through this import binding, if any.
    pub fn linked(&self, b: &Binding) -> Option<&Linked> {
        self.linked.get(b)
    }

    /// The package a client's import comes from.
    pub fn source_of(&self, client: &Client) -> Option<&str> {
        let Root::Import(b) = &client.root else {
            return None;
        };
        self.imports
            .iter()
            .find(|i| i.bindings.iter().any(|x| x.binding == *b))
            .map(|i| i.source.as_str())
    }

    /// The call expression node with this id, if it is a call.
    pub fn call_by_node(&self, id: usize) -> Option<&Call<'t>> {
        self.calls_by_node.get(&id).map(|&i| &self.calls[i])
    }

    fn text(&self, n: Node) -> &'t str {
        &self.source[n.byte_range()]
    }

    /// Parameters typed as an Amplitude client hold the package's shared client, as far as
    /// this file can tell: their reads are its uses (and the planner blocks it).
    fn store_typed_params(&mut self) {
        for &(ident, _, family) in &self.typed_params {
            let Some(b) = self.scopes.resolve_node(ident, self.source) else {
                continue;
            };
            self.stored
                .entry(StoreKey::Var(b))
                .or_insert_with(|| StoredClient {
                    display: self.source[ident.byte_range()].to_string(),
                    id: self.env.shared(family, &Instance::Default),
                    origin: Origin::Import,
                    family,
                    instance: Instance::Default,
                    sites: Vec::new(),
                    ambiguous: false,
                    uses: Vec::new(),
                });
        }
    }

    fn resolve_stores(&mut self, stores: &[Store<'t>]) {
        // First the stores whose value is a client, then everything else stored in the same place.
        // Keys cost a walk up the tree, so only stores that hold a client, or share a name
        // with one, get one.
        let values: Vec<Option<(Client, bool)>> = stores
            .iter()
            .map(|s| s.value.and_then(|v| self.stored_value(v)))
            .collect();
        let conditional: Vec<bool> = values
            .iter()
            .map(|v| v.as_ref().is_some_and(|v| v.1))
            .collect();
        let clients: Vec<Option<Client>> = values.into_iter().map(|v| v.map(|v| v.0)).collect();
        let client_names: HashSet<&str> = stores
            .iter()
            .zip(&clients)
            .filter(|(_, c)| c.is_some())
            .filter_map(|(s, _)| s.target_text(self.source))
            .collect();
        let mut keyed: Vec<(StoreKey, &Store<'t>, Option<Client>)> = Vec::new();
        let mut conditional_keys: Vec<StoreKey> = Vec::new();
        for ((s, client), conditional) in stores.iter().zip(clients).zip(conditional) {
            let named = s
                .target_text(self.source)
                .is_some_and(|n| client_names.contains(n));
            if client.is_none() && !named {
                continue;
            }
            let Some(key) = self.store_key(s) else {
                continue;
            };
            if conditional {
                conditional_keys.push(key.clone());
            }
            keyed.push((key, s, client));
        }
        let client_fields: HashSet<String> = self
            .stored
            .keys()
            .chain(keyed.iter().filter(|k| k.2.is_some()).map(|k| &k.0))
            .filter_map(|k| match k {
                StoreKey::Field { name, .. } => Some(name.clone()),
                StoreKey::Var(_) | StoreKey::Prop { .. } => None,
            })
            .collect();
        for (key, s, client) in &keyed {
            if let Some(c) = client {
                let entry = self
                    .stored
                    .entry(key.clone())
                    .or_insert_with(|| StoredClient {
                        display: store_display(key),
                        id: c.id.clone(),
                        origin: c.origin,
                        family: c.family,
                        instance: c.instance.clone(),
                        sites: Vec::new(),
                        ambiguous: false,
                        uses: Vec::new(),
                    });
                if entry.instance != c.instance
                    || entry.family != c.family
                    || entry.origin != c.origin
                    || entry.id != c.id
                {
                    entry.ambiguous = true;
                }
                entry.sites.push(store_site(s, self.source));
            }
        }
        // `x = cond ? amplitude.getInstance() : null`: a client only sometimes.
        for key in &conditional_keys {
            if let Some(entry) = self.stored.get_mut(key) {
                entry.ambiguous = true;
            }
        }
        for (key, s, client) in &keyed {
            if client.is_some() {
                continue;
            }
            let neutral = s.value.is_none_or(|v| is_nullish(v, self.source));
            if let Some(entry) = self.stored.get_mut(key) {
                entry.sites.push(store_site(s, self.source));
                if !neutral {
                    entry.ambiguous = true;
                }
            }
        }
        self.property_holders(stores);
        let site_targets: HashSet<usize> = self
            .stored
            .values()
            .flat_map(|c| c.sites.iter().filter_map(|s| s.target_ref))
            .collect();
        for r in &self.scopes.references {
            if site_targets.contains(&r.node_id) {
                continue;
            }
            if let Some(b) = self.scopes.resolve(&r.name, r.scope) {
                if let Some(c) = self.stored.get_mut(&StoreKey::Var(b)) {
                    c.uses.push(r.node_id);
                }
            }
        }
        for (node, name) in &self.this_members {
            if !client_fields.contains(name) {
                continue;
            }
            if let Some(class) = enclosing_class(*node) {
                let key = StoreKey::Field {
                    class,
                    name: name.clone(),
                };
                if let Some(c) = self.stored.get_mut(&key) {
                    c.uses.push(node.id());
                }
            }
        }
        for (key, s, client) in &keyed {
            if let (StoreKey::Field { class, .. }, Some(_)) = (key, client) {
                if let Some(name) = class_name(s.site) {
                    self.class_ids
                        .insert(name.to_string_lossy(self.source), *class);
                }
            }
        }
        for member in &self.static_members {
            let (Some(object), Some(prop)) = (
                member.child_by_field_name("object"),
                member.child_by_field_name("property"),
            ) else {
                continue;
            };
            let Some(&class) = self.class_ids.get(self.text(object)) else {
                continue;
            };
            let key = StoreKey::Field {
                class,
                name: self.text(prop).to_string(),
            };
            if let Some(c) = self.stored.get_mut(&key) {
                c.uses.push(member.id());
            }
        }
        for c in self.stored.values_mut() {
            c.sites.sort_by_key(|s| s.range.start);
            c.sites.dedup_by_key(|s| s.range.start);
        }
    }

    /// Clients kept in a property of an object literal stored in a variable
    /// (`const analytics = { client: amplitude.getInstance() }`).
    fn property_holders(&mut self, stores: &[Store<'t>]) {
        for s in stores {
            let (StoreTarget::Var(n), Some(value)) = (&s.target, s.value) else {
                continue;
            };
            let value = unwrap(value);
            if value.kind() != "object" || s.is_assignment {
                continue;
            }
            let Some(var) = self.scopes.resolve(self.text(*n), self.scopes.scope_of(*n)) else {
                continue;
            };
            let mut c = value.walk();
            let pairs: Vec<Node<'t>> = value
                .named_children(&mut c)
                .filter(|p| p.kind() == "pair")
                .collect();
            for pair in pairs {
                let (Some(key), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) else {
                    continue;
                };
                if key.kind() != "property_identifier" {
                    continue;
                }
                let Some(client) = self.client_expr(v) else {
                    continue;
                };
                let key = StoreKey::Prop {
                    var: var.clone(),
                    name: self.text(key).to_string(),
                };
                self.stored.insert(
                    key.clone(),
                    StoredClient {
                        display: store_display(&key),
                        id: client.id.clone(),
                        origin: client.origin,
                        family: client.family,
                        instance: client.instance.clone(),
                        sites: vec![StoreSite {
                            statement: None,
                            range: pair.byte_range(),
                            target_ref: None,
                            value: Some(v.byte_range()),
                        }],
                        ambiguous: false,
                        uses: Vec::new(),
                    },
                );
            }
        }
        let members = self.static_members.clone();
        for member in members {
            if let Some(key) = self.prop_key(member) {
                if let Some(c) = self.stored.get_mut(&key) {
                    c.uses.push(member.id());
                }
            }
        }
    }

    /// The property-holder key a `var.name` member reads, if it is one.
    fn prop_key(&self, member: Node<'t>) -> Option<StoreKey> {
        let object = unwrap(member.child_by_field_name("object")?);
        let prop = member.child_by_field_name("property")?;
        if object.kind() != "identifier" {
            return None;
        }
        let var = self.scopes.resolve_node(object, self.source)?;
        let key = StoreKey::Prop {
            var,
            name: self.text(prop).to_string(),
        };
        self.stored.contains_key(&key).then_some(key)
    }

    /// The property names of the clients kept in properties of `var`'s object.
    pub fn held_props(&self, var: &Binding) -> Vec<(&str, &StoredClient)> {
        let mut out: Vec<(&str, &StoredClient)> = self
            .stored
            .iter()
            .filter_map(|(k, s)| match k {
                StoreKey::Prop { var: v, name } if v == var => Some((name.as_str(), s)),
                _ => None,
            })
            .collect();
        out.sort_by_key(|(n, _)| *n);
        out
    }

    fn store_key(&self, s: &Store<'t>) -> Option<StoreKey> {
        match &s.target {
            StoreTarget::Var(n) => self
                .scopes
                .resolve(self.text(*n), self.scopes.scope_of(*n))
                .map(StoreKey::Var),
            StoreTarget::Field(n) => Some(StoreKey::Field {
                class: enclosing_class(*n)?,
                name: self.text(*n).to_string(),
            }),
            StoreTarget::ThisRead(_) | StoreTarget::StaticRead(_) => None,
        }
    }

    /// The client an expression produces: `amplitude.getInstance(…)`, `createInstance()`,
    /// `new AmplitudeClient()`. Stored clients are not followed here (no `const b = a`).
    fn client_expr(&self, expr: Node<'t>) -> Option<Client> {
        let expr = unwrap(expr);
        if self.call_by_node(expr.id()).is_some() || self.news.contains_key(&expr.id()) {
            let c = self.receiver(expr)?;
            return (!c.producers.is_empty()).then_some(c);
        }
        None
    }

    /// The client a stored value holds, and whether only conditionally: a client expression,
    /// React's `useMemo(() => client, deps)`, or one branch of `cond ? client : other`.
    fn stored_value(&self, value: Node<'t>) -> Option<(Client, bool)> {
        if let Some(c) = self.client_expr(value) {
            return Some((c, false));
        }
        let v = unwrap(value);
        match v.kind() {
            "await_expression" => self.stored_value(v.named_child(0)?),
            "ternary_expression" => {
                let a = v.child_by_field_name("consequence")?;
                let b = v.child_by_field_name("alternative")?;
                self.client_expr(a)
                    .or_else(|| self.client_expr(b))
                    .map(|c| (c, true))
            }
            "call_expression" => {
                let f = v.child_by_field_name("function")?;
                if self.text(f) != "useMemo" {
                    return None;
                }
                let arrow = v.child_by_field_name("arguments")?.named_child(0)?;
                let body = arrow
                    .child_by_field_name("body")
                    .filter(|_| arrow.kind() == "arrow_function")?;
                self.client_expr(body).map(|c| (c, false))
            }
            _ => None,
        }
    }

    /// If `call` produces an Amplitude client (`getInstance`, `createInstance`), that client.
    pub fn producer(&self, call: &Call<'t>) -> Option<Client> {
        let name = self.text(call.name);
        match call.receiver {
            Some(recv) => {
                let base = self.receiver(recv)?;
                let module = match &base.root {
                    Root::Import(b) => {
                        self.module_like(b).is_some()
                            || self
                                .linked
                                .get(b)
                                .is_some_and(|l| l.kind == LinkedKind::Module)
                    }
                    Root::Global | Root::Window => true,
                    Root::Slot => self.slot_kind(recv) == Some(LinkedKind::Module),
                    Root::Stored(_) => false,
                };
                if !module || !base.producers.is_empty() {
                    return None;
                }
                let (instance, created) = match (name, base.family) {
                    ("getInstance", Family::Legacy | Family::Mobile) => {
                        (instance_name(call.args, self.source), false)
                    }
                    ("createInstance", _) => (Instance::Default, true),
                    // `@amplitude/node`'s `init` returns the client.
                    ("init", Family::Server) if self.source_of(&base) == Some(LEGACY_NODE) => {
                        (Instance::Default, true)
                    }
                    _ => return None,
                };
                let id = if created {
                    ClientId::created(&self.env.file, call.node.start_byte())
                } else if matches!(base.origin, Origin::Global | Origin::Window) {
                    self.env.global(&instance)
                } else {
                    self.env.shared(base.family, &instance)
                };
                let mut producers = base.producers;
                producers.push(call.node.id());
                Some(Client {
                    instance,
                    producers,
                    id,
                    ..base
                })
            }
            None => {
                if !self.names.contains(self.text(call.name)) {
                    return None;
                }
                let b = self.scopes.resolve_node(call.name, self.source)?;
                if let Some(l) = self
                    .linked
                    .get(&b)
                    .filter(|l| l.kind == LinkedKind::Factory)
                {
                    let mut c = self.linked_client(l, Root::Import(b.clone()), call.name);
                    c.producers.push(call.node.id());
                    return Some(c);
                }
                match self.import_binding(&b)? {
                    (family, Imported::Named(n)) if n == "createInstance" => Some(Client {
                        origin: Origin::Import,
                        family: *family,
                        instance: Instance::Default,
                        root: Root::Import(b),
                        root_ref: call.name.id(),
                        producers: vec![call.node.id()],
                        id: ClientId::created(&self.env.file, call.node.start_byte()),
                        kept: None,
                    }),
                    _ => None,
                }
            }
        }
    }

    /// The client a stored client's key holds, as read at `at`.
    fn stored_client(&self, key: StoreKey, at: Node<'t>) -> Option<Client> {
        let stored = self.stored.get(&key)?;
        Some(Client {
            origin: stored.origin,
            family: stored.family,
            instance: stored.instance.clone(),
            root: Root::Stored(key),
            root_ref: at.id(),
            producers: Vec::new(),
            id: stored.id.clone(),
            kept: None,
        })
    }

    /// A client another module hands over, read at `at` (kept as written by rewrites).
    fn linked_client(&self, l: &Linked, root: Root, at: Node<'t>) -> Client {
        Client {
            origin: Origin::Linked,
            family: l.family,
            instance: l.instance.clone(),
            root,
            root_ref: at.id(),
            producers: Vec::new(),
            id: l.id.clone(),
            kept: Some(self.text(at).to_string()),
        }
    }

    /// The client a global `window.NAME` / `this.NAME` slot holds, if a module fills it.
    fn slot_client(&self, slot: Slot, name: &str, at: Node<'t>) -> Option<Client> {
        let l = self.env.slots.get(&(slot, name.to_string()))?;
        matches!(l.kind, LinkedKind::Instance | LinkedKind::Module)
            .then(|| self.linked_client(l, Root::Slot, at))
    }

    /// What a global slot read (`this.$amplitude`, `window.tracker`, a classic script's global)
    /// holds, if a module fills it.
    fn slot_kind(&self, expr: Node<'t>) -> Option<LinkedKind> {
        let expr = unwrap(expr);
        let (slot, name) = match expr.kind() {
            "identifier" => (Slot::Window, self.text(expr)),
            "member_expression" => {
                let object = unwrap(expr.child_by_field_name("object")?);
                let name = self.text(expr.child_by_field_name("property")?);
                match (object.kind(), self.text(object)) {
                    ("this", _) => (Slot::This, name),
                    ("identifier", "window" | "globalThis") => (Slot::Window, name),
                    _ => return None,
                }
            }
            _ => return None,
        };
        self.env
            .slots
            .get(&(slot, name.to_string()))
            .map(|l| l.kind.clone())
    }

    /// The Amplitude client a receiver expression denotes, if any.
    pub fn receiver(&self, expr: Node<'t>) -> Option<Client> {
        let expr = unwrap(expr);
        match expr.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(expr);
                if !self.names.contains(name) {
                    return None;
                }
                // TypeScript's `declare const amplitude` is the snippet's global.
                let binding = self
                    .scopes
                    .resolve_node(expr, self.source)
                    .filter(|b| !(name == "amplitude" && self.is_ambient(b)));
                match binding {
                    Some(b) => {
                        if let Some(family) = self.module_like(&b) {
                            return Some(Client {
                                origin: Origin::Import,
                                family,
                                instance: Instance::Default,
                                root: Root::Import(b),
                                root_ref: expr.id(),
                                producers: Vec::new(),
                                id: self.env.shared(family, &Instance::Default),
                                kept: None,
                            });
                        }
                        if let Some(l) = self.linked.get(&b) {
                            if matches!(
                                l.kind,
                                LinkedKind::Function(_)
                                    | LinkedKind::Holder(_)
                                    | LinkedKind::Factory
                            ) {
                                return None;
                            }
                            return Some(self.linked_client(l, Root::Import(b), expr));
                        }
                        self.stored_client(StoreKey::Var(b), expr)
                    }
                    None if name != "amplitude" => self.slot_client(Slot::Window, name, expr),
                    None => Some(Client {
                        origin: Origin::Global,
                        family: Family::Legacy,
                        instance: Instance::Default,
                        root: Root::Global,
                        root_ref: expr.id(),
                        producers: Vec::new(),
                        id: self.env.global(&Instance::Default),
                        kept: None,
                    }),
                }
            }
            "member_expression" => {
                let object = unwrap(expr.child_by_field_name("object")?);
                let property = expr.child_by_field_name("property")?;
                let prop = self.text(property);
                if object.kind() == "this" {
                    if let Some(c) = self.slot_client(Slot::This, prop, expr) {
                        return Some(c);
                    }
                    let named = self
                        .stored
                        .keys()
                        .any(|k| matches!(k, StoreKey::Field { name, .. } if name == prop));
                    if !named {
                        return None;
                    }
                    let key = StoreKey::Field {
                        class: enclosing_class(expr)?,
                        name: prop.to_string(),
                    };
                    return self.stored_client(key, expr);
                }
                if object.kind() == "identifier" && self.names.contains(self.text(object)) {
                    if let Some(key) = self.prop_key(expr) {
                        return self.stored_client(key, expr);
                    }
                    if let Some(b) = self.scopes.resolve_node(object, self.source) {
                        let member = self.linked_members.get(&b).and_then(|m| m.get(prop));
                        if let Some(l) = member
                            .filter(|l| matches!(l.kind, LinkedKind::Instance | LinkedKind::Module))
                        {
                            let mut c = self.linked_client(l, Root::Import(b.clone()), expr);
                            c.producers.push(object.id());
                            return Some(c);
                        }
                        if let Some(l) = self.linked.get(&b) {
                            if l.kind == LinkedKind::Holder(prop.to_string()) {
                                let mut c = self.linked_client(l, Root::Import(b), expr);
                                // The imported name read on the way is consumed with the call.
                                c.producers.push(object.id());
                                return Some(c);
                            }
                        }
                    }
                }
                if let Some(&class) = self.class_ids.get(self.text(object)) {
                    let key = StoreKey::Field {
                        class,
                        name: prop.to_string(),
                    };
                    if self.stored.contains_key(&key) {
                        return self.stored_client(key, expr);
                    }
                }
                let is_window = object.kind() == "identifier"
                    && self.text(object) == "window"
                    && self.scopes.resolve_node(object, self.source).is_none();
                if !is_window {
                    return None;
                }
                if prop != "amplitude" {
                    return self.slot_client(Slot::Window, prop, expr);
                }
                Some(Client {
                    origin: Origin::Window,
                    family: Family::Legacy,
                    instance: Instance::Default,
                    root: Root::Window,
                    root_ref: expr.id(),
                    producers: Vec::new(),
                    id: self.env.global(&Instance::Default),
                    kept: None,
                })
            }
            _ => {
                if let Some(call) = self.call_by_node(expr.id()) {
                    return self.producer(call);
                }
                let ctor = self.news.get(&expr.id())?;
                self.constructed(expr, *ctor)
            }
        }
    }

    /// The client `new C()` makes, when `C` is Amplitude's client class: the `AmplitudeClient`
    /// export of `amplitude-js`, `amplitude.AmplitudeClient`, or the snippet's global
    /// `AmplitudeClient`.
    fn constructed(&self, expr: Node<'t>, ctor: Node<'t>) -> Option<Client> {
        let ctor = unwrap(ctor);
        let id = ClientId::created(&self.env.file, expr.start_byte());
        let made = |origin, family, root, root_ref: Node<'t>| Client {
            origin,
            family,
            instance: Instance::Default,
            root,
            root_ref: root_ref.id(),
            producers: vec![expr.id()],
            id: id.clone(),
            kept: None,
        };
        match ctor.kind() {
            "identifier" => match self.scopes.resolve_node(ctor, self.source) {
                Some(b) => match self.import_binding(&b)? {
                    (family, Imported::Named(n)) if n == "AmplitudeClient" => {
                        Some(made(Origin::Import, *family, Root::Import(b), ctor))
                    }
                    _ => None,
                },
                None if self.text(ctor) == "AmplitudeClient" => {
                    Some(made(Origin::Global, Family::Legacy, Root::Global, ctor))
                }
                None => None,
            },
            "member_expression" => {
                let property = ctor.child_by_field_name("property")?;
                if self.text(property) != "AmplitudeClient" {
                    return None;
                }
                let base = self.receiver(ctor.child_by_field_name("object")?)?;
                let module = match &base.root {
                    Root::Import(b) => self.module_like(b) == Some(Family::Legacy),
                    Root::Global | Root::Window => true,
                    _ => false,
                };
                (module && base.producers.is_empty()).then(|| Client {
                    producers: vec![expr.id()],
                    id: id.clone(),
                    ..base
                })
            }
            _ => None,
        }
    }

    /// For a plain function call, the Amplitude named import it calls: (family, exported name).
    pub fn imported_function(&self, call: &Call<'t>) -> Option<(Binding, Family, String)> {
        if call.receiver.is_some() || !self.names.contains(self.text(call.name)) {
            return None;
        }
        let b = self.scopes.resolve_node(call.name, self.source)?;
        match self.import_binding(&b)? {
            (family, Imported::Named(n)) => Some((b.clone(), *family, n.clone())),
            (_, Imported::Module) => None,
        }
    }

    /// The local name of an existing `mixpanel-browser` default import or require, if any.
    pub fn mixpanel_import(&self) -> Option<&Import> {
        self.imports.iter().find(|i| {
            i.source == crate::config::current().browser_package()
                && i.bindings.iter().any(|b| b.imported == Imported::Module)
        })
    }
}

/// The ranges of ERROR and MISSING nodes, found by descending only into subtrees that hold an
/// error.
fn error_ranges(tree: &Tree) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    if !tree.root_node().has_error() {
        return out;
    }
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            out.push(node.byte_range());
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// Client-typed parameters (and destructured properties): name, type as written, family.
type TypedParams<'t> = Vec<(Node<'t>, String, Family)>;
/// Client-typed function returns: name, type as written, family, exported.
type TypedReturns<'t> = Vec<(Node<'t>, String, Family, bool)>;

/// The SDKs' client types, by their exported names.
const CLIENT_TYPES: [&str; 4] = [
    "AmplitudeClient",
    "BrowserClient",
    "NodeClient",
    "ReactNativeClient",
];

/// Parameters whose type is an Amplitude client type imported by `imports`
/// (`client: AmplitudeClient`, `c: amplitude.Types.BrowserClient | null`): each parameter's name
/// and its type's text.
fn typed_parameters<'t>(
    root: Node<'t>,
    source: &str,
    imports: &[(Import, Node<'t>)],
) -> (TypedParams<'t>, TypedReturns<'t>) {
    let mut out: Vec<(Node<'t>, String, Family)> = Vec::new();
    let mut returns: Vec<(Node<'t>, String, Family, bool)> = Vec::new();
    for (import, _) in imports {
        let Some(family) = Family::of_package(&import.source) else {
            continue;
        };
        for b in &import.bindings {
            let local = b.binding.name.as_str();
            let direct =
                matches!(&b.imported, Imported::Named(n) if CLIENT_TYPES.contains(&n.as_str()));
            let module = b.imported == Imported::Module
                || matches!(&b.imported, Imported::Named(n) if n == "Types");
            if !direct && !module {
                continue;
            }
            for at in word_offsets(source, local) {
                let Some(node) = root.descendant_for_byte_range(at, at + local.len()) else {
                    continue;
                };
                if node.kind() != "type_identifier" && node.kind() != "identifier" {
                    continue;
                }
                let mut ty = node;
                while let Some(p) = ty.parent() {
                    if matches!(p.kind(), "nested_identifier" | "nested_type_identifier") {
                        ty = p;
                    } else {
                        break;
                    }
                }
                let text = &source[ty.byte_range()];
                let last = text.rsplit('.').next().unwrap_or(text);
                let named = if ty.id() == node.id() {
                    direct && node.kind() == "type_identifier"
                } else {
                    module && CLIENT_TYPES.contains(&last)
                };
                if !named {
                    continue;
                }
                if let Some(param) = annotated_parameter(ty) {
                    if !out.iter().any(|(n, _, _)| n.id() == param.id()) {
                        out.push((param, text.to_string(), family));
                    }
                } else if let Some(prop) = annotated_property(ty, source) {
                    // `{ amp }` destructured from an object whose type keeps a client in
                    // `amp` (a store's state: `amp: BrowserClient | null`).
                    for at in word_offsets(source, prop) {
                        let Some(n) = root.descendant_for_byte_range(at, at + prop.len()) else {
                            continue;
                        };
                        let read = n.kind() == "shorthand_property_identifier_pattern"
                            && n.parent().is_some_and(|p| p.kind() == "object_pattern");
                        if read && !out.iter().any(|(x, _, _)| x.id() == n.id()) {
                            out.push((n, text.to_string(), family));
                        }
                    }
                } else if let Some((name, exported)) = annotated_return(ty) {
                    if !returns.iter().any(|(n, ..)| n.id() == name.id()) {
                        returns.push((name, text.to_string(), family, exported));
                    }
                }
            }
        }
    }
    (out, returns)
}

/// The name of the property whose type annotation is `ty` (`amp: BrowserClient | null` in an
/// interface or a type literal), if any.
fn annotated_property<'s>(ty: Node, source: &'s str) -> Option<&'s str> {
    let n = annotation_of(ty)?;
    let sig = n.parent().filter(|p| p.kind() == "property_signature")?;
    let name = sig.child_by_field_name("name")?;
    (name.kind() == "property_identifier").then(|| &source[name.byte_range()])
}

/// The name of the function whose return type is `ty` (`function f(): T`, `const f = (): T =>
/// …`), and whether it is exported.
fn annotated_return(ty: Node) -> Option<(Node, bool)> {
    let n = annotation_of(ty)?;
    let f = n.parent()?;
    let (name, holder) = match f.kind() {
        "function_declaration" => (f.child_by_field_name("name")?, f),
        "arrow_function" | "function_expression" => {
            let d = f.parent().filter(|d| d.kind() == "variable_declarator")?;
            (d.child_by_field_name("name")?, d.parent()?)
        }
        _ => return None,
    };
    if f.child_by_field_name("return_type")
        .is_none_or(|r| r.id() != n.id())
    {
        return None;
    }
    let exported = holder
        .parent()
        .is_some_and(|p| p.kind() == "export_statement");
    (name.kind() == "identifier").then_some((name, exported))
}

/// The type annotation `ty` is the type of (also as a member of `T | null`), if any.
fn annotation_of(ty: Node) -> Option<Node> {
    let mut n = ty.parent()?;
    while matches!(n.kind(), "union_type" | "parenthesized_type") {
        n = n.parent()?;
    }
    (n.kind() == "type_annotation").then_some(n)
}

/// The identifier of the parameter whose type annotation is `ty` (or a union holding it:
/// `T | null`), if any.
fn annotated_parameter(ty: Node) -> Option<Node> {
    let n = annotation_of(ty)?;
    let param = n.parent()?;
    if !matches!(param.kind(), "required_parameter" | "optional_parameter") {
        return None;
    }
    let pattern = param.child_by_field_name("pattern")?;
    (pattern.kind() == "identifier").then_some(pattern)
}

/// The offsets where `word` occurs in `src` as a whole identifier.
pub(crate) fn word_offsets<'s>(src: &'s str, word: &'s str) -> impl Iterator<Item = usize> + 's {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    src.match_indices(word)
        .filter(move |(i, _)| {
            let before = src[..*i].chars().next_back();
            let after = src[i + word.len()..].chars().next();
            !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
        })
        .map(|(i, _)| i)
}

/// TypeScript's declarations of the snippet's globals at the top of a file (also inside
/// `declare global { … }`): the `amplitude` names of `declare const|let|var amplitude`, and the
/// `amplitude` property signatures of `interface Window`.
fn ambient_globals<'t>(root: Node<'t>, source: &str) -> (Vec<Node<'t>>, Vec<Node<'t>>) {
    let mut names = Vec::new();
    let mut props = Vec::new();
    let text = |n: Node| &source[n.byte_range()];
    let mut stack: Vec<Node<'t>> = Vec::new();
    let mut c = root.walk();
    stack.extend(root.named_children(&mut c));
    while let Some(n) = stack.pop() {
        match n.kind() {
            "ambient_declaration" | "statement_block" | "export_statement" => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
            "lexical_declaration" | "variable_declaration"
                if n.parent()
                    .is_some_and(|p| p.kind() == "ambient_declaration") =>
            {
                let mut c = n.walk();
                for d in n.named_children(&mut c) {
                    if let Some(name) = d.child_by_field_name("name") {
                        if text(name) == "amplitude" {
                            names.push(name);
                        }
                    }
                }
            }
            "interface_declaration" => {
                let is_window = n
                    .child_by_field_name("name")
                    .is_some_and(|x| text(x) == "Window");
                let Some(body) = n.child_by_field_name("body").filter(|_| is_window) else {
                    continue;
                };
                let mut c = body.walk();
                for p in body.named_children(&mut c) {
                    if p.kind() == "property_signature"
                        && p.child_by_field_name("name")
                            .is_some_and(|x| text(x) == "amplitude")
                    {
                        props.push(p);
                    }
                }
            }
            _ => {}
        }
    }
    names.sort_by_key(|n| n.start_byte());
    props.sort_by_key(|n| n.start_byte());
    (names, props)
}

/// The outermost node with `node`'s range (a descendant search finds the innermost).
pub fn outermost_with_range(node: Node) -> Node {
    let mut n = node;
    while let Some(p) = n.parent() {
        if p.byte_range() != n.byte_range() {
            break;
        }
        n = p;
    }
    n
}

/// Strips parentheses and TypeScript's `!`.
pub fn unwrap(mut n: Node) -> Node {
    while matches!(n.kind(), "parenthesized_expression" | "non_null_expression") {
        match n.named_child(0) {
            Some(inner) => n = inner,
            None => break,
        }
    }
    n
}

fn is_nullish(n: Node, source: &str) -> bool {
    matches!(&source[unwrap(n).byte_range()], "null" | "undefined")
}

/// `getInstance()` / `getInstance('Name')` → the instance, with Amplitude's lower-casing.
fn instance_name(args: Node, source: &str) -> Instance {
    let mut c = args.walk();
    let list: Vec<Node> = args
        .named_children(&mut c)
        .filter(|n| !n.is_extra())
        .collect();
    match list.as_slice() {
        [] => Instance::Default,
        [s] if s.kind() == "string" => {
            let text = &source[s.byte_range()];
            let quote = text.chars().next().unwrap_or('\'');
            let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
            let name = inner.to_lowercase();
            if name.is_empty() || name == "$default_instance" {
                Instance::Default
            } else if name.contains(['\\', '\'', '"']) {
                Instance::Unknown
            } else {
                Instance::Named(name, quote)
            }
        }
        _ => Instance::Unknown,
    }
}

/// The name of the class whose body holds `node`, as a node.
struct ClassName<'t>(Node<'t>);

impl ClassName<'_> {
    fn to_string_lossy(&self, source: &str) -> String {
        source[self.0.byte_range()].to_string()
    }
}

fn class_name(node: Node) -> Option<ClassName> {
    let mut n = node.parent();
    while let Some(p) = n {
        if p.kind() == "class_body" {
            return p.parent()?.child_by_field_name("name").map(ClassName);
        }
        n = p.parent();
    }
    None
}

/// The node id of the class around `node` (its `class_body`).
/// The class body whose `this` a member reads, or else the outermost object literal around it
/// (a Vue options-API component: `export default { data() {…}, methods: {…} }`, whose methods
/// share `this`).
fn enclosing_class(node: Node) -> Option<usize> {
    let mut n = node.parent();
    let mut object = None;
    while let Some(p) = n {
        match p.kind() {
            "class_body" => return Some(p.id()),
            "object" => object = Some(p.id()),
            _ => {}
        }
        n = p.parent();
    }
    object
}

fn field_name(member: Node, source: &str) -> String {
    member
        .child_by_field_name("property")
        .map(|p| source[p.byte_range()].to_string())
        .unwrap_or_default()
}

fn store_display(key: &StoreKey) -> String {
    match key {
        StoreKey::Var(b) => b.name.clone(),
        StoreKey::Field { name, .. } => format!("this.{name}"),
        StoreKey::Prop { var, name } => format!("{}.{name}", var.name),
    }
}

enum StoreTarget<'t> {
    Var(Node<'t>),
    Field(Node<'t>),
    ThisRead(Node<'t>),
    /// `Name.field`, read from outside the class `Name`'s instance methods.
    StaticRead(Node<'t>),
}

struct Store<'t> {
    target: StoreTarget<'t>,
    value: Option<Node<'t>>,
    site: Node<'t>,
    is_assignment: bool,
}

impl<'t> Store<'t> {
    /// The variable or field name stored to.
    fn target_text(&self, source: &'t str) -> Option<&'t str> {
        match self.target {
            StoreTarget::Var(n) | StoreTarget::Field(n) => Some(&source[n.byte_range()]),
            StoreTarget::ThisRead(_) | StoreTarget::StaticRead(_) => None,
        }
    }
}

fn store_site(s: &Store, source: &str) -> StoreSite {
    let statement = match s.site.kind() {
        "variable_declarator" => {
            let decl = s.site.parent();
            decl.filter(|d| {
                d.named_child_count() == 1
                    && d.parent().is_some_and(|p| p.kind() != "export_statement")
                    && d.parent()
                        .is_some_and(|p| !matches!(p.kind(), "for_statement" | "for_in_statement"))
            })
            .map(|d| with_semicolon(d, source))
        }
        _ if s.is_assignment => s
            .site
            .parent()
            .filter(|p| p.kind() == "expression_statement")
            .map(|p| with_semicolon(p, source)),
        _ => Some(with_semicolon(s.site, source)),
    };
    let target_ref = match (&s.target, s.is_assignment) {
        (StoreTarget::Var(n), true) => Some(n.id()),
        _ => None,
    };
    StoreSite {
        statement,
        range: s.site.byte_range(),
        target_ref,
        value: s.value.map(|v| v.byte_range()),
    }
}

/// The node's range, extended over a `;` that follows it on the same line (class fields and
/// some declarations leave it outside the node).
pub fn with_semicolon(n: Node, source: &str) -> Range<usize> {
    let r = n.byte_range();
    let rest = &source[r.end..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    if trimmed.starts_with(';') && !source[r.clone()].ends_with(';') {
        r.start..r.end + (rest.len() - trimmed.len()) + 1
    } else {
        r
    }
}

/// One query match, its captures copied out of the cursor.
struct Match<'t> {
    captures: Vec<(u32, Node<'t>)>,
}

/// The words every search starts from: every import and require (the file's imports decide
/// names and where a Mixpanel import goes), and the snippet's globals.
const SEED_WORDS: [&str; 4] = ["import", "require", "amplitude", "AmplitudeClient"];

/// Seed words that only find imports: a value holding one is not an Amplitude value.
const IMPORT_WORDS: [&str; 2] = ["import", "require"];

/// Ranges closer than this are searched as one: fewer descents from the root, and only a few
/// more nodes matched.
const MERGE_GAP: usize = 256;

/// Past this many ranges the whole tree is searched at once: each range costs a descent from
/// the root past the siblings before it, which in a bundle of thousands of statements outweighs
/// one walk over everything.
const MAX_RANGES: usize = 24;

/// Files smaller than this are searched whole: their walk costs less than finding the words.
const SMALL_FILE: usize = 4096;

/// Runs the combined query over the parts of the tree that can matter, and sorts its matches
/// by the source query each pattern comes from (imports, requires, calls, stores), each part in
/// source order of its matches' outermost nodes.
///
/// A query's cost is its walk over the tree, whatever it matches, so in a larger file the
/// query runs only on byte ranges around the words that can lead to an Amplitude use:
/// [`SEED_WORDS`], then the names the matches found so far bind (an Amplitude import's locals,
/// and the variable or field of a store whose value holds one of the words), round after round
/// until no new name turns up. Every match the resolution can use contains one of these words:
/// a call on a client contains the identifier or `this.field` at its root, a stored client's
/// value contains its producer, and every other store to a client's name contains the name. The
/// search over the whole tree ([`matches_in`]) finds the same matches; a test holds the two
/// together.
fn matches_by_part<'t>(queries: &Queries, root: Node<'t>, source: &'t str) -> [Vec<Match<'t>>; 5] {
    if source.len() < SMALL_FILE {
        return matches_in(queries, root, source);
    }
    matches_near(queries, root, source)
}

/// Whether a file is searched whole rather than around words: when it sees names handed over
/// by other modules, or names a client type (a parameter, property or return typed
/// `BrowserClient` holds a client under a name no word finds).
fn searched_whole(source: &str, env: &Env) -> bool {
    env.links()
        || CLIENT_TYPES
            .iter()
            .any(|t| memchr::memmem::find(source.as_bytes(), t.as_bytes()).is_some())
}

/// The search around words of [`matches_by_part`], whatever the file's size.
fn matches_near<'t>(queries: &Queries, root: Node<'t>, source: &'t str) -> [Vec<Match<'t>>; 5] {
    let mut search = Search::new(queries, root, source);
    let mut words: Vec<String> = SEED_WORDS.iter().map(|w| w.to_string()).collect();
    let mut known: HashSet<String> = words.iter().cloned().collect();
    let mut hits: Vec<usize> = Vec::new();
    let mut searched = 0;
    while !words.is_empty() {
        let (ranges, new_hits) = word_ranges(source, &words);
        searched += ranges.len();
        if searched > MAX_RANGES {
            search.run(None);
            break;
        }
        hits.extend(new_hits);
        hits.sort_unstable();
        search.run(Some(&ranges));
        words = search
            .new_names(&hits)
            .into_iter()
            .filter(|w| known.insert(w.to_string()))
            .map(str::to_string)
            .collect();
    }
    search.into_parts()
}

/// Whether planning `source` from the search around words ([`matches_near`], whatever the
/// file's size) gives the same plan as from the whole tree's matches: what the unit tests hold
/// for the fixtures and `examples/fuzz.rs` for its mutations.
pub fn near_agrees_with_whole(lang: crate::lang::Lang, source: &str) -> Result<(), String> {
    let Some(tree) = crate::lang::parse(lang, source) else {
        return Ok(());
    };
    let env = Env::default();
    if searched_whole(source, &env) {
        return Ok(());
    }
    let queries = crate::queries::for_lang(lang).map_err(str::to_string)?;
    let root = tree.root_node();
    let near = Resolution::from_matches(
        &tree,
        source,
        queries,
        matches_near(queries, root, source),
        &env,
    );
    let whole = Resolution::from_matches(
        &tree,
        source,
        queries,
        matches_in(queries, root, source),
        &env,
    );
    let plan = |r: &Resolution| crate::plan::plan(r, &crate::facts::collect(r).1);
    let (near, whole) = (plan(&near), plan(&whole));
    let (near, whole) = (format!("{near:?}"), format!("{whole:?}"));
    if near == whole {
        Ok(())
    } else {
        Err(format!("near: {near}\nwhole: {whole}"))
    }
}

/// The whole tree's matches, by part: what [`matches_near`] must agree with.
fn matches_in<'t>(queries: &Queries, root: Node<'t>, source: &'t str) -> [Vec<Match<'t>>; 5] {
    let mut search = Search::new(queries, root, source);
    search.run(None);
    search.into_parts()
}

/// The combined query's matches found so far, without repeats.
struct Search<'q, 't> {
    queries: &'q Queries,
    root: Node<'t>,
    source: &'t str,
    cursor: QueryCursor,
    seen: HashSet<Vec<(u32, usize)>>,
    parts: [Vec<Match<'t>>; 5],
    binders: Binders,
    /// How many import and require matches [`Search::new_names`] has read.
    read: [usize; 2],
    /// How many store matches it has read.
    read_stores: usize,
    /// Indexes of the store matches whose value holds no word yet.
    pending: Vec<usize>,
}

/// Capture indexes of the names a match binds, and of an import's module name.
struct Binders {
    imported: Vec<u32>,
    stored: Vec<u32>,
    value: u32,
    module: u32,
}

impl<'q, 't> Search<'q, 't> {
    fn new(queries: &'q Queries, root: Node<'t>, source: &'t str) -> Self {
        let q = &queries.combined;
        Search {
            queries,
            root,
            source,
            cursor: QueryCursor::new(),
            seen: HashSet::new(),
            parts: Default::default(),
            binders: Binders {
                imported: ["default", "namespace", "imported", "alias"]
                    .map(|n| q.capture(n))
                    .to_vec(),
                stored: ["name", "field"].map(|n| q.capture(n)).to_vec(),
                value: q.capture("value"),
                module: q.capture("source"),
            },
            read: [0, 0],
            read_stores: 0,
            pending: Vec::new(),
        }
    }

    /// The names the matches found since the last call bind: the locals of Amplitude imports
    /// and requires, and the variable or field of each store whose value holds one of the
    /// `hits` (sorted word positions), including stores found earlier whose value holds a word
    /// found only now.
    fn new_names(&mut self, hits: &[usize]) -> Vec<&'t str> {
        let source = self.source;
        let mut names = Vec::new();
        for part in 0..2 {
            for m in &self.parts[part][self.read[part]..] {
                names.extend(self.binders.imported(m, source));
            }
            self.read[part] = self.parts[part].len();
        }
        let stores = &self.parts[3];
        let mut still = Vec::new();
        let previously: Vec<usize> = std::mem::take(&mut self.pending);
        for i in previously.into_iter().chain(self.read_stores..stores.len()) {
            let m = &stores[i];
            let holds = capture(m, self.binders.value).is_some_and(|v| {
                let r = v.byte_range();
                let at = hits.partition_point(|&h| h < r.start);
                hits.get(at).is_some_and(|&h| h < r.end)
            });
            if holds {
                names.extend(self.binders.stored(m, source));
            } else {
                still.push(i);
            }
        }
        self.read_stores = self.parts[3].len();
        self.pending = still;
        names
    }

    /// Adds the matches within `ranges` (the whole tree for `None`).
    fn run(&mut self, ranges: Option<&[Range<usize>]>) {
        let Search {
            queries,
            root,
            source,
            cursor,
            seen,
            parts,
            ..
        } = self;
        let all = 0..source.len();
        for range in ranges.unwrap_or(std::slice::from_ref(&all)) {
            cursor.set_byte_range(range.clone());
            let mut matches = cursor.matches(&queries.combined.query, *root, source.as_bytes());
            while let Some(m) = matches.next() {
                let key: Vec<(u32, usize)> = m
                    .captures()
                    .iter()
                    .map(|c| (c.index, c.node.id()))
                    .collect();
                if !seen.insert(key) {
                    continue;
                }
                let part = queries
                    .part_of_pattern
                    .get(m.pattern_index)
                    .copied()
                    .unwrap_or(0);
                if let Some(bucket) = parts.get_mut(usize::from(part)) {
                    bucket.push(Match {
                        captures: m.captures().iter().map(|c| (c.index, c.node)).collect(),
                    });
                }
            }
        }
    }

    /// The matches by part, each in source order of its outermost node (stable, so the matches
    /// of one import statement keep the query's order).
    fn into_parts(mut self) -> [Vec<Match<'t>>; 5] {
        for part in &mut self.parts {
            part.sort_by_key(|m| {
                let outer = m
                    .captures
                    .iter()
                    .map(|(_, n)| n.byte_range())
                    .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
                outer.map(|r| (r.start, std::cmp::Reverse(r.end)))
            });
        }
        self.parts
    }
}

impl Binders {
    /// The locals an import or require binds, when it imports an Amplitude package.
    fn imported<'t>(&self, m: &Match<'t>, source: &'t str) -> Vec<&'t str> {
        let text = |n: Node<'t>| &source[n.byte_range()];
        let amplitude =
            capture(m, self.module).is_some_and(|s| Family::of_package(text(s)).is_some());
        if !amplitude {
            return Vec::new();
        }
        self.texts(m, &self.imported, source)
    }

    /// The variable or field a store writes.
    fn stored<'t>(&self, m: &Match<'t>, source: &'t str) -> Vec<&'t str> {
        self.texts(m, &self.stored, source)
    }

    fn texts<'t>(&self, m: &Match<'t>, wanted: &[u32], source: &'t str) -> Vec<&'t str> {
        m.captures
            .iter()
            .filter(|(i, _)| wanted.contains(i))
            .map(|(_, n)| &source[n.byte_range()])
            .collect()
    }
}

/// Byte ranges around the identifier-like occurrences of `words` in `source` (not inside a
/// longer identifier), merged when closer than [`MERGE_GAP`], in order; and the positions of
/// the occurrences of the words that are not [`IMPORT_WORDS`].
fn word_ranges(source: &str, words: &[String]) -> (Vec<Range<usize>>, Vec<usize>) {
    let bytes = source.as_bytes();
    // Non-ASCII bytes count as a boundary: a Unicode space may stand beside a name. A digit
    // before a name does too: broken code such as `2amplitude` lexes as a number and a name.
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let ident_before = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b'$';
    let mut hits: Vec<Range<usize>> = Vec::new();
    let mut values = Vec::new();
    for w in words.iter().filter(|w| !w.is_empty()) {
        for at in memchr::memmem::find_iter(bytes, w.as_bytes()) {
            let end = at + w.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(ident_before) || bytes.get(end).copied().is_some_and(ident) {
                continue;
            }
            hits.push(at..end);
            if !IMPORT_WORDS.contains(&w.as_str()) {
                values.push(at);
            }
        }
    }
    hits.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in hits {
        match merged.last_mut() {
            Some(last) if r.start <= last.end + MERGE_GAP => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    (merged, values)
}

fn capture<'t>(m: &Match<'t>, index: u32) -> Option<Node<'t>> {
    m.captures
        .iter()
        .find(|(i, _)| *i == index)
        .map(|(_, n)| *n)
}

fn string_style(source_fragment: Node, source: &str) -> char {
    source_fragment
        .parent()
        .and_then(|s| source[s.byte_range()].chars().next())
        .unwrap_or('\'')
}

fn collect_imports<'t>(
    q: &Compiled,
    matches: &[Match<'t>],
    source: &'t str,
) -> Vec<(Import, Node<'t>)> {
    let [imp, src, default, namespace, imported, alias, specifier] = [
        "import",
        "source",
        "default",
        "namespace",
        "imported",
        "alias",
        "specifier",
    ]
    .map(|n| q.capture(n));
    let mut by_node: HashMap<usize, (Import, Node<'t>)> = HashMap::new();
    matches.iter().for_each(|m| {
        let (Some(stmt), Some(s)) = (capture(m, imp), capture(m, src)) else {
            return;
        };
        let (entry, _) = by_node.entry(stmt.id()).or_insert_with(|| {
            (
                Import {
                    source: source[s.byte_range()].to_string(),
                    statement: Some(stmt.byte_range()),
                    range: stmt.byte_range(),
                    is_require: false,
                    lazy: None,
                    quote: string_style(s, source),
                    semicolon: source[stmt.byte_range()].ends_with(';'),
                    bindings: Vec::new(),
                },
                stmt,
            )
        });
        let module = capture(m, default).or(capture(m, namespace));
        let (local, what, spec) = if let Some(local) = module {
            (local, Imported::Module, None)
        } else if let Some(name) = capture(m, imported) {
            let local = capture(m, alias).unwrap_or(name);
            let name_text = source[name.byte_range()]
                .trim_matches(['\'', '"'])
                .to_string();
            let what = if name_text == "default" {
                Imported::Module
            } else {
                Imported::Named(name_text)
            };
            (local, what, capture(m, specifier).map(|n| n.byte_range()))
        } else {
            return;
        };
        entry.bindings.push(ImportBinding {
            binding: Binding {
                scope: 0,
                name: source[local.byte_range()].to_string(),
            },
            imported: what,
            specifier: spec,
        });
    });
    by_node.into_values().collect()
}

fn collect_requires<'t>(
    q: &Compiled,
    matches: &[Match<'t>],
    source: &'t str,
) -> Vec<(Import, Node<'t>)> {
    let [decl, src, default, imported, alias, specifier, require, lazy] = [
        "declarator",
        "source",
        "default",
        "imported",
        "alias",
        "specifier",
        "require",
        "lazy",
    ]
    .map(|n| q.capture(n));
    let mut by_node: HashMap<usize, (Import, Node<'t>)> = HashMap::new();
    matches.iter().for_each(|m| {
        let (Some(d), Some(s)) = (capture(m, decl), capture(m, src)) else {
            return;
        };
        // `(#eq? @require "require")` does not hold inside an alternation: checked here.
        if capture(m, require).is_some_and(|r| &source[r.byte_range()] != "require") {
            return;
        }
        let lazy = capture(m, lazy).map(|l| format!("await {}", &source[l.byte_range()]));
        let declaration = d.parent();
        let statement = declaration
            .filter(|p| {
                p.named_child_count() == 1
                    && p.parent().is_some_and(|pp| pp.kind() != "export_statement")
            })
            .map(|p| with_semicolon(p, source));
        let range = declaration.map_or(d.byte_range(), |p| p.byte_range());
        let semicolon = source[range.clone()].ends_with(';')
            || statement
                .as_ref()
                .is_some_and(|r| source[r.clone()].ends_with(';'));
        let (entry, _) = by_node.entry(d.id()).or_insert_with(|| {
            (
                Import {
                    source: source[s.byte_range()].to_string(),
                    statement,
                    range,
                    is_require: true,
                    lazy,
                    quote: string_style(s, source),
                    semicolon,
                    bindings: Vec::new(),
                },
                d,
            )
        });
        let (local, what, spec) = if let Some(local) = capture(m, default) {
            (local, Imported::Module, None)
        } else if let Some(name) = capture(m, imported) {
            let local = capture(m, alias).unwrap_or(name);
            let what = match &source[name.byte_range()] {
                // `const { default: a } = await import('x')`: the module object.
                "default" => Imported::Module,
                n => Imported::Named(n.to_string()),
            };
            (local, what, capture(m, specifier).map(|n| n.byte_range()))
        } else {
            return;
        };
        entry.bindings.push(ImportBinding {
            binding: Binding {
                scope: 0,
                name: source[local.byte_range()].to_string(),
            },
            imported: what,
            specifier: spec,
        });
    });
    by_node.into_values().collect()
}

fn collect_calls<'t>(
    q: &Compiled,
    matches: &[Match<'t>],
) -> (Vec<Call<'t>>, HashMap<usize, Node<'t>>) {
    let [call, callee, receiver, method, function, args, new, ctor] = [
        "call",
        "callee",
        "receiver",
        "method",
        "function",
        "args",
        "new",
        "constructor",
    ]
    .map(|n| q.capture(n));
    let mut calls = Vec::new();
    let mut news = HashMap::new();
    matches.iter().for_each(|m| {
        if let (Some(n), Some(c)) = (capture(m, new), capture(m, ctor)) {
            news.insert(n.id(), c);
            return;
        }
        let (Some(node), Some(callee), Some(args)) =
            (capture(m, call), capture(m, callee), capture(m, args))
        else {
            return;
        };
        let Some(name) = capture(m, method).or(capture(m, function)) else {
            return;
        };
        calls.push(Call {
            node,
            callee,
            receiver: capture(m, receiver),
            name,
            args,
        });
    });
    calls.sort_by_key(|c| (c.node.start_byte(), std::cmp::Reverse(c.node.end_byte())));
    (calls, news)
}

/// The export statements, and the member assignments with their member and value.
#[allow(clippy::type_complexity)]
fn collect_exports<'t>(
    q: &Compiled,
    matches: &[Match<'t>],
) -> (Vec<Node<'t>>, Vec<(Node<'t>, Node<'t>, Node<'t>)>) {
    let [export, assignment, slot, value] =
        ["export", "slot_assignment", "slot", "slot_value"].map(|n| q.capture(n));
    let mut exports = Vec::new();
    let mut writes = Vec::new();
    for m in matches {
        if let Some(e) = capture(m, export) {
            exports.push(e);
        } else if let (Some(a), Some(l), Some(v)) =
            (capture(m, assignment), capture(m, slot), capture(m, value))
        {
            writes.push((a, l, v));
        }
    }
    (exports, writes)
}

fn collect_stores<'t>(q: &Compiled, matches: &[Match<'t>]) -> Vec<Store<'t>> {
    let [name, value, declarator, assignment, field, field_def, this_member] = [
        "name",
        "value",
        "declarator",
        "assignment",
        "field",
        "field_definition",
        "this_member",
    ]
    .map(|n| q.capture(n));
    let static_member = q.capture("static_member");
    let mut out = Vec::new();
    let mut assigned_members = HashSet::new();
    matches.iter().for_each(|m| {
        let v = capture(m, value);
        if let Some(site) = capture(m, declarator) {
            if let Some(n) = capture(m, name) {
                out.push(Store {
                    target: StoreTarget::Var(n),
                    value: v,
                    site,
                    is_assignment: false,
                });
            }
        } else if let Some(site) = capture(m, assignment) {
            if let Some(n) = capture(m, name) {
                out.push(Store {
                    target: StoreTarget::Var(n),
                    value: v,
                    site,
                    is_assignment: true,
                });
            } else if let Some(f) = capture(m, field) {
                if let Some(left) = site.child_by_field_name("left") {
                    assigned_members.insert(left.id());
                }
                out.push(Store {
                    target: StoreTarget::Field(f),
                    value: v,
                    site,
                    is_assignment: true,
                });
            }
        } else if let Some(site) = capture(m, field_def) {
            if let Some(f) = capture(m, field) {
                if site.parent().is_some_and(|p| p.kind() == "class_body") {
                    out.push(Store {
                        target: StoreTarget::Field(f),
                        value: v,
                        site,
                        is_assignment: false,
                    });
                }
            }
        } else if let Some(member) = capture(m, this_member) {
            out.push(Store {
                target: StoreTarget::ThisRead(member),
                value: None,
                site: member,
                is_assignment: false,
            });
        } else if let Some(member) = capture(m, static_member) {
            out.push(Store {
                target: StoreTarget::StaticRead(member),
                value: None,
                site: member,
                is_assignment: false,
            });
        }
    });
    out.retain(|s| match s.target {
        StoreTarget::ThisRead(n) => !assigned_members.contains(&n.id()),
        _ => true,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    /// Shapes where the use is far from the word that leads to it.
    const FAR: [&str; 9] = [
        // Found by the fuzzer: a name right after a digit, in broken code (`2amplitudeClient`).
        "import am(litude from 'amplitude-js';\n\nconst amplitudeClient = amplitude.getInstance();\namplitudeClient.init('API_KEY');\namplitudeClient.setUserId('user@amplitude.com');\namplitudeClient.setUserProperties({ gender: 'female', age: 2amplitudeClient.logEvent('Clicked Button', {'finished_flow': false });\n",
        // A receiver far before the argument that names the client.
        "import amplitude from 'amplitude-js';\nconst longReceiverName = { a: 1 };\nlongReceiverName.someMethodWithALongName(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, amplitude);\namplitude.getInstance().logEvent('A');\n",
        // Declared with no value, assigned later, then used.
        "import amplitude from 'amplitude-js';\nlet client;\nfunction later() {\n  client = amplitude.getInstance();\n}\nfunction use() {\n  client.logEvent('B', { x: 1 });\n  client = null;\n}\n",
        // A client kept in a class field and used through `this`.
        "import * as amplitude from '@amplitude/analytics-browser';\nclass A {\n  client = amplitude.createInstance();\n  go() {\n    this.client.track('C');\n  }\n  other() { this.unrelated.track('D'); }\n}\n",
        // A builder in a variable, used once.
        "import { Identify, identify } from '@amplitude/analytics-browser';\nfunction f() {\n  const id = new Identify();\n  id.set('plan', 'pro');\n  identify(id);\n}\n",
        // A no-break space before the global.
        "\u{a0}amplitude.getInstance().logEvent('E');\nconst x = amplitudeFoo.logEvent('F');\n",
        // Shadowing, and a name that is also a longer identifier's part.
        "import amplitude from 'amplitude-js';\nfunction g(amplitude) { amplitude.getInstance().logEvent('G'); }\nconst amplitudeClient = amplitude.getInstance();\namplitudeClient.logEvent('H');\n",
        // A Node client created by init, stored, used in another function.
        "const { init, track } = require('@amplitude/analytics-node');\ninit('KEY');\nexport function h(id) {\n  track('I', undefined, { user_id: id });\n}\n",
        // A client assigned to two things.
        "import amplitude from 'amplitude-js';\nlet c = amplitude.getInstance();\nif (x) { c = somethingElse(); }\nc.logEvent('J');\n",
    ];

    /// Every script input of `fixtures/`, with its grammar and path.
    fn fixture_inputs() -> Vec<(Lang, String, std::path::PathBuf)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut out = Vec::new();
        for case in std::fs::read_dir(dir).unwrap() {
            for file in std::fs::read_dir(case.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                let is_input = path.file_stem().is_some_and(|s| s == "input");
                if let (Some(lang), true) = (Lang::from_path(&path), is_input) {
                    out.push((lang, std::fs::read_to_string(&path).unwrap(), path));
                }
            }
        }
        out
    }

    #[test]
    fn searching_near_names_plans_like_searching_the_whole_tree() {
        for src in FAR {
            assert_eq!(
                near_agrees_with_whole(Lang::JavaScript, src),
                Ok(()),
                "{src}"
            );
        }
        let inputs = fixture_inputs();
        assert!(inputs.len() > 100, "{} inputs", inputs.len());
        for (lang, src, path) in inputs {
            assert_eq!(
                near_agrees_with_whole(lang, &src),
                Ok(()),
                "{}",
                path.display()
            );
        }
    }

    #[test]
    fn searching_near_names_agrees_on_broken_text_too() {
        // Each fixture input cut at a third, a half and two thirds: syntax errors of every shape.
        for (lang, src, path) in fixture_inputs() {
            for (num, den) in [(1, 3), (1, 2), (2, 3)] {
                let mut cut = src.len() * num / den;
                while !src.is_char_boundary(cut) {
                    cut -= 1;
                }
                let agree = near_agrees_with_whole(lang, &src[..cut]);
                assert_eq!(agree, Ok(()), "{} cut at {cut}", path.display());
            }
        }
    }

    #[test]
    fn word_ranges_skip_longer_identifiers_and_merge_neighbours() {
        let src = "amplitudeX; xamplitude; $amplitude; amplitude; a.amplitude";
        assert_eq!(word_ranges("2amplitude", &["amplitude".to_string()]).1, [1]);
        let words = ["amplitude".to_string()];
        let at = src.find("; amplitude;").unwrap() + 2;
        let dot = src.rfind("amplitude").unwrap();
        let one: Vec<Range<usize>> = std::iter::once(at..dot + 9).collect();
        assert_eq!(word_ranges(src, &words), (one, vec![at, dot]));
        let far = format!("amplitude{}require", " ".repeat(300));
        let words = ["amplitude".to_string(), "require".to_string()];
        assert_eq!(word_ranges(&far, &words), (vec![0..9, 309..316], vec![0]));
    }
}
