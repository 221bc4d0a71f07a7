//! End-to-end tests of the `amp2mp` binary on Vue and HTML files: the exact diff of their
//! `<script>` blocks, the bytes `apply` writes, `check`'s positions in the whole file, and that
//! `diff | git apply` gives what `apply` gives. Each test works in its own temp dir, isolated
//! from the user's environment (the helpers are in `tests/common`).

mod common;

use common::{amp2mp, get_str as get, git, git_init_commit_all, put, snapshot, tempdir};
use std::path::Path;

/// A Vue component: the script is migrated, the template (text and handler) stays.
const VUE: &str = "<script setup lang=\"ts\">
import * as amplitude from '@amplitude/analytics-browser'

amplitude.init('API_KEY')

function buy(plan: string): void {
  amplitude.track('Buy Clicked', { plan })
}
</script>

<template>
  <p>Tracked with amplitude.com</p>
  <button @click=\"buy('pro')\">Buy</button>
</template>
";

const VUE_OUT: &str = "<script setup lang=\"ts\">
import mixpanel from 'mixpanel-browser'

mixpanel.init('API_KEY')

function buy(plan: string): void {
  mixpanel.track('Buy Clicked', { plan })
}
</script>

<template>
  <p>Tracked with amplitude.com</p>
  <button @click=\"buy('pro')\">Buy</button>
</template>
";

/// An HTML page: a script on the line of its tags, a CDN `src`, an `onclick` handler.
const HTML: &str = "<!doctype html>
<html>
<head>
  <meta charset=\"utf-8\">
  <script>amplitude.getInstance().init('API_KEY');</script>
</head>
<body>
  <button onclick=\"amplitude.getInstance().logEvent('Clicked')\">Go</button>
  <script>
    amplitude.getInstance().setUserId('u1');
  </script>
</body>
</html>
";

const HTML_OUT: &str = "<!doctype html>
<html>
<head>
  <meta charset=\"utf-8\">
  <script>mixpanel.init('API_KEY');</script>
</head>
<body>
  <button onclick=\"amplitude.getInstance().logEvent('Clicked')\">Go</button>
  <script>
    mixpanel.identify('u1');
  </script>
</body>
</html>
";

const DIFF: &str = "diff --git a/public/index.html b/public/index.html
--- a/public/index.html
+++ b/public/index.html
@@ -2,12 +2,12 @@
 <html>
 <head>
   <meta charset=\"utf-8\">
-  <script>amplitude.getInstance().init('API_KEY');</script>
+  <script>mixpanel.init('API_KEY');</script>
 </head>
 <body>
   <button onclick=\"amplitude.getInstance().logEvent('Clicked')\">Go</button>
   <script>
-    amplitude.getInstance().setUserId('u1');
+    mixpanel.identify('u1');
   </script>
 </body>
 </html>
diff --git a/src/App.vue b/src/App.vue
--- a/src/App.vue
+++ b/src/App.vue
@@ -1,10 +1,10 @@
 <script setup lang=\"ts\">
-import * as amplitude from '@amplitude/analytics-browser'
+import mixpanel from 'mixpanel-browser'
 
-amplitude.init('API_KEY')
+mixpanel.init('API_KEY')
 
 function buy(plan: string): void {
-  amplitude.track('Buy Clicked', { plan })
+  mixpanel.track('Buy Clicked', { plan })
 }
 </script>
 
";

fn project(dir: &Path) {
    put(dir, "src/App.vue", VUE);
    put(dir, "public/index.html", HTML);
    put(dir, "public/about.html", "<p>No analytics here.</p>\n");
}

