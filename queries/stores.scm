; Places where a value is stored under a name, so that a stored Amplitude client can be followed:
; `const c = value`, `c = value`, `this.c = value`, and class fields `c = value`
; (`field_definition` in JavaScript, `public_field_definition` in TypeScript: matched by shape).
; `@this_member` is every `this.x` read, for clients kept in a field; `@static_member` every
; `Name.x` read, for clients kept in a static field (`Name` is checked to be the class).

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

(member_expression
  object: (identifier) @static_class
  property: (property_identifier) @static_field) @static_member
