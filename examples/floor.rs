//! The floor of the benchmark (issue 5): the least work amp2mp's design can do on a tree. It
//! walks like amp2mp (the `ignore` crate, hidden files in, `node_modules` and `.git` out), reads
//! every JS/TS file, and parses with the same grammars, one parser per thread on rayon's pool,
//! only the files that contain `amplitude`. No queries, no resolution, no output but a count.
//!
//!     cargo run --release --example floor -- DIR [-j N]

use amp2mp::lang::{self, Lang};
use rayon::prelude::*;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root = PathBuf::from(".");
    let mut jobs = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" => jobs = args.next().and_then(|n| n.parse::<usize>().ok()),
            _ => root = PathBuf::from(a),
        }
    }
    if let Some(j) = jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j)
            .build_global();
    }
    let files: Vec<(PathBuf, Lang)> = ignore::WalkBuilder::new(&root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some("node_modules" | ".git")))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| Lang::from_path(e.path()).map(|l| (e.into_path(), l)))
        .collect();
    let finder = memchr::memmem::Finder::new(b"amplitude");
    let parsed: usize = files
        .par_iter()
        .map(|(path, lang)| {
            let Ok(bytes) = std::fs::read(path) else {
                return 0;
            };
            if finder.find(&bytes).is_none() {
                return 0;
            }
            let text = String::from_utf8_lossy(&bytes);
            usize::from(lang::parse(*lang, &text).is_some())
        })
        .sum();
    println!("{} files, {parsed} parsed", files.len());
}
