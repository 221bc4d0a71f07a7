//! Amplitude's builder objects, read statically: an `Identify` or `Revenue` chain
//! (`new Identify().set(k, v).add(k, n)`) becomes the list of its operations, and those become
//! the text of the Mixpanel calls that do the same: `people.set({ k: v })`, `people.increment(…)`,
//! group `set`/`union`/…, or the property object of a revenue event. Pure text and syntax-tree
//! functions; whether a chain really is Amplitude's is decided by the planner.

use crate::resolve::unwrap;
use std::collections::HashSet;
use tree_sitter::Node;

/// One builder method call in a chain: its name and argument nodes.
#[derive(Clone, Debug)]
pub struct Op<'t> {
    pub name: &'t str,
    pub args: Vec<Node<'t>>,
}

/// A builder chain: the `new X()` expression at its root, and the operations in source order.
#[derive(Clone, Debug)]
pub struct Chain<'t> {
    pub new: Node<'t>,
    pub ops: Vec<Op<'t>>,
}

/// Reads `new X().a(…).b(…)`; `None` when the expression is not such a chain (optional calls,
/// computed methods, constructor arguments).
pub fn chain<'t>(expr: Node<'t>, src: &'t str) -> Option<Chain<'t>> {
    let mut ops = Vec::new();
    let mut n = unwrap(expr);
    loop {
        match n.kind() {
            "call_expression" => {
                let (object, op) = method_call(n, src)?;
                ops.push(op);
                n = object;
            }
            "new_expression" => {
                let no_args = n
                    .child_by_field_name("arguments")
                    .is_none_or(|a| arguments(a).is_empty());
                if !no_args {
                    return None;
                }
                ops.reverse();
                return Some(Chain { new: n, ops });
            }
            _ => return None,
        }
    }
}

/// `object.name(args)` → (object, op); `None` for `?.`, computed or non-method calls.
pub fn method_call<'t>(call: Node<'t>, src: &'t str) -> Option<(Node<'t>, Op<'t>)> {
    let callee = call.child_by_field_name("function")?;
    if callee.kind() != "member_expression" || src[callee.byte_range()].contains("?.") {
        return None;
    }
    let property = callee.child_by_field_name("property")?;
    if property.kind() != "property_identifier" {
        return None;
    }
    let object = unwrap(callee.child_by_field_name("object")?);
    let args = arguments(call.child_by_field_name("arguments")?);
    Some((
        object,
        Op {
            name: &src[property.byte_range()],
            args,
        },
    ))
}

/// The argument (or property) nodes of an `arguments` (or `object`) node, comments skipped.
pub fn arguments(args: Node) -> Vec<Node> {
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|n| !n.is_extra())
        .collect()
}

/// The text of a builder's calls, plus per-site notes for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    /// Method paths with arguments, without the receiver: `people.set({ 'a': 1 })`.
    pub calls: Vec<String>,
    pub notes: Vec<String>,
}

/// Identify operation kinds, in the order the reference lists their Mixpanel counterparts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Set,
    SetOnce,
    Increment,
    Append,
    Union,
    Unset,
    Remove,
}

impl Kind {
    fn people(self) -> &'static str {
        match self {
            Kind::Set => "people.set",
            Kind::SetOnce => "people.set_once",
            Kind::Increment => "people.increment",
            Kind::Append => "people.append",
            Kind::Union => "people.union",
            Kind::Unset => "people.unset",
            Kind::Remove => "people.remove",
        }
    }
}

/// Maps an Identify method to its kind, or says why it has no Mixpanel counterpart.
fn kind(name: &str) -> Result<Kind, String> {
    Ok(match name {
        "set" => Kind::Set,
        "setOnce" => Kind::SetOnce,
        "add" => Kind::Increment,
        "append" => Kind::Append,
        "postInsert" => Kind::Union,
        "unset" => Kind::Unset,
        "remove" => Kind::Remove,
        "prepend" | "preInsert" => {
            return Err(format!(
                "Identify `{name}`: Mixpanel lists cannot be prepended (people.append/union add at the end): migrate by hand"
            ))
        }
        "clearAll" => {
            return Err("Identify `clearAll`: no Mixpanel equivalent (people.delete_user() deletes the whole profile): unset the known keys by hand".into())
        }
        other => return Err(format!("Identify `{other}` is not an Identify operation amp2mp knows")),
    })
}

/// One `key: value` entry of a people or group operation.
struct Entry {
    kind: Kind,
    key: String,
    value: Option<String>,
}

