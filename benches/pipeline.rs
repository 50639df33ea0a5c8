//! Pipeline benchmark (`cargo bench`): median wall time of each stage on this machine.
//!
//! A plain harness instead of criterion keeps the dependency tree (and the 2-core build) small;
//! it repeats each case and prints the median and the range.

use std::path::Path;
use std::time::Instant;

use kommunebench::cli::Format;
use kommunebench::Timings;

fn measure(name: &str, runs: usize, mut f: impl FnMut()) {
    f(); // warm-up
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "{name:<55} median {:>8.3} s   min {:>8.3} s   max {:>8.3} s   ({runs} runs)",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = root.join("config/kommunebench.toml");
    let model = root.join("config/model-example.toml");
    println!(
        "kommunebench pipeline benchmark ({} threads)",
        rayon::current_num_threads()
    );

    measure(
        "load + compute incl. confidence sets, default config (supplied, 1,000 draws)",
        10,
        || {
            kommunebench::load(&default).unwrap();
        },
    );
    measure(
        "load + model fit + confidence sets (1,000 draws), all groups/periods",
        10,
        || {
            kommunebench::load(&model).unwrap();
        },
    );
    // Typst memoizes (comemo) within a process, so in-process repeats of the same document are
    // warm. The figures that matter for a user are cold: a fresh process per run, as the CLI is used.
    let bin = env!("CARGO_BIN_EXE_kommunebench");
    let dir = std::env::temp_dir().join(format!("kommunebench-bench-{}", std::process::id()));
    let out = dir.to_str().unwrap().to_string();
    let cli = |args: &[&str]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    measure(
        "CLI: one appendix (--kommune 183 --format pdf), cold process",
        10,
        || {
            cli(&[
                "build",
                "--out",
                &out,
                "--force",
                "--kommune",
                "183",
                "--format",
                "pdf",
            ]);
        },
    );
    measure(
        "CLI: one municipality, page + appendix + national",
        10,
        || {
            cli(&["build", "--out", &out, "--force", "--kommune", "183"]);
        },
    );
    measure("CLI: all HTML (98 pages + national + data)", 5, || {
        cli(&["build", "--out", &out, "--force", "--format", "html"]);
    });
    measure(
        "CLI: full default build (98 pages + 98 PDFs + national)",
        5,
        || {
            cli(&["build", "--out", &out, "--force"]);
        },
    );
    let project = kommunebench::load(&default).unwrap();
    measure(
        "in-process, warm Typst cache: full render in memory",
        3,
        || {
            kommunebench::render(
                &project,
                None,
                Format::All,
                &mut Timings::default(),
                &kommunebench::progress::Silent,
            )
            .unwrap();
        },
    );
    let _ = std::fs::remove_dir_all(&dir);
}
