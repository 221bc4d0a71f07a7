//! Property tests of the project phase: a client decided as a unit across files. Each case
//! generates a small project in a temp dir: one module at a random path (`src/lib/<name>.js`,
//! `src/<dir>/index.ts`, …) that creates an `amplitude-js` client, inits it and exports it
//! (`export default client`, `export const <n> = amplitude.getInstance()` or
//! `module.exports = client`); one to four consumers at random depths that import or require it
//! under random names with correct relative specifiers (with or without an extension, or the
//! directory of an `index` module) and make one to three Amplitude calls on it; sometimes one
//! `setSessionId(0)` (no Mixpanel equivalent) in one of those files; and a file that never
//! mentions the client. Running the real binary: `diff` changes nothing; after `apply`, either
//! the client was migrated everywhere (the module calls `mixpanel.init(`, each consumer makes
//! the matching Mixpanel calls, no Amplitude-only call is left, `check` finds nothing and a
//! second `apply` changes nothing), when no unrewritable use was generated; or every file is
//! byte-identical and `check` (exit 1) has a finding on every line with an Amplitude call, when
//! one was. The unrelated file never changes.

mod common;

use common::{amp2mp, put, snapshot, tempdir};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::collections::BTreeMap;

/// Names for the client inside the module and for the named export.
const MODULE_NAMES: &[&str] = &["client", "amp", "analytics", "tracker", "instance", "_amp"];
/// Names consumers give the client.
const CONSUMER_NAMES: &[&str] = &[
    "analytics",
    "amp",
    "t",
    "tracker",
    "client",
    "$a",
    "metrics",
    "ampClient",
    "amplitude",
];
/// Directory names for the module and the consumers.
const DIRS: &[&str] = &["lib", "pages", "components", "shared", "util", "deep"];
/// Stems of a module that is not an `index` file.
const STEMS: &[&str] = &["amp", "analytics", "tracking", "amplitude-client"];

/// The calls a consumer makes, and what each becomes on Mixpanel.
const CALLS: &[(&str, &str)] = &[
    ("logEvent('Ev', { a: 1 })", "track('Ev', { a: 1 })"),
    ("setUserId('u')", "identify('u')"),
    ("setUserProperties({ p: 1 })", "people.set({ p: 1 })"),
    ("setGroup('g', 'x')", "set_group('g', 'x')"),
];

/// Amplitude-only calls: a line holding one must be migrated or covered by a finding.
const AMPLITUDE_ONLY: &[&str] = &[
    ".logEvent(",
    ".setUserId(",
    ".setUserProperties(",
    ".setGroup(",
    ".setSessionId(",
    ".init(",
    "getInstance(",
];

