//! `package.json` dependency swaps (reference §7): which Amplitude packages become which Mixpanel
//! package and at which version, which files of the run decide whether a package may go, and the
//! edit of the text itself. A dependency entry answers for the JS/TS files below its
//! package.json, down to the nearest package.json that declares the same package (where Node's
//! resolution would find it); it goes only when none of those files still imports it, names it
//! in a string, or mentions it while skipped or failed. The first package of a kind that goes
//! becomes the Mixpanel package (on its line, or at its sorted place in a sorted section),
//! further ones are deleted with their lines; while one stays, the Mixpanel package is added
//! beside it as soon as migrated code imports it. The comma of a new last entry is fixed, and
//! every other byte is kept: key order, indentation, CRLF, a missing final newline. The result
//! must parse and equal the intended JSON value, or the file is left as it was. Pure: text in,
//! text out.

use crate::edit::{self, Edit};
use crate::engine::{LineIndex, Located};
use crate::plan::{rule, Finding};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

/// A Mixpanel package that Amplitude dependencies become.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mixpanel {
    Browser,
    Node,
    ReactNative,
}

/// The Mixpanel packages amp2mp adds, with the version range it writes (current stable
/// releases), in [`Mixpanel`] order. [`Versions`] starts from this table; a configuration file
/// can override the ranges.
pub const MIXPANEL_PACKAGES: [(Mixpanel, &str, &str); 3] = [
    (Mixpanel::Browser, "mixpanel-browser", "^2.83.0"),
    (Mixpanel::Node, "mixpanel", "^0.24.0"),
    (Mixpanel::ReactNative, "mixpanel-react-native", "^3.8.0"),
];

/// The dependency sections amp2mp edits.
pub const SECTIONS: [&str; 4] = [
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

impl Mixpanel {
    /// The npm package name.
    pub fn package(self) -> &'static str {
        MIXPANEL_PACKAGES[self as usize].1
    }

    fn named(name: &str) -> Option<Mixpanel> {
        MIXPANEL_PACKAGES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(m, _, _)| *m)
    }
}

/// The version range written for each Mixpanel package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Versions {
    ranges: [String; 3],
}

impl Default for Versions {
    fn default() -> Self {
        Versions {
            ranges: MIXPANEL_PACKAGES.map(|(_, _, v)| v.to_string()),
        }
    }
}

impl Versions {
    pub fn of(&self, m: Mixpanel) -> &str {
        &self.ranges[m as usize]
    }

    /// Overrides the range written for `m`.
    pub fn set(&mut self, m: Mixpanel, range: impl Into<String>) {
        self.ranges[m as usize] = range.into();
    }
}

