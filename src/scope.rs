//! Lexical scopes of one syntax tree: which names each scope declares, and which identifiers
//! refer to a name of interest. This is what lets amp2mp tell the imported `amplitude` from a
//! parameter or local that shadows it. One iterative walk (no recursion, so deeply nested input
//! cannot overflow the stack); `var` and function declarations are hoisted to the enclosing
//! function, `let`/`const`/`class` bind in their block.

use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, Tree};

/// Node kinds that open a scope, and whether it is a function scope (`var` hoists to it).
const SCOPE_KINDS: [(&str, bool); 13] = [
    ("program", true),
    ("function_declaration", true),
    ("function_expression", true),
    ("function", true),
    ("generator_function_declaration", true),
    ("generator_function", true),
    ("arrow_function", true),
    ("method_definition", true),
    ("class_static_block", true),
    ("statement_block", false),
    ("for_statement", false),
    ("for_in_statement", false),
    ("catch_clause", false),
];

/// What a node kind means to the walk, as bits of [`Kinds`].
const SCOPE: u8 = 1;
const FUNCTION_SCOPE: u8 = 2;
const IMPORT: u8 = 4;
const VAR_DECLARATION: u8 = 8;
const DECLARATOR: u8 = 16;
/// A declaration whose name binds in the scope around it.
const NAMED_DECLARATION: u8 = 32;
/// An identifier that may read a name.
const READ: u8 = 64;

/// The walk's reading of each node kind of one grammar, by kind id, so the walk compares
/// numbers instead of kind names. Built once per grammar from the kind names the walk knows.
pub struct Kinds {
    bits: Vec<u8>,
}

impl Kinds {
    pub fn new(language: &tree_sitter::Language) -> Kinds {
        let bits = (0..language.node_kind_count())
            .map(|id| {
                let id = u16::try_from(id).unwrap_or(u16::MAX);
                language.node_kind_for_id(id).map_or(0, kind_bits)
            })
            .collect();
        Kinds { bits }
    }

    fn of(&self, node: Node) -> u8 {
        self.bits
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or(0)
    }
}

/// The bits of a kind name.
fn kind_bits(kind: &str) -> u8 {
    let mut bits = match scope_kind(kind) {
        Some(true) => SCOPE | FUNCTION_SCOPE,
        Some(false) => SCOPE,
        None => 0,
    };
    bits |= match kind {
        "import_statement" => IMPORT,
        "variable_declaration" => VAR_DECLARATION,
        "variable_declarator" => DECLARATOR,
        "function_declaration" | "generator_function_declaration" | "class_declaration" => {
            NAMED_DECLARATION
        }
        "identifier" | "shorthand_property_identifier" | "type_identifier" => READ,
        _ => 0,
    };
    bits
}

/// Where the walk stands when it visits a node.
#[derive(Clone, Copy)]
struct Visit {
    depth: usize,
    /// The parent is a `var` declaration.
    in_var: bool,
    in_import: bool,
}

/// Index of a scope in [`Scopes`].
pub type ScopeId = usize;

/// A name declared in a scope: the pair identifies a binding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    pub scope: ScopeId,
    pub name: String,
}

/// An identifier that reads one of the names of interest.
#[derive(Clone, Debug)]
pub struct Reference {
    pub name: String,
    pub scope: ScopeId,
    pub start: usize,
    pub end: usize,
    pub node_id: usize,
}

/// The scopes of a tree.
#[derive(Default)]
pub struct Scopes {
    parent: Vec<Option<ScopeId>>,
    declared: Vec<HashSet<String>>,
    by_node: HashMap<usize, ScopeId>,
    /// Identifier nodes that declare a name (never counted as references).
    declarations: HashSet<usize>,
    /// References to the names asked for, in source order.
    pub references: Vec<Reference>,
    /// The scope of each reference, by node id: resolving an identifier the walk met needs no
    /// walk up the tree (tree-sitter finds a node's parent by descending from the root).
    ref_scope: HashMap<usize, ScopeId>,
}

