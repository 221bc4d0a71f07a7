//! TypeScript types from the Amplitude packages, rewritten to mixpanel-browser's where the
//! mapping is direct (reference §3, last rows): `AmplitudeClient` → `Mixpanel`, the init options
//! types (`Config`, `Types.BrowserOptions`) → `Partial<Config>`, `Types.EventOptions` → `Dict`.
//! Other types (`Identify` as a type, `Types.LogLevel`) stay and are reported with the other
//! uses left behind. The Mixpanel names are imported with `import type` by the planner.

use super::{rule, Finding, Planner};
use crate::edit::Edit;
use crate::resolve::Imported;
use std::ops::Range;
use tree_sitter::Node;

/// The Mixpanel type for an Amplitude type path (as written after the import's local name,
/// or the imported name itself), and the Mixpanel names it needs.
fn map_type(path: &str) -> Option<(&'static str, &'static str)> {
    Some(match path {
        "AmplitudeClient" | "Types.AmplitudeClient" => ("Mixpanel", "Mixpanel"),
        "Config" | "Types.Config" | "Types.BrowserOptions" | "Types.BrowserConfig" => {
            ("Partial<Config>", "Config")
        }
        "Types.EventOptions" => ("Dict", "Dict"),
        _ => return None,
    })
}

/// Whether a type as written names an Amplitude client type (`AmplitudeClient`,
/// `amplitude.AmplitudeClient`), the types that follow their client.
pub(super) fn is_client_type(text: &str) -> bool {
    let last = text.rsplit('.').next().unwrap_or(text);
    map_type(last) == Some(("Mixpanel", "Mixpanel"))
}

/// The whole type a reference starts (`amp.Types.BrowserOptions` for `amp`), when the
/// reference is in a type position.
pub(super) fn type_around(node: Node) -> Option<Node> {
    if node.kind() == "type_identifier" {
        return Some(node);
    }
    let mut n = node;
    while let Some(p) = n.parent() {
        match p.kind() {
            "nested_identifier" => n = p,
            "nested_type_identifier" => return Some(p),
            _ => return None,
        }
    }
    None
}

/// Whether `word` occurs in `src` as a whole identifier.
pub(super) fn occurrences(src: &str, word: &str) -> Vec<usize> {
    crate::resolve::word_offsets(src, word).collect()
}

impl Planner<'_, '_> {
    /// Rewrites the Amplitude types that map directly, unless the Mixpanel name they need is
    /// taken by something else in the file.
    pub(super) fn types(&mut self) {
        if !self.res.error_ranges.is_empty() {
            // With a syntax error in the file no import is pruned, so the Amplitude import would
            // stay bound to the old names: leave the types alone.
            return;
        }
        let mut found: Vec<(Range<usize>, &'static str, &'static str, usize, String)> = Vec::new();
        for r in &self.res.scopes.references {
            if self.is_gone(r.node_id, &(r.start..r.end)) {
                continue;
            }
            let Some(b) = self.res.scopes.resolve(&r.name, r.scope) else {
                continue;
            };
            let Some((family, imported)) = self.res.import_binding(&b) else {
                continue;
            };
            if !family.is_rewritten() {
                continue;
            }
            let Some(node) = self.res.root.descendant_for_byte_range(r.start, r.end) else {
                continue;
            };
            let Some(ty) = type_around(node) else {
                continue;
            };
            let text = &self.src[ty.byte_range()];
            let rest = text[r.end - ty.start_byte()..].trim_start_matches('.');
            let path = match imported {
                Imported::Named(n) if rest.is_empty() => n.clone(),
                Imported::Named(n) => format!("{n}.{rest}"),
                Imported::Module => rest.to_string(),
            };
            if let Some((to, name)) = map_type(&path) {
                found.push((ty.byte_range(), to, name, r.node_id, text.to_string()));
            }
        }
        // Types follow their client: the client type stays while a client of this file is left.
        let left = self.uses.iter().any(|u| self.res.env.left.contains_key(u));
        found.retain(|f| !(left && f.2 == "Mixpanel"));
        let allowed: Vec<Range<usize>> = found
            .iter()
            .map(|f| f.0.clone())
            .chain(self.res.imports.iter().map(|i| i.range.clone()))
            .collect();
        for (range, to, name, id, text) in found {
            let taken = occurrences(self.src, name)
                .iter()
                .any(|at| !allowed.iter().any(|a| a.start <= *at && *at < a.end));
            let edit = Edit::new(range.clone(), to);
            if self.edits.iter().any(|e| e.overlaps(&edit)) {
                continue;
            }
            if taken {
                self.reported.insert(id);
                self.findings.push(Finding {
                    range,
                    rule: rule::TYPE,
                    subject: text.clone(),
                    message: format!("Amplitude type `{text}`: becomes `{to}` from mixpanel-browser, but `{name}` already names something in this file: rename it, then run amp2mp again"),
                    fixable: false,
                    note: None,
                });
                continue;
            }
            self.edits.push(edit);
            self.consumed.insert(id);
            self.deleted.push(range.clone());
            self.type_names.insert(name);
            self.findings.push(Finding {
                range: range.clone(),
                rule: rule::TYPE,
                subject: text.clone(),
                message: format!("Amplitude type `{text}`: becomes `{to}` from mixpanel-browser"),
                fixable: true,
                note: (name == "Config").then(|| {
                    format!("values typed `{text}` keep Amplitude's option names: map them to Mixpanel's config (api_host, batch_size, …) where they are built")
                }),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_paths_map_per_reference() {
        assert_eq!(map_type("AmplitudeClient"), Some(("Mixpanel", "Mixpanel")));
        assert_eq!(
            map_type("Types.BrowserOptions"),
            Some(("Partial<Config>", "Config"))
        );
        assert_eq!(map_type("Types.EventOptions"), Some(("Dict", "Dict")));
        assert_eq!(map_type("Identify"), None);
        assert_eq!(map_type("Types.LogLevel"), None);
    }

    #[test]
    fn whole_word_occurrences() {
        assert_eq!(
            occurrences("Config MyConfig Config2 (Config)", "Config"),
            [0, 25]
        );
    }
}
