//! Option objects, mapped statically: Amplitude's `init` options become mixpanel-browser's
//! config (reference §3.1), and event options (`track`'s third argument, the fields of an event
//! object) become event properties or groups. Options Mixpanel has no counterpart for are
//! dropped and named, so the summary can list them; options whose meaning depends on a value
//! amp2mp cannot read make the whole call a leftover. Pure functions over syntax nodes.

use crate::builders::arguments;
use crate::resolve::unwrap;
use std::ops::Range;
use tree_sitter::Node;

/// One member of an object literal: its key and the text of its value.
struct Member<'t> {
    node: Node<'t>,
    key: String,
    value: Option<Node<'t>>,
    text: &'t str,
}

/// The members of an object literal; `Err` for spreads, computed keys and methods.
fn members<'t>(src: &'t str, obj: Node<'t>, what: &str) -> Result<Vec<Member<'t>>, String> {
    let mut out = Vec::new();
    for m in arguments(obj) {
        match m.kind() {
            "pair" => {
                let (Some(k), Some(v)) =
                    (m.child_by_field_name("key"), m.child_by_field_name("value"))
                else {
                    return Err(format!("{what}: a member amp2mp cannot read"));
                };
                let key = match k.kind() {
                    "property_identifier" | "number" => src[k.byte_range()].to_string(),
                    "string" => {
                        let t = &src[k.byte_range()];
                        t.get(1..t.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_string()
                    }
                    _ => return Err(format!("{what} with a computed key: map it by hand")),
                };
                out.push(Member {
                    node: m,
                    key,
                    value: Some(v),
                    text: &src[v.byte_range()],
                });
            }
            "shorthand_property_identifier" => out.push(Member {
                node: m,
                key: src[m.byte_range()].to_string(),
                value: Some(m),
                text: &src[m.byte_range()],
            }),
            _ => return Err(format!("{what} with a spread or a method: map it by hand")),
        }
    }
    Ok(out)
}

/// A string literal's content, or the last segment of an enum member (`Types.ServerZone.EU`).
fn literal(src: &str, value: Option<Node>) -> Option<String> {
    let v = unwrap(value?);
    let text = &src[v.byte_range()];
    match v.kind() {
        "string" => Some(text.get(1..text.len().saturating_sub(1))?.to_string()),
        "true" | "false" | "number" => Some(text.to_string()),
        "member_expression" => Some(text.rsplit('.').next()?.to_string()),
        _ => None,
    }
}

/// mixpanel-browser config, as `key: value` pairs, from an Amplitude `init` options object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitConfig {
    pub pairs: Vec<String>,
    /// Options removed because Mixpanel has no counterpart, by name.
    pub dropped: Vec<String>,
    /// Notes on kept options whose behaviour differs.
    pub notes: Vec<String>,
    /// The `userId` option: becomes `mixpanel.identify(userId)` after `init`.
    pub user_id: Option<String>,
    /// Members whose text the config does not copy (interpreted or dropped): references to
    /// Amplitude in them (`amplitude.Types.LogLevel.Debug`) disappear with the options object.
    pub gone: Vec<Range<usize>>,
}

/// Options with no mixpanel-browser counterpart (reference §3.1 "none" rows).
/// `instanceName` only renames the storage of the instance the calls go to; Mixpanel's named
/// instances are separate objects, so it is dropped rather than passed as `init`'s third argument.
const DROPPED: &[&str] = &[
    "instanceName",
    "appVersion",
    "platform",
    "language",
    "plan",
    "ingestionMetadata",
    "partnerId",
    "library",
    "deviceId",
    "deviceIdFromUrlParam",
    "sessionId",
    "sessionTimeout",
    "fetchRemoteConfig",
    "remoteConfig",
    "useDynamicConfig",
    "serverZoneBasedApi",
    "useBatch",
    "flushMaxRetries",
    "savedMaxCount",
    "uploadBatchSize",
    "minIdLength",
    "offline",
    "saveEvents",
    "unsentKey",
    "unsentIdentifyKey",
    "cookieForceUpgrade",
    "saveParamsReferrerOncePerSession",
    "unsetParamsReferrerOnNewSession",
    "loggerProvider",
    "onExitPage",
    "enableDiagnostics",
    "customEnrichment",
    "includeUtm",
    "includeReferrer",
    "includeGclid",
    "includeFbclid",
];

