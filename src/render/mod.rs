//! Rendering results for people and tools: the unified diff, `check`'s formats (text, JSON,
//! SARIF, GitHub annotations) with the rules they describe and the source lines they show,
//! `inventory`'s formats, the end-of-run summary and `apply`'s Markdown report. Pure functions
//! from results to text; the caller writes the text.

pub mod check;
pub mod diff;
pub mod github;
pub mod inventory;
pub mod report;
pub mod rules;
pub mod sarif;
pub mod source;
pub mod summary;
