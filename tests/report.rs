//! `apply --report FILE.md`: the exact Markdown report of a small project, with links into the
//! written files, the calls by kind, the leftovers, the caveats and the behaviour changes; and
//! exit 2 when the report cannot be written.

mod common;

use std::path::Path;

/// The exit code and stderr of amp2mp in `dir` with `args`.
fn amp2mp(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = common::amp2mp(dir, args);
    (out.code, out.stderr)
}

const APP: &str = "import amplitude from 'amplitude-js';\n\nexport function consent(ok) {\n  amplitude.getInstance().logEvent('Consent', { ok });\n  amplitude.getInstance().setOptOut(false);\n  amplitude.getInstance('session').setSessionId(1);\n}\n\nexport function logout() {\n  amplitude.getInstance().setUserId(null);\n}\n";

#[test]
fn report_lists_everything_a_reviewer_needs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/app.js"), APP).unwrap();
    let (code, stderr) = amp2mp(dir, &["apply", "--report", "MIGRATION.md", "."]);
    assert_eq!(code, 0, "{stderr}");
    let report = std::fs::read_to_string(dir.join("MIGRATION.md")).unwrap();
    let expected = format!(
        "# Amplitude → Mixpanel migration\n\n\
         amp2mp {} rewrote **3** calls in **1** file; **2** uses are left for a person.\n\n\
         ## Calls rewritten\n\n\
         | Mixpanel call | count |\n| --- | ---: |\n\
         | `track` | 1 |\n| `reset` | 1 |\n| `opt_in_tracking` | 1 |\n\n\
         ## Left for a person (2)\n\n\
         - [src/app.js:1](src/app.js#L1): import of `amplitude-js` is still used: remove it once its uses are migrated\n\
         - [src/app.js:7](src/app.js#L7): Amplitude `setSessionId`: Mixpanel computes sessions server-side: no equivalent\n\n\
         ## Rewritten with caveats (1)\n\n\
         - [src/app.js:6](src/app.js#L6): mixpanel.opt_in_tracking() also tracks an $opt_in event\n\n\
         ## Behaviour changes to review\n\n\
         - **`track`**: Events are batched and sent on page hide; Mixpanel's `/track` drops events older than 5 days (use `/import` for backfills).\n\
         - **`reset`**: `reset()` also clears every super property and makes a new device id (Amplitude's `setUserId(null)` kept the device id).\n\
         - **`opt_in_tracking`**: `opt_in_tracking()` tracks an `$opt_in` event (pass `{{ track: () => {{}} }}` to suppress it).\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(report, expected);
}

#[test]
fn an_unwritable_report_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("app.js"), APP).unwrap();
    let (code, stderr) = amp2mp(dir, &["apply", "--report", "no/such/dir/r.md", "."]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("amp2mp: error: no/such/dir/r.md: report not written: "),
        "{stderr}"
    );
}

/// A client left whole is named once, with the use that keeps it and the files with its uses.
#[test]
fn report_groups_what_is_left_by_client() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("src/tracking.js"),
        "import amplitude from 'amplitude-js';\n\namplitude.getInstance().init('KEY');\n\nexport default amplitude.getInstance();\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("src/session.js"),
        "import analytics from './tracking';\n\nexport function restart() {\n  analytics.setSessionId(0);\n}\n",
    )
    .unwrap();
    let (code, stderr) = amp2mp(
        dir,
        &["apply", "--allow-dirty", "--report", "MIGRATION.md", "."],
    );
    assert_eq!(code, 0, "{stderr}");
    let report = std::fs::read_to_string(dir.join("MIGRATION.md")).unwrap();
    let section = "## Clients left whole (1)\n\n\
        Each is migrated whole or not at all: nothing about it changed, and every use is listed below.\n\n\
        | client | kept on Amplitude by | files with its uses |\n| --- | --- | --- |\n\
        | the default `amplitude-js` instance | src/session.js:4: `setSessionId`: Mixpanel computes sessions server-side: no equivalent | src/tracking.js, src/session.js |\n";
    assert!(report.contains(section), "{report}");
}
