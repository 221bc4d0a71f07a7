//! `amp2mp.toml`: the team's choices for a migration. `[mixpanel]` names the identifier amp2mp
//! emits, the Mixpanel package names and the expression `init` gets in place of the Amplitude
//! API key (an Amplitude key is not a Mixpanel token); `[events]` renames literal event names
//! and names the revenue event; `[properties]` renames literal property keys; `[paths]` excludes
//! globs from the walk. Read once per run, from `--config FILE` or `./amp2mp.toml`; an unknown
//! key, a wrong type, a bad glob or a bad identifier is an error naming the file, line and key.
//! The planner reads the run's config through [`current`].

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

/// The file amp2mp reads from the current directory when `--config` is not given.
pub const FILE: &str = "amp2mp.toml";

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub mixpanel: Mixpanel,
    #[serde(default)]
    pub events: Events,
    #[serde(default)]
    pub properties: Properties,
    #[serde(default)]
    pub paths: Paths,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Mixpanel {
    /// The identifier of the Mixpanel object amp2mp emits (`mixpanel`).
    pub identifier: Option<String>,
    pub browser_package: Option<String>,
    pub node_package: Option<String>,
    pub react_native_package: Option<String>,
    /// A JavaScript expression for the project token, put in `init` in place of the API key.
    pub token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Events {
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// The event revenue calls become (`Revenue`).
    pub revenue: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Properties {
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Config {
    pub fn identifier(&self) -> &str {
        self.mixpanel.identifier.as_deref().unwrap_or("mixpanel")
    }

    pub fn browser_package(&self) -> &str {
        self.mixpanel
            .browser_package
            .as_deref()
            .unwrap_or("mixpanel-browser")
    }

    pub fn node_package(&self) -> &str {
        self.mixpanel.node_package.as_deref().unwrap_or("mixpanel")
    }

    pub fn react_native_package(&self) -> &str {
        self.mixpanel
            .react_native_package
            .as_deref()
            .unwrap_or("mixpanel-react-native")
    }

    pub fn revenue_event(&self) -> &str {
        self.events.revenue.as_deref().unwrap_or("Revenue")
    }
}

static CURRENT: OnceLock<Config> = OnceLock::new();

/// The run's config (the default one until [`install`] is called).
pub fn current() -> &'static Config {
    static DEFAULT: OnceLock<Config> = OnceLock::new();
    CURRENT
        .get()
        .unwrap_or_else(|| DEFAULT.get_or_init(Config::default))
}

/// Makes `cfg` the run's config; the first call wins.
pub fn install(cfg: Config) {
    let _ = CURRENT.set(cfg);
}

/// Reads the config: `explicit` (which must exist), else `./amp2mp.toml` when present, else the
/// default. The error names the file, the line and the key.
pub fn load(explicit: Option<&Path>) -> Result<Config, String> {
    let (path, required) = match explicit {
        Some(p) => (p.to_path_buf(), true),
        None => (Path::new(FILE).to_path_buf(), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Config::default())
        }
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    parse(&text).map_err(|e| format!("{}:{e}", path.display()))
}

/// Parses and checks a config text; errors read `line:column: key `k`: what is wrong`.
pub fn parse(text: &str) -> Result<Config, String> {
    let cfg: Config = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let (line, col) = position(text, at);
        let key = key_at(text, at);
        format!("{line}:{col}: {key}{}", e.message())
    })?;
    check(text, &cfg)?;
    Ok(cfg)
}

