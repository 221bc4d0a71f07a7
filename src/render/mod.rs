//! Rendering results for people and tools: the unified diff, `check`'s formats, `inventory`'s
//! formats, the end-of-run summary and `apply`'s Markdown report. Pure functions from results
//! to text; the caller writes the text.

pub mod check;
pub mod diff;
pub mod inventory;
pub mod report;
pub mod summary;