/// Direct renames: Amplitude option → Mixpanel config key, value kept as written.
const RENAMED: &[(&str, &str)] = &[
    ("eventUploadThreshold", "batch_size"),
    ("flushQueueSize", "batch_size"),
    ("eventUploadPeriodMillis", "batch_flush_interval_ms"),
    ("flushIntervalMillis", "batch_flush_interval_ms"),
    ("batchEvents", "batch_requests"),
    ("cookieExpiration", "cookie_expiration"),
    ("domain", "cookie_domain"),
    ("secureCookie", "secure_cookie"),
    ("cookieName", "cookie_name"),
    ("optOut", "opt_out_tracking_by_default"),
    ("headers", "xhr_headers"),
];

/// Maps an `init` options object literal.
pub fn init_config(src: &str, obj: Node) -> Result<InitConfig, String> {
    let mut cfg = InitConfig::default();
    for m in members(src, obj, "init options")? {
        let before = cfg.pairs.len();
        init_option(src, &m, &mut cfg)?;
        let copied = cfg.pairs[before..]
            .iter()
            .filter_map(|p| p.split_once(": ").map(|(_, v)| v))
            .any(|v| m.text.contains(v))
            || cfg.user_id.as_deref() == Some(m.text);
        if !copied {
            cfg.gone.push(m.node.byte_range());
        }
    }
    Ok(cfg)
}

fn needs_literal(key: &str) -> String {
    format!(
        "init option `{key}` with a value amp2mp cannot read: map it to Mixpanel's config by hand"
    )
}

fn init_option(src: &str, m: &Member, cfg: &mut InitConfig) -> Result<(), String> {
    let key = m.key.as_str();
    if let Some((_, to)) = RENAMED.iter().find(|(from, _)| *from == key) {
        cfg.pairs.push(format!("{to}: {}", m.text));
        return Ok(());
    }
    if DROPPED.contains(&key) {
        cfg.dropped.push(key.to_string());
        return Ok(());
    }
    let lit = literal(src, m.value);
    match key {
        "serverZone" => match lit.as_deref() {
            Some("EU") => cfg
                .pairs
                .push("api_host: 'https://api-eu.mixpanel.com'".to_string()),
            Some("US") => {}
            _ => return Err(needs_literal(key)),
        },
        "serverUrl" | "apiEndpoint" => {
            cfg.pairs.push(format!("api_host: {}", with_scheme(m.value, m.text)));
            cfg.notes.push(format!(
                "`{key}` became api_host: the proxy must forward Mixpanel's /track, /engage and /groups routes"
            ));
        }
        "sameSiteCookie" => same_site(key, lit.as_deref(), cfg)?,
        "storage" | "identityStorage" => match lit.as_deref() {
            Some("localStorage") => cfg.pairs.push("persistence: 'localStorage'".to_string()),
            Some("none") => cfg.pairs.push("disable_persistence: true".to_string()),
            Some("cookies" | "cookie" | "") => {}
            Some("sessionStorage") => cfg.dropped.push(format!("{key} (sessionStorage)")),
            _ => return Err(needs_literal(key)),
        },
        "disableCookies" => match lit.as_deref() {
            Some("true") => cfg.pairs.push("persistence: 'localStorage'".to_string()),
            Some("false") => {}
            _ => return Err(needs_literal(key)),
        },
        "logLevel" => match lit.as_deref() {
            Some(l) if l.eq_ignore_ascii_case("debug") || l.eq_ignore_ascii_case("verbose") => {
                cfg.pairs.push("debug: true".to_string())
            }
            Some(_) => {}
            None => return Err(needs_literal(key)),
        },
        "onError" => {
            cfg.pairs.push(format!("error_reporter: {}", m.text));
            cfg.notes.push(
                "`onError` became error_reporter, which is called with (message, error)".into(),
            );
        }
        "transport" => match lit.as_deref() {
            Some("beacon") => cfg.pairs.push("api_transport: 'sendBeacon'".to_string()),
            Some("http" | "xhr") => {}
            Some("fetch") => cfg.dropped.push("transport (fetch)".to_string()),
            _ => return Err(needs_literal(key)),
        },
        "trackingOptions" => tracking_options(src, m, cfg)?,
        "cookieOptions" => cookie_options(src, m, cfg)?,
        "defaultTracking" | "autocapture" => autocapture(src, m, lit.as_deref(), cfg)?,
        "userId" => cfg.user_id = Some(m.text.to_string()),
        "deferInitialization" => {
            return Err("init option `deferInitialization`: use opt_out_tracking_by_default and mixpanel.opt_in_tracking() by hand".into())
        }
        other => {
            return Err(format!(
                "init option `{other}` has no known Mixpanel mapping: map it by hand"
            ))
        }
    }
    Ok(())
}

