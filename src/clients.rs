//! The project's view of Amplitude clients, shared by every stage below the orchestrator: which
//! SDK and instance a client is ([`Family`], [`Instance`]), its identity across files
//! ([`ClientId`]), what one module tells the others about the clients it exports or hangs on a
//! global ([`Facts`]), and what the link step tells each file back ([`Env`]): the clients its
//! imports and globals denote, and the clients left whole on Amplitude with the use that
//! blocked them. Plain data: no parsing, no I/O.

use std::collections::{BTreeMap, HashMap};

/// Which Amplitude SDK a binding comes from; decides the Mixpanel package it migrates to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// `amplitude-js` (legacy browser SDK), and the snippet's global.
    Legacy,
    /// `@amplitude/analytics-browser`, `@amplitude/unified`, `@amplitude/marketing-analytics-browser`.
    Browser,
    /// `@amplitude/analytics-node`, `@amplitude/node`.
    Server,
    /// `@amplitude/analytics-react-native`, `@amplitude/react-native`.
    Mobile,
    /// Other Amplitude packages (types, plugins, React components).
    Other,
    /// Ampli, the typed wrapper `ampli pull` generates into the project (`./ampli`).
    Ampli,
}

impl Family {
    /// The family of a module name, `None` when it is not an Amplitude package.
    pub fn of_package(source: &str) -> Option<Family> {
        Some(match source {
            "amplitude-js" => Family::Legacy,
            "@amplitude/analytics-browser"
            | "@amplitude/unified"
            | "@amplitude/marketing-analytics-browser" => Family::Browser,
            "@amplitude/analytics-node" | "@amplitude/node" => Family::Server,
            "@amplitude/analytics-react-native" | "@amplitude/react-native" => Family::Mobile,
            s if s.starts_with("@amplitude/") || s == "react-amplitude" => Family::Other,
            s if is_ampli_path(s) => Family::Ampli,
            _ => return None,
        })
    }

    /// What findings call the SDK: `Ampli` for the generated wrapper, else `Amplitude`.
    pub fn sdk_name(self) -> &'static str {
        match self {
            Family::Ampli => "Ampli",
            _ => "Amplitude",
        }
    }

    /// Whether amp2mp rewrites calls of this family (the browser SDKs, to `mixpanel-browser`).
    pub fn is_rewritten(self) -> bool {
        matches!(self, Family::Legacy | Family::Browser)
    }
}

/// Whether an import path names the generated Ampli wrapper: `./ampli`, `../ampli/index`,
/// `@/ampli` (a path whose last directory or file is `ampli`).
fn is_ampli_path(source: &str) -> bool {
    let path = source.strip_suffix("/index").unwrap_or(source);
    let path = path
        .strip_suffix(".js")
        .or_else(|| path.strip_suffix(".ts"))
        .unwrap_or(path);
    path.rsplit_once('/')
        .is_some_and(|(_, last)| last == "ampli")
}

/// Which instance a client expression denotes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Instance {
    Default,
    /// `getInstance('name')`: the name, lower-cased as Amplitude does, and its quote character.
    Named(String, char),
    /// `getInstance(expr)` with a name amp2mp cannot read.
    Unknown,
}

/// One Amplitude instance, whatever file or name it is reached from. The SDKs' default and
/// named instances are singletons of their package (`amplitude-js#default`); an instance made
/// by `createInstance()`, `new AmplitudeClient()` or the legacy Node `init` is named after the
/// file and byte where it is made (`src/lib/amp.js@120`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(pub String);

impl ClientId {
    /// The singleton `instance` of a package `family`.
    pub fn shared(family: Family, instance: &Instance) -> ClientId {
        let package = match family {
            Family::Legacy => "amplitude-js",
            Family::Browser => "@amplitude/analytics-browser",
            Family::Server => "@amplitude/analytics-node",
            Family::Mobile => "@amplitude/analytics-react-native",
            Family::Other => "@amplitude/*",
            Family::Ampli => "ampli",
        };
        let name = match instance {
            Instance::Default => "default".to_string(),
            Instance::Named(n, _) => n.clone(),
            Instance::Unknown => "?".to_string(),
        };
        ClientId(format!("{package}#{name}"))
    }