/// The values serde cannot check: identifiers, the token expression, globs.
fn check(text: &str, cfg: &Config) -> Result<(), String> {
    let fail = |key: &str, needle: &str, what: String| {
        let at = text.find(needle).unwrap_or(0);
        let (line, col) = position(text, at);
        Err(format!("{line}:{col}: key `{key}`: {what}"))
    };
    if let Some(id) = &cfg.mixpanel.identifier {
        if !is_identifier(id) {
            return fail(
                "mixpanel.identifier",
                id,
                format!("`{id}` is not a JavaScript identifier"),
            );
        }
    }
    if let Some(token) = &cfg.mixpanel.token {
        if token.trim().is_empty() || !is_expression(token) {
            return fail(
                "mixpanel.token",
                token,
                format!("`{token}` is not a JavaScript expression (write a string literal as \"'abc'\" or an expression such as \"process.env.MIXPANEL_TOKEN\")"),
            );
        }
    }
    for glob in &cfg.paths.exclude {
        let mut b = ignore::overrides::OverrideBuilder::new(".");
        if let Err(e) = b.add(&format!("!{glob}")) {
            return fail("paths.exclude", glob, format!("bad glob `{glob}`: {e}"));
        }
    }
    Ok(())
}

/// 1-based line and column of byte `at`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `key `table.name`: ` for the key on the line holding byte `at`, from the nearest table header
/// above it; empty when the line has no key.
fn key_at(text: &str, at: usize) -> String {
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && l.ends_with(']'))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    let trimmed = line.trim();
    if trimmed.starts_with('[') {
        return format!("table `{}`: ", trimmed.trim_matches(['[', ']']).trim());
    }
    match line.split_once('=') {
        Some((k, _)) => {
            let k = k.trim().trim_matches('"');
            match table {
                Some(t) => format!("key `{t}.{k}`: "),
                None => format!("key `{k}`: "),
            }
        }
        None => String::new(),
    }
}

/// Whether `s` is a JavaScript identifier (ASCII letters, digits, `_`, `$`).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Whether `s` parses as one JavaScript expression.
fn is_expression(s: &str) -> bool {
    let src = format!("({s});");
    crate::lang::parse(crate::lang::Lang::JavaScript, &src).is_some_and(|t| {
        let root = t.root_node();
        !root.has_error() && root.named_child_count() == 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_reads() {
        let cfg = parse(
            "[mixpanel]\nidentifier = \"mp\"\ntoken = \"process.env.MIXPANEL_TOKEN\"\nbrowser_package = \"mixpanel-browser\"\n\n[events]\nrename = { \"Old Name\" = \"New Name\" }\nrevenue = \"Purchase\"\n\n[properties]\nrename = { plan_name = \"plan\" }\n\n[paths]\nexclude = [\"legacy/**\", \"**/*.test.ts\"]\n",
        )
        .unwrap();
        assert_eq!(cfg.identifier(), "mp");
        assert_eq!(cfg.revenue_event(), "Purchase");
        assert_eq!(cfg.events.rename["Old Name"], "New Name");
        assert_eq!(cfg.properties.rename["plan_name"], "plan");
        assert_eq!(cfg.paths.exclude.len(), 2);
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(Config::default().identifier(), "mixpanel");
    }

    #[test]
    fn errors_name_line_column_and_key() {
        assert_eq!(
            parse("[mixpanel]\nidentifer = \"mp\"\n").unwrap_err(),
            "2:1: key `mixpanel.identifer`: unknown field `identifer`, expected one of `identifier`, `browser_package`, `node_package`, `react_native_package`, `token`"
        );
        let e = parse("[events]\nrevenue = 3\n").unwrap_err();
        assert!(
            e.starts_with("2:11: key `events.revenue`: invalid type: integer `3`"),
            "{e}"
        );
        let e = parse("[paths]\nexclude = [\"a/[b\"]\n").unwrap_err();
        assert!(
            e.starts_with("2:13: key `paths.exclude`: bad glob `a/[b`"),
            "{e}"
        );
        let e = parse("[mixpanel]\nidentifier = \"my-mp\"\n").unwrap_err();
        assert_eq!(
            e,
            "2:15: key `mixpanel.identifier`: `my-mp` is not a JavaScript identifier"
        );
        let e = parse("[mixpanel]\ntoken = \"process.env.(\"\n").unwrap_err();
        assert!(e.starts_with("2:10: key `mixpanel.token`"), "{e}");
        let e = parse("[mixpanl]\n").unwrap_err();
        assert!(
            e.starts_with("1:2: table `mixpanl`: unknown field `mixpanl`"),
            "{e}"
        );
    }
}