/// What becomes of an Amplitude dependency once nothing uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swap {
    /// Replaced by this Mixpanel package.
    To(Mixpanel),
    /// Removed, nothing added, for this reason.
    Drop(&'static str),
    /// No Mixpanel counterpart: left in place and reported for migration by hand.
    Manual(&'static str),
}

const REACT_COMPONENTS: &str =
    "React components over amplitude-js have no Mixpanel counterpart: replace them with mixpanel-browser calls by hand, then remove the dependency";
const AMPLI: &str = "the Ampli CLI generates tracking code from Amplitude's tracking plan: port the generated file by hand, then remove the dependency";
const UNKNOWN: &str =
    "no Mixpanel counterpart known: migrate its uses by hand, then remove the dependency";

/// What becomes of dependency `name`, and the package whose imports keep it (itself, or for
/// type stubs the package they type); `None` for a package that is not Amplitude's.
pub fn swap(name: &str) -> Option<(Swap, &str)> {
    let to = |m| Some((Swap::To(m), name));
    match name {
        "amplitude-js"
        | "@amplitude/analytics-browser"
        | "@amplitude/unified"
        | "@amplitude/marketing-analytics-browser"
        | "@amplitude/analytics-core"
        | "@amplitude/analytics-types"
        | "@amplitude/analytics-client-common" => to(Mixpanel::Browser),
        "@types/amplitude-js" => Some((
            Swap::Drop("mixpanel-browser ships its own types"),
            "amplitude-js",
        )),
        "@amplitude/analytics-node"
        | "@amplitude/node"
        | "@amplitude/identify"
        | "@amplitude/types" => to(Mixpanel::Node),
        "@amplitude/analytics-react-native" | "@amplitude/react-native" => {
            to(Mixpanel::ReactNative)
        }
        "@amplitude/react-amplitude" | "react-amplitude" => {
            Some((Swap::Manual(REACT_COMPONENTS), name))
        }
        "@amplitude/ampli" => Some((Swap::Manual(AMPLI), name)),
        s if s.starts_with("@amplitude/plugin-") && s.ends_with("-browser") => {
            to(Mixpanel::Browser)
        }
        s if s.starts_with("@amplitude/") => Some((Swap::Manual(UNKNOWN), name)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Which files keep which dependency.

/// What one JS/TS file of the run leaves of the Amplitude packages, and which Mixpanel packages
/// its rewrite starts importing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileUse {
    pub display: String,
    /// Module names of the imports left (rule `amplitude-import`, not fixable), with how many.
    pub imports: BTreeMap<String, usize>,
    /// The file was skipped or failed (not analysed, or its rewrite not written), so what it
    /// still imports is not known.
    pub unanalysed: bool,
    /// For an unanalysed file, the package-like names around each `amplitude` in its bytes;
    /// `None` when its bytes could not be read (it then may use any package).
    pub mentions: Option<BTreeSet<String>>,
    /// Mixpanel packages the rewritten file imports and the original did not.
    pub adds: BTreeSet<Mixpanel>,
    /// Amplitude-like module names the file's final text still holds as quoted strings: what
    /// its imports left, and also what amp2mp does not read as an import (`export … from`,
    /// a dynamic `import()`, a `jest.mock`).
    pub modules: BTreeSet<String>,
}

impl FileUse {
    /// What a file's findings and state say; `None` when it neither keeps an Amplitude package
    /// nor starts importing a Mixpanel one. `bytes` are the file's bytes, used only when it is
    /// `unanalysed`; `adds` the Mixpanel packages its rewrite newly imports ([`added_imports`]
    /// of its original and new text); `modules` the [`quoted_modules`] of its final text.
    pub fn new(
        display: &str,
        findings: &[Located],
        unanalysed: bool,
        bytes: Option<&[u8]>,
        adds: BTreeSet<Mixpanel>,
        modules: &BTreeSet<String>,
    ) -> Option<FileUse> {
        let mut imports = BTreeMap::new();
        for f in findings {
            if f.finding.rule == rule::IMPORT && !f.finding.fixable {
                *imports.entry(f.finding.subject.clone()).or_insert(0) += 1;
            }
        }
        if imports.is_empty() && !unanalysed && adds.is_empty() && modules.is_empty() {
            return None;
        }
        Some(FileUse {
            display: display.to_string(),
            imports,
            unanalysed,
            mentions: if unanalysed {
                bytes.and_then(mentions)
            } else {
                None
            },
            adds,
            modules: modules.clone(),
        })
    }

    /// Whether the final text still names `package` (or a path inside it) as a module.
    fn names_module(&self, package: &str) -> bool {
        self.modules.iter().any(|m| is_module_of(m, package))
    }

    /// How many imports of `package` (or of a path inside it) are left.
    fn imports_of(&self, package: &str) -> usize {
        self.imports
            .iter()
            .filter(|(m, _)| is_module_of(m, package))
            .map(|(_, n)| n)
            .sum()
    }

    /// Whether an unanalysed file may use `package`.
    fn may_use(&self, package: &str) -> bool {
        self.unanalysed
            && self
                .mentions
                .as_ref()
                .is_none_or(|ms| ms.iter().any(|m| names_package(m, package)))
    }
}

/// The Mixpanel packages `new` names as a module (a quoted string) and `old` did not.
pub fn added_imports(old: &str, new: &str) -> BTreeSet<Mixpanel> {
    let quoted = |text: &str, name: &str| {
        ['\'', '"', '`'].iter().any(|q| {
            text.contains(&format!("{q}{name}{q}")) || text.contains(&format!("{q}{name}/"))
        })
    };
    MIXPANEL_PACKAGES
        .iter()
        .filter(|(_, name, _)| quoted(new, name) && !quoted(old, name))
        .map(|(m, _, _)| *m)
        .collect()
}

/// `module` is `package` or a path inside it (`amplitude-js/lib/x`).
fn is_module_of(module: &str, package: &str) -> bool {
    module
        .strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `token` (a path-like run of name characters) names `package` as whole path segments.
fn names_package(token: &str, package: &str) -> bool {
    token.match_indices(package).any(|(at, _)| {
        let before = token[..at].chars().next_back();
        let after = token[at + package.len()..].chars().next();
        matches!(before, None | Some('/')) && matches!(after, None | Some('/'))
    })
}

/// The ranges of the package-like runs (`@/._-` and alphanumerics) around each `amplitude`.
fn name_runs(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let name = |c: &u8| c.is_ascii_alphanumeric() || b"@/._-".contains(c);
    memchr::memmem::find_iter(bytes, b"amplitude").map(move |at| {
        let start = bytes[..at]
            .iter()
            .rposition(|c| !name(c))
            .map_or(0, |i| i + 1);
        let end = bytes[at..]
            .iter()
            .position(|c| !name(c))
            .map_or(bytes.len(), |i| at + i);
        start..end
    })
}

/// The package-like names around each `amplitude` in `bytes`; `None` for UTF-16 text.
pub fn mentions(bytes: &[u8]) -> Option<BTreeSet<String>> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    let found = name_runs(bytes).map(|r| String::from_utf8_lossy(&bytes[r]).into_owned());
    Some(found.collect())
}

/// The Amplitude-like module names `text` holds as whole quoted strings (`'amplitude-js'`,
/// `"@amplitude/analytics-browser/lib/x"`).
pub fn quoted_modules(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    name_runs(b)
        .filter(|r| {
            let open = r.start.checked_sub(1).and_then(|i| b.get(i));
            matches!(open, Some(b'\'' | b'"' | b'`')) && b.get(r.end) == open
        })
        .map(|r| String::from_utf8_lossy(&b[r]).into_owned())
        .collect()
}

/// The files one dependency entry answers for that matter to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryUse {
    /// Files with imports of the package left, and how many, in path order.
    pub imports: Vec<(String, usize)>,
    /// Files with no import of the package left that amp2mp reads, but that still name it in
    /// a string (a re-export, a dynamic import, a mock), in path order.
    pub named: Vec<String>,
    /// Files that mention the package but were skipped or failed, in path order.
    pub unanalysed: Vec<String>,
    /// Files whose rewrite starts importing the entry's Mixpanel counterpart, in path order.
    pub migrated: Vec<String>,
}

impl EntryUse {
    /// Whether the entry must stay.
    fn kept(&self) -> bool {
        !self.imports.is_empty() || !self.named.is_empty() || !self.unanalysed.is_empty()
    }
}

/// For one package.json: what the files it answers for do with each declared dependency.
pub type Usage = BTreeMap<String, EntryUse>;

/// Assigns each file's use to the package.json that answers for it. `manifests` are (display
/// path, Amplitude dependencies declared); the result has one [`Usage`] per manifest. A file's
/// use of a dependency belongs to the nearest package.json above it that declares it.
pub fn assign(manifests: &[(&str, Vec<String>)], files: &[FileUse]) -> Vec<Usage> {
    let by_dir: HashMap<&Path, usize> = manifests
        .iter()
        .enumerate()
        .map(|(i, (display, _))| (Path::new(*display).parent().unwrap_or(Path::new("")), i))
        .collect();
    let mut usage = vec![Usage::new(); manifests.len()];
    for f in files {
        let mut claimed: HashSet<&str> = HashSet::new();
        for dir in Path::new(&f.display).ancestors().skip(1) {
            let Some(&m) = by_dir.get(dir) else {
                continue;
            };
            for name in &manifests[m].1 {
                if !claimed.insert(name) {
                    continue;
                }
                let Some((swap, uses)) = swap(name) else {
                    continue;
                };
                let imports = f.imports_of(uses);
                let unanalysed = imports == 0 && f.may_use(uses);
                let named = imports == 0 && !f.unanalysed && f.names_module(uses);
                let migrated = matches!(swap, Swap::To(kind) if f.adds.contains(&kind));
                if imports == 0 && !named && !unanalysed && !migrated {
                    continue;
                }
                let entry = usage[m].entry(name.clone()).or_default();
                let display = || f.display.clone();
                if imports > 0 {
                    entry.imports.push((display(), imports));
                }
                if named {
                    entry.named.push(display());
                }
                if unanalysed {
                    entry.unanalysed.push(display());
                }
                if migrated {
                    entry.migrated.push(display());
                }
            }
        }
    }
    usage
}

// ---------------------------------------------------------------------------------------------
// Reading the text.

/// One `"name": value` member of a JSON object, as byte ranges of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Member {
    name: String,
    key: Range<usize>,
    value: Range<usize>,
    /// The comma after the value, if another member follows.
    comma: Option<usize>,
}

/// A dependency section and its entries.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Section {
    name: String,
    entries: Vec<Member>,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
    {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (which must be `"`).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while let Some(c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The end of the JSON value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while let Some(c) = b.get(j) {
                match c {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let len = b[i..]
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                .unwrap_or(b.len() - i);
            (len > 0).then_some(i + len)
        }
    }
}

/// The members of the object whose `{` is at `open`.
fn members(text: &str, open: usize) -> Option<Vec<Member>> {
    let b = text.as_bytes();
    if b.get(open) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(b, open + 1);
    if b.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let key_end = string_end(b, i)?;
        let name: String = serde_json::from_str(text.get(i..key_end)?).ok()?;
        let colon = skip_ws(b, key_end);
        if b.get(colon) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, colon + 1);
        let end = value_end(b, start)?;
        let after = skip_ws(b, end);
        let mut member = Member {
            name,
            key: i..key_end,
            value: start..end,
            comma: None,
        };
        match b.get(after)? {
            b',' => {
                member.comma = Some(after);
                out.push(member);
                i = skip_ws(b, after + 1);
            }
            b'}' => {
                out.push(member);
                return Some(out);
            }
            _ => return None,
        }
    }
}

