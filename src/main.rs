//! The `amp2mp` binary: parse the command line, run, exit with the code `app::run` returns.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = amp2mp::cli::Cli::parse();
    std::process::ExitCode::from(amp2mp::app::run(cli))
}
