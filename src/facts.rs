//! What one module hands to the rest of the project: the Amplitude clients it exports
//! (`export default c`, `export const c = …`, `export { c as d }`, `module.exports = c`,
//! `exports.c = c`), the modules it re-exports from, and the global slots it fills
//! (`window.c = c`, `Vue.prototype.$c = c`, `app.config.globalProperties.$c = c`). Read from
//! one file's resolution; the link step joins the facts of every module.

use crate::clients::{Facts, Linked, LinkedKind, Slot};
use crate::resolve::{unwrap, Client, Family, Imported, Resolution, Root};
use tree_sitter::Node;

/// An expression this module hands over, and the client it is: the planner rewrites it to the
/// Mixpanel object when the client is migrated.
#[derive(Clone, Debug)]
pub struct Site<'t> {
    pub expr: Node<'t>,
    pub client: Client,
}

/// The module's facts (without uses and blockers, which planning adds) and the sites.
pub fn collect<'t>(res: &Resolution<'t>) -> (Facts, Vec<Site<'t>>) {
    let mut facts = Facts::default();
    let mut sites = Vec::new();
    for import in &res.imports {
        if Family::of_package(&import.source).is_none() {
            facts.imports.push(import.source.clone());
        }
    }
    for &stmt in &res.exports {
        export_statement(res, stmt, &mut facts, &mut sites);
    }
    for &(_, member, value) in &res.slot_writes {
        slot_write(res, member, value, &mut facts, &mut sites);
    }
    for call in &res.calls {
        plugin_inject(res, call, &mut facts, &mut sites);
    }
    for (ident, _, family, exported) in &res.typed_returns {
        if *exported {
            let name = text(res, *ident);
            facts.exports.insert(
                name.to_string(),
                Linked {
                    id: crate::clients::ClientId::returned(&res.env.file, name),
                    family: *family,
                    instance: crate::resolve::Instance::Default,
                    kind: LinkedKind::Factory,
                    origin: String::new(),
                },
            );
        }
    }
    if is_classic_script(res) {
        classic_globals(res, &mut facts, &mut sites);
    }
    facts.imports.sort();
    facts.imports.dedup();
    (facts, sites)
}

/// Whether the file is a classic script (a `.js` file or an HTML page's inline script with no
/// import, export or CommonJS export), whose top-level declarations are globals every other
/// script of the page reads.
fn is_classic_script(res: &Resolution) -> bool {
    let file = res.env.file.as_str();
    let script = file.ends_with(".js") || file.ends_with(".html") || file.ends_with(".htm");
    let cjs = res.slot_writes.iter().any(|(_, member, _)| {
        let t = text(res, *member);
        t.starts_with("module.exports") || t.starts_with("exports.")
    });
    script && res.imports.is_empty() && res.exports.is_empty() && !cjs
}

/// A classic script's top-level clients (`var amplitudeClient = new AmplitudeClient()`): each
/// is a global, read by its name in the page's other scripts.
fn classic_globals<'t>(res: &Resolution<'t>, facts: &mut Facts, sites: &mut Vec<Site<'t>>) {
    let mut vars: Vec<(&crate::scope::Binding, &crate::resolve::StoredClient)> = res
        .stored
        .iter()
        .filter_map(|(k, s)| match k {
            crate::resolve::StoreKey::Var(b) if b.scope == 0 && !s.ambiguous => Some((b, s)),
            _ => None,
        })
        .collect();
    vars.sort_by_key(|(b, _)| b.name.clone());
    for (b, s) in vars {
        let Some(site) = s.sites.first() else {
            continue;
        };
        let Some(decl) = res
            .root
            .descendant_for_byte_range(site.range.start, site.range.end)
        else {
            continue;
        };
        let Some(name) = decl
            .child_by_field_name("name")
            .or_else(|| decl.child_by_field_name("left"))
        else {
            continue;
        };
        let Some(client) = res.receiver(name) else {
            continue;
        };
        facts
            .slots
            .insert((Slot::Window, b.name.clone()), linked(&client, res));
        sites.push(Site { expr: name, client });
    }
}

/// What a client handed over is to the module that receives it.
fn linked(client: &Client, res: &Resolution) -> Linked {
    let kind = match &client.root {
        Root::Import(b) if client.producers.is_empty() => match res.linked(b) {
            Some(l) => l.kind.clone(),
            None if client.family == Family::Legacy || client.family == Family::Mobile => {
                LinkedKind::Module
            }
            None => LinkedKind::Instance,
        },
        Root::Global | Root::Window if client.producers.is_empty() => LinkedKind::Module,
        _ => LinkedKind::Instance,
    };
    Linked {
        id: client.id.clone(),
        family: client.family,
        instance: client.instance.clone(),
        kind,
        origin: String::new(),
    }
}