impl Scopes {
    /// Walks `tree`, recording every scope and declaration, and the references to `names`.
    pub fn build(tree: &Tree, source: &str, names: &HashSet<String>, kinds: &Kinds) -> Scopes {
        let mut scopes = Scopes::default();
        let mut stack: Vec<(usize, ScopeId, bool)> = Vec::new(); // (depth, scope, is_function)
                                                                 // For each depth from the root down: is the node there a `var` declaration?
        let mut var_decl: Vec<bool> = Vec::new();
        let mut cursor = tree.walk();
        let mut depth = 0usize;
        // Depth of the import statement being walked: its identifiers are not references.
        let mut import_depth: Option<usize> = None;
        loop {
            let node = cursor.node();
            let bits = kinds.of(node);
            while stack.last().is_some_and(|&(d, _, _)| d >= depth) {
                stack.pop();
            }
            if import_depth.is_some_and(|d| d >= depth) {
                import_depth = None;
            }
            if bits & IMPORT != 0 {
                import_depth = Some(depth);
            }
            var_decl.truncate(depth);
            let in_var = var_decl.last().copied().unwrap_or(false);
            var_decl.push(bits & VAR_DECLARATION != 0);
            let ctx = Visit {
                depth,
                in_var,
                in_import: import_depth.is_some(),
            };
            if bits != 0 {
                scopes.visit(node, bits, source, ctx, &mut stack, names);
            }
            if cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return scopes;
                }
                depth -= 1;
            }
        }
    }

    /// Visits a node whose kind has `bits` (not zero: other nodes need no visit).
    fn visit(
        &mut self,
        node: Node,
        bits: u8,
        source: &str,
        ctx: Visit,
        stack: &mut Vec<(usize, ScopeId, bool)>,
        names: &HashSet<String>,
    ) {
        let Visit {
            depth,
            in_var,
            in_import,
        } = ctx;
        let current = stack.last().map(|&(_, s, _)| s);
        // A declaration's name binds in the scope around it, not in its own.
        if bits & NAMED_DECLARATION != 0 {
            if let (Some(scope), Some(name)) = (current, node.child_by_field_name("name")) {
                self.declare(scope, name, source);
            }
        }
        if bits & SCOPE != 0 {
            let is_function = bits & FUNCTION_SCOPE != 0;
            let id = self.parent.len();
            self.parent.push(current);
            self.declared.push(HashSet::new());
            self.by_node.insert(node.id(), id);
            stack.push((depth, id, is_function));
            self.declare_own(node, id, source);
            return;
        }
        let Some(scope) = current else { return };
        match bits {
            DECLARATOR => {
                let target = if in_var {
                    stack.iter().rev().find(|e| e.2).map_or(scope, |e| e.1)
                } else {
                    scope
                };
                if let Some(pattern) = node.child_by_field_name("name") {
                    self.declare_pattern(target, pattern, source);
                }
            }
            IMPORT => self.declare_import(scope, node, source),
            READ if !in_import && !self.declarations.contains(&node.id()) => {
                let text = &source[node.byte_range()];
                if names.contains(text) {
                    self.ref_scope.insert(node.id(), scope);
                    self.references.push(Reference {
                        name: text.to_string(),
                        scope,
                        start: node.start_byte(),
                        end: node.end_byte(),
                        node_id: node.id(),
                    });
                }
            }
            _ => {}
        }
    }

    /// Names a scope node declares itself: parameters, a function expression's own name, the
    /// catch parameter, and the loop variable of `for (let x of …)`.
    fn declare_own(&mut self, node: Node, scope: ScopeId, source: &str) {
        match node.kind() {
            "function_expression" | "function" | "generator_function" => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.declare(scope, name, source);
                }
            }
            "catch_clause" => {
                if let Some(p) = node.child_by_field_name("parameter") {
                    self.declare_pattern(scope, p, source);
                }
            }
            "for_in_statement" if node.child_by_field_name("kind").is_some() => {
                if let Some(left) = node.child_by_field_name("left") {
                    self.declare_pattern(scope, left, source);
                }
            }
            _ => {}
        }
        if let Some(p) = node.child_by_field_name("parameter") {
            if node.kind() == "arrow_function" {
                self.declare_pattern(scope, p, source);
            }
        }
        if let Some(params) = node.child_by_field_name("parameters") {
            let mut c = params.walk();
            for p in params.named_children(&mut c) {
                self.declare_pattern(scope, p, source);
            }
        }
    }

    fn declare_import(&mut self, scope: ScopeId, node: Node, source: &str) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "import_specifier" => {
                    let local = n
                        .child_by_field_name("alias")
                        .or(n.child_by_field_name("name"));
                    if let Some(local) = local {
                        self.declare(scope, local, source);
                    }
                }
                "identifier" => self.declare(scope, n, source),
                "string" => {}
                _ => {
                    let mut c = n.walk();
                    stack.extend(n.named_children(&mut c));
                }
            }
        }
    }

    /// Declares every identifier a binding pattern binds (`a`, `{ a, b: c }`, `[d, ...e]`,
    /// `f = default`, TypeScript `g: T`), skipping default values and type annotations.
    fn declare_pattern(&mut self, scope: ScopeId, pattern: Node, source: &str) {
        let mut stack = vec![pattern];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    self.declare(scope, n, source)
                }
                "pair_pattern" => stack.extend(n.child_by_field_name("value")),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(n.child_by_field_name("left"))
                }
                "required_parameter" | "optional_parameter" => {
                    stack.extend(n.child_by_field_name("pattern"))
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    let mut c = n.walk();
                    stack.extend(n.named_children(&mut c));
                }
                _ => {}
            }
        }
    }

    fn declare(&mut self, scope: ScopeId, ident: Node, source: &str) {
        self.declarations.insert(ident.id());
        self.declared[scope].insert(source[ident.byte_range()].to_string());
    }

    /// The innermost scope around `node` (the program scope if nothing closer).
    pub fn scope_of(&self, node: Node) -> ScopeId {
        let mut n = node.parent();
        while let Some(p) = n {
            if let Some(&s) = self.by_node.get(&p.id()) {
                return s;
            }
            n = p.parent();
        }
        0
    }

    /// The scope a node opens, if it opens one.
    pub fn scope_opened_by(&self, node: Node) -> Option<ScopeId> {
        self.by_node.get(&node.id()).copied()
    }

    /// The binding `name` refers to when read in `scope`; `None` for a global.
    pub fn resolve(&self, name: &str, scope: ScopeId) -> Option<Binding> {
        let mut s = Some(scope);
        while let Some(id) = s {
            if self.declared.get(id).is_some_and(|d| d.contains(name)) {
                return Some(Binding {
                    scope: id,
                    name: name.to_string(),
                });
            }
            s = self.parent.get(id).copied().flatten();
        }
        None
    }

    /// Whether `node` is an identifier in a declaring position.
    pub fn is_declaration(&self, node: Node) -> bool {
        self.declarations.contains(&node.id())
    }

    /// Resolves an identifier node read where it stands.
    pub fn resolve_node(&self, ident: Node, source: &str) -> Option<Binding> {
        let scope = match self.ref_scope.get(&ident.id()) {
            Some(&s) => s,
            None => self.scope_of(ident),
        };
        self.resolve(&source[ident.byte_range()], scope)
    }
}

