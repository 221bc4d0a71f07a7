; Places where a value is stored under a name, so that a stored Amplitude client can be followed:
; `const c = value`, `c = value`, `this.c = value`, and class fields `c = value`
; (`field_definition` in JavaScript, `public_field_definition` in TypeScript: matched by shape).
; `@this_member` is every `this.x` read, for clients kept in a field.

(variable_declarator
  name: (identifier) @name
  value: (_) @value) @declarator

(assignment_expression
  left: (identifier) @name
  right: (_) @value) @assignment

(assignment_expression
  left: (member_expression
    object: (this)
    property: (property_identifier) @field)
  right: (_) @value) @assignment

(class_body
  (_
    (property_identifier) @field
    "="
    (_) @value) @field_definition)

(member_expression
  object: (this)
  property: (property_identifier) @field) @this_member

(variable_declarator
  name: (identifier) @name
  !value) @declarator
