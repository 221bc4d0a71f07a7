//! A mutation fuzzer over the whole transform that runs on the stable toolchain (cargo-fuzz
//! needs nightly, which this project's machines do not have). It mutates the fixtures' inputs
//! (byte flips, insertions of Amplitude-shaped snippets, splices of two fixtures, cuts, and
//! fixtures run together past 4 KB, where the query searches only around the words that lead to
//! Amplitude) and checks, for JavaScript, TypeScript and TSX, that the transform does not panic,
//! that its output adds no syntax error, that a second run changes nothing, and that the search
//! around words plans the same as a search of the whole tree. A failing input is written to
//! `fuzz-failures/` to become a fixture.
//!
//!     cargo run --release --example fuzz -- SECONDS [SEED]

use amp2mp::engine;
use amp2mp::lang::{self, Lang};
use std::panic;
use std::path::Path;
use std::time::{Duration, Instant};

/// Snippets the mutator inserts, so that mutations land on Amplitude code.
const SNIPPETS: &[&str] = &[
    "amplitude.getInstance().logEvent('x', { a: 1 });",
    "import amplitude from 'amplitude-js';",
    "import * as amp from '@amplitude/analytics-browser';",
    "amp.track({ event_type: 'e', event_properties: p, time: t });",
    "new amplitude.Identify().set('a', 1).add('b', 2)",
    "const c = amplitude.getInstance();",
    "c.init(k, u, { serverZone: 'EU', cookieOptions: { domain: d } }, cb);",
    "await amp.track('y').promise;",
    "amp.identify(i);",
    "// amp2mp-ignore-next-line",
    "(",
    ")",
    "{",
    "}",
    "`${",
    "'",
    "\n",
];

/// xorshift64*: small, deterministic, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, inputs: &[String]) -> String {
    let mut s = inputs[rng.below(inputs.len())].clone().into_bytes();
    if rng.below(4) == 0 {
        // Past 4 KB the query searches only around words: run fixtures together until there.
        while s.len() < 4096 {
            s.extend_from_slice(inputs[rng.below(inputs.len())].as_bytes());
        }
    }
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(5) {
            0 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] = b" (){}[];,.'\"`\nab=>/*"[rng.below(20)];
            }
            1 => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())].as_bytes();
                s.splice(at..at, snippet.iter().copied());
            }
            2 => {
                let other = inputs[rng.below(inputs.len())].as_bytes();
                let from = rng.below(other.len());
                let len = rng.below(other.len() - from + 1).min(400);
                s.splice(at..at, other[from..from + len].iter().copied());
            }
            3 if !s.is_empty() => {
                let end = (at + rng.below(60)).min(s.len());
                s.drain(at..end);
            }
            _ => s.truncate(at),
        }
    }
    String::from_utf8_lossy(&s).into_owned()
}

/// What is wrong with the transform of `src`, if anything.
fn check(lang: Lang, src: &str) -> Option<String> {
    match panic::catch_unwind(|| amp2mp::resolve::near_agrees_with_whole(lang, src)) {
        Err(_) => return Some("panic in the search around words".into()),
        Ok(Err(diff)) => {
            return Some(format!(
                "the search around words plans differently:\n{diff}"
            ))
        }
        Ok(Ok(())) => {}
    }
    let run = panic::catch_unwind(|| engine::transform(lang, src));
    let Ok(out) = run else {
        return Some("panic".into());
    };
    let new = out.output?;
    let errors = |s: &str| lang::parse(lang, s).map(|t| engine::error_count(&t));
    if errors(&new) > errors(src) {
        return Some("the output adds a syntax error".into());
    }
    match panic::catch_unwind(|| engine::transform(lang, &new)) {
        Err(_) => Some("panic on the second run".into()),
        Ok(again) if again.output.is_some() => Some("the second run changes the output".into()),
        Ok(_) => None,
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some(path) = std::env::args().nth(1).filter(|a| a.ends_with(".txt")) {
        // Replay one failure: print what each run makes of it.
        let src = std::fs::read_to_string(&path).unwrap_or_default();
        for lang in Lang::ALL {
            let first = engine::transform(lang, &src)
                .output
                .unwrap_or_else(|| src.clone());
            let second = engine::transform(lang, &first).output;
            println!("== {lang:?}: second run changes it: {}", second.is_some());
            if let Some(s) = second {
                println!("--- first\n{first}\n--- second\n{s}");
            }
        }
        return;
    }
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut inputs = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for dir in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = f.file_name().to_string_lossy().into_owned();
            if name.starts_with("input.")
                && !name.ends_with(".vue")
                && !name.ends_with(".html")
                && !name.ends_with(".svelte")
            {
                if let Ok(text) = std::fs::read_to_string(f.path()) {
                    inputs.push(text);
                }
            }
        }
    }
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut runs, mut failures) = (0u64, 0u64);
    while Instant::now() < deadline {
        let src = mutate(&mut rng, &inputs);
        for lang in Lang::ALL {
            runs += 1;
            if let Some(why) = check(lang, &src) {
                failures += 1;
                let _ = std::fs::create_dir_all("fuzz-failures");
                let path = format!("fuzz-failures/{failures}-{lang:?}.txt");
                let _ = std::fs::write(&path, &src);
                eprintln!("{path}: {why}");
            }
        }
    }
    println!("{runs} transforms in {seconds} s, {failures} failures, seed {seed}");
}