/// A string literal host without a scheme (`'proxy.example.com/amp'`, as amplitude-js's
/// `apiEndpoint` takes it) gets `https://`, which Mixpanel's `api_host` needs.
fn with_scheme(value: Option<Node>, text: &str) -> String {
    let is_string = value.is_some_and(|v| unwrap(v).kind() == "string");
    match (is_string, text.chars().next()) {
        (true, Some(q)) if !text.contains("://") && text.len() > 2 => {
            format!("{q}https://{}", &text[q.len_utf8()..])
        }
        _ => text.to_string(),
    }
}

fn same_site(key: &str, lit: Option<&str>, cfg: &mut InitConfig) -> Result<(), String> {
    match lit {
        Some(s) if s.eq_ignore_ascii_case("none") => {
            cfg.pairs.push("cross_site_cookie: true".to_string())
        }
        Some(s) if s.eq_ignore_ascii_case("lax") => {}
        Some(s) if s.eq_ignore_ascii_case("strict") => cfg.dropped.push(format!("{key} (Strict)")),
        _ => return Err(needs_literal(key)),
    }
    Ok(())
}

/// The object literal a nested option holds, or why it cannot be read.
fn nested<'t>(m: &Member<'t>) -> Result<Node<'t>, String> {
    m.value
        .map(unwrap)
        .filter(|v| v.kind() == "object")
        .ok_or_else(|| needs_literal(&m.key))
}

fn tracking_options(src: &str, m: &Member, cfg: &mut InitConfig) -> Result<(), String> {
    for t in members(src, nested(m)?, "trackingOptions")? {
        match (t.key.as_str(), literal(src, t.value).as_deref()) {
            ("ipAddress" | "ip_address", Some("false")) => cfg.pairs.push("ip: false".into()),
            ("ipAddress" | "ip_address", Some("true")) => {}
            (k, _) => cfg.dropped.push(format!("trackingOptions.{k}")),
        }
    }
    Ok(())
}

fn cookie_options(src: &str, m: &Member, cfg: &mut InitConfig) -> Result<(), String> {
    for c in members(src, nested(m)?, "cookieOptions")? {
        match c.key.as_str() {
            "domain" => cfg.pairs.push(format!("cookie_domain: {}", c.text)),
            "expiration" => cfg.pairs.push(format!("cookie_expiration: {}", c.text)),
            "secure" => cfg.pairs.push(format!("secure_cookie: {}", c.text)),
            "sameSite" => same_site(
                "cookieOptions.sameSite",
                literal(src, c.value).as_deref(),
                cfg,
            )?,
            k => cfg.dropped.push(format!("cookieOptions.{k}")),
        }
    }
    Ok(())
}

