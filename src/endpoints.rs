//! Amplitude used without its SDK: the HTTP APIs called directly (`https://api2.amplitude.com/2/httpapi`,
//! `/batch`, `/identify`, `/groupidentify`, the EU host) and the CDN snippet
//! (`cdn.amplitude.com`), found in string literals. Each becomes a finding with the Mixpanel
//! endpoint to use instead (reference §6); nothing is rewritten, since request bodies differ.

use std::collections::HashSet;
use std::ops::Range;
use tree_sitter::Node;

pub const HTTP_API: &str = "amplitude-http-api";
pub const SNIPPET: &str = "amplitude-snippet";

/// A string literal that names an Amplitude endpoint or the snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub range: Range<usize>,
    pub rule: &'static str,
    pub subject: String,
    pub message: String,
}

const HOSTS: [&str; 3] = [
    "api2.amplitude.com",
    "api.amplitude.com",
    "api.eu.amplitude.com",
];

/// Every string literal of the file that names an Amplitude endpoint or the CDN snippet.
pub fn scan(src: &str, root: Node) -> Vec<Hit> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let needles = [
        "amplitude.com",
        "/2/httpapi",
        "/libs/amplitude-",
        "/amplitude-js@",
        "/@amplitude/",
    ];
    for needle in needles {
        for (at, _) in src.match_indices(needle) {
            let Some(string) = enclosing_string(root, at, at + needle.len()) else {
                continue;
            };
            if !seen.insert(string.id()) {
                continue;
            }
            if let Some(hit) = classify(&src[string.byte_range()], string.byte_range()) {
                out.push(hit);
            }
        }
    }
    out.sort_by_key(|h| h.range.start);
    out
}

/// The string or template literal around a byte range, if it is inside one.
fn enclosing_string(root: Node, start: usize, end: usize) -> Option<Node> {
    let mut n = root.descendant_for_byte_range(start, end)?;
    for _ in 0..3 {
        if matches!(n.kind(), "string" | "template_string") {
            return Some(n);
        }
        n = n.parent()?;
    }
    None
}

/// What a string names, and what to do about it.
fn classify(text: &str, range: Range<usize>) -> Option<Hit> {
    let lower = text.to_ascii_lowercase();
    let subject = text.trim_matches(['\'', '"', '`']).to_string();
    // The snippet's own host, an older copy of it (`d24n15hnbwhuhn.cloudfront.net/libs/
    // amplitude-3.4.0-min.gz.js`), or the package from a public CDN.
    let url = lower.contains("//");
    let snippet = lower.contains("cdn.amplitude.com")
        || (url && lower.contains("/libs/amplitude-") && lower.contains(".js"))
        || (url && (lower.contains("/amplitude-js@") || lower.contains("/@amplitude/")));
    if snippet {
        return Some(Hit {
            range,
            rule: SNIPPET,
            message: format!("the Amplitude CDN snippet (`{subject}`): load Mixpanel's snippet or the mixpanel-browser package instead"),
            subject,
        });
    }
    let host = HOSTS.iter().any(|h| lower.contains(h));
    if !host && !lower.contains("/2/httpapi") {
        return None;
    }
    let eu = lower.contains("api.eu.amplitude.com");
    let base = if eu {
        "https://api-eu.mixpanel.com"
    } else {
        "https://api.mixpanel.com"
    };
    let to = if lower.contains("/groupidentify") {
        format!("POST {base}/groups with [{{ $token, $group_key, $group_id, $set }}]")
    } else if lower.contains("/identify") {
        format!("POST {base}/engage with [{{ $token, $distinct_id, $set | $set_once | $add | $append | $union | $remove | $unset }}]")
    } else {
        format!("POST {base}/import?strict=1 (server: service account and project_id) or {base}/track (client: token in properties, last 5 days), body [{{ event, properties: {{ distinct_id, time, $insert_id, … }} }}]")
    };
    Some(Hit {
        range,
        rule: HTTP_API,
        message: format!("Amplitude HTTP API (`{subject}`): use {to}; event_type → event, user_id → distinct_id, insert_id → $insert_id, event_properties spread into properties"),
        subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{self, Lang};

    fn hits(src: &str) -> Vec<Hit> {
        let tree = lang::parse(Lang::JavaScript, src).unwrap();
        scan(src, tree.root_node())
    }

    #[test]
    fn endpoints_and_snippet_in_strings() {
        let src = "fetch('https://api2.amplitude.com/2/httpapi', o);\nconst eu = `https://api.eu.amplitude.com/batch`;\npost(\"https://api2.amplitude.com/groupidentify\");\ns.src = 'https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js';\n// https://api2.amplitude.com/2/httpapi in a comment\nconst docs = 'https://amplitude.com/docs';\n";
        let h = hits(src);
        let rules: Vec<&str> = h.iter().map(|h| h.rule).collect();
        assert_eq!(rules, [HTTP_API, HTTP_API, HTTP_API, SNIPPET]);
        assert!(h[0]
            .message
            .contains("https://api.mixpanel.com/import?strict=1"));
        assert!(h[1].message.contains("https://api-eu.mixpanel.com/import"));
        assert!(h[2].message.contains("/groups"));
        assert_eq!(
            h[3].subject,
            "https://cdn.amplitude.com/libs/amplitude-8.21.9-min.gz.js"
        );
    }

    #[test]
    fn older_snippet_hosts_and_public_cdns() {
        let src = "r.src=\"https://d24n15hnbwhuhn.cloudfront.net/libs/amplitude-3.4.0-min.gz.js\";\nconst a = 'https://cdn.jsdelivr.net/npm/amplitude-js@8.21.9/amplitude.min.js';\nconst b = '//unpkg.com/@amplitude/analytics-browser@2/lib/index.js';\nimport x from '@amplitude/analytics-browser';\nconst c = 'see /libs/amplitude-notes.md';\n";
        let subjects: Vec<String> = hits(src).into_iter().map(|h| h.subject).collect();
        assert_eq!(
            subjects,
            [
                "https://d24n15hnbwhuhn.cloudfront.net/libs/amplitude-3.4.0-min.gz.js",
                "https://cdn.jsdelivr.net/npm/amplitude-js@8.21.9/amplitude.min.js",
                "//unpkg.com/@amplitude/analytics-browser@2/lib/index.js",
            ]
        );
    }
}
