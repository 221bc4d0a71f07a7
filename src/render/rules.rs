//! What each rule id of `check` means, for the formats that describe their rules (SARIF's
//! `tool.driver.rules`): every id amp2mp emits, so a result never names an undescribed rule
//! (a test lists the ids the code defines).

use crate::endpoints;
use crate::plan::rule;

/// One rule: its stable id, a short name, a one-line description and the help text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    /// PascalCase name (SARIF `reportingDescriptor.name`).
    pub name: &'static str,
    pub short: &'static str,
    pub help: &'static str,
}

/// Every rule, in the order SARIF lists them (a result's `ruleIndex` points into this).
pub const RULES: [Rule; 8] = [
    Rule {
        id: rule::IMPORT,
        name: "AmplitudeImport",
        short: "Import or require of an Amplitude package",
        help: "An import or require of an Amplitude SDK. `amp2mp apply` replaces it by the matching Mixpanel package (mixpanel-browser, mixpanel, mixpanel-react-native) once nothing left in the file uses it; while something does, the import stays and the finding says so: migrate those uses, then run amp2mp again.",
    },
    Rule {
        id: rule::CALL,
        name: "AmplitudeCall",
        short: "Call on an Amplitude client",
        help: "A call on an Amplitude client resolved from the file's imports, requires and declarations. When fixable, `amp2mp apply` rewrites it to the Mixpanel call the message names, keeping the arguments byte for byte. Otherwise Mixpanel has no equivalent amp2mp can write safely: the message says why and what to write by hand.",
    },
    Rule {
        id: rule::TYPE,
        name: "AmplitudeType",
        short: "TypeScript type from an Amplitude package",
        help: "A TypeScript type imported from an Amplitude package. When fixable, `amp2mp apply` replaces it by its mixpanel-browser counterpart (Mixpanel, Config, Dict) with an `import type`; other Amplitude types have no counterpart and are migrated by hand.",
    },
    Rule {
        id: rule::DEPENDENCY,
        name: "AmplitudeDependency",
        short: "Amplitude package in package.json",
        help: "An Amplitude package in the dependencies of a package.json. `amp2mp apply` swaps it for the Mixpanel package once no file below that package.json still needs it; while one does, the finding names the files left.",
    },
    Rule {
        id: rule::UNANALYZED,
        name: "UnanalyzedFile",
        short: "File mentions Amplitude but was not analysed",
        help: "The file mentions Amplitude but amp2mp could not read it: not UTF-8, larger than --max-file-size, minified, a use inside a syntax error, a script block in another language, or a package.json that is not JSON. Convert it, raise the limit, or migrate its source; check cannot pass while it is left.",
    },
    Rule {
        id: endpoints::HTTP_API,
        name: "AmplitudeHttpApi",
        short: "Amplitude HTTP API use",
        help: "A request to Amplitude's HTTP API (api2.amplitude.com, api.amplitude.com, api.eu.amplitude.com, /2/httpapi, /batch, /identify, /groupidentify) in a string. Request bodies differ, so amp2mp does not rewrite it: send the events to Mixpanel's endpoint instead (the message names it: /import or /track for events, /engage for profiles, /groups for groups).",
    },
    Rule {
        id: endpoints::SNIPPET,
        name: "AmplitudeSnippet",
        short: "Amplitude SDK loaded from its CDN",
        help: "Amplitude's CDN (cdn.amplitude.com) in a string, Amplitude's inline loader snippet, or a `<script src>` loading an Amplitude SDK in a Vue, Svelte or HTML file. amp2mp never rewrites it: load Mixpanel's snippet or the mixpanel-browser package in its place, since the rewritten calls need it.",
    },
    Rule {
        id: rule::UNUSED_SUPPRESSION,
        name: "UnusedSuppression",
        short: "amp2mp-ignore comment that silences nothing",
        help: "An `amp2mp-ignore` or `amp2mp-ignore-next-line` comment that silences no finding. Remove it, or correct the rule ids it names.",
    },
];

/// The index and description of rule `id`, if it is one of [`RULES`].
pub fn find(id: &str) -> Option<(usize, &'static Rule)> {
    RULES.iter().enumerate().find(|(_, r)| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_emitted_rule_is_described_once() {
        for id in [
            rule::IMPORT,
            rule::CALL,
            rule::TYPE,
            rule::DEPENDENCY,
            rule::UNANALYZED,
            rule::UNUSED_SUPPRESSION,
            endpoints::HTTP_API,
            endpoints::SNIPPET,
            crate::embedded::SCRIPT_SRC,
        ] {
            assert!(find(id).is_some(), "{id}");
        }
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for r in RULES {
            assert!(!r.short.is_empty() && r.short.len() <= 1024, "{}", r.id);
            assert!(!r.help.is_empty() && r.help.len() <= 1024, "{}", r.id);
        }
    }
}