/// The text of a property key: a string or number literal as written, anything else computed.
fn key_text(src: &str, key: Node) -> String {
    let k = unwrap(key);
    let text = &src[k.byte_range()];
    match k.kind() {
        "string" | "number" => text.to_string(),
        _ => format!("[{text}]"),
    }
}

/// The key as a value, for `people.unset(['a', b])`.
fn key_value(src: &str, key: Node) -> String {
    src[unwrap(key).byte_range()].to_string()
}

/// A literal key's content, for spotting one key used by two operations.
fn literal_key(src: &str, key: Node) -> Option<String> {
    let k = unwrap(key);
    let text = &src[k.byte_range()];
    match k.kind() {
        "string" => Some(text.get(1..text.len().saturating_sub(1))?.to_string()),
        "number" => Some(text.to_string()),
        _ => None,
    }
}

fn is_array(n: Node) -> bool {
    unwrap(n).kind() == "array"
}

/// Whether a value is a literal that cannot be an array at run time.
fn is_scalar_literal(n: Node) -> bool {
    matches!(
        unwrap(n).kind(),
        "string" | "number" | "true" | "false" | "template_string" | "object" | "null"
    )
}

fn number_text(src: &str, n: Node) -> String {
    let v = unwrap(n);
    let text = &src[v.byte_range()];
    let numeric = v.kind() == "number"
        || (v.kind() == "unary_expression"
            && text.starts_with('-')
            && v.named_child(0).is_some_and(|c| c.kind() == "number"));
    if numeric {
        text.to_string()
    } else {
        format!("Number({text})")
    }
}

/// Reads an Identify chain into entries, checking arity and keys used twice.
fn entries(src: &str, ops: &[Op], notes: &mut Vec<String>) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for op in ops {
        let kind = kind(op.name)?;
        let want = if kind == Kind::Unset { 1 } else { 2 };
        if op.args.len() != want || op.args.iter().any(|a| a.kind() == "spread_element") {
            return Err(format!(
                "Identify `{}` with {} arguments: migrate by hand",
                op.name,
                op.args.len()
            ));
        }
        let key = op.args[0];
        if let Some(k) = literal_key(src, key) {
            if !seen.insert(k.clone()) {
                return Err(format!("the key '{k}' has two operations in one Identify, and Amplitude ignores the later one: remove it, then run amp2mp again"));
            }
        }
        let value = op.args.get(1).copied();
        match (kind, value) {
            (Kind::Append | Kind::Remove, Some(v)) if is_array(v) => {
                let mut c = unwrap(v).walk();
                let items: Vec<Node> = unwrap(v)
                    .named_children(&mut c)
                    .filter(|n| !n.is_extra())
                    .collect();
                if items.iter().any(|i| i.kind() == "spread_element") {
                    return Err(format!(
                        "Identify `{}` with a spread array: migrate by hand",
                        op.name
                    ));
                }
                for item in items {
                    out.push(Entry {
                        kind,
                        key: key_text(src, key),
                        value: Some(src[item.byte_range()].to_string()),
                    });
                }
            }
            (Kind::Append | Kind::Remove, Some(v)) => {
                if !is_scalar_literal(v) {
                    notes.push(format!(
                        "if `{}` is an array, Amplitude's `{}` took each element; mixpanel.{} takes it as one item",
                        &src[v.byte_range()],
                        op.name,
                        kind.people()
                    ));
                }
                out.push(Entry {
                    kind,
                    key: key_text(src, key),
                    value: Some(src[v.byte_range()].to_string()),
                });
            }
            (Kind::Increment, Some(v)) => out.push(Entry {
                kind,
                key: key_text(src, key),
                value: Some(number_text(src, v)),
            }),
            (Kind::Unset, _) => out.push(Entry {
                kind,
                key: key_value(src, key),
                value: None,
            }),
            (_, v) => out.push(Entry {
                kind,
                key: key_text(src, key),
                value: v.map(|v| src[v.byte_range()].to_string()),
            }),
        }
    }
    Ok(out)
}

/// Splits entries of one kind into dictionaries in which no key repeats (one call each).
fn dicts(entries: &[&Entry]) -> Vec<String> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut keys: Vec<HashSet<&str>> = Vec::new();
    for e in entries {
        let pair = format!("{}: {}", e.key, e.value.as_deref().unwrap_or("undefined"));
        match keys.last_mut() {
            Some(k) if !k.contains(e.key.as_str()) => {
                k.insert(&e.key);
                if let Some(last) = out.last_mut() {
                    last.push(pair);
                }
            }
            _ => {
                keys.push(HashSet::from([e.key.as_str()]));
                out.push(vec![pair]);
            }
        }
    }
    out.into_iter()
        .map(|pairs| format!("{{ {} }}", pairs.join(", ")))
        .collect()
}