/// Whether `line` has an Amplitude-only call (`mixpanel.init(` is Mixpanel's, not one).
fn amplitude_only(line: &str) -> bool {
    AMPLITUDE_ONLY.iter().any(|pat| {
        line.match_indices(pat)
            .any(|(at, _)| !(*pat == ".init(" && line[..at].ends_with("mixpanel")))
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Export {
    /// `const c = amplitude.getInstance(); c.init('KEY'); export default c;`
    Default,
    /// `export const n = amplitude.getInstance(); n.init('KEY');`
    Named,
    /// `const amplitude = require('amplitude-js'); …; module.exports = c;`
    CommonJs,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Spec {
    /// The module's file name with its extension (`.js` for a `.ts` module, TypeScript's ESM
    /// style).
    WithExt,
    /// The module's path without its extension.
    NoExt,
    /// The module's directory, when the module is an `index` file (else as `NoExt`).
    Dir,
}

#[derive(Debug, Clone)]
struct Consumer {
    dirs: Vec<&'static str>,
    ext: &'static str,
    name: &'static str,
    calls: Vec<usize>,
    spec: Spec,
}

#[derive(Debug, Clone)]
struct Project {
    export: Export,
    /// `Some(stem)`: `src/lib/<stem>.<ext>`; `None`: `src/<dir>/index.<ext>`.
    stem: Option<&'static str>,
    index_dir: &'static str,
    module_ext: &'static str,
    var: &'static str,
    consumers: Vec<Consumer>,
    /// Where `setSessionId(0)` goes: 0 the module, `i` consumer `i - 1`.
    blocker: Option<usize>,
}

/// One generated file and what the test knows about it.
struct File {
    path: String,
    text: String,
    /// For a consumer: its name for the client and the Mixpanel calls it must make.
    consumer: Option<(String, Vec<&'static str>)>,
}

impl Project {
    fn module_dir(&self) -> Vec<&'static str> {
        match self.stem {
            Some(_) => vec!["src", "lib"],
            None => vec!["src", self.index_dir],
        }
    }

    fn module_stem(&self) -> &'static str {
        self.stem.unwrap_or("index")
    }

    fn module_path(&self) -> String {
        format!(
            "{}/{}.{}",
            self.module_dir().join("/"),
            self.module_stem(),
            self.module_ext
        )
    }

    /// The specifier consumer `c` uses for the module.
    fn specifier(&self, c: &Consumer) -> String {
        let from: Vec<&str> = std::iter::once("src")
            .chain(c.dirs.iter().copied())
            .collect();
        let to = self.module_dir();
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        let mut parts: Vec<&str> = Vec::new();
        if from.len() == common {
            parts.push(".");
        } else {
            parts.extend(std::iter::repeat_n("..", from.len() - common));
        }
        parts.extend(&to[common..]);
        let stem = self.module_stem();
        // Node and bundlers do not add `.cjs` to a specifier: name it in full.
        let spec = if self.module_ext == "cjs" {
            Spec::WithExt
        } else {
            c.spec
        };
        match spec {
            Spec::Dir if stem == "index" => parts.join("/"),
            Spec::WithExt => {
                let ext = match self.module_ext {
                    "ts" => "js",
                    e => e,
                };
                format!("{}/{stem}.{ext}", parts.join("/"))
            }
            _ => format!("{}/{stem}", parts.join("/")),
        }
    }

    fn files(&self) -> Vec<File> {
        let var = self.var;
        let mut module = String::new();
        match self.export {
            Export::Default => {
                module += "import amplitude from 'amplitude-js';\n";
                module += &format!("const {var} = amplitude.getInstance();\n");
                module += &format!("{var}.init('KEY');\n");
                module += &format!("export default {var};\n");
            }
            Export::Named => {
                module += "import amplitude from 'amplitude-js';\n";
                module += &format!("export const {var} = amplitude.getInstance();\n");
                module += &format!("{var}.init('KEY');\n");
            }
            Export::CommonJs => {
                module += "const amplitude = require('amplitude-js');\n";
                module += &format!("const {var} = amplitude.getInstance();\n");
                module += &format!("{var}.init('KEY');\n");
                module += &format!("module.exports = {var};\n");
            }
        }
        if self.blocker == Some(0) {
            module += &format!("{var}.setSessionId(0);\n");
        }
        let mut files = vec![File {
            path: self.module_path(),
            text: module,
            consumer: None,
        }];
        for (i, c) in self.consumers.iter().enumerate() {
            let spec = self.specifier(c);
            let name = c.name;
            let mut text = match self.export {
                Export::Default => format!("import {name} from '{spec}';\n"),
                Export::Named if name == var => format!("import {{ {var} }} from '{spec}';\n"),
                Export::Named => format!("import {{ {var} as {name} }} from '{spec}';\n"),
                Export::CommonJs => format!("const {name} = require('{spec}');\n"),
            };
            text += "\nexport function run() {\n";
            for &k in &c.calls {
                text += &format!("  {name}.{};\n", CALLS[k].0);
            }
            if self.blocker == Some(i + 1) {
                text += &format!("  {name}.setSessionId(0);\n");
            }
            text += "}\n";
            let mut path = String::from("src/");
            for d in &c.dirs {
                path += d;
                path += "/";
            }
            path += &format!("c{i}_{name}.{}", c.ext).replace('$', "d");
            let expected = c.calls.iter().map(|&k| CALLS[k].1).collect();
            files.push(File {
                path,
                text,
                consumer: Some((name.to_string(), expected)),
            });
        }
        files
    }
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    (0..pool.len()).prop_map(move |i| pool[i])
}

fn consumer(cjs: bool) -> impl Strategy<Value = Consumer> {
    let exts: &'static [&'static str] = if cjs {
        &["js", "cjs"]
    } else {
        &["js", "ts", "jsx", "tsx", "mjs"]
    };
    (
        proptest::collection::vec(pick(DIRS), 0..4),
        pick(exts),
        pick(CONSUMER_NAMES),
        proptest::collection::vec(0..CALLS.len(), 1..4),
        prop_oneof![Just(Spec::WithExt), Just(Spec::NoExt), Just(Spec::Dir)],
    )
        .prop_map(|(dirs, ext, name, calls, spec)| Consumer {
            dirs,
            ext,
            name,
            calls,
            spec,
        })
}

fn project() -> impl Strategy<Value = Project> {
    prop_oneof![
        Just(Export::Default),
        Just(Export::Named),
        Just(Export::CommonJs)
    ]
    .prop_flat_map(|export| {
        let cjs = export == Export::CommonJs;
        let exts: &'static [&'static str] = if cjs { &["js", "cjs"] } else { &["js", "ts"] };
        (
            Just(export),
            proptest::option::of(pick(STEMS)),
            pick(DIRS),
            pick(exts),
            pick(MODULE_NAMES),
            proptest::collection::vec(consumer(cjs), 1..5),
            any::<bool>(),
            any::<prop::sample::Index>(),
        )
    })
    .prop_map(
        |(export, stem, index_dir, module_ext, var, consumers, blocked, at)| {
            let blocker = blocked.then(|| at.index(consumers.len() + 1));
            Project {
                export,
                stem,
                index_dir,
                module_ext,
                var,
                consumers,
                blocker,
            }
        },
    )
}

/// The file that never mentions the client, with look-alike calls in it.
const UNRELATED_PATH: &str = "src/unrelated/other.js";
const UNRELATED: &str = "const other = { logEvent() {}, setUserId() {} };\n\
                         other.logEvent('x');\n\
                         export function add(a, b) { return a + b; }\n";

/// The findings of `check --format json`, by path: `(line, end_line)` each.
fn findings(json: &str) -> BTreeMap<String, Vec<(u64, u64)>> {
    let v: serde_json::Value = serde_json::from_str(json).expect("check prints JSON");
    let mut out: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for f in v["findings"].as_array().expect("findings") {
        out.entry(f["path"].as_str().expect("path").to_string())
            .or_default()
            .push((
                f["line"].as_u64().expect("line"),
                f["end_line"].as_u64().expect("end_line"),
            ));
    }
    out
}

fn listing(files: &[File]) -> String {
    files
        .iter()
        .map(|f| format!("--- {}\n{}", f.path, f.text))
        .collect()
}

proptest! {
    #![proptest_config(Config { cases: 24, max_shrink_iters: 1024, failure_persistence: None, ..Config::default() })]

    #[test]
    fn a_client_migrates_as_a_unit(p in project()) {
        let files = p.files();
        let tmp = tempdir();
        let dir = tmp.path();
        for f in &files {
            put(dir, &f.path, &f.text);
        }
        put(dir, UNRELATED_PATH, UNRELATED);
        let all = listing(&files);
        let before = snapshot(dir);

        let diff = amp2mp(dir, &["diff", "."]);
        prop_assert_eq!(diff.code, 0, "diff failed: {}\n{}", diff.stderr, all);
        prop_assert!(snapshot(dir) == before, "diff changed files\n{}", all);

        let apply = amp2mp(dir, &["apply", "--allow-dirty", "."]);
        prop_assert_eq!(apply.code, 0, "apply failed: {}\n{}", apply.stderr, all);
        let after = snapshot(dir);
        let check = amp2mp(dir, &["check", "--format", "json", "."]);
        let found = findings(&check.stdout);
        let text = |path: &str| String::from_utf8(after[path].clone()).expect("UTF-8");

        prop_assert_eq!(text(UNRELATED_PATH), UNRELATED, "the unrelated file changed\n{}", all);

        if p.blocker.is_none() {
            for f in &files {
                let new = text(&f.path);
                for line in new.lines() {
                    prop_assert!(
                        !amplitude_only(line),
                        "{} still has `{}` after apply:\n{}\nproject:\n{}\nstderr:\n{}",
                        f.path, line, new, all, apply.stderr
                    );
                }
                if let Some((name, calls)) = &f.consumer {
                    for call in calls {
                        let want = format!("{name}.{call};");
                        prop_assert!(
                            new.contains(&want),
                            "{} lacks `{}`:\n{}\nproject:\n{}",
                            f.path, want, new, all
                        );
                    }
                } else {
                    prop_assert!(
                        new.contains("mixpanel.init("),
                        "the module has no mixpanel.init:\n{}\nproject:\n{}",
                        new, all
                    );
                }
            }
            prop_assert_eq!(
                check.code, 0,
                "check after the migration:\n{}\nproject:\n{}",
                check.stdout, all
            );
            prop_assert!(found.is_empty());
            let again = amp2mp(dir, &["apply", "--allow-dirty", "."]);
            prop_assert_eq!(again.code, 0, "second apply failed: {}", again.stderr);
            prop_assert!(snapshot(dir) == after, "a second apply changed files\n{}", all);
        } else {
            for f in &files {
                prop_assert_eq!(
                    &text(&f.path), &f.text,
                    "{} changed though the client has an unrewritable use\nproject:\n{}",
                    f.path, all
                );
            }
            prop_assert!(after == before, "files changed\n{}", all);
            prop_assert_eq!(check.code, 1, "check: {}\n{}", check.stderr, all);
            for f in &files {
                let spans = found.get(&f.path).map(Vec::as_slice).unwrap_or_default();
                for (n, line) in f.text.lines().enumerate() {
                    let n = n as u64 + 1;
                    if amplitude_only(line) {
                        prop_assert!(
                            spans.iter().any(|&(a, b)| a <= n && n <= b),
                            "{}:{} `{}` has no finding\ncheck:\n{}\nproject:\n{}",
                            f.path, n, line, check.stdout, all
                        );
                    }
                }
            }
        }
    }
}