/// `defaultTracking`/`autocapture`: page views become `track_pageview: true`; the rest of
/// Amplitude's autocapture (sessions, attribution, form and file tracking) is dropped.
fn autocapture(
    src: &str,
    m: &Member,
    lit: Option<&str>,
    cfg: &mut InitConfig,
) -> Result<(), String> {
    match lit {
        Some("true") => {
            cfg.pairs.push("track_pageview: true".to_string());
            cfg.dropped.push(format!("{} (all but page views)", m.key));
            return Ok(());
        }
        Some("false") => return Ok(()),
        _ => {}
    }
    for a in members(src, nested(m)?, &m.key)? {
        match (a.key.as_str(), literal(src, a.value).as_deref()) {
            ("pageViews", Some("false")) => {}
            ("pageViews", Some("true")) => cfg.pairs.push("track_pageview: true".into()),
            ("pageViews", _) if a.value.is_some_and(|v| unwrap(v).kind() == "object") => {
                cfg.pairs.push("track_pageview: true".into());
                cfg.dropped.push(format!("{}.pageViews options", m.key));
            }
            ("pageViews", _) => return Err(needs_literal("pageViews")),
            (_, Some("false")) => {}
            (k, _) => cfg.dropped.push(format!("{}.{k}", m.key)),
        }
    }
    Ok(())
}

/// Event options read from `track`'s third argument or an event object's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventOptions {
    /// Extra event properties: `time: t`, `$insert_id: id`, `distinct_id: u`.
    pub props: Vec<String>,
    /// `groups`: the call becomes `track_with_groups`.
    pub groups: Option<String>,
    pub notes: Vec<String>,
}

/// Maps one event option; `Err` for options with no counterpart. `node` allows the options
/// Mixpanel's Node SDK takes as properties (`ip`), and states distinct ids without a caveat.
fn event_option(key: &str, text: &str, out: &mut EventOptions, node: bool) -> Result<(), String> {
    match key {
        "ip" if node => out.props.push(format!("ip: {text}")),
        "user_id" | "device_id" if node => {
            if out.props.iter().any(|p| p.starts_with("distinct_id:")) {
                return Err(
                    "event options with both user_id and device_id: choose the distinct_id by hand"
                        .into(),
                );
            }
            out.props.push(format!("distinct_id: {text}"));
        }
        "time" => out.props.push(format!("time: {text}")),
        "insert_id" => out.props.push(format!("$insert_id: {text}")),
        "user_id" | "device_id" => {
            if out.props.iter().any(|p| p.starts_with("distinct_id:")) {
                return Err(
                    "event options with both user_id and device_id: choose the distinct_id by hand"
                        .into(),
                );
            }
            out.props.push(format!("distinct_id: {text}"));
            out.notes.push(format!("the `{key}` event option became the event's distinct_id, which sends this one event as another user; Mixpanel's identify() is the usual way"));
        }
        "groups" => out.groups = Some(text.to_string()),
        other => {
            return Err(format!(
                "event option `{other}` has no Mixpanel browser equivalent: migrate by hand"
            ))
        }
    }
    Ok(())
}

/// Maps `track`'s event options object (`node`: for Mixpanel's Node SDK).
pub fn event_options(src: &str, obj: Node, node: bool) -> Result<EventOptions, String> {
    let obj = unwrap(obj);
    if obj.kind() != "object" {
        return Err("event options given as an expression: map them by hand".into());
    }
    let mut out = EventOptions::default();
    for m in members(src, obj, "event options")? {
        event_option(&m.key, m.text, &mut out, node)?;
    }
    Ok(out)
}

/// An event object (`track({ event_type, event_properties, … })`) unpacked.
pub struct EventObject<'t> {
    pub event_type: &'t str,
    pub event_node: Option<Node<'t>>,
    pub properties: Option<Node<'t>>,
    pub options: EventOptions,
}

/// Unpacks an event object literal.
pub fn event_object<'t>(
    src: &'t str,
    obj: Node<'t>,
    node: bool,
) -> Result<EventObject<'t>, String> {
    let mut event_type = None;
    let mut event_node = None;
    let mut properties = None;
    let mut options = EventOptions::default();
    for m in members(src, obj, "event object")? {
        match m.key.as_str() {
            "event_type" => {
                event_type = Some(m.text);
                event_node = m.value;
            }
            "event_properties" => properties = m.value,
            "user_properties" => return Err("event object with user_properties: Mixpanel events carry no user properties; call mixpanel.people.set by hand".into()),
            key => event_option(key, m.text, &mut options, node)?,
        }
    }
    let Some(event_type) = event_type else {
        return Err("event object without event_type: migrate by hand".into());
    };
    Ok(EventObject {
        event_type,
        event_node,
        properties,
        options,
    })
}

