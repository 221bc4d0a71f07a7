; ES module imports, one match per binding they introduce. `@import` is the whole statement,
; `@source` the module name without quotes. A statement with no binding (`import 'x'`) matches
; only the last pattern.

(import_statement
  (import_clause (identifier) @default)
  source: (string (string_fragment) @source)) @import

(import_statement
  (import_clause (namespace_import (identifier) @namespace))
  source: (string (string_fragment) @source)) @import

(import_statement
  (import_clause
    (named_imports
      (import_specifier name: (_) @imported alias: (identifier)? @alias) @specifier))
  source: (string (string_fragment) @source)) @import

(import_statement
  source: (string (string_fragment) @source)) @import
