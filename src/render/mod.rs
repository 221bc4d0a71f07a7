//! Rendering results for people and tools: the unified diff, `check`'s formats, `inventory`'s
//! formats, and the end-of-run summary. Pure functions from results to text; the caller writes
//! the text.

pub mod check;
pub mod diff;
pub mod inventory;
pub mod summary;