/// The kinds present, in order of first appearance.
fn kinds_in_order(entries: &[Entry]) -> Vec<Kind> {
    let mut kinds = Vec::new();
    for e in entries {
        if !kinds.contains(&e.kind) {
            kinds.push(e.kind);
        }
    }
    kinds
}

/// `identify(new Identify()…)` → one `people.<op>` call per operation kind, in source order
/// (more for list values that Mixpanel takes one item at a time).
pub fn people_calls(src: &str, ops: &[Op]) -> Result<Calls, String> {
    by_kind(src, ops, |kind, of_kind, calls| {
        if kind == Kind::Unset {
            let keys: Vec<&str> = of_kind.iter().map(|e| e.key.as_str()).collect();
            let arg = match keys.as_slice() {
                [one] => one.to_string(),
                _ => format!("[{}]", keys.join(", ")),
            };
            calls.push(format!("{}({arg})", kind.people()));
            return;
        }
        for d in dicts(of_kind) {
            calls.push(format!("{}({d})", kind.people()));
        }
    })
}

/// Reads an Identify chain and hands each operation kind's entries, in order of first
/// appearance, to `each`, which writes that kind's calls.
fn by_kind(
    src: &str,
    ops: &[Op],
    mut each: impl FnMut(Kind, &[&Entry], &mut Vec<String>),
) -> Result<Calls, String> {
    let mut notes = Vec::new();
    let entries = entries(src, ops, &mut notes)?;
    if entries.is_empty() {
        return Err("an empty Identify: delete the call".into());
    }
    let mut calls = Vec::new();
    for kind in kinds_in_order(&entries) {
        let of_kind: Vec<&Entry> = entries.iter().filter(|e| e.kind == kind).collect();
        each(kind, &of_kind, &mut calls);
    }
    Ok(Calls { calls, notes })
}

/// `identify(new Identify()…)` for mixpanel-react-native: `getPeople().set({…})`,
/// `setOnce({…})`, `increment({…})`, and per key `append(k, v)`, `union(k, [v])`,
/// `remove(k, v)`, `unset(k)`.
pub fn rn_people_calls(src: &str, ops: &[Op]) -> Result<Calls, String> {
    by_kind(src, ops, |kind, of_kind, calls| {
        let value = |e: &Entry| e.value.clone().unwrap_or_else(|| "undefined".into());
        match kind {
            Kind::Set | Kind::SetOnce | Kind::Increment => {
                let name = match kind {
                    Kind::Set => "set",
                    Kind::SetOnce => "setOnce",
                    _ => "increment",
                };
                for d in dicts(of_kind) {
                    calls.push(format!("getPeople().{name}({d})"));
                }
            }
            Kind::Append | Kind::Remove => {
                let name = if kind == Kind::Append {
                    "append"
                } else {
                    "remove"
                };
                calls.extend(
                    of_kind.iter().map(|e| {
                        format!("getPeople().{name}({}, {})", plain_key(&e.key), value(e))
                    }),
                );
            }
            Kind::Union => calls.extend(of_kind.iter().map(|e| {
                let v = value(e);
                let list = if v.starts_with('[') {
                    v
                } else {
                    format!("[{v}]")
                };
                format!("getPeople().union({}, {list})", plain_key(&e.key))
            })),
            Kind::Unset => calls.extend(
                of_kind
                    .iter()
                    .map(|e| format!("getPeople().unset({})", e.key)),
            ),
        }
    })
}

/// `people.set({…})` → `people.set(id, {…})`: Mixpanel's Node people calls name the user first.
pub fn with_first_arg(call: &str, arg: &str) -> String {
    match call.split_once('(') {
        Some((name, rest)) => format!("{name}({arg}, {rest}"),
        None => call.to_string(),
    }
}

/// `groupIdentify(type, name, new Identify()…)` → the calls on `get_group(type, name)`:
/// `set({…})`, `set_once({…})`, `unset(k)`, `union(k, [v])`, `remove(k, v)`.
pub fn group_calls(src: &str, ops: &[Op]) -> Result<Calls, String> {
    if ops.iter().any(|op| op.name == "add") {
        return Err(
            "group Identify `add`: Mixpanel groups have no increment: migrate by hand".into(),
        );
    }
    by_kind(src, ops, |kind, of_kind, calls| match kind {
        Kind::Set | Kind::SetOnce => {
            let name = if kind == Kind::Set { "set" } else { "set_once" };
            for d in dicts(of_kind) {
                calls.push(format!("{name}({d})"));
            }
        }
        Kind::Unset => calls.extend(of_kind.iter().map(|e| format!("unset({})", e.key))),
        Kind::Append | Kind::Union => calls.extend(of_kind.iter().map(|e| {
            format!(
                "union({}, [{}])",
                plain_key(&e.key),
                e.value.as_deref().unwrap_or("undefined")
            )
        })),
        Kind::Remove => calls.extend(of_kind.iter().map(|e| {
            format!(
                "remove({}, {})",
                plain_key(&e.key),
                e.value.as_deref().unwrap_or("undefined")
            )
        })),
        Kind::Increment => {}
    })
}

