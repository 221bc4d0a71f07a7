//! The team's names from `amp2mp.toml` applied to rewritten calls: `[events] rename` for literal
//! event names and `[properties] rename` for literal keys of event-property objects. Only
//! literals are renamed (a name computed at run time is left as it is); the quote style of each
//! literal is kept.

use super::Planner;
use crate::builders::arguments;
use crate::config;
use crate::edit::Edit;
use crate::resolve::unwrap;
use tree_sitter::Node;

/// A string literal's content, when it has no escapes or substitutions to decode.
fn literal_content<'a>(text: &'a str, kind: &str) -> Option<&'a str> {
    if !matches!(kind, "string" | "template_string") || text.len() < 2 {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    (!inner.contains('\\') && !inner.contains("${")).then_some(inner)
}

/// `name` as a literal in quote `q`.
fn quoted(name: &str, q: char) -> String {
    let escaped = name.replace('\\', "\\\\").replace(q, &format!("\\{q}"));
    format!("{q}{escaped}{q}")
}

impl<'t> Planner<'_, 't> {
    /// The new text of a literal event name the config renames.
    fn renamed_event(&self, n: Node<'t>) -> Option<String> {
        let rename = &config::current().events.rename;
        if rename.is_empty() {
            return None;
        }
        let n = unwrap(n);
        let text = self.text(n);
        let content = literal_content(text, n.kind())?;
        let to = rename.get(content)?;
        Some(quoted(to, text.chars().next().unwrap_or('\'')))
    }

    /// An event name as the Mixpanel call gets it: renamed when the config says so.
    pub(super) fn event_text(&self, n: Node<'t>) -> String {
        self.renamed_event(n)
            .unwrap_or_else(|| self.text(n).to_string())
    }

    /// The edit renaming an event name in place, for rewrites that keep the arguments.
    pub(super) fn event_edit(&self, n: Node<'t>) -> Option<Edit> {
        self.renamed_event(n)
            .map(|t| Edit::new(unwrap(n).byte_range(), t))
    }

    /// The edits renaming the literal keys of an event-property object literal in place.
    pub(super) fn key_edits(&self, props: Node<'t>) -> Vec<Edit> {
        let rename = &config::current().properties.rename;
        let obj = unwrap(props);
        if rename.is_empty() || obj.kind() != "object" {
            return Vec::new();
        }
        let mut out = Vec::new();
        for m in arguments(obj) {
            let (key, shorthand) = match m.kind() {
                "pair" => match m.child_by_field_name("key") {
                    Some(k) => (k, false),
                    None => continue,
                },
                "shorthand_property_identifier" => (m, true),
                _ => continue,
            };
            let text = self.text(key);
            let (name, quote) = match key.kind() {
                "property_identifier" | "shorthand_property_identifier" => (text, None),
                _ => match literal_content(text, key.kind()) {
                    Some(c) => (c, text.chars().next()),
                    None => continue,
                },
            };
            let Some(to) = rename.get(name) else {
                continue;
            };
            let new_key = match quote {
                Some(q) => quoted(to, q),
                None if config::is_identifier(to) => to.clone(),
                None => quoted(to, self.quote),
            };
            let replacement = if shorthand {
                format!("{new_key}: {text}")
            } else {
                new_key
            };
            out.push(Edit::new(key.byte_range(), replacement));
        }
        out
    }

    /// The revenue event's name as a literal in the file's quote style.
    pub(super) fn revenue_event(&self) -> String {
        quoted(config::current().revenue_event(), self.quote)
    }

    /// The key argument of `init`: the configured token expression, else the key as written.
    pub(super) fn key_text(&self, key: Node<'t>) -> String {
        config::current()
            .mixpanel
            .token
            .clone()
            .unwrap_or_else(|| self.text(key).to_string())
    }

    /// The edit putting the configured token in place of the key, for rewrites that keep the
    /// arguments.
    pub(super) fn token_edit(&self, key: Node<'t>) -> Option<Edit> {
        let token = config::current().mixpanel.token.as_ref()?;
        Some(Edit::new(key.byte_range(), token.clone()))
    }

    /// A node's text with the key renames of [`Planner::key_edits`] applied.
    pub(super) fn props_text(&self, n: Node<'t>) -> String {
        let edits = self.key_edits(n);
        let text = &self.src[n.byte_range()];
        if edits.is_empty() {
            return text.to_string();
        }
        let shifted: Vec<Edit> = edits
            .into_iter()
            .map(|e| {
                let r = e.range.start - n.start_byte()..e.range.end - n.start_byte();
                Edit::new(r, e.replacement)
            })
            .collect();
        crate::edit::apply(text, &shifted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_keep_their_quotes() {
        assert_eq!(quoted("New \"Name\"", '"'), "\"New \\\"Name\\\"\"");
        assert_eq!(quoted("it's", '\''), "'it\\'s'");
        assert_eq!(literal_content("'a b'", "string"), Some("a b"));
        assert_eq!(literal_content("'a\\'b'", "string"), None);
        assert_eq!(literal_content("`x ${y}`", "template_string"), None);
        assert_eq!(literal_content("name", "identifier"), None);
    }
}
