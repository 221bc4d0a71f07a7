; CommonJS `require` bound to a name or destructured: `const a = require('x')`,
; `const { track, init: ampInit } = require('x')`. `@declarator` is the variable declarator.

(variable_declarator
  name: (identifier) @default
  value: (call_expression
    function: (identifier) @require (#eq? @require "require")
    arguments: (arguments . (string (string_fragment) @source) .))) @declarator

(variable_declarator
  name: (object_pattern
    [
      (shorthand_property_identifier_pattern) @imported
      (pair_pattern key: (property_identifier) @imported value: (identifier) @alias)
    ] @specifier)
  value: (call_expression
    function: (identifier) @require (#eq? @require "require")
    arguments: (arguments . (string (string_fragment) @source) .))) @declarator

; Lazy loads bound to a name: `const a = await require('x')`, `const a = await import('x')`,
; `const { default: a, track } = await import('x')`. `@lazy` is the awaited load.

(variable_declarator
  name: (identifier) @default
  value: (await_expression
    (call_expression
      function: [(identifier) @require (import)]
      arguments: (arguments . (string (string_fragment) @source) .)) @lazy)) @declarator

(variable_declarator
  name: (object_pattern
    [
      (shorthand_property_identifier_pattern) @imported
      (pair_pattern key: (property_identifier) @imported value: (identifier) @alias)
    ] @specifier)
  value: (await_expression
    (call_expression
      function: [(identifier) @require (import)]
      arguments: (arguments . (string (string_fragment) @source) .)) @lazy)) @declarator
