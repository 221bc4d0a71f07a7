//! The README's first command, `amp2mp diff examples/demo-app`, prints exactly the reviewed
//! patch in `tests/data/demo-app.diff` and the summary in `tests/data/demo-app.summary`, and
//! changes nothing on disk.

use std::path::Path;
use std::process::Command;

#[test]
fn demo_app_diff_is_the_reviewed_patch() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = std::fs::read(root.join("examples/demo-app/src/analytics.js")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_amp2mp"))
        .args(["diff", "--color", "never", "examples/demo-app"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let expected = std::fs::read_to_string(root.join("tests/data/demo-app.diff")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
    let summary = std::fs::read_to_string(root.join("tests/data/demo-app.summary")).unwrap();
    assert_eq!(String::from_utf8(out.stderr).unwrap(), summary);
    let after = std::fs::read(root.join("examples/demo-app/src/analytics.js")).unwrap();
    assert_eq!(before, after);
}