/// An SDK function re-exported by name (`import { track } from '…'; export { track }`).
fn function(res: &Resolution, ident: Node) -> Option<Linked> {
    let b = res.scopes.resolve_node(ident, res.source)?;
    let (family, Imported::Named(name)) = res.import_binding(&b)? else {
        return None;
    };
    Some(Linked {
        id: res.env.shared(*family, &crate::resolve::Instance::Default),
        family: *family,
        instance: crate::resolve::Instance::Default,
        kind: LinkedKind::Function(name.clone()),
        origin: String::new(),
    })
}

fn hand_over<'t>(
    res: &Resolution<'t>,
    expr: Node<'t>,
    name: &str,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let expr = unwrap(expr);
    if let Some(client) = res.receiver(expr) {
        facts.exports.insert(name.to_string(), linked(&client, res));
        sites.push(Site { expr, client });
    } else if expr.kind() == "identifier" {
        if let Some(l) = function(res, expr) {
            facts.exports.insert(name.to_string(), l);
        } else if let Some(var) = res.scopes.resolve_node(expr, res.source) {
            // An object that keeps a client in a property: consumers read `name.property`.
            if let Some((prop, held)) = res.held_props(&var).first() {
                facts.exports.insert(
                    name.to_string(),
                    Linked {
                        id: held.id.clone(),
                        family: held.family,
                        instance: held.instance.clone(),
                        kind: LinkedKind::Holder(prop.to_string()),
                        origin: String::new(),
                    },
                );
            }
        }
    }
}

fn text<'t>(res: &Resolution<'t>, n: Node) -> &'t str {
    &res.source[n.byte_range()]
}

/// The module name of a `from '…'` clause, without quotes.
fn specifier(res: &Resolution, source: Node) -> String {
    text(res, source)
        .trim_matches(|c| c == '\'' || c == '"' || c == '`')
        .to_string()
}

fn export_statement<'t>(
    res: &Resolution<'t>,
    stmt: Node<'t>,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let mut cursor = stmt.walk();
    let children: Vec<Node<'t>> = stmt.named_children(&mut cursor).collect();
    let clause = children.iter().find(|c| c.kind() == "export_clause");
    if let Some(source) = stmt.child_by_field_name("source") {
        let from = specifier(res, source);
        match clause {
            Some(clause) => {
                for (name, alias) in specifiers(res, *clause) {
                    let alias = alias.unwrap_or_else(|| name.clone());
                    facts.reexports.push((from.clone(), name, alias));
                }
            }
            None if children.iter().any(|c| c.kind() == "namespace_export") => {}
            None => {
                if let Some(family) = Family::of_package(&from) {
                    // `export * from '@amplitude/…'`: the SDK's functions, read by name.
                    for (name, _) in crate::mapping::TABLE {
                        facts.exports.insert(
                            name.to_string(),
                            Linked {
                                id: res.env.shared(family, &crate::resolve::Instance::Default),
                                family,
                                instance: crate::resolve::Instance::Default,
                                kind: LinkedKind::Function(name.to_string()),
                                origin: format!("the SDK re-exported by {}", res.env.file),
                            },
                        );
                    }
                }
                facts.reexports.push((from, "*".into(), "*".into()))
            }
        }
        return;
    }
    if let Some(decl) = stmt.child_by_field_name("declaration") {
        if decl.kind() == "function_declaration" {
            returned_client(res, decl, facts);
            return;
        }
        let mut c = decl.walk();
        for d in decl.named_children(&mut c) {
            if d.kind() != "variable_declarator" {
                continue;
            }
            let (Some(name), Some(value)) = (
                d.child_by_field_name("name"),
                d.child_by_field_name("value"),
            ) else {
                continue;
            };
            if name.kind() == "identifier" {
                hand_over(res, value, text(res, name), facts, sites);
            }
        }
        return;
    }
    if let Some(value) = stmt.child_by_field_name("value") {
        hand_over(res, value, "default", facts, sites);
        return;
    }
    if let Some(clause) = clause {
        let mut c = clause.walk();
        for spec in clause.named_children(&mut c) {
            let Some(name) = spec.child_by_field_name("name") else {
                continue;
            };
            let alias = spec
                .child_by_field_name("alias")
                .map(|a| text(res, a).to_string())
                .unwrap_or_else(|| text(res, name).to_string());
            if name.kind() == "identifier" {
                hand_over(res, name, &alias, facts, sites);
            }
        }
    }
}

/// An exported function that returns a client (`return amp`, `return createInstance()`):
/// consumers that call it hold that client. The `return` is a use of the client that amp2mp
/// does not rewrite, so the client is left whole and every consumer's use is reported with it.
fn returned_client<'t>(res: &Resolution<'t>, function: Node<'t>, facts: &mut Facts) {
    let (Some(name), Some(body)) = (
        function.child_by_field_name("name"),
        function.child_by_field_name("body"),
    ) else {
        return;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "function_declaration" | "function_expression" | "arrow_function" | "class_body" => {
                continue
            }
            "return_statement" => {
                let client = n.named_child(0).and_then(|v| res.receiver(unwrap(v)));
                if let Some(client) = client {
                    let mut l = linked(&client, res);
                    l.kind = LinkedKind::Factory;
                    facts.exports.insert(text(res, name).to_string(), l);
                    return;
                }
            }
            _ => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
        }
    }
}