/// `init` options for Mixpanel's Node and React Native SDKs: only the EU data residency
/// carries over (as Node's `host`); the rest (batching, retries, timeouts) is dropped.
pub fn node_config(src: &str, obj: Node) -> Result<InitConfig, String> {
    if obj.kind() != "object" {
        return Err("init options given as an expression: map them by hand".into());
    }
    let mut cfg = InitConfig::default();
    for m in members(src, obj, "init options")? {
        match (m.key.as_str(), literal(src, m.value).as_deref()) {
            ("serverZone", Some("EU")) => cfg.pairs.push("host: 'api-eu.mixpanel.com'".into()),
            ("serverZone", Some("US")) => {}
            ("serverZone" | "serverUrl", _) => return Err(needs_literal(&m.key)),
            (key, _) => cfg.dropped.push(key.to_string()),
        }
    }
    Ok(cfg)
}

/// The properties argument with extra pairs merged in: into an object literal's members,
/// or as `{ ...props, extra }` for any other expression, or `{ extra }` when there are none.
pub fn merge_props(src: &str, props: Option<Node>, extra: &[String]) -> Option<String> {
    merge_props_with(src, props, extra, &|n: Node| {
        src[n.byte_range()].to_string()
    })
}

/// [`merge_props`], with the properties' text rendered by `render` (which may rename keys but
/// keeps the bytes after the last member).
pub fn merge_props_with(
    src: &str,
    props: Option<Node>,
    extra: &[String],
    render: &dyn Fn(Node) -> String,
) -> Option<String> {
    let props = props.filter(|p| !matches!(&src[unwrap(*p).byte_range()], "null" | "undefined"));
    if extra.is_empty() {
        return props.map(render);
    }
    let added = extra.join(", ");
    let Some(p) = props else {
        return Some(format!("{{ {added} }}"));
    };
    let obj = unwrap(p);
    if obj.kind() != "object" {
        return Some(format!("{{ ...{}, {added} }}", render(p)));
    }
    let Some(last) = arguments(obj).last().copied() else {
        return Some(format!("{{ {added} }}"));
    };
    let full = render(obj);
    let tail = &src[last.end_byte()..obj.end_byte()];
    let head = full.get(..full.len().saturating_sub(tail.len()))?;
    Some(format!("{head}, {added}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{self, Lang};

    /// Runs `f` on the object literal of `x = {…}` in `src`.
    fn with_obj<R>(obj: &str, f: impl FnOnce(Node, &str) -> R) -> R {
        let src = format!("x = {obj};");
        let tree = lang::parse(Lang::JavaScript, &src).unwrap();
        let assign = tree
            .root_node()
            .named_child(0)
            .unwrap()
            .named_child(0)
            .unwrap();
        f(assign.child_by_field_name("right").unwrap(), &src)
    }

    fn init(obj: &str) -> Result<InitConfig, String> {
        with_obj(obj, |o, s| init_config(s, o))
    }

    #[test]
    fn init_options_map_per_reference() {
        let c = init("{ serverZone: 'EU', flushQueueSize: 20, optOut: true, logLevel: amplitude.Types.LogLevel.Debug, transport: 'beacon', storage: 'localStorage', sameSiteCookie: 'None', trackingOptions: { ipAddress: false, city: false }, cookieOptions: { domain: '.x.com', secure: true }, sessionTimeout: 5, userId: uid, instanceName: 'two' }").unwrap();
        assert_eq!(
            c.pairs,
            [
                "api_host: 'https://api-eu.mixpanel.com'",
                "batch_size: 20",
                "opt_out_tracking_by_default: true",
                "debug: true",
                "api_transport: 'sendBeacon'",
                "persistence: 'localStorage'",
                "cross_site_cookie: true",
                "ip: false",
                "cookie_domain: '.x.com'",
                "secure_cookie: true"
            ]
        );
        assert_eq!(
            c.dropped,
            ["trackingOptions.city", "sessionTimeout", "instanceName"]
        );
        assert_eq!(c.user_id.as_deref(), Some("uid"));
        // Interpreted and dropped members go with the object; copied ones stay.
        assert_eq!(c.gone.len(), 6);
        let c = init("{ apiEndpoint: 'proxy.example.com/a', serverUrl: url }").unwrap();
        assert_eq!(
            c.pairs,
            ["api_host: 'https://proxy.example.com/a'", "api_host: url"]
        );
    }

    #[test]
    fn autocapture_page_views() {
        let c =
            init("{ autocapture: { pageViews: true, sessions: true, formInteractions: false } }")
                .unwrap();
        assert_eq!(c.pairs, ["track_pageview: true"]);
        assert_eq!(c.dropped, ["autocapture.sessions"]);
        let c = init("{ defaultTracking: true }").unwrap();
        assert_eq!(c.pairs, ["track_pageview: true"]);
        assert!(init("{ defaultTracking: false }").unwrap().pairs.is_empty());
    }

    #[test]
    fn unreadable_init_options_are_reasons() {
        assert!(init("{ serverZone: zone }")
            .unwrap_err()
            .contains("`serverZone`"));
        assert!(init("{ ...base }").unwrap_err().contains("spread"));
        assert!(init("{ [k]: 1 }").unwrap_err().contains("computed"));
        assert!(init("{ somethingNew: 1 }")
            .unwrap_err()
            .contains("no known Mixpanel mapping"));
        assert!(init("{ deferInitialization: true }")
            .unwrap_err()
            .contains("opt_in_tracking"));
    }

    #[test]
    fn event_options_become_properties_or_groups() {
        let o = with_obj(
            "{ time: ts, insert_id: id, groups: { org: 'a' } }",
            |o, s| event_options(s, o, false),
        )
        .unwrap();
        assert_eq!(o.props, ["time: ts", "$insert_id: id"]);
        assert_eq!(o.groups.as_deref(), Some("{ org: 'a' }"));
        let o = with_obj("{ user_id: u }", |o, s| event_options(s, o, false)).unwrap();
        assert_eq!(o.props, ["distinct_id: u"]);
        assert_eq!(o.notes.len(), 1);
        let e = with_obj("{ platform: 'Web' }", |o, s| event_options(s, o, false));
        assert!(e.unwrap_err().contains("`platform`"));
    }

    #[test]
    fn props_merge() {
        let extra = ["time: t".to_string()];
        let m = with_obj("{ a: 1, }", |o, s| merge_props(s, Some(o), &extra));
        assert_eq!(m.as_deref(), Some("{ a: 1, time: t, }"));
        let m = with_obj("{}", |o, s| merge_props(s, Some(o), &extra));
        assert_eq!(m.as_deref(), Some("{ time: t }"));
        let m = with_obj("props", |o, s| merge_props(s, Some(o), &extra));
        assert_eq!(m.as_deref(), Some("{ ...props, time: t }"));
        let m = with_obj("null", |o, s| merge_props(s, Some(o), &extra));
        assert_eq!(m.as_deref(), Some("{ time: t }"));
        let m = with_obj("p", |o, s| merge_props(s, Some(o), &[]));
        assert_eq!(m.as_deref(), Some("p"));
    }

    #[test]
    fn event_objects_unpack() {
        let e = with_obj(
            "{ event_type: 'A', event_properties: p, time: t }",
            |o, s| {
                event_object(s, o, false).map(|e| {
                    (
                        e.event_type.to_string(),
                        e.properties.map(|p| s[p.byte_range()].to_string()),
                        e.options.props,
                    )
                })
            },
        )
        .unwrap();
        assert_eq!(
            e,
            (
                "'A'".to_string(),
                Some("p".to_string()),
                vec!["time: t".to_string()]
            )
        );
    }
}
