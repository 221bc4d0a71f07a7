//! Languages amp2mp parses: which grammar (or, for markup, which host format) a file extension
//! selects, the grammar handles, and one reusable parser per thread and language (parsers are
//! not `Sync`, and creating one per file would cost more than the small files it parses).

use std::cell::RefCell;
use std::path::Path;
use tree_sitter::{Language, Parser, Tree};

/// A grammar amp2mp parses with. JavaScript covers JSX too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    JavaScript,
    TypeScript,
    Tsx,
}

impl Lang {
    /// All languages, in a fixed order (used to index per-language tables).
    pub const ALL: [Lang; 3] = [Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

    /// The language for a file name, by extension; `None` for files amp2mp does not handle.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        match ext {
            "js" | "jsx" | "mjs" | "cjs" => Some(Lang::JavaScript),
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" => Some(Lang::Tsx),
            _ => None,
        }
    }

    /// The grammar for a `<script>` block's `lang` attribute value (`ts`, `typescript`, `tsx`,
    /// `js`, `jsx`, …), case-insensitive; `None` for a language amp2mp does not parse.
    pub fn from_lang_attribute(value: &str) -> Option<Lang> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "js" | "javascript" | "jsx" | "mjs" | "cjs" => Some(Lang::JavaScript),
            "ts" | "typescript" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" => Some(Lang::Tsx),
            _ => None,
        }
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> Language {
        match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// Position in [`Lang::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A markup format whose `<script>` blocks hold the code (see `embedded.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Markup {
    Vue,
    Svelte,
    Html,
}

/// What a file holds: a script in one grammar, or markup with `<script>` blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Script(Lang),
    Markup(Markup),
}

impl Kind {
    /// The kind for a file name, by extension: the script extensions of [`Lang::from_path`],
    /// `.vue`, `.svelte`, `.html` and `.htm`; `None` for files amp2mp does not handle.
    pub fn from_path(path: &Path) -> Option<Kind> {
        if let Some(lang) = Lang::from_path(path) {
            return Some(Kind::Script(lang));
        }
        match path.extension()?.to_str()? {
            "vue" => Some(Kind::Markup(Markup::Vue)),
            "svelte" => Some(Kind::Markup(Markup::Svelte)),
            "html" | "htm" => Some(Kind::Markup(Markup::Html)),
            _ => None,
        }
    }
}

thread_local! {
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parses `source` with this thread's parser for `lang`. `None` only if tree-sitter gives up
/// (it does not for any input with the default options; callers report it as a failure).
pub fn parse(lang: Lang, source: &str) -> Option<Tree> {
    parse_with(lang, source, None)
}

/// Parses `source` again, reusing `old`: a tree of the previous text already edited with
/// [`Tree::edit`] for every change, so tree-sitter re-parses only what changed.
pub fn reparse(lang: Lang, source: &str, old: &Tree) -> Option<Tree> {
    parse_with(lang, source, Some(old))
}

fn parse_with(lang: Lang, source: &str, old: Option<&Tree>) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let slot = &mut parsers[lang.index()];
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&lang.grammar()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(source, old)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_select_grammars() {
        for (name, lang) in [
            ("a.js", Some(Lang::JavaScript)),
            ("a.jsx", Some(Lang::JavaScript)),
            ("a.mjs", Some(Lang::JavaScript)),
            ("a.cjs", Some(Lang::JavaScript)),
            ("a.ts", Some(Lang::TypeScript)),
            ("a.mts", Some(Lang::TypeScript)),
            ("a.cts", Some(Lang::TypeScript)),
            ("a.tsx", Some(Lang::Tsx)),
            ("a.d.ts", Some(Lang::TypeScript)),
            ("a.json", None),
            ("Makefile", None),
        ] {
            assert_eq!(Lang::from_path(Path::new(name)), lang, "{name}");
        }
    }

    #[test]
    fn markup_extensions_are_kinds_too() {
        for (name, kind) in [
            ("a.js", Some(Kind::Script(Lang::JavaScript))),
            ("a.tsx", Some(Kind::Script(Lang::Tsx))),
            ("App.vue", Some(Kind::Markup(Markup::Vue))),
            ("Card.svelte", Some(Kind::Markup(Markup::Svelte))),
            ("index.html", Some(Kind::Markup(Markup::Html))),
            ("old.htm", Some(Kind::Markup(Markup::Html))),
            ("a.json", None),
            ("a.VUE", None),
        ] {
            assert_eq!(Kind::from_path(Path::new(name)), kind, "{name}");
        }
        assert_eq!(Lang::from_lang_attribute("TS"), Some(Lang::TypeScript));
        assert_eq!(Lang::from_lang_attribute("tsx"), Some(Lang::Tsx));
        assert_eq!(Lang::from_lang_attribute(""), Some(Lang::JavaScript));
        assert_eq!(Lang::from_lang_attribute("coffee"), None);
    }

    #[test]
    fn every_grammar_parses_jsx_or_types() {
        let js = parse(Lang::JavaScript, "const a = <b c={d} />;").unwrap();
        assert!(!js.root_node().has_error());
        let ts = parse(Lang::TypeScript, "const a: number = 1 as number;").unwrap();
        assert!(!ts.root_node().has_error());
        let tsx = parse(Lang::Tsx, "const a = <B<T> c={d as E} />;").unwrap();
        assert!(!tsx.root_node().has_error());
    }
}
