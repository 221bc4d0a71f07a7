//! `amp2mp.toml` end to end: the real binary on temp directories with a config file, asserting
//! the exact diff (identifier, token, event and property renames, revenue event, excluded
//! paths) and the exact errors (file, line, column, key; exit 2) for a bad config.

mod common;

use common::{amp2mp, put};

const APP: &str = "import amplitude from 'amplitude-js';\n\namplitude.getInstance().init(AMPLITUDE_KEY);\n\nexport function signup(user) {\n  amplitude.getInstance().logEvent('Old Signup', { plan_name: user.plan, 'user tier': user.tier, other: 1 });\n  amplitude.getInstance().logEventWithTimestamp(\"Old Signup\", { plan_name }, user.at);\n  amplitude.getInstance().logRevenue(9.99, 1, 'sku');\n}\n";

const CONFIG: &str = "[mixpanel]\nidentifier = \"mp\"\ntoken = \"process.env.MIXPANEL_TOKEN\"\n\n[events]\nrename = { \"Old Signup\" = \"Signed Up\" }\nrevenue = \"Purchase\"\n\n[properties]\nrename = { plan_name = \"plan\", \"user tier\" = \"tier\" }\n\n[paths]\nexclude = [\"legacy/**\"]\n";

#[test]
fn config_choices_shape_the_rewrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    put(dir, "src/app.js", APP);
    put(dir, "legacy/old.js", APP);
    put(dir, "amp2mp.toml", CONFIG);
    let out = amp2mp(dir, &["diff", "--color", "never", "."]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "diff --git a/src/app.js b/src/app.js\n\
         --- a/src/app.js\n\
         +++ b/src/app.js\n\
         @@ -1,9 +1,9 @@\n\
         -import amplitude from 'amplitude-js';\n\
         +import mp from 'mixpanel-browser';\n \n\
         -amplitude.getInstance().init(AMPLITUDE_KEY);\n\
         +mp.init(process.env.MIXPANEL_TOKEN);\n \n \
         export function signup(user) {\n\
         -  amplitude.getInstance().logEvent('Old Signup', { plan_name: user.plan, 'user tier': user.tier, other: 1 });\n\
         -  amplitude.getInstance().logEventWithTimestamp(\"Old Signup\", { plan_name }, user.at);\n\
         -  amplitude.getInstance().logRevenue(9.99, 1, 'sku');\n\
         +  mp.track('Signed Up', { plan: user.plan, 'tier': user.tier, other: 1 });\n\
         +  mp.track(\"Signed Up\", { plan: plan_name, time: user.at });\n\
         +  mp.track('Purchase', { price: 9.99, quantity: 1, product_id: 'sku' });\n \
         }\n"
    );
    // The same choices from a file named with --config, from another directory.
    put(dir, "conf/team.toml", CONFIG);
    std::fs::remove_file(dir.join("amp2mp.toml")).unwrap();
    let again = amp2mp(
        dir,
        &[
            "diff",
            "--color",
            "never",
            "--config",
            "conf/team.toml",
            ".",
        ],
    );
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn config_errors_name_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    put(dir, "src/app.js", APP);
    let cases = [
        (
            "[mixpanel]\nidentifer = \"mp\"\n",
            "amp2mp: error: amp2mp.toml:2:1: key `mixpanel.identifer`: unknown field `identifer`, expected one of `identifier`, `browser_package`, `node_package`, `react_native_package`, `token`\n",
        ),
        (
            "[events]\nrevenue = 3\n",
            "amp2mp: error: amp2mp.toml:2:11: key `events.revenue`: invalid type: integer `3`, expected a string\n",
        ),
        (
            "[paths]\nexclude = [\"a/[b\"]\n",
            "amp2mp: error: amp2mp.toml:2:13: key `paths.exclude`: bad glob `a/[b`: error parsing glob '!a/[b': unclosed character class; missing ']'\n",
        ),
        (
            "[mixpanel]\nidentifier = \"my-mp\"\n",
            "amp2mp: error: amp2mp.toml:2:15: key `mixpanel.identifier`: `my-mp` is not a JavaScript identifier\n",
        ),
    ];
    for (config, expected) in cases {
        put(dir, "amp2mp.toml", config);
        for cmd in ["diff", "apply", "check"] {
            let out = amp2mp(dir, &[cmd, "."]);
            assert_eq!(out.code, 2, "{cmd} {config}");
            assert_eq!(out.stderr, expected, "{cmd}");
            assert_eq!(out.stdout, "");
        }
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("src/app.js")).unwrap(),
        APP
    );
    std::fs::remove_file(dir.join("amp2mp.toml")).unwrap();
    let out = amp2mp(dir, &["check", "--config", "missing.toml", "."]);
    assert_eq!(out.code, 2);
    assert!(out
        .stderr
        .starts_with("amp2mp: error: missing.toml: cannot read: "));
}