/// A key written for an object (`[k]` for computed ones) as a plain argument (`k`).
fn plain_key(key: &str) -> &str {
    key.strip_prefix('[')
        .and_then(|k| k.strip_suffix(']'))
        .unwrap_or(key)
}

/// The property pairs of a revenue event, in the order the issue gives:
/// price, quantity, product_id, revenue_type, currency, revenue, then the event properties.
#[derive(Clone, Debug, Default)]
pub struct RevenueProps {
    pub price: Option<String>,
    pub quantity: Option<String>,
    pub product_id: Option<String>,
    pub revenue_type: Option<String>,
    pub currency: Option<String>,
    pub revenue: Option<String>,
    /// The event properties: an object literal's members, or a spread of the expression.
    pub rest: Option<String>,
}

impl RevenueProps {
    /// `{ price: p, quantity: 1, product_id: id, …props }`. Amplitude sends a quantity of 1
    /// when none is set, so that is kept.
    pub fn object(&self) -> String {
        let mut pairs = Vec::new();
        let fields = [
            ("price", &self.price),
            ("quantity", &self.quantity),
            ("product_id", &self.product_id),
            ("revenue_type", &self.revenue_type),
            ("currency", &self.currency),
            ("revenue", &self.revenue),
        ];
        for (name, v) in fields {
            match (name, v) {
                (_, Some(v)) => pairs.push(format!("{name}: {v}")),
                ("quantity", None) => pairs.push("quantity: 1".to_string()),
                _ => {}
            }
        }
        if let Some(rest) = &self.rest {
            pairs.push(rest.clone());
        }
        format!("{{ {} }}", pairs.join(", "))
    }
}

/// Reads a `new Revenue().setPrice(…)…` chain.
pub fn revenue_props(src: &str, ops: &[Op]) -> Result<RevenueProps, String> {
    let mut p = RevenueProps::default();
    for op in ops {
        let [arg] = op.args.as_slice() else {
            return Err(format!(
                "Revenue `{}` with {} arguments: migrate by hand",
                op.name,
                op.args.len()
            ));
        };
        if arg.kind() == "spread_element" {
            return Err(format!(
                "Revenue `{}` with a spread argument: migrate by hand",
                op.name
            ));
        }
        let text = src[arg.byte_range()].to_string();
        let slot = match op.name {
            "setPrice" => &mut p.price,
            "setQuantity" => &mut p.quantity,
            "setProductId" => &mut p.product_id,
            "setRevenueType" => &mut p.revenue_type,
            "setCurrency" => &mut p.currency,
            "setRevenue" => &mut p.revenue,
            "setEventProperties" => {
                p.rest = spread_members(src, *arg);
                continue;
            }
            "setReceipt" | "setReceiptSig" => {
                return Err(format!(
                    "Revenue `{}`: receipts have no Mixpanel equivalent: migrate by hand",
                    op.name
                ))
            }
            other => {
                return Err(format!(
                    "Revenue `{other}` is not a Revenue method amp2mp knows"
                ))
            }
        };
        *slot = Some(text);
    }
    if p.price.is_none() && p.revenue.is_none() {
        return Err("a Revenue without setPrice: Amplitude drops it; migrate by hand".into());
    }
    Ok(p)
}