/// The dependency sections of a (valid JSON) package.json, in document order.
fn sections(text: &str) -> Option<Vec<Section>> {
    let b = text.as_bytes();
    let start = skip_ws(b, if text.starts_with('\u{feff}') { 3 } else { 0 });
    if b.get(start) != Some(&b'{') {
        // Not an object: nothing npm would read as dependencies.
        return Some(Vec::new());
    }
    let top = members(text, start)?;
    let mut out = Vec::new();
    for m in top {
        if SECTIONS.contains(&m.name.as_str()) && b.get(m.value.start) == Some(&b'{') {
            out.push(Section {
                entries: members(text, m.value.start)?,
                name: m.name,
            });
        }
    }
    Some(out)
}

fn parse(text: &str) -> Result<Value, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(body).map_err(|e| format!("not valid JSON ({e})"))
}

/// The Amplitude packages a package.json declares, in any section, sorted. `Err` when the
/// text is not valid JSON.
pub fn declared(text: &str) -> Result<Vec<String>, String> {
    parse(text)?;
    let sections =
        sections(text).ok_or_else(|| "internal: cannot read its sections".to_string())?;
    let names: BTreeSet<String> = sections
        .into_iter()
        .flat_map(|s| s.entries)
        .map(|e| e.name)
        .filter(|n| swap(n).is_some())
        .collect();
    Ok(names.into_iter().collect())
}

// ---------------------------------------------------------------------------------------------
// Planning.

/// What planning one package.json gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The new text, when it differs.
    pub output: Option<String>,
    /// One `amplitude-dependency` finding per Amplitude dependency, in text order.
    pub findings: Vec<Located>,
    /// Why the planned text could not be used (the file is then left as it was).
    pub error: Option<String>,
}

/// What happens to one section: the entries deleted and the Mixpanel packages added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct SectionPlan {
    /// Per entry, whether it is deleted.
    deleted: Vec<bool>,
    adds: Vec<Add>,
}

/// A Mixpanel package added to a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Add {
    to: Mixpanel,
    /// The first entry of its kind that goes: the package takes its place.
    going: Option<usize>,
    /// The first entry of its kind that stays while migrated code needs the package: it goes
    /// beside that one.
    staying: Option<usize>,
}

/// Plans the swaps of one package.json, given what the files it answers for do with its
/// dependencies. `Err` when the text is not valid JSON (the file is left and reported).
pub fn plan(text: &str, usage: &Usage, versions: &Versions) -> Result<Outcome, String> {
    let before = parse(text)?;
    let Some(sections) = sections(text) else {
        return Ok(Outcome {
            error: Some("internal: cannot read its dependency sections".into()),
            ..Outcome::default()
        });
    };
    let (plans, mut findings) = decide(&sections, usage, versions);
    let mut edits = Vec::new();
    for (s, p) in sections.iter().zip(&plans) {
        edits.extend(section_edits(text, s, p, versions));
    }
    findings.sort_by_key(|f| f.range.start);
    let index = LineIndex::new(text);
    let mut out = Outcome {
        findings: findings
            .into_iter()
            .map(|f| locate(&index, text, f))
            .collect(),
        ..Outcome::default()
    };
    if edits.is_empty() {
        return Ok(out);
    }
    let (edits, rejected) = edit::sort_and_split(edits);
    let output = edit::apply(text, &edits);
    let intended = intended(before, &sections, &plans, versions);
    let verdict = if !rejected.is_empty() {
        Err("internal: overlapping edits were planned")
    } else {
        match parse(&output) {
            Err(_) => Err("internal: the edited file would not be valid JSON"),
            Ok(after) if after != intended => {
                Err("internal: the edit would change more than the planned dependencies")
            }
            Ok(_) => Ok(()),
        }
    };
    match verdict {
        Ok(()) => out.output = (output != text).then_some(output),
        Err(why) => {
            out.error = Some(format!("{why}; the file was left unchanged"));
            for f in &mut out.findings {
                if f.finding.fixable {
                    f.finding.fixable = false;
                    f.finding.message += " (not applied: the edit failed its check)";
                }
            }
        }
    }
    Ok(out)
}

fn locate(index: &LineIndex, text: &str, finding: Finding) -> Located {
    let (line, column) = index.position(text, finding.range.start);
    let (end_line, end_column) = index.position(text, finding.range.end);
    Located {
        line,
        column,
        end_line,
        end_column,
        finding,
    }
}

/// Decides what each section loses and gains, with one finding per Amplitude entry.
/// `dependencies` sections go first, so the other sections see what they gained.
fn decide(
    sections: &[Section],
    usage: &Usage,
    versions: &Versions,
) -> (Vec<SectionPlan>, Vec<Finding>) {
    let is_deps = |s: &Section| s.name == "dependencies";
    let present_in = |s: &Section| -> BTreeSet<Mixpanel> {
        s.entries
            .iter()
            .filter_map(|e| Mixpanel::named(&e.name))
            .collect()
    };
    let mut in_deps: BTreeSet<Mixpanel> = sections
        .iter()
        .filter(|s| is_deps(s))
        .flat_map(present_in)
        .collect();
    let mut order: Vec<usize> = (0..sections.len()).collect();
    order.sort_by_key(|&i| !is_deps(&sections[i]));
    let mut plans: Vec<SectionPlan> = sections
        .iter()
        .map(|s| SectionPlan {
            deleted: vec![false; s.entries.len()],
            adds: Vec::new(),
        })
        .collect();
    let mut findings = Vec::new();
    let none = EntryUse::default();
    for si in order {
        let s = &sections[si];
        let plan = &mut plans[si];
        let mut kinds: BTreeMap<Mixpanel, Add> = BTreeMap::new();
        for (i, e) in s.entries.iter().enumerate() {
            let Some((swap, _)) = swap(&e.name) else {
                continue;
            };
            let u = usage.get(&e.name).unwrap_or(&none);
            let kept = matches!(swap, Swap::Manual(_)) || u.kept();
            plan.deleted[i] = !kept;
            if let Swap::To(to) = swap {
                let add = kinds.entry(to).or_insert(Add {
                    to,
                    going: None,
                    staying: None,
                });
                if !kept {
                    add.going.get_or_insert(i);
                } else if !u.migrated.is_empty() {
                    add.staying.get_or_insert(i);
                }
            }
        }
        let mut present = present_in(s);
        if !is_deps(s) {
            present.extend(in_deps.iter().copied());
        }
        for add in kinds.into_values() {
            if (add.going.is_some() || add.staying.is_some()) && present.insert(add.to) {
                if is_deps(s) {
                    in_deps.insert(add.to);
                }
                plan.adds.push(add);
            }
        }
        for (i, e) in s.entries.iter().enumerate() {
            let Some((swap, uses)) = swap(&e.name) else {
                continue;
            };
            let name = &e.name;
            let deleted = plan.deleted[i];
            let message = match swap {
                Swap::Manual(why) => format!("`{name}` dependency: {why}"),
                _ if !deleted => {
                    let u = usage.get(name).unwrap_or(&none);
                    let mut m = stays_message(name, uses, u);
                    let beside = plan.adds.iter().find(|a| a.staying == Some(i));
                    if let Some(a) = beside.filter(|a| a.going.is_none()) {
                        m += &format!(
                            " (`{}@{}` is added beside it: the migrated code imports it)",
                            a.to.package(),
                            versions.of(a.to)
                        );
                    }
                    m
                }
                Swap::Drop(why) => format!("`{name}` dependency: removed ({why})"),
                Swap::To(to) => match plan.adds.iter().find(|a| a.to == to) {
                    Some(a) if a.going == Some(i) => format!(
                        "`{name}` dependency: becomes `{}@{}`",
                        to.package(),
                        versions.of(to)
                    ),
                    Some(_) => format!(
                        "`{name}` dependency: removed (`{}` takes its place)",
                        to.package()
                    ),
                    None => format!(
                        "`{name}` dependency: removed (`{}` is already a dependency)",
                        to.package()
                    ),
                },
            };
            findings.push(Finding {
                range: e.key.clone(),
                rule: rule::DEPENDENCY,
                subject: name.clone(),
                message,
                fixable: deleted,
                note: None,
            });
        }
    }
    (plans, findings)
}