    /// The instance the snippet's global (`amplitude`, `window.amplitude`) holds.
    pub fn global(instance: &Instance) -> ClientId {
        let shared = ClientId::shared(Family::Legacy, instance);
        ClientId(shared.0.replacen("amplitude-js", "window.amplitude", 1))
    }

    /// An instance made in `file` at byte `at`.
    pub fn created(file: &str, at: usize) -> ClientId {
        ClientId(format!("{file}@{at}"))
    }

    /// The client the function `name` of `file` returns (typed as a client).
    pub fn returned(file: &str, name: &str) -> ClientId {
        ClientId(format!("{file}::{name}()"))
    }
}

/// What a name that another module hands over denotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkedKind {
    /// A client instance (`export default amplitude.getInstance()`).
    Instance,
    /// The package object (`export default amplitude`, the `amplitude-js` import).
    Module,
    /// One of the SDK's functions (`export { track } from '@amplitude/analytics-browser'`).
    Function(String),
    /// An object that keeps the client in this property (`export default { client }`): the
    /// client is read as `name.property`.
    Holder(String),
    /// A function that returns a client (`useAnalytics(): Types.BrowserClient`): the client is
    /// read as `name()`.
    Factory,
}

/// An Amplitude client as another module hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Linked {
    pub id: ClientId,
    pub family: Family,
    pub instance: Instance,
    pub kind: LinkedKind,
    /// Where it comes from, for messages: "the client exported by src/lib/amp.js".
    pub origin: String,
}

/// A global slot another module puts a client in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    /// `window.NAME = client`: read as `window.NAME` anywhere.
    Window,
    /// `Vue.prototype.$NAME = client`, `app.config.globalProperties.$NAME = client`: read as
    /// `this.$NAME` in components.
    This,
}

/// A use of a client that amp2mp cannot rewrite, which keeps the whole client on Amplitude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocker {
    pub client: ClientId,
    /// Where: 1-based line and column in the file.
    pub line: usize,
    pub column: usize,
    /// The finding's message.
    pub reason: String,
}

/// What one module tells the rest of the project about its Amplitude clients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Exported name (`default` for `export default` and `module.exports = …`) → client.
    pub exports: BTreeMap<String, Linked>,
    /// `export { a as b } from './x'` / `export * from './x'`: (specifier, imported name or
    /// `*`, exported name or `*`).
    pub reexports: Vec<(String, String, String)>,
    /// Global slots this module fills with a client.
    pub slots: BTreeMap<(Slot, String), Linked>,
    /// The module specifiers it imports or requires (not Amplitude packages).
    pub imports: Vec<String>,
    /// How many uses of each client the file has (calls, values, references).
    pub uses: BTreeMap<ClientId, usize>,
    /// The uses that cannot be rewritten.
    pub blockers: Vec<Blocker>,
}

/// What the link step tells one file: the clients its imports and global slots denote, and the
/// clients left whole on Amplitude.
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// The file's path as output shows it: names the instances it creates.
    pub file: String,
    /// The directory of the file's nearest `package.json` (`""` for none or the current
    /// directory): each package of a monorepo is its own app, with its own SDK singletons.
    pub scope: String,
    /// (module specifier as written, imported name: `default`, `*` or a name) → client.
    pub imports: HashMap<(String, String), Linked>,
    /// Global slots filled by some module of the project.
    pub slots: HashMap<(Slot, String), Linked>,
    /// Clients left on Amplitude, with the message their uses are reported with.
    pub left: HashMap<ClientId, String>,
}