/// The members of an object literal as text (`a: 1, b`), or `...expr` for any other value;
/// `None` for an empty object.
pub fn spread_members(src: &str, value: Node) -> Option<String> {
    let v = unwrap(value);
    if v.kind() != "object" {
        return Some(format!("...{}", &src[value.byte_range()]));
    }
    let members = arguments(v);
    let (first, last) = (members.first()?, members.last()?);
    Some(src[first.start_byte()..last.end_byte()].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{self, Lang};

    /// Runs `f` on the expression of the first statement of `src`.
    fn with_expr<R>(src: &str, f: impl FnOnce(Node, &str) -> R) -> R {
        let tree = lang::parse(Lang::JavaScript, src).unwrap();
        let stmt = tree.root_node().named_child(0).unwrap();
        f(stmt.named_child(0).unwrap(), src)
    }

    fn people(src: &str) -> Result<Calls, String> {
        with_expr(src, |e, s| {
            let c = chain(e, s).expect("a chain");
            people_calls(s, &c.ops)
        })
    }

    #[test]
    fn one_call_per_kind_in_source_order() {
        let c = people("new Identify().set('a', 1).add('n', 2).set('b', x).unset('c').unset(k);")
            .unwrap();
        assert_eq!(
            c.calls,
            [
                "people.set({ 'a': 1, 'b': x })",
                "people.increment({ 'n': 2 })",
                "people.unset(['c', k])"
            ]
        );
        assert!(c.notes.is_empty());
    }

    #[test]
    fn list_values_go_one_item_per_call() {
        let c = people("new I().append('t', ['x', 'y']).postInsert('u', ['z']).remove('r', v);")
            .unwrap();
        assert_eq!(
            c.calls,
            [
                "people.append({ 't': 'x' })",
                "people.append({ 't': 'y' })",
                "people.union({ 'u': ['z'] })",
                "people.remove({ 'r': v })"
            ]
        );
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].starts_with("if `v` is an array"));
    }

    #[test]
    fn increments_are_numbers_and_computed_keys_stay_computed() {
        let c = people("new I().add(key, '3').add('m', -1);").unwrap();
        assert_eq!(
            c.calls,
            ["people.increment({ [key]: Number('3'), 'm': -1 })"]
        );
    }

    #[test]
    fn unsupported_and_repeated_operations_are_reasons() {
        assert!(people("new I().prepend('a', 1);")
            .unwrap_err()
            .contains("prepended"));
        assert!(people("new I().clearAll();")
            .unwrap_err()
            .contains("clearAll"));
        assert!(people("new I().set('a', 1).add('a', 2);")
            .unwrap_err()
            .contains("'a' has two operations"));
        assert!(people("new I().set('a');")
            .unwrap_err()
            .contains("1 arguments"));
        assert!(people("new I();").unwrap_err().contains("empty"));
        assert!(with_expr("new I(x).set('a', 1);", |e, s| chain(e, s).is_none()));
        assert!(with_expr("new I()?.set('a', 1);", |e, s| chain(e, s).is_none()));
    }

    #[test]
    fn react_native_and_node_people_calls() {
        let c = with_expr(
            "new I().set('a', 1).add('n', 2).append('t', 'x').postInsert('u', v).unset('c');",
            |e, s| rn_people_calls(s, &chain(e, s).unwrap().ops),
        )
        .unwrap();
        assert_eq!(
            c.calls,
            [
                "getPeople().set({ 'a': 1 })",
                "getPeople().increment({ 'n': 2 })",
                "getPeople().append('t', 'x')",
                "getPeople().union('u', [v])",
                "getPeople().unset('c')"
            ]
        );
        assert_eq!(
            with_first_arg("people.set({ 'a': 1 })", "uid"),
            "people.set(uid, { 'a': 1 })"
        );
    }

    #[test]
    fn group_operations() {
        let c = with_expr(
            "new I().set('a', 1).setOnce('b', 2).unset('c').append('d', 'x').remove('e', 'y');",
            |e, s| group_calls(s, &chain(e, s).unwrap().ops),
        )
        .unwrap();
        assert_eq!(
            c.calls,
            [
                "set({ 'a': 1 })",
                "set_once({ 'b': 2 })",
                "unset('c')",
                "union('d', ['x'])",
                "remove('e', 'y')"
            ]
        );
        let e = with_expr("new I().add('n', 1);", |e, s| {
            group_calls(s, &chain(e, s).unwrap().ops)
        });
        assert!(e.unwrap_err().contains("no increment"));
    }

    #[test]
    fn revenue_object() {
        let p = with_expr(
            "new R().setProductId('sku').setPrice(9.99).setRevenueType('sale').setEventProperties({ coupon: c });",
            |e, s| revenue_props(s, &chain(e, s).unwrap().ops),
        )
        .unwrap();
        assert_eq!(
            p.object(),
            "{ price: 9.99, quantity: 1, product_id: 'sku', revenue_type: 'sale', coupon: c }"
        );
        let p = with_expr(
            "new R().setPrice(p).setQuantity(2).setEventProperties(props);",
            |e, s| revenue_props(s, &chain(e, s).unwrap().ops),
        )
        .unwrap();
        assert_eq!(p.object(), "{ price: p, quantity: 2, ...props }");
        let e = with_expr("new R().setProductId('a');", |e, s| {
            revenue_props(s, &chain(e, s).unwrap().ops)
        });
        assert!(e.unwrap_err().contains("without setPrice"));
    }
}