/// "`amplitude-js` stays: 3 imports of it are left in src/a.js, src/b.js (+1 more); run amp2mp
/// again once they are migrated".
fn stays_message(name: &str, uses: &str, b: &EntryUse) -> String {
    let it = if uses == name {
        "it".to_string()
    } else {
        format!("`{uses}`")
    };
    let mut parts = Vec::new();
    let imports: usize = b.imports.iter().map(|(_, n)| n).sum();
    if imports > 0 {
        let files: Vec<&str> = b.imports.iter().map(|(f, _)| f.as_str()).collect();
        parts.push(format!(
            "{imports} {} of {it} {} left in {}",
            plural(imports, "import", "imports"),
            plural(imports, "is", "are"),
            file_list(&files)
        ));
    }
    if !b.named.is_empty() {
        let files: Vec<&str> = b.named.iter().map(String::as_str).collect();
        parts.push(format!(
            "{} still {} {it} outside an import amp2mp migrates (a re-export, a dynamic import, a mock)",
            file_list(&files),
            plural(files.len(), "names", "name"),
        ));
    }
    if !b.unanalysed.is_empty() {
        let files: Vec<&str> = b.unanalysed.iter().map(String::as_str).collect();
        parts.push(format!(
            "{} {} {it} but {} not migrated",
            file_list(&files),
            plural(files.len(), "mentions", "mention"),
            plural(files.len(), "was", "were"),
        ));
    }
    let them = plural(
        imports + b.named.len() + b.unanalysed.len(),
        "it is",
        "they are",
    );
    format!(
        "`{name}` stays: {}; run amp2mp again once {them} migrated",
        parts.join(", and ")
    )
}

/// `a, b (+3 more)`.
fn file_list(files: &[&str]) -> String {
    const SHOWN: usize = 2;
    let mut s = files
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if files.len() > SHOWN {
        s += &format!(" (+{} more)", files.len() - SHOWN);
    }
    s
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The JSON value the edits must give: `before` with the planned entries removed and added.
fn intended(
    mut v: Value,
    sections: &[Section],
    plans: &[SectionPlan],
    versions: &Versions,
) -> Value {
    for (s, p) in sections.iter().zip(plans) {
        let Some(obj) = v.get_mut(&s.name).and_then(Value::as_object_mut) else {
            continue;
        };
        for (e, deleted) in s.entries.iter().zip(&p.deleted) {
            if *deleted {
                obj.remove(&e.name);
            }
        }
        for a in &p.adds {
            obj.insert(
                a.to.package().to_string(),
                Value::String(versions.of(a.to).to_string()),
            );
        }
    }
    v
}

// ---------------------------------------------------------------------------------------------
// Editing the text.

fn json_string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn line_start(b: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1)
}

/// The end of the line holding `at`, after its line break.
fn line_end(b: &[u8], at: usize) -> usize {
    memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i + 1)
}

fn blank(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

fn skip_hws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// Where an entry ends: after its comma when the comma is on the value's line.
fn entry_end(b: &[u8], e: &Member) -> Option<usize> {
    match e.comma {
        Some(c) if !b[e.value.end..c].contains(&b'\n') => Some(c + 1),
        Some(_) => None,
        None => Some(e.value.end),
    }
}

/// Whether the entry has its line(s) to itself (with its comma, if any).
fn own_line(b: &[u8], e: &Member) -> bool {
    let Some(end) = entry_end(b, e) else {
        return false;
    };
    let prefix = &b[line_start(b, e.key.start)..e.key.start];
    let rest = &b[end..line_end(b, end)];
    blank(prefix) && blank(rest)
}

/// The bytes to delete to remove entry `e` (and its comma), when it is not last or is alone.
fn deletion(b: &[u8], e: &Member) -> Range<usize> {
    match (own_line(b, e), e.comma) {
        (true, _) => {
            let end = entry_end(b, e).unwrap_or(e.value.end);
            line_start(b, e.key.start)..line_end(b, end)
        }
        (false, Some(c)) => e.key.start..skip_hws(b, c + 1),
        (false, None) => e.key.start..e.value.end,
    }
}

/// The edits for one section. A package added takes the place of the first entry of its kind
/// that goes, except in a sorted section, where it goes to its sorted place; one added beside
/// an entry that stays goes after it (or at its sorted place).
fn section_edits(text: &str, s: &Section, p: &SectionPlan, versions: &Versions) -> Vec<Edit> {
    let b = text.as_bytes();
    let entries = &s.entries;
    let Some(last) = entries.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut gone = p.deleted.clone();
    let sorted = entries.windows(2).all(|w| w[0].name <= w[1].name);
    let any_left = gone.iter().any(|g| !g);
    let mut edits = Vec::new();
    let mut placed = Vec::new();
    for a in &p.adds {
        match a.going {
            Some(g) if !sorted || !any_left => {
                gone[g] = false;
                let e = &entries[g];
                edits.push(Edit::new(e.key.clone(), json_string(a.to.package())));
                edits.push(Edit::new(e.value.clone(), json_string(versions.of(a.to))));
            }
            _ => placed.push(*a),
        }
    }
    let left: Vec<usize> = (0..=last).filter(|&i| !gone[i]).collect();
    // What separates entries sharing a line: `, ` or `,`.
    let gap = entries
        .windows(2)
        .find_map(|w| {
            let g = text.get(w[0].comma? + 1..w[1].key.start)?;
            (!g.contains('\n')).then_some(g)
        })
        .unwrap_or(" ");
    let mut before: BTreeMap<usize, Vec<Mixpanel>> = BTreeMap::new();
    let mut after: Vec<Mixpanel> = Vec::new();
    for a in placed {
        let next = if sorted {
            left.iter()
                .copied()
                .find(|&i| entries[i].name.as_str() > a.to.package())
        } else {
            let beside = a.staying.or(a.going).unwrap_or(last);
            left.iter().copied().find(|&i| i > beside)
        };
        match next {
            Some(i) => before.entry(i).or_default().push(a.to),
            None => after.push(a.to),
        }
    }
    for (i, mut adds) in before {
        adds.sort_by_key(|m| m.package());
        let e = &entries[i];
        let new: Vec<String> = adds
            .iter()
            .map(|m| new_entry(text, e, *m, versions))
            .collect();
        if own_line(b, e) {
            let (indent, nl) = (indent(text, e), newline(b, e));
            let lines: String = new.iter().map(|n| format!("{indent}{n},{nl}")).collect();
            edits.push(Edit::insert(line_start(b, e.key.start), lines));
        } else {
            let inline: String = new.iter().map(|n| format!("{n},{gap}")).collect();
            edits.push(Edit::insert(e.key.start, inline));
        }
    }
    if let (false, Some(&k)) = (after.is_empty(), left.last()) {
        after.sort_by_key(|m| m.package());
        let e = &entries[k];
        let sep = if own_line(b, e) {
            format!("{}{}", newline(b, e), indent(text, e))
        } else {
            gap.to_string()
        };
        let appended: String = after
            .iter()
            .map(|m| format!(",{sep}{}", new_entry(text, e, *m, versions)))
            .collect();
        edits.push(Edit::insert(e.value.end, appended));
    }
    let mut deletions: Vec<Range<usize>> = (0..=last)
        .filter(|&i| gone[i])
        .map(|i| deletion(b, &entries[i]))
        .collect();
    // When the last entry goes, the one left last loses its comma.
    if let (true, Some(&k)) = (gone[last], left.last()) {
        if let Some(c) = entries[k].comma {
            deletions.push(if own_line(b, &entries[last]) {
                c..c + 1
            } else {
                c..entries[last].value.end
            });
        }
    }
    edits.extend(merge(deletions).into_iter().map(Edit::delete));
    edits
}

/// `"mixpanel-browser": "^2.83.0"`, spaced like `like`.
fn new_entry(text: &str, like: &Member, m: Mixpanel, versions: &Versions) -> String {
    let sep = &text[like.key.end..like.value.start];
    format!(
        "{}{sep}{}",
        json_string(m.package()),
        json_string(versions.of(m))
    )
}

/// The indentation of the line where `e` starts.
fn indent<'t>(text: &'t str, e: &Member) -> &'t str {
    &text[line_start(text.as_bytes(), e.key.start)..e.key.start]
}

