//! The `kommunebench` binary: parse arguments, run, print the error chain, set the exit code.

use clap::Parser;

// Typst allocates heavily across rayon threads; mimalloc beats the system allocator there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use kommunebench::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            config,
            out,
            force,
            kommune,
            format,
            quiet,
        } => {
            let opts = kommunebench::BuildOptions {
                config,
                out,
                force,
                kommune,
                format,
                progress: kommunebench::progress::Style::detect(quiet),
            };
            kommunebench::build(&opts).map(|s| println!("{s}"))
        }
        Command::Check { config } => kommunebench::check(&config).map(|s| println!("{s}")),
        Command::Serve { config, port, open } => {
            kommunebench::serve::serve(&kommunebench::serve::ServeOptions { config, port, open })
        }
        Command::Schema => {
            println!("{}", kommunebench::config::schema());
            Ok(())
        }
        Command::Records { action, count } => {
            kommunebench::records::cli(action, *count).map(|s| println!("{s}"))
        }
        Command::InitTemplates { dir } => kommunebench::templates::init(&dir).map(|n| {
            println!("wrote {n} template files to {}", dir.display());
        }),
    };
    if let Err(err) = result {
        eprintln!("error: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(kommunebench::error::exit_code(&err));
    }
}