impl ClientId {
    /// The client in words, for messages.
    pub fn describe(&self) -> String {
        if let Some((file, call)) = self.0.strip_suffix("()").and_then(|s| s.rsplit_once("::")) {
            return format!("the client `{call}()` of {file} returns");
        }
        let (scope, id) = match self.0.split_once('|') {
            Some((scope, id)) => (format!(" in {scope}"), id),
            None => (String::new(), self.0.as_str()),
        };
        match id.split_once('#') {
            Some((package, "default")) => format!("the default `{package}` instance{scope}"),
            Some((package, name)) => format!("the `{name}` instance of `{package}`{scope}"),
            None => match self.0.rsplit_once('@') {
                Some((file, _)) if !file.is_empty() => format!("the client made in {file}"),
                _ => "the client made in this file".to_string(),
            },
        }
    }
}

/// The message every use of a client left on Amplitude is reported with (a client is migrated
/// whole or not at all): how many of its uses block it, and the first, as `where: what`.
pub fn left_message(client: &str, blocking: usize, uses: usize, first: &str) -> String {
    let noun = if uses == 1 { "use" } else { "uses" };
    format!("left: {blocking} of {uses} {noun} of {client} cannot be rewritten: {first}")
}

/// The clients left whole, from the messages of the uses reported (each names its client and
/// the first blocking use, as [`left_message`] writes them): (client, blocking use, uses
/// reported, files), in the order first met.
pub fn left_clients<'m>(
    uses: impl IntoIterator<Item = (&'m str, &'m str)>,
) -> Vec<(String, String, usize, Vec<String>)> {
    let mut out: Vec<(String, String, usize, Vec<String>)> = Vec::new();
    for (file, message) in uses {
        let Some((_, rest)) = message.split_once("left: ") else {
            continue;
        };
        let Some((_, rest)) = rest
            .split_once(" uses of ")
            .or_else(|| rest.split_once(" use of "))
        else {
            continue;
        };
        let Some((client, first)) = rest.split_once(" cannot be rewritten: ") else {
            continue;
        };
        let first = first
            .strip_suffix(" (in the markup, which amp2mp leaves to you)")
            .unwrap_or(first);
        match out.iter_mut().find(|c| c.0 == client) {
            Some(c) => {
                c.2 += 1;
                if !c.3.iter().any(|f| f == file) {
                    c.3.push(file.to_string());
                }
            }
            None => {
                // The blocking use's own file holds a use too (reported with its own reason).
                let mut files = vec![file.to_string()];
                if let Some(at) = first
                    .split(':')
                    .next()
                    .filter(|f| *f != file && f.contains('.'))
                {
                    files.push(at.to_string());
                }
                out.push((client.to_string(), first.to_string(), 1, files))
            }
        }
    }
    out
}

impl Env {
    /// The singleton `instance` of a package `family`, in the file's package.
    pub fn shared(&self, family: Family, instance: &Instance) -> ClientId {
        self.scoped(ClientId::shared(family, instance))
    }

    /// The instance the snippet's global holds, in the file's package.
    pub fn global(&self, instance: &Instance) -> ClientId {
        self.scoped(ClientId::global(instance))
    }

    fn scoped(&self, id: ClientId) -> ClientId {
        if self.scope.is_empty() {
            id
        } else {
            ClientId(format!("{}|{}", self.scope, id.0))
        }
    }

    /// Whether the file sees anything from other modules.
    pub fn links(&self) -> bool {
        !self.imports.is_empty() || !self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_clients_are_grouped_from_messages() {
        let a = "Amplitude `init`: left: 1 of 3 uses of the default `amplitude-js` instance cannot be rewritten: src/s.js:5: `setSessionId`: no equivalent";
        let b = "Amplitude `logEvent`: left: 1 of 3 uses of the default `amplitude-js` instance cannot be rewritten: src/s.js:5: `setSessionId`: no equivalent (in the markup, which amp2mp leaves to you)";
        let got = left_clients([
            ("src/a.js", a),
            ("src/b.vue", b),
            ("src/a.js", a),
            ("src/c.js", "Amplitude `x`: other"),
        ]);
        assert_eq!(
            got,
            vec![(
                "the default `amplitude-js` instance".to_string(),
                "src/s.js:5: `setSessionId`: no equivalent".to_string(),
                3,
                vec![
                    "src/a.js".to_string(),
                    "src/s.js".to_string(),
                    "src/b.vue".to_string()
                ]
            )]
        );
    }
}