/// The line break of the line where `e` ends.
fn newline(b: &[u8], e: &Member) -> &'static str {
    let end = line_end(b, e.value.end);
    if end >= 2 && b[end - 2] == b'\r' {
        "\r\n"
    } else {
        "\n"
    }
}

/// Sorted ranges, overlapping or touching ones joined.
fn merge(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(prev) if r.start <= prev.end => prev.end = prev.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text after planning with no file keeping anything.
    fn swapped(text: &str) -> String {
        let out = plan(text, &Usage::new(), &Versions::default()).unwrap();
        assert_eq!(out.error, None);
        let new = out.output.expect("an edit");
        // A second run has nothing left to do.
        let again = plan(&new, &Usage::new(), &Versions::default()).unwrap();
        assert_eq!(again.output, None, "second run on:\n{new}");
        new
    }

    fn messages(text: &str, usage: &Usage) -> Vec<(usize, usize, String, bool)> {
        let out = plan(text, usage, &Versions::default()).unwrap();
        out.findings
            .into_iter()
            .map(|f| (f.line, f.column, f.finding.message, f.finding.fixable))
            .collect()
    }

    #[test]
    fn the_version_table_follows_the_enum() {
        for (i, (m, name, _)) in MIXPANEL_PACKAGES.iter().enumerate() {
            assert_eq!(*m as usize, i);
            assert_eq!(Mixpanel::named(name), Some(*m));
        }
        let mut v = Versions::default();
        assert_eq!(v.of(Mixpanel::Browser), "^2.83.0");
        assert_eq!(v.of(Mixpanel::Node), "^0.24.0");
        assert_eq!(v.of(Mixpanel::ReactNative), "^3.8.0");
        v.set(Mixpanel::Node, "~0.24.1");
        assert_eq!(v.of(Mixpanel::Node), "~0.24.1");
    }

    #[test]
    fn rules_follow_the_reference() {
        let to = |n| swap(n).map(|(s, _)| s);
        assert_eq!(to("amplitude-js"), Some(Swap::To(Mixpanel::Browser)));
        for n in [
            "@amplitude/analytics-browser",
            "@amplitude/unified",
            "@amplitude/analytics-core",
            "@amplitude/analytics-types",
            "@amplitude/analytics-client-common",
            "@amplitude/plugin-session-replay-browser",
            "@amplitude/plugin-page-view-tracking-browser",
        ] {
            assert_eq!(to(n), Some(Swap::To(Mixpanel::Browser)), "{n}");
        }
        for n in [
            "@amplitude/analytics-node",
            "@amplitude/node",
            "@amplitude/identify",
            "@amplitude/types",
        ] {
            assert_eq!(to(n), Some(Swap::To(Mixpanel::Node)), "{n}");
        }
        for n in [
            "@amplitude/analytics-react-native",
            "@amplitude/react-native",
        ] {
            assert_eq!(to(n), Some(Swap::To(Mixpanel::ReactNative)), "{n}");
        }
        for n in [
            "@amplitude/react-amplitude",
            "react-amplitude",
            "@amplitude/ampli",
            "@amplitude/experiment-js-client",
        ] {
            assert!(matches!(to(n), Some(Swap::Manual(_))), "{n}");
        }
        assert_eq!(
            swap("@types/amplitude-js").map(|(_, u)| u),
            Some("amplitude-js")
        );
        assert_eq!(to("amplitude"), None);
        assert_eq!(to("mixpanel-browser"), None);
        assert_eq!(to("@types/react"), None);
    }

    #[test]
    fn replaced_in_place_in_an_unsorted_section() {
        let src = "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"react\": \"^18.0.0\",\n    \"amplitude-js\": \"^8.21.0\",\n    \"axios\": \"^1.0.0\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"react\": \"^18.0.0\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"axios\": \"^1.0.0\"\n  }\n}\n"
        );
        assert_eq!(
            messages(src, &Usage::new()),
            [(
                5,
                5,
                "`amplitude-js` dependency: becomes `mixpanel-browser@^2.83.0`".to_string(),
                true
            )]
        );
    }

    #[test]
    fn a_sorted_section_gets_the_package_at_its_sorted_place() {
        let src = "{\n  \"dependencies\": {\n    \"@amplitude/analytics-browser\": \"^2.11.0\",\n    \"axios\": \"^1.0.0\",\n    \"react\": \"^18.0.0\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"axios\": \"^1.0.0\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"react\": \"^18.0.0\"\n  }\n}\n"
        );
        // At the end: the entry before it gains a comma.
        let src = "{\n  \"dependencies\": {\n    \"amplitude-js\": \"8\",\n    \"axios\": \"1\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"axios\": \"1\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
        // At the end, where the last entry was the one that goes.
        let src = "{\n  \"dependencies\": {\n    \"@angular/core\": \"17\",\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"@angular/core\": \"17\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
    }

    #[test]
    fn further_packages_of_a_kind_are_deleted_and_the_last_comma_fixed() {
        let src = "{\n  \"dependencies\": {\n    \"react\": \"18\",\n    \"@amplitude/analytics-browser\": \"2\",\n    \"zod\": \"3\",\n    \"@amplitude/plugin-session-replay-browser\": \"1\",\n    \"@amplitude/analytics-types\": \"2\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"react\": \"18\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"zod\": \"3\"\n  }\n}\n"
        );
        let msgs: Vec<String> = messages(src, &Usage::new())
            .into_iter()
            .map(|m| m.2)
            .collect();
        assert_eq!(
            msgs,
            [
                "`@amplitude/analytics-browser` dependency: becomes `mixpanel-browser@^2.83.0`",
                "`@amplitude/plugin-session-replay-browser` dependency: removed (`mixpanel-browser` takes its place)",
                "`@amplitude/analytics-types` dependency: removed (`mixpanel-browser` takes its place)",
            ]
        );
    }

    #[test]
    fn types_are_removed_and_nothing_added() {
        let src = "{\n  \"devDependencies\": {\n    \"typescript\": \"5\",\n    \"@types/amplitude-js\": \"^8.16.0\"\n  }\n}";
        assert_eq!(
            swapped(src),
            "{\n  \"devDependencies\": {\n    \"typescript\": \"5\"\n  }\n}"
        );
        assert_eq!(
            messages(src, &Usage::new())[0].2,
            "`@types/amplitude-js` dependency: removed (mixpanel-browser ships its own types)"
        );
        // The only entry: the section stays, empty.
        let src = "{\n  \"devDependencies\": {\n    \"@types/amplitude-js\": \"^8.16.0\"\n  }\n}\n";
        assert_eq!(swapped(src), "{\n  \"devDependencies\": {\n  }\n}\n");
    }

    #[test]
    fn crlf_survives() {
        let src = "{\r\n  \"dependencies\": {\r\n    \"@amplitude/analytics-browser\": \"2\",\r\n    \"amplitude-js\": \"8\",\r\n    \"axios\": \"1\"\r\n  }\r\n}\r\n";
        assert_eq!(
            swapped(src),
            "{\r\n  \"dependencies\": {\r\n    \"axios\": \"1\",\r\n    \"mixpanel-browser\": \"^2.83.0\"\r\n  }\r\n}\r\n"
        );
        let src = "{\r\n  \"dependencies\": {\r\n    \"b\": \"1\",\r\n    \"amplitude-js\": \"8\"\r\n  },\r\n  \"devDependencies\": {\r\n    \"b\": \"1\",\r\n    \"@types/amplitude-js\": \"8\"\r\n  }\r\n}";
        assert_eq!(
            swapped(src),
            "{\r\n  \"dependencies\": {\r\n    \"b\": \"1\",\r\n    \"mixpanel-browser\": \"^2.83.0\"\r\n  },\r\n  \"devDependencies\": {\r\n    \"b\": \"1\"\r\n  }\r\n}"
        );
    }

    #[test]
    fn four_spaces_and_tabs_survive() {
        let src = "{\n    \"dependencies\": {\n        \"amplitude-js\":\"8\",\n        \"axios\":\"1\"\n    }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n    \"dependencies\": {\n        \"axios\":\"1\",\n        \"mixpanel-browser\":\"^2.83.0\"\n    }\n}\n"
        );
        let src = "{\n\t\"dependencies\": {\n\t\t\"zod\": \"3\",\n\t\t\"amplitude-js\": \"8\",\n\t\t\"@types/amplitude-js\": \"8\"\n\t}\n}\n";
        assert_eq!(
            swapped(src),
            "{\n\t\"dependencies\": {\n\t\t\"zod\": \"3\",\n\t\t\"mixpanel-browser\": \"^2.83.0\"\n\t}\n}\n"
        );
    }

    #[test]
    fn no_final_newline_and_bom_survive() {
        let src = "\u{feff}{\n  \"dependencies\": {\n    \"z\": \"1\",\n    \"amplitude-js\": \"8\"\n  }\n}";
        assert_eq!(
            swapped(src),
            "\u{feff}{\n  \"dependencies\": {\n    \"z\": \"1\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}"
        );
    }

    #[test]
    fn a_present_mixpanel_package_is_not_added_again() {
        let src = "{\n  \"dependencies\": {\n    \"amplitude-js\": \"8\",\n    \"mixpanel-browser\": \"^2.70.0\",\n    \"react\": \"18\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"29\",\n    \"@amplitude/analytics-browser\": \"2\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"mixpanel-browser\": \"^2.70.0\",\n    \"react\": \"18\"\n  },\n  \"devDependencies\": {\n    \"jest\": \"29\"\n  }\n}\n"
        );
        // Added to dependencies by this run: devDependencies does not get it too.
        let src = "{\n  \"devDependencies\": {\n    \"z\": \"1\",\n    \"@amplitude/analytics-browser\": \"2\"\n  },\n  \"dependencies\": {\n    \"z\": \"1\",\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"devDependencies\": {\n    \"z\": \"1\"\n  },\n  \"dependencies\": {\n    \"z\": \"1\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
        // A library's peer and dev dependencies each get it.
        let src = "{\n  \"peerDependencies\": {\n    \"amplitude-js\": \"8\"\n  },\n  \"devDependencies\": {\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"peerDependencies\": {\n    \"mixpanel-browser\": \"^2.83.0\"\n  },\n  \"devDependencies\": {\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
    }

    #[test]
    fn each_kind_gets_its_package() {
        let src = "{\n  \"dependencies\": {\n    \"@amplitude/node\": \"1\",\n    \"zz\": \"1\",\n    \"@amplitude/analytics-react-native\": \"1\",\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"mixpanel\": \"^0.24.0\",\n    \"zz\": \"1\",\n    \"mixpanel-react-native\": \"^3.8.0\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
        // Sorted: all three at their places, the ones at the end in order.
        let src = "{\n  \"dependencies\": {\n    \"@amplitude/analytics-react-native\": \"1\",\n    \"@amplitude/node\": \"1\",\n    \"amplitude-js\": \"8\",\n    \"lodash\": \"4\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"dependencies\": {\n    \"lodash\": \"4\",\n    \"mixpanel\": \"^0.24.0\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"mixpanel-react-native\": \"^3.8.0\"\n  }\n}\n"
        );
    }

    #[test]
    fn entries_sharing_a_line_are_edited_in_place() {
        let src = "{\"name\":\"x\",\"dependencies\":{\"a\":\"1\",\"amplitude-js\":\"8\",\"@types/amplitude-js\":\"8\"}}";
        assert_eq!(
            swapped(src),
            "{\"name\":\"x\",\"dependencies\":{\"a\":\"1\",\"mixpanel-browser\":\"^2.83.0\"}}"
        );
        let src = "{ \"dependencies\": { \"@types/amplitude-js\": \"8\", \"a\": \"1\" } }";
        assert_eq!(swapped(src), "{ \"dependencies\": { \"a\": \"1\" } }");
        let src = "{ \"dependencies\": { \"a\": \"1\", \"@types/amplitude-js\": \"8\" } }";
        assert_eq!(swapped(src), "{ \"dependencies\": { \"a\": \"1\" } }");
        let src = "{\"dependencies\": {\"a\": \"1\", \"amplitude-js\": \"8\"}}";
        assert_eq!(
            swapped(src),
            "{\"dependencies\": {\"a\": \"1\", \"mixpanel-browser\": \"^2.83.0\"}}"
        );
        let src = "{\"dependencies\": {\"amplitude-js\": \"8\", \"z\": \"1\"}}";
        assert_eq!(
            swapped(src),
            "{\"dependencies\": {\"mixpanel-browser\": \"^2.83.0\", \"z\": \"1\"}}"
        );
        let src = "{ \"dependencies\": { \"@types/amplitude-js\": \"8\" } }";
        assert_eq!(swapped(src), "{ \"dependencies\": {  } }");
    }

    #[test]
    fn a_package_still_imported_stays_with_a_note() {
        let src = "{\n  \"dependencies\": {\n    \"amplitude-js\": \"8\"\n  },\n  \"devDependencies\": {\n    \"@types/amplitude-js\": \"8\"\n  }\n}\n";
        let blockers = EntryUse {
            imports: vec![
                ("src/a.js".into(), 1),
                ("src/b.js".into(), 1),
                ("src/c.js".into(), 1),
            ],
            ..EntryUse::default()
        };
        let usage = Usage::from([
            ("amplitude-js".to_string(), blockers.clone()),
            ("@types/amplitude-js".to_string(), blockers),
        ]);
        let out = plan(src, &usage, &Versions::default()).unwrap();
        assert_eq!(out.output, None);
        assert_eq!(
            messages(src, &usage),
            [
                (3, 5, "`amplitude-js` stays: 3 imports of it are left in src/a.js, src/b.js (+1 more); run amp2mp again once they are migrated".to_string(), false),
                (6, 5, "`@types/amplitude-js` stays: 3 imports of `amplitude-js` are left in src/a.js, src/b.js (+1 more); run amp2mp again once they are migrated".to_string(), false),
            ]
        );
        let usage = Usage::from([(
            "amplitude-js".to_string(),
            EntryUse {
                imports: vec![("src/a.js".into(), 1)],
                unanalysed: vec!["src/big.js".into()],
                ..EntryUse::default()
            },
        )]);
        assert_eq!(
            messages(src, &usage)[0].2,
            "`amplitude-js` stays: 1 import of it is left in src/a.js, and src/big.js mentions it but was not migrated; run amp2mp again once they are migrated"
        );
    }

    #[test]
    fn packages_without_counterpart_are_reported_not_edited() {
        let src = "{\n  \"dependencies\": {\n    \"react-amplitude\": \"0.1\"\n  },\n  \"devDependencies\": {\n    \"@amplitude/ampli\": \"1\"\n  }\n}\n";
        let out = plan(src, &Usage::new(), &Versions::default()).unwrap();
        assert_eq!(out.output, None);
        let found: Vec<(&str, bool)> = out
            .findings
            .iter()
            .map(|f| (f.finding.subject.as_str(), f.finding.fixable))
            .collect();
        assert_eq!(
            found,
            [("react-amplitude", false), ("@amplitude/ampli", false)]
        );
        assert!(
            out.findings[0].finding.message.contains("migrate")
                || out.findings[0].finding.message.contains("by hand")
        );
    }

    #[test]
    fn invalid_json_is_refused() {
        let err = plan(
            "{\"dependencies\": {\"amplitude-js\": \"8\",}}",
            &Usage::new(),
            &Versions::default(),
        )
        .unwrap_err();
        assert!(err.starts_with("not valid JSON ("), "{err}");
        assert!(declared("{ // amplitude-js\n}").is_err());
    }

    #[test]
    fn other_members_and_odd_values_are_left_alone() {
        let src = "{\n  \"scripts\": { \"amplitude-js\": \"echo }\" },\n  \"dependencies\": {\n    \"x\": { \"amplitude-js\": [1, \"]\"] },\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        assert_eq!(
            swapped(src),
            "{\n  \"scripts\": { \"amplitude-js\": \"echo }\" },\n  \"dependencies\": {\n    \"x\": { \"amplitude-js\": [1, \"]\"] },\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n"
        );
        assert_eq!(declared(src).unwrap(), ["amplitude-js"]);
        // Escaped key spelling is still the package.
        let src = "{\"dependencies\": {\"amplitude\\u002djs\": \"8\"}}";
        assert_eq!(
            swapped(src),
            "{\"dependencies\": {\"mixpanel-browser\": \"^2.83.0\"}}"
        );
    }

    #[test]
    fn no_input_makes_it_panic() {
        let samples = [
            "{\r\n\t\"dependencies\": {\r\n\t\t\"amplitude-js\": \"8\",\r\n\t\t\"z\": [1, {\"a\": \"\\\"}\"}]\r\n\t}\r\n}",
            "\u{feff}{\"devDependencies\":{\"@types/amplitude-js\":\"8\",\"é\":\"ü\",\"@amplitude/node\":1e3}}",
            "[\"amplitude-js\"]",
            "\"amplitude-js\"",
        ];
        let usage = Usage::from([(
            "@amplitude/node".to_string(),
            EntryUse {
                migrated: vec!["a.js".into()],
                named: vec!["a.js".into()],
                ..EntryUse::default()
            },
        )]);
        for src in samples {
            for cut in 0..=src.len() {
                let Some(prefix) = src.get(..cut) else {
                    continue;
                };
                let _ = plan(prefix, &Usage::new(), &Versions::default());
                let _ = plan(prefix, &usage, &Versions::default());
                let _ = declared(prefix);
                let mut dropped = src.as_bytes().to_vec();
                dropped.remove(cut.min(src.len() - 1));
                if let Ok(text) = String::from_utf8(dropped) {
                    let _ = plan(&text, &Usage::new(), &Versions::default());
                    let _ = declared(&text);
                }
            }
            let out = plan(src, &Usage::new(), &Versions::default());
            if let Ok(out) = out {
                assert_eq!(out.error, None, "{src}");
            }
        }
        assert!(declared("[\"amplitude-js\"]").unwrap().is_empty());
    }

    #[test]
    fn a_check_failure_leaves_the_file() {
        // Duplicate keys: the parsed value cannot match what the edit means, so nothing is written.
        let src = "{\n  \"dependencies\": {\n    \"a\": \"1\",\n    \"amplitude-js\": \"8\",\n    \"a\": \"2\"\n  },\n  \"dependencies\": {\n    \"a\": \"1\"\n  }\n}\n";
        let out = plan(src, &Usage::new(), &Versions::default()).unwrap();
        assert_eq!(out.output, None);
        assert!(out.error.is_some());
        assert!(out.findings.iter().all(|f| !f.finding.fixable));
    }

    #[test]
    fn uses_belong_to_the_nearest_package_json_declaring_the_package() {
        let manifests = [
            (
                "package.json",
                vec![
                    "@types/amplitude-js".to_string(),
                    "amplitude-js".to_string(),
                ],
            ),
            (
                "packages/web/package.json",
                vec!["amplitude-js".to_string()],
            ),
        ];
        let file = |display: &str, module: &str| FileUse {
            display: display.into(),
            imports: BTreeMap::from([(module.to_string(), 1)]),
            ..FileUse::default()
        };
        let files = [
            file("packages/web/src/a.js", "amplitude-js"),
            file("packages/web/src/b.js", "amplitude-js/lib/x"),
            file("tools/c.js", "@amplitude/analytics-browser"),
        ];
        let usage = assign(&manifests, &files);
        // The web package's imports keep its own amplitude-js, and the root's type stubs.
        assert_eq!(usage[0].get("amplitude-js"), None);
        assert_eq!(
            usage[0]["@types/amplitude-js"].imports,
            [
                ("packages/web/src/a.js".to_string(), 1),
                ("packages/web/src/b.js".to_string(), 1)
            ]
        );
        assert_eq!(usage[1]["amplitude-js"].imports.len(), 2);
        // An unanalysed file keeps what it mentions, or everything when unreadable.
        let skipped = |mentions| FileUse {
            display: "packages/web/x.js".into(),
            unanalysed: true,
            mentions,
            ..FileUse::default()
        };
        let usage = assign(
            &manifests,
            &[skipped(mentions(
                b"require('./node_modules/amplitude-js/x')",
            ))],
        );
        assert_eq!(usage[1]["amplitude-js"].unanalysed, ["packages/web/x.js"]);
        let usage = assign(&manifests, &[skipped(mentions(b"amplitude.getInstance()"))]);
        assert!(usage.iter().all(|u| u.is_empty()));
        let usage = assign(&manifests, &[skipped(None)]);
        assert!(usage[1].contains_key("amplitude-js"));
        assert!(usage[0].contains_key("@types/amplitude-js"));
    }

    #[test]
    fn file_uses_come_from_findings_left() {
        let finding = |subject: &str, fixable| Located {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            finding: Finding {
                range: 0..0,
                rule: rule::IMPORT,
                subject: subject.into(),
                message: String::new(),
                fixable,
                note: None,
            },
        };
        assert_eq!(
            FileUse::new(
                "a.js",
                &[finding("amplitude-js", true)],
                false,
                None,
                BTreeSet::new(),
                &BTreeSet::new()
            ),
            None
        );
        let u = FileUse::new(
            "a.js",
            &[
                finding("amplitude-js", false),
                finding("amplitude-js", false),
            ],
            false,
            None,
            BTreeSet::new(),
            &BTreeSet::new(),
        )
        .unwrap();
        assert_eq!(u.imports_of("amplitude-js"), 2);
        assert_eq!(u.imports_of("amplitude"), 0);
        assert!(!u.may_use("amplitude-js"));
        // A rewrite that starts importing mixpanel-browser.
        let u = FileUse::new(
            "a.js",
            &[finding("amplitude-js", true)],
            false,
            None,
            added_imports(
                "import a from 'amplitude-js';",
                "import mixpanel from 'mixpanel-browser';",
            ),
            &BTreeSet::new(),
        )
        .unwrap();
        assert_eq!(u.adds, BTreeSet::from([Mixpanel::Browser]));
        // A module name left in the text, outside any import amp2mp reads.
        let names = quoted_modules("export * from 'amplitude-js/lib/x';\njest.mock(\"@amplitude/node\");\n// amplitude-js\nconst a = 'react-amplitude-x';\n");
        assert_eq!(
            names.iter().map(String::as_str).collect::<Vec<_>>(),
            ["@amplitude/node", "amplitude-js/lib/x", "react-amplitude-x"]
        );
        let u = FileUse::new("a.js", &[], false, None, BTreeSet::new(), &names).unwrap();
        assert!(u.names_module("amplitude-js") && u.names_module("@amplitude/node"));
        assert!(!u.names_module("react-amplitude"));
        let usage = assign(&[("package.json", vec!["amplitude-js".to_string()])], &[u]);
        assert_eq!(usage[0]["amplitude-js"].named, ["a.js"]);
        let src = "{\"dependencies\": {\"amplitude-js\": \"8\"}}";
        assert_eq!(
            messages(src, &usage[0])[0].2,
            "`amplitude-js` stays: a.js still names it outside an import amp2mp migrates (a re-export, a dynamic import, a mock); run amp2mp again once it is migrated"
        );
    }

    #[test]
    fn added_imports_are_quoted_module_names_new_to_the_file() {
        let added = |old, new| added_imports(old, new).into_iter().collect::<Vec<_>>();
        assert_eq!(added("", "require(\"mixpanel\")"), [Mixpanel::Node]);
        assert_eq!(
            added("", "import m from `mixpanel-browser/src/x`"),
            [Mixpanel::Browser]
        );
        assert_eq!(added("'mixpanel-browser'", "'mixpanel-browser'"), []);
        assert_eq!(added("", "// mixpanel-browser"), []);
    }

    #[test]
    fn migrated_code_gets_its_package_beside_one_that_stays() {
        let usage = |name: &str| {
            Usage::from([(
                name.to_string(),
                EntryUse {
                    imports: vec![("src/a.js".into(), 1)],
                    migrated: vec!["src/a.js".into(), "src/b.js".into()],
                    ..EntryUse::default()
                },
            )])
        };
        let run = |src: &str, u: &Usage| {
            let out = plan(src, u, &Versions::default()).unwrap();
            assert_eq!(out.error, None);
            let findings: Vec<String> = out
                .findings
                .into_iter()
                .map(|f| f.finding.message)
                .collect();
            (out.output, findings)
        };
        // Unsorted: on the line after it.
        let src = "{\n  \"dependencies\": {\n    \"zod\": \"3\",\n    \"amplitude-js\": \"8\",\n    \"axios\": \"1\"\n  }\n}\n";
        let (out, findings) = run(src, &usage("amplitude-js"));
        assert_eq!(
            out.as_deref(),
            Some("{\n  \"dependencies\": {\n    \"zod\": \"3\",\n    \"amplitude-js\": \"8\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"axios\": \"1\"\n  }\n}\n")
        );
        assert_eq!(
            findings,
            ["`amplitude-js` stays: 1 import of it is left in src/a.js; run amp2mp again once it is migrated (`mixpanel-browser@^2.83.0` is added beside it: the migrated code imports it)"]
        );
        // Last and unsorted: it gains a comma.
        let src =
            "{\n  \"dependencies\": {\n    \"zod\": \"3\",\n    \"amplitude-js\": \"8\"\n  }\n}\n";
        let (out, _) = run(src, &usage("amplitude-js"));
        assert_eq!(
            out.as_deref(),
            Some("{\n  \"dependencies\": {\n    \"zod\": \"3\",\n    \"amplitude-js\": \"8\",\n    \"mixpanel-browser\": \"^2.83.0\"\n  }\n}\n")
        );
        // Sorted: at its sorted place.
        let src = "{\n  \"dependencies\": {\n    \"amplitude-js\": \"8\",\n    \"react\": \"18\"\n  }\n}\n";
        let (out, _) = run(src, &usage("amplitude-js"));
        assert_eq!(
            out.as_deref(),
            Some("{\n  \"dependencies\": {\n    \"amplitude-js\": \"8\",\n    \"mixpanel-browser\": \"^2.83.0\",\n    \"react\": \"18\"\n  }\n}\n")
        );
        // Already there: nothing to add. Type stubs never add anything.
        let src = "{\"dependencies\": {\"amplitude-js\": \"8\", \"mixpanel-browser\": \"2\"}}";
        assert_eq!(run(src, &usage("amplitude-js")).0, None);
        let src = "{\"devDependencies\": {\"@types/amplitude-js\": \"8\"}}";
        assert_eq!(run(src, &usage("@types/amplitude-js")).0, None);
        // One line: inline.
        let src = "{\"dependencies\": {\"amplitude-js\": \"8\", \"@types/amplitude-js\": \"8\"}}";
        let mut u = usage("amplitude-js");
        u.insert("@types/amplitude-js".into(), u["amplitude-js"].clone());
        assert_eq!(
            run(src, &u).0.as_deref(),
            Some("{\"dependencies\": {\"amplitude-js\": \"8\", \"mixpanel-browser\": \"^2.83.0\", \"@types/amplitude-js\": \"8\"}}")
        );
    }
}
