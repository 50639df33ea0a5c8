//! Helpers: paths, a small synthetic project in a temp folder, the CLI, a shared default build.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use kommunebench::compute::{National, Results, Row};
use kommunebench::keys::{GroupId, Kommunekode};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn default_config() -> PathBuf {
    repo().join("config/kommunebench.toml")
}

pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kommunebench"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("binary runs")
}

/// Builds `config` into `out` with `--format format`, asserting success.
pub fn build_format(config: &Path, out: &Path, format: &str) {
    let o = run(&[
        "build",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The default site, built once per test run (the full build is the expensive part).
pub fn default_site() -> &'static Path {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let o = run(&["build", "--out", out.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "default build failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        (dir, out)
    });
    out
}

/// A small synthetic project (labelled synthetic: invented municipalities and figures).
pub struct Project {
    pub dir: tempfile::TempDir,
}

pub const MUNICIPALITIES: &str = "kommunekode;kommune;region\n101;Alfa;Hovedstaden\n102;Beta;Sjælland\n103;Gamma;Syddanmark\n104;Delta;Midtjylland\n";

/// Rows: kommunekode;periode;gruppe;faktisk;forventet;befolkning (decimal comma).
pub fn benchmark_csv() -> String {
    let mut s = String::from("kommunekode;periode;gruppe;faktisk;forventet;befolkning\n");
    let data = [
        (101, 100.0, 90.0, 1000.0),
        (102, 220.0, 240.0, 2000.0),
        (103, 55.5, 50.0, 500.0),
        (104, 300.0, 300.0, 3000.0),
    ];
    for period in ["2021", "2022"] {
        for (code, act, exp, pop) in data {
            let bump = if period == "2022" { 5.0 } else { 0.0 };
            s.push_str(&format!(
                "{code};{period};kontanthjaelp;{};{};{}\n",
                fmt(act + bump),
                fmt(exp),
                fmt(pop)
            ));
        }
    }
    s
}

fn fmt(v: f64) -> String {
    format!("{v}").replace('.', ",")
}

pub const CONFIG: &str = r#"[report]
period = "2022"

[data]
municipalities = "kommuner.csv"

[[data.inputs]]
format = "csv"
path = "data.csv"
delimiter = ";"
decimal = "comma"
[data.inputs.columns]
kommunekode = "kommunekode"
period = "periode"
group = "gruppe"
actual = "faktisk"
expected = "forventet"
population = "befolkning"

[[groups]]
id = "kontanthjaelp"
label = "Kontanthjælp mv."

[ranking]
draws = 200
"#;

impl Project {
    pub fn new() -> Project {
        Project::with(CONFIG, MUNICIPALITIES, &benchmark_csv())
    }

    pub fn with(config: &str, municipalities: &str, data: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kommunebench.toml"), config).unwrap();
        std::fs::write(dir.path().join("kommuner.csv"), municipalities).unwrap();
        std::fs::write(dir.path().join("data.csv"), data).unwrap();
        Project { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("kommunebench.toml")
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Runs `kommunebench build` on this project into `out`, with extra arguments.
    pub fn build(&self, out: &Path, extra: &[&str]) -> Output {
        let cfg = self.config();
        let mut args = vec![
            "build",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    /// The error message of `load`, or panics if it succeeds.
    pub fn error(&self) -> String {
        match kommunebench::load(&self.config()) {
            Ok(_) => panic!("expected an error"),
            Err(e) => {
                assert!(
                    kommunebench::error::is_input_error(&e),
                    "not an input error: {e:#}"
                );
                e.to_string()
            }
        }
    }
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Lookups by the labels a test writes: the library itself only takes typed keys.
pub fn list<'a>(res: &'a Results, period: &str, group: &str) -> &'a [Row] {
    &res.list(&period.parse().unwrap(), &GroupId::from(group))
        .expect("list exists")
        .rows
}

pub fn row<'a>(res: &'a Results, period: &str, group: &str, code: u16) -> Option<&'a Row> {
    res.row(
        &period.parse().unwrap(),
        &GroupId::from(group),
        Kommunekode(code),
    )
}

pub fn national<'a>(res: &'a Results, period: &str, group: &str) -> &'a National {
    &res.list(&period.parse().unwrap(), &GroupId::from(group))
        .expect("list exists")
        .national
}

pub fn peers(res: &Results, period: &str, group: &str, code: u16) -> Vec<u16> {
    res.list(&period.parse().unwrap(), &GroupId::from(group))
        .expect("list exists")
        .peers_of(Kommunekode(code))
        .iter()
        .map(|p| p.kommunekode.get())
        .collect()
}