#[test]
fn diff_prints_the_script_changes_only() {
    let tmp = tempdir();
    project(tmp.path());
    let out = amp2mp(tmp.path(), &["diff"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, DIFF);
    assert_eq!(
        out.stderr,
        "amp2mp: left for a person (1):\n  \
         public/index.html:8:20: Amplitude `logEvent`: becomes `mixpanel.track` (in the markup, which amp2mp leaves to you)\n\
         amp2mp: 2 files to change, 4 calls to rewrite (identify 1, init 2, track 1); 1 use left for a person\n"
    );
    // diff changes nothing.
    assert_eq!(get(tmp.path(), "src/App.vue"), VUE);
    assert_eq!(get(tmp.path(), "public/index.html"), HTML);
}

#[test]
fn apply_writes_the_blocks_and_keeps_every_other_byte() {
    let tmp = tempdir();
    project(tmp.path());
    git_init_commit_all(tmp.path());
    let out = amp2mp(tmp.path(), &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(get(tmp.path(), "src/App.vue"), VUE_OUT);
    assert_eq!(get(tmp.path(), "public/index.html"), HTML_OUT);
    assert_eq!(
        get(tmp.path(), "public/about.html"),
        "<p>No analytics here.</p>\n"
    );
    // A second run changes nothing.
    let again = amp2mp(tmp.path(), &["diff"]);
    assert_eq!(again.stdout, "");
}

/// (path, line, column, end_line, end_column, rule, fixable) of every finding.
type Place = (String, u64, u64, u64, u64, String, bool);

fn places(json: &str) -> Vec<Place> {
    let v: serde_json::Value = serde_json::from_str(json).expect("check --format json parses");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["end_line"].as_u64().unwrap(),
                f["end_column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
                f["fixable"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn place(p: &str, l: u64, c: u64, el: u64, ec: u64, rule: &str, fixable: bool) -> Place {
    (p.into(), l, c, el, ec, rule.into(), fixable)
}

#[test]
fn check_reports_file_lines_and_columns() {
    let tmp = tempdir();
    project(tmp.path());
    let out = amp2mp(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let html = "public/index.html";
    let vue = "src/App.vue";
    let (call, import) = ("amplitude-call", "amplitude-import");
    assert_eq!(
        places(&out.stdout),
        vec![
            // A block on its tags' line: columns count from the start of the file's line.
            place(html, 5, 11, 5, 50, call, true),
            // The `onclick` handler: reported, never rewritten.
            place(html, 8, 20, 8, 63, call, false),
            place(html, 10, 5, 10, 44, call, true),
            place(vue, 2, 1, 2, 58, import, true),
            place(vue, 4, 1, 4, 26, call, true),
            place(vue, 7, 3, 7, 43, call, true),
        ]
    );

    // After apply, what is left is where it stands in the written files.
    let out = amp2mp(tmp.path(), &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = amp2mp(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        places(&out.stdout),
        vec![place(html, 8, 20, 8, 63, call, false),]
    );
}

#[test]
fn diff_piped_to_git_apply_equals_apply() {
    let tmp = tempdir();
    let patched = tmp.path().join("patched");
    let applied = tmp.path().join("applied");
    project(&patched);
    project(&applied);
    // CRLF and a BOM inside markup files survive both ways too.
    let crlf = VUE.replace('\n', "\r\n");
    put(&patched, "src/Crlf.vue", &crlf);
    put(&applied, "src/Crlf.vue", &crlf);
    let bom = format!("\u{feff}{HTML}");
    put(&patched, "public/bom.html", &bom);
    put(&applied, "public/bom.html", &bom);

    let diff = amp2mp(&patched, &["diff"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    std::fs::write(tmp.path().join("x.patch"), &diff.stdout).unwrap();
    git_init_commit_all(&patched);
    git(
        &patched,
        &[
            "-c",
            "core.autocrlf=false",
            "apply",
            "--whitespace=nowarn",
            "../x.patch",
        ],
    );

    git_init_commit_all(&applied);
    let out = amp2mp(&applied, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr.lines().last().unwrap(),
        "amp2mp: 4 files changed, 8 calls rewritten (identify 2, init 4, track 2); 2 uses left for a person"
    );

    let (by_git, by_apply) = (snapshot(&patched), snapshot(&applied));
    assert_eq!(by_git, by_apply);
    assert_eq!(
        by_apply["src/Crlf.vue"],
        VUE_OUT.replace('\n', "\r\n").as_bytes()
    );
    assert_eq!(
        by_apply["public/bom.html"],
        format!("\u{feff}{HTML_OUT}").as_bytes()
    );
}

#[test]
fn only_long_script_lines_make_a_markup_file_minified() {
    let tmp = tempdir();
    let dir = tmp.path();
    let path = "x".repeat(12_000);
    let page = format!(
        "<svg><path d=\"{path}\"/></svg>\n<script>amplitude.getInstance().logEvent('A');</script>\n"
    );
    put(dir, "long-markup.html", &page);
    let bundle =
        format!("<script>var a = '{path}'; amplitude.getInstance().logEvent('A');</script>\n");
    put(dir, "bundle.html", &bundle);
    let out = amp2mp(dir, &["apply"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        get(dir, "long-markup.html"),
        page.replace("amplitude.getInstance().logEvent", "mixpanel.track")
    );
    assert_eq!(get(dir, "bundle.html"), bundle);
    assert_eq!(
        out.stderr.lines().next().unwrap(),
        "amp2mp: warning: bundle.html: skipped: looks minified (a line over 10000 bytes); migrate its source instead"
    );
}
