//! The command line: clap definitions, where each flag's doc comment is its `--help` text, and
//! the exit codes, defined once here and printed in `--help`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit codes, in one place.
pub mod exit {
    /// Success; for `check`, nothing found.
    pub const OK: u8 = 0;
    /// `check` found Amplitude use.
    pub const FOUND: u8 = 1;
    /// Usage error, or a file failed (I/O error, refused or failed write, parse failure).
    pub const ERROR: u8 = 2;
}

const AFTER_HELP: &str = "\
Exit codes:
  0  success (for check: no Amplitude use found)
  1  check found Amplitude use
  2  usage error, or a file failed (I/O error, refused write); the other files are still processed

Examples:
  amp2mp diff                      show what would change under the current directory
  amp2mp diff src > m.patch && git apply m.patch
  amp2mp apply                     rewrite in place (refuses files with uncommitted changes)
  amp2mp check --format json       list every Amplitude use left, for CI
  amp2mp inventory --format csv    every tracked event, its call sites and property keys
  amp2mp check --format sarif > amp2mp.sarif";

/// Migrate JavaScript/TypeScript code from the Amplitude analytics SDKs to Mixpanel.
///
/// amp2mp finds calls on Amplitude clients (resolved from each file's imports, requires and
/// declarations, so look-alikes such as Firebase's logEvent are left alone), rewrites each to
/// its Mixpanel call, and reports every use it cannot rewrite with the reason.
#[derive(Parser, Debug)]
#[command(name = "amp2mp", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the rewrite as a unified diff (git apply-able); change nothing.
    Diff(RunArgs),
    /// Rewrite files in place; print a summary to stderr.
    Apply(ApplyArgs),
    /// Report every Amplitude use left; exit 1 if there is any.
    Check(CheckArgs),
    /// List every event name passed to an Amplitude tracking call, with its call sites and
    /// property keys (the data audit: decide which events to bring to Mixpanel).
    Inventory(InventoryArgs),
}

/// Options every command takes.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Files or directories to process [default: .]
    pub paths: Vec<PathBuf>,
    /// Number of files processed in parallel [default: number of cores]
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Also process files that .gitignore and .ignore exclude (node_modules and .git stay skipped)
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this many bytes, with a warning
    #[arg(long, value_name = "BYTES", default_value_t = 5 * 1024 * 1024)]
    pub max_file_size: u64,
    /// When to color the output
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub color: Color,
    /// Read the team's choices from this file [default: ./amp2mp.toml when present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Also write files that have uncommitted changes in their git work tree
    #[arg(long)]
    pub allow_dirty: bool,
    /// Write a Markdown migration report for the pull request to this file
    #[arg(long, value_name = "FILE.md")]
    pub report: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Args, Debug, Clone)]
pub struct InventoryArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = InventoryFormat::Table)]
    pub format: InventoryFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    /// Color when the output is a terminal
    Auto,
    Always,
    Never,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    /// For people: `path:line:column: rule: message`, the source line and a caret underline
    /// per finding; the total on stderr
    Text,
    /// One JSON object: {"findings": [...], "summary": {...}}
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions annotations: one `::error` (left for a person) or `::warning` (rewritten
    /// by apply) command per finding
    Github,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryFormat {
    /// Aligned columns for a terminal: event, kind, calls, keys, first location
    Table,
    /// One JSON object: {"events": [...], "summary": {...}}, every location included
    Json,
    /// RFC 4180 CSV, one row per event; keys and locations joined with `;`
    Csv,
    /// A Markdown table for a pull request or an issue, every location included
    Markdown,
}

impl Color {
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            Color::Auto => anstream::ColorChoice::Auto,
            Color::Always => anstream::ColorChoice::Always,
            Color::Never => anstream::ColorChoice::Never,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid_and_help_lists_exit_codes() {
        Cli::command().debug_assert();
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Exit codes:"));
    }
}
