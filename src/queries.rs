//! The tree-sitter queries in `queries/*.scm`, embedded at build time and compiled once per
//! language on first use. They are the only place that knows node kinds for matching; the Rust
//! code reads their named captures through [`Compiled::capture`].

use crate::lang::Lang;
use std::sync::OnceLock;
use tree_sitter::Query;

/// The query sources, by name.
pub const SOURCES: [(&str, &str); 5] = [
    ("imports", include_str!("../queries/imports.scm")),
    ("requires", include_str!("../queries/requires.scm")),
    ("calls", include_str!("../queries/calls.scm")),
    ("stores", include_str!("../queries/stores.scm")),
    ("exports", include_str!("../queries/exports.scm")),
];

/// One compiled query with its capture names looked up once.
pub struct Compiled {
    pub query: Query,
}

impl Compiled {
    fn new(lang: Lang, source: &str) -> Result<Compiled, tree_sitter::QueryError> {
        Ok(Compiled {
            query: Query::new(&lang.grammar(), source)?,
        })
    }

    /// The index of capture `name`; `u32::MAX` (never matched) if the query has no such capture.
    pub fn capture(&self, name: &str) -> u32 {
        self.query.capture_index_for_name(name).unwrap_or(u32::MAX)
    }
}

/// All queries for one language.
pub struct Queries {
    /// The five sources as one query, so one traversal of the tree finds every match (a
    /// query's cost is mostly its walk over the tree, whatever it matches). Only this one is
    /// compiled: compiling a query takes tens of milliseconds, which a small run notices.
    pub combined: Compiled,
    /// For each pattern of `combined`, which source (index into [`SOURCES`]) it comes from.
    pub part_of_pattern: Vec<u8>,
    /// The scope walk's reading of the grammar's node kinds.
    pub kinds: crate::scope::Kinds,
}

impl Queries {
    fn compile(lang: Lang) -> Result<Queries, String> {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (_, src) in SOURCES {
            starts.push(text.len());
            text += src;
            text.push('\n');
        }
        let combined = Compiled::new(lang, &text)
            .map_err(|e| format!("the combined queries for {lang:?}: {e}"))?;
        let part_of_pattern = (0..combined.query.pattern_count())
            .map(|p| {
                let at = combined.query.start_byte_for_pattern(p);
                starts.iter().rposition(|s| *s <= at).unwrap_or(0) as u8
            })
            .collect();
        Ok(Queries {
            combined,
            part_of_pattern,
            kinds: crate::scope::Kinds::new(&lang.grammar()),
        })
    }
}

static COMPILED: [OnceLock<Result<Queries, String>>; 3] =
    [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// The compiled queries for `lang`. The queries are compiled into the binary and a unit test
/// compiles each against every grammar, so the error arm is unreachable in a tested build; it
/// is still returned, not unwrapped, so a broken build reports instead of panicking.
pub fn for_lang(lang: Lang) -> Result<&'static Queries, &'static str> {
    COMPILED[lang.index()]
        .get_or_init(|| Queries::compile(lang))
        .as_ref()
        .map_err(|e| e.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_compiles_for_every_grammar() {
        for lang in Lang::ALL {
            for (name, src) in SOURCES {
                if let Err(e) = Query::new(&lang.grammar(), src) {
                    panic!("queries/{name}.scm does not compile for {lang:?}: {e}");
                }
            }
            assert!(for_lang(lang).is_ok());
        }
    }

    #[test]
    fn class_field_shape_matches_in_both_grammars() {
        use streaming_iterator::StreamingIterator;
        for (lang, src) in [
            (Lang::JavaScript, "class A { c = f(); }"),
            (Lang::TypeScript, "class A { private c: X = f(); }"),
            (Lang::Tsx, "class A { c = f(); }"),
        ] {
            let tree = crate::lang::parse(lang, src).unwrap();
            let q = &Compiled::new(lang, SOURCES[3].1).unwrap();
            let field = q.capture("field_definition");
            let mut cursor = tree_sitter::QueryCursor::new();
            let mut matches = cursor.matches(&q.query, tree.root_node(), src.as_bytes());
            let mut found = 0;
            while let Some(m) = matches.next() {
                found += m.captures().iter().filter(|c| c.index == field).count();
            }
            assert_eq!(found, 1, "{lang:?}");
        }
    }
}
