//! The floor of the benchmark (issue 5): the least work amp2mp's design can do on a tree. It
//! walks like amp2mp (amp2mp's own walk: the `ignore` crate's parallel walker, hidden files in,
//! `node_modules` and `.git` out), reads every JS/TS file on the walk's threads and keeps those
//! that contain `amplitude`, then reads and parses only those, with the same grammars, one
//! parser per thread on rayon's pool. No queries, no resolution, no output but a count.
//!
//!     cargo run --release --example floor -- DIR [-j N]

use amp2mp::lang::{self, Kind};
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
    let finder = memchr::memmem::Finder::new(b"amplitude");
    let mentions = |path: &std::path::Path| {
        std::fs::read(path).is_ok_and(|bytes| finder.find(&bytes).is_some())
    };
    let found = amp2mp::discover::discover_filtered(&[root], false, jobs, &mentions);
    let parsed: usize = found
        .targets
        .par_iter()
        .map(|t| {
            let Kind::Script(lang) = t.kind else {
                return 0;
            };
            let Ok(bytes) = std::fs::read(&t.path) else {
                return 0;
            };
            let text = String::from_utf8_lossy(&bytes);
            usize::from(lang::parse(lang, &text).is_some())
        })
        .sum();
    println!(
        "{} files mention amplitude, {parsed} parsed",
        found.targets.len()
    );
}
