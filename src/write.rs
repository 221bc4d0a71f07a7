//! Writing results safely: the dirty-tree guard (`apply` refuses files with uncommitted git
//! changes, like `cargo fix`) and the atomic write (a temp file in the same directory, renamed
//! over the original with its permissions, read-only ones included, as `sed -i` does, after checking the original has not changed since it
//! was read).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Replaces `path` with `new`, provided it still holds `original`.
pub fn atomic_write(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    // Write through symlinks: the link stays a link and its target gets the new text.
    let path = &std::fs::canonicalize(path).map_err(|e| format!("cannot resolve it: {e}"))?;
    let current = std::fs::read(path).map_err(|e| format!("cannot re-read it: {e}"))?;
    if current != original {
        return Err("it changed on disk while amp2mp ran; run amp2mp again".into());
    }
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".amp2mp-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot create a temporary file beside it: {e}"))?;
    tmp.write_all(new)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    std::fs::set_permissions(tmp.path(), meta.permissions())
        .map_err(|e| format!("cannot copy permissions: {e}"))?;
    tmp.persist(path)
        .map_err(|e| format!("cannot replace it: {}", e.error))?;
    Ok(())
}

/// Answers "does this file have uncommitted changes?", asking git once per work tree.
#[derive(Default)]
pub struct DirtyGuard {
    /// Work tree root → dirty files (absolute), or the reason git could not tell.
    trees: HashMap<PathBuf, Result<HashSet<PathBuf>, String>>,
}

impl DirtyGuard {
    /// `Ok(())` when the file may be written; `Err(reason)` when it has uncommitted changes or
    /// git cannot tell. Files outside any git work tree may always be written.
    pub fn check(&mut self, path: &Path) -> Result<(), String> {
        let abs = std::path::absolute(path).map_err(|e| e.to_string())?;
        let Some(root) = work_tree(&abs) else {
            return Ok(());
        };
        let status = self
            .trees
            .entry(root.clone())
            .or_insert_with(|| dirty_files(&root));
        match status {
            Ok(dirty) if dirty.contains(&abs) => Err(
                "it has uncommitted changes; commit or stash them, or pass --allow-dirty".into(),
            ),
            Ok(_) => Ok(()),
            Err(e) => Err(format!(
                "cannot read its git status ({e}); pass --allow-dirty to write anyway"
            )),
        }
    }
}

/// The git work tree holding `path`: the nearest ancestor with a `.git` entry.
fn work_tree(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// Files with staged, unstaged or untracked changes in the work tree at `root`.
fn dirty_files(root: &Path) -> Result<HashSet<PathBuf>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let mut dirty = HashSet::new();
    let mut entries = out.stdout.split(|b| *b == 0);
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let path = String::from_utf8_lossy(&entry[3..]).into_owned();
        dirty.insert(root.join(path));
        if entry[0] == b'R' || entry[0] == b'C' {
            entries.next(); // the source path of a rename or copy
        }
    }
    Ok(dirty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_refuses_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.js");
        std::fs::write(&p, "old").unwrap();
        atomic_write(&p, b"old", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let err = atomic_write(&p, b"old", b"newer").unwrap_err();
        assert!(err.contains("changed on disk"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.js");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        atomic_write(&p, b"old", b"new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755);
    }
}
