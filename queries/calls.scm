; Every call whose callee is a method (`recv.method(...)`, also `recv?.method(...)`) or a plain
; function (`fn(...)`), and every `new` expression. Rust decides which are Amplitude calls.

(call_expression
  function: (member_expression
    object: (_) @receiver
    property: (property_identifier) @method) @callee
  arguments: (arguments) @args) @call

(call_expression
  function: (identifier) @function @callee
  arguments: (arguments) @args) @call

(new_expression
  constructor: (_) @constructor) @new
