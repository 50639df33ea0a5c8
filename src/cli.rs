//! Command-line interface (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turns Danish municipal employment benchmark data into committee-ready HTML and PDF reports.
#[derive(Debug, Parser)]
#[command(name = "kommunebench", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load, compute and render the site, data files and PDF appendices.
    Build {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
        /// The output folder (replaced atomically).
        #[arg(long, default_value = "site")]
        out: PathBuf,
        /// Replace an output folder that kommunebench did not write.
        #[arg(long)]
        force: bool,
        /// Only this municipality's page and appendix (plus the national pages).
        #[arg(long, value_name = "KOMMUNEKODE")]
        kommune: Option<u16>,
        /// Which reports to render.
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// No progress on stderr (without a terminal, progress is plain lines anyway).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Validate the config and data without writing anything, and print a summary.
    Check {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
    },
    /// Build in memory and serve the site on 127.0.0.1; rebuild and reload open pages on every
    /// change of the config, an input file or a template; show errors in the page.
    Serve {
        /// The config file.
        #[arg(long, default_value = "config/kommunebench.toml")]
        config: PathBuf,
        /// The port (0 = any free port; the address is printed).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in the browser.
        #[arg(long)]
        open: bool,
    },
    /// Print the JSON schema of the config file (for editors: Taplo / Even Better TOML read a
    /// `#:schema` line), as committed in `config/kommunebench.schema.json`.
    Schema,
    /// Write the built-in templates to a folder, to start a `templates-dir` from.
    InitTemplates {
        /// The folder to write to (must not contain the template files yet).
        dir: PathBuf,
    },
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// HTML pages only (plus data files).
    Html,
    /// PDF appendices only (plus data files).
    Pdf,
    /// Word files only (the agenda item, plus data files).
    Word,
    /// HTML, PDF and Word.
    All,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