/// Whether nodes of `kind` open a scope, and if so whether it is a function scope.
fn scope_kind(kind: &str) -> Option<bool> {
    SCOPE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|&(_, function)| function)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{parse, Lang};

    fn refs(src: &str, name: &str) -> Vec<Option<ScopeId>> {
        let tree = parse(Lang::TypeScript, src).unwrap();
        let names: HashSet<String> = [name.to_string()].into();
        let s = Scopes::build(&tree, src, &names, &Kinds::new(&Lang::TypeScript.grammar()));
        s.references
            .iter()
            .map(|r| s.resolve(&r.name, r.scope).map(|b| b.scope))
            .collect()
    }

    #[test]
    fn import_binds_in_program_scope() {
        assert_eq!(refs("import a from 'x'; a.f();", "a"), vec![Some(0)]);
    }

    #[test]
    fn parameters_and_locals_shadow() {
        let r = refs(
            "import a from 'x'; function f(a: T) { a.g(); } const g = ({ a }) => a; { let a = 1; a; } a;",
            "a",
        );
        assert_eq!(r.len(), 4);
        assert_ne!(r[0], Some(0));
        assert_ne!(r[1], Some(0));
        assert_ne!(r[2], Some(0));
        assert_eq!(r[3], Some(0));
    }

    #[test]
    fn var_hoists_to_function_and_globals_resolve_to_none() {
        let r = refs("function f() { { var a = 1; } a; } a;", "a");
        assert_eq!(r.len(), 2);
        assert!(r[0].is_some());
        assert_eq!(r[1], None);
    }

    #[test]
    fn default_values_and_types_do_not_declare() {
        let r = refs("function f(x = a, y: typeof a) { return a; }", "a");
        assert_eq!(r, vec![None, None, None]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let src = format!("{}a{};", "(".repeat(10000), ")".repeat(10000));
        let tree = parse(Lang::JavaScript, &src).unwrap();
        let names: HashSet<String> = ["a".to_string()].into();
        let s = Scopes::build(
            &tree,
            &src,
            &names,
            &Kinds::new(&Lang::JavaScript.grammar()),
        );
        assert!(s.references.len() <= 1);
    }
}