/// The `(name, alias)` pairs of an export clause.
fn specifiers(res: &Resolution, clause: Node) -> Vec<(String, Option<String>)> {
    let mut c = clause.walk();
    clause
        .named_children(&mut c)
        .filter_map(|spec| {
            let name = spec.child_by_field_name("name")?;
            let alias = spec.child_by_field_name("alias");
            let clean = |n: Node| {
                text(res, n)
                    .trim_matches(|c| c == '\'' || c == '"')
                    .to_string()
            };
            Some((clean(name), alias.map(clean)))
        })
        .collect()
}

/// The parts of a member chain, outermost object first: `a.b.c` → `["a", "b", "c"]`; `None`
/// when a part is not a plain name.
fn chain(res: &Resolution, member: Node) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut n = unwrap(member);
    loop {
        match n.kind() {
            "member_expression" => {
                let prop = n.child_by_field_name("property")?;
                parts.push(text(res, prop).to_string());
                n = unwrap(n.child_by_field_name("object")?);
            }
            "identifier" => {
                // A local named `window` or `module` is not the global (`Vue` or `app` in
                // `Vue.prototype.$a` / `app.config.globalProperties.$a` is one).
                let name = text(res, n);
                let global = matches!(name, "window" | "globalThis" | "module" | "exports");
                if global && res.scopes.resolve_node(n, res.source).is_some() {
                    return None;
                }
                parts.push(name.to_string());
                break;
            }
            _ => return None,
        }
    }
    parts.reverse();
    Some(parts)
}

fn slot_write<'t>(
    res: &Resolution<'t>,
    member: Node<'t>,
    value: Node<'t>,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let Some(parts) = chain(res, member) else {
        return;
    };
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["module", "exports"] => {
            let value = unwrap(value);
            if value.kind() == "object" {
                object_exports(res, value, facts, sites);
            } else {
                hand_over(res, value, "default", facts, sites);
            }
        }
        ["module", "exports", name] | ["exports", name] => {
            hand_over(res, value, name, facts, sites)
        }
        ["window" | "globalThis", name] if *name != "amplitude" => {
            slot(res, value, Slot::Window, name, facts, sites)
        }
        [.., "prototype", name] | [.., "globalProperties", name] => {
            slot(res, value, Slot::This, name, facts, sites)
        }
        _ => {}
    }
}

/// A Nuxt plugin's `inject('amplitude', value)` (Nuxt 2) or `nuxtApp.provide('amplitude',
/// value)` (Nuxt 3): components read the value as `this.$amplitude`.
fn plugin_inject<'t>(
    res: &Resolution<'t>,
    call: &crate::resolve::Call<'t>,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let name = text(res, call.name);
    let injects = match call.receiver {
        None => name == "inject",
        Some(_) => name == "provide",
    };
    if !injects {
        return;
    }
    let mut c = call.args.walk();
    let args: Vec<Node<'t>> = call.args.named_children(&mut c).collect();
    let [key, value] = args.as_slice() else {
        return;
    };
    if key.kind() != "string" {
        return;
    }
    let key = text(res, *key).trim_matches(|c| c == '\'' || c == '"');
    if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return;
    }
    slot(res, *value, Slot::This, &format!("${key}"), facts, sites);
}

fn slot<'t>(
    res: &Resolution<'t>,
    value: Node<'t>,
    slot: Slot,
    name: &str,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let value = unwrap(value);
    if let Some(client) = res.receiver(value) {
        facts
            .slots
            .insert((slot, name.to_string()), linked(&client, res));
        sites.push(Site {
            expr: value,
            client,
        });
    }
}

/// `module.exports = { a, b: c }`: each property a named export.
fn object_exports<'t>(
    res: &Resolution<'t>,
    object: Node<'t>,
    facts: &mut Facts,
    sites: &mut Vec<Site<'t>>,
) {
    let mut c = object.walk();
    for prop in object.named_children(&mut c) {
        match prop.kind() {
            "shorthand_property_identifier" => {
                // Read as the identifier it names.
                let name = text(res, prop).to_string();
                if let Some(client) = res.receiver(prop) {
                    facts.exports.insert(name, linked(&client, res));
                    sites.push(Site { expr: prop, client });
                }
            }
            "pair" => {
                let (Some(key), Some(value)) = (
                    prop.child_by_field_name("key"),
                    prop.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let name = text(res, key).trim_matches(['\'', '"']).to_string();
                hand_over(res, value, &name, facts, sites);
            }
            _ => {}
        }
    }
}
