; What a module hands to others: every `export` statement (`@export`; Rust reads its
; declaration, value, clause and source), and every assignment to a member
; (`module.exports = c`, `exports.a = c`, `window.a = c`, `Vue.prototype.$a = c`,
; `app.config.globalProperties.$a = c`): `@slot` is the member written, `@slot_value` the value.

(export_statement) @export

(assignment_expression
  left: (member_expression) @slot
  right: (_) @slot_value) @slot_assignment
