//! Property tests over generated programs (issue 5): random mixes of Amplitude calls in every
//! client form, stored clients, builders, look-alikes and unrelated code, in JS and TS, with
//! LF or CRLF. For each: the output adds no syntax error, a second run changes nothing, and
//! every line unrelated to Amplitude (marked `/*noise n*/`) is still there, byte for byte and in
//! order.

use amp2mp::engine;
use amp2mp::lang::{self, Lang};
use proptest::prelude::*;

/// Statements amp2mp may rewrite or report.
const AMPLITUDE: &[&str] = &[
    "amplitude.getInstance().logEvent('A', { a: 1 });",
    "amplitude.getInstance().setUserId(user.id);",
    "amplitude.getInstance().setUserId(null);",
    "amplitude.getInstance().setUserProperties({ plan: 'pro' });",
    "amplitude.getInstance().setGroup('org', 7);",
    "amplitude.getInstance().identify(new amplitude.Identify().set('a', 1).add('n', 2));",
    "amplitude.getInstance().logEvent('B', { a: 1 }, () => {});",
    "amplitude.getInstance().init(KEY, user.id, { serverZone: 'EU', batchEvents: true });",
    "amplitude.getInstance().setOptOut(true);",
    "amplitude.getInstance().flush();",
    "amplitude.getInstance().regenerateDeviceId();",
    "client.logEvent('C');",
    "client.setSessionId(1);",
    "const v = amplitude.getInstance().getUserId();",
    "amplitude.getInstance().logRevenueV2(new amplitude.Revenue().setPrice(2).setProductId('p'));",
    "window.amplitude.getInstance().logEvent('W');",
    "if (x) amplitude.getInstance().identify(new amplitude.Identify().set('a', 1).unset('b'));",
    "amplitude.getInstance().logEvent('Broken', { a: 1 ;",
];

/// Statements that must come out unchanged.
const NOISE: &[&str] = &[
    "logEvent(analytics, 'not amplitude');",
    "const other = { logEvent() {}, setUserId() {} };",
    "other.logEvent('x');",
    "function f(amplitude) { return amplitude.logEvent('shadowed'); }",
    "let s = 'amplitude.getInstance().logEvent(\"in a string\")';",
    "// amplitude.getInstance().logEvent('in a comment');",
    "for (let i = 0; i < 3; i++) { sum += i; }",
    "export const answer = 42;",
];

fn program() -> impl Strategy<Value = (String, bool, bool)> {
    let stmt = prop_oneof![
        (0..AMPLITUDE.len()).prop_map(|i| (AMPLITUDE[i].to_string(), false)),
        (0..NOISE.len()).prop_map(|i| (NOISE[i].to_string(), true)),
    ];
    (
        proptest::collection::vec((stmt, 0..3usize), 0..25),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(stmts, crlf, stored, ts)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut src = String::from("import amplitude from 'amplitude-js';");
            src += nl;
            if stored {
                src += "const client = amplitude.getInstance();";
                src += nl;
            }
            src += "export function run(user, x, sum) {";
            src += nl;
            for (n, ((text, noise), depth)) in stmts.into_iter().enumerate() {
                src += &"  ".repeat(depth + 1);
                src += &text;
                if noise {
                    src += &format!(" /*noise {n}*/");
                }
                src += nl;
            }
            src += "}";
            src += nl;
            (src, crlf, ts)
        })
}

fn errors(lang: Lang, src: &str) -> usize {
    engine::error_count(&lang::parse(lang, src).expect("parses"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_programs_keep_their_invariants((src, _crlf, ts) in program()) {
        let lang = if ts { Lang::TypeScript } else { Lang::JavaScript };
        let out = engine::transform(lang, &src);
        prop_assert_eq!(out.error.as_deref(), None);
        let Some(new) = out.output else { return Ok(()); };
        prop_assert!(errors(lang, &new) <= errors(lang, &src), "new syntax error:\n{}", new);
        let again = engine::transform(lang, &new);
        prop_assert_eq!(again.output.as_deref(), None, "second run changed:\n{}", new);
        let noise = |s: &str| -> Vec<String> {
            s.split('\n').filter(|l| l.contains("/*noise ")).map(String::from).collect()
        };
        prop_assert_eq!(noise(&src), noise(&new));
    }
}
