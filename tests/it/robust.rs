//! Never lose a site, never crash: the output swap under interruption, the folders `--out` may
//! not replace, locks, hostile and impossible inputs, and a national build at 900 units.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::common::{self, benchmark_csv, Project, CONFIG, MUNICIPALITIES};

fn build_with_env(p: &Project, out: &Path, extra: &[&str], env: (&str, &str)) -> Output {
    let cfg = p.config();
    Command::new(env!("CARGO_BIN_EXE_kommunebench"))
        .args(["build", "--config", cfg.to_str().unwrap(), "--out"])
        .arg(out)
        .args(extra)
        .env(env.0, env.1)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Hidden siblings an interrupted build may leave (the lock file aside).
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let mut v: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")) && !n.ends_with(".lock"))
        .collect();
    v.sort();
    v
}

fn html_site(p: &Project) -> PathBuf {
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

#[test]
fn a_kill_after_the_exchange_leaves_the_new_site_and_the_next_build_cleans_up() {
    let p = Project::new();
    let out = html_site(&p);
    let o = build_with_env(
        &p,
        &out,
        &["--format", "html"],
        ("KOMMUNEBENCH_FAILPOINT", "after-exchange"),
    );
    assert!(!o.status.success());
    assert!(out.join("index.html").exists(), "a site is in place");
    assert_eq!(leftovers(&out).len(), 1, "the previous site is left aside");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_kill_between_the_two_renames_is_recovered_by_the_next_build() {
    let p = Project::new();
    let out = html_site(&p);
    let before = common::files(&out);
    let o = build_with_env(
        &p,
        &out,
        &["--format", "html"],
        ("KOMMUNEBENCH_FAILPOINT", "between-renames"),
    );
    assert!(!o.status.success());
    assert!(
        !out.exists(),
        "the fallback swap was interrupted between its renames"
    );
    // The next build, even one that then fails, first puts the previous site back.
    std::fs::write(p.dir.path().join("data.csv"), "junk").unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("restored the previous site"),
        "{}",
        stderr(&o)
    );
    assert_eq!(common::files(&out), before);
    assert!(leftovers(&out).is_empty());
}

#[test]
fn leftovers_of_any_process_id_are_cleaned_up() {
    let p = Project::new();
    let out = html_site(&p);
    for stale in [".site.staging-1", ".site.old-4242"] {
        let d = p.dir.path().join(stale);
        std::fs::create_dir_all(d.join("kommune")).unwrap();
        std::fs::write(d.join("kommune/x.html"), "stale").unwrap();
    }
    let o = build_with_env(
        &p,
        &out,
        &["--format", "html"],
        ("KOMMUNEBENCH_FAILPOINT", "after-staging"),
    );
    assert!(!o.status.success());
    assert!(out.join("index.html").exists());
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
}

#[test]
fn a_second_build_into_the_same_folder_is_refused_while_the_first_holds_the_lock() {
    let p = Project::new();
    let out = html_site(&p);
    let lock = std::fs::File::open(p.dir.path().join(".site.lock")).unwrap();
    lock.try_lock().unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("another kommunebench build is writing this folder"),
        "{}",
        stderr(&o)
    );
    lock.unlock().unwrap();
    assert!(p.build(&out, &["--format", "html"]).status.success());
}

#[test]
fn a_symlinked_out_stays_a_symlink_and_its_target_gets_the_site() {
    let p = Project::new();
    let target = p.dir.path().join("real-site");
    std::fs::create_dir(&target).unwrap();
    let link = p.dir.path().join("site");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for _ in 0..2 {
        let o = p.build(&link, &["--format", "html"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        assert!(target.join("index.html").exists());
    }
}

#[test]
fn out_may_never_hold_the_inputs_nor_be_the_working_folder_or_the_root() {
    let p = Project::new();
    let dir = p.dir.path();
    // The project folder holds the config and the data.
    let o = p.build(dir, &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("refusing to replace a folder that holds"),
        "{}",
        stderr(&o)
    );
    assert!(p.config().exists());
    let o = p.build(Path::new("/"), &["--force"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("root folder"), "{}", stderr(&o));
    // The working folder (and so its parents).
    let work = dir.join("work");
    std::fs::create_dir(&work).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_kommunebench"))
        .args(["build", "--force", "--config"])
        .arg(p.config())
        .args(["--out", "."])
        .current_dir(&work)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("current folder"), "{}", stderr(&o));
}

#[test]
fn an_out_that_cannot_be_created_fails_before_any_rendering() {
    let p = Project::new();
    let file = p.dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = p.build(&file.join("site"), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("cannot create its parent folder"), "{err}");
}

#[test]
fn an_old_site_with_a_read_only_subfolder_is_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    let out = html_site(&p);
    std::fs::set_permissions(out.join("kommune"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(leftovers(&out).is_empty());
}

#[test]
fn draws_and_other_counts_are_bounded() {
    let p = Project::with(
        &CONFIG.replace("draws = 200", "draws = 4294967295"),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    assert!(
        p.error().contains("ranking.draws: expected at most 10000"),
        "{}",
        p.error()
    );
}

fn with_line(line: usize, new: &str) -> String {
    let mut lines: Vec<String> = benchmark_csv().lines().map(String::from).collect();
    lines[line - 1] = new.to_string();
    lines.join("\n") + "\n"
}

#[test]
fn impossible_numbers_are_errors_with_their_place() {
    let cases = [
        (
            "101;2022;kontanthjaelp;100000000000000000000;90;1000",
            "actual count is 100000000000000000000",
        ),
        (
            "101;2022;kontanthjaelp;2000;90;1000",
            "actual count 2000 is larger than the population",
        ),
    ];
    for (line, expected) in cases {
        let p = Project::with(CONFIG, MUNICIPALITIES, &with_line(6, line));
        let err = p.error();
        assert!(
            err.starts_with(&format!("{}:6: ", p.path("data.csv"))),
            "{err}"
        );
        assert!(err.contains(expected), "{err}");
    }
}

#[test]
fn shares_and_gaps_outside_their_range_are_errors() {
    let cfg = CONFIG.replace(
        "expected = \"forventet\"",
        "expected = \"forventet\"\nactual-share = \"andel\"\ngap-pp = \"pp\"",
    );
    let data = "kommunekode;periode;gruppe;faktisk;forventet;befolkning;andel;pp\n101;2022;kontanthjaelp;10;9;1000;150;0,1\n";
    let p = Project::with(&cfg, MUNICIPALITIES, data);
    assert!(
        p.error()
            .contains("actual share is 150; expected a percentage from 0 to 100"),
        "{}",
        p.error()
    );
    let data = "kommunekode;periode;gruppe;faktisk;forventet;befolkning;andel;pp\n101;2022;kontanthjaelp;10;9;1000;1;1000\n";
    let p = Project::with(&cfg, MUNICIPALITIES, data);
    assert!(
        p.error().contains("gap in percentage points is 1000"),
        "{}",
        p.error()
    );
}

#[test]
fn a_klynge_with_an_unknown_kommunekode_names_its_line() {
    let cfg = format!(
        "{CONFIG}\n[comparison]\nkind = \"klynge\"\n[comparison.klynger]\nStorby = [101, 999]\n"
    );
    let p = Project::with(&cfg, MUNICIPALITIES, &benchmark_csv());
    let err = p.error();
    assert!(
        err.contains("kommunebench.toml:30:10: comparison.klynger.Storby: kommunekode 999 is not in the municipality list"),
        "{err}"
    );
}

#[test]
fn a_huge_junk_line_is_quoted_only_in_part() {
    let p = Project::with(CONFIG, MUNICIPALITIES, &"x".repeat(5_000_000));
    let err = p.error();
    assert!(err.len() < 2_000, "{} characters", err.len());
}

#[test]
fn names_the_pdf_font_cannot_show_are_caught_when_loading() {
    let munis = MUNICIPALITIES.replace("Gamma", "東京");
    let p = Project::with(CONFIG, &munis, &benchmark_csv());
    let err = p.error();
    assert!(
        err.starts_with(&format!("{}:4: ", p.path("kommuner.csv"))),
        "{err}"
    );
    assert!(err.contains("U+6771"), "{err}");
    let munis = MUNICIPALITIES.replace("Gamma", &"G".repeat(300));
    let p = Project::with(CONFIG, &munis, &benchmark_csv());
    assert!(p.error().contains("300 characters long"), "{}", p.error());
}

#[test]
fn a_json_input_with_a_byte_order_mark_is_read() {
    let src = common::repo().join("fixtures/jobindsats/Y30R21-2020-2022.jsonl");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(src).unwrap());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("y.jsonl"), bytes).unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "\u{feff}[report]\nperiod = \"2022QMAT04\"\n[[data.inputs]]\nformat = \"jobindsats-json\"\npath = \"y.jsonl\"\n[ranking]\ndraws = 0\n",
    )
    .unwrap();
    let p = kommunebench::load(&dir.path().join("c.toml")).unwrap();
    assert_eq!(
        common::row(&p.results, "2022QMAT04", "i-alt", 183)
            .unwrap()
            .rank,
        80
    );
}

/// A workbook whose single sheet claims the whole Excel grid: cells at A1 and XFD1048576.
#[test]
fn a_workbook_declaring_a_huge_sheet_is_refused() {
    let p = Project::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "kommunekode").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(p.dir.path().join("huge.xlsx")).unwrap();
    let cfg = "[report]\nperiod = \"2022\"\n[data]\nmunicipalities = \"kommuner.csv\"\n[[data.inputs]]\nformat = \"xlsx\"\npath = \"huge.xlsx\"\n[data.inputs.columns]\nkommunekode = \"kommunekode\"\nperiod = \"p\"\ngroup = \"g\"\n";
    std::fs::write(p.config(), cfg).unwrap();
    assert!(
        p.error().contains("columns; at most 1000 are read"),
        "{}",
        p.error()
    );
}

/// A workbook whose shared-string table declares billions of entries (the reader would reserve
/// room for them all).
#[test]
fn a_workbook_declaring_billions_of_strings_is_refused() {
    use std::io::{Read, Write};
    let p = Project::new();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .write_string(0, 0, "kommunekode")
        .unwrap();
    let good = wb.save_to_buffer().unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(good)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            data = String::from_utf8(data)
                .unwrap()
                .replace("uniqueCount=\"1\"", "uniqueCount=\"4000000000\"")
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(
        p.dir.path().join("sst.xlsx"),
        out.finish().unwrap().into_inner(),
    )
    .unwrap();
    let cfg = "[report]\nperiod = \"2022\"\n[data]\nmunicipalities = \"kommuner.csv\"\n[[data.inputs]]\nformat = \"xlsx\"\npath = \"sst.xlsx\"\n[data.inputs.columns]\nkommunekode = \"kommunekode\"\nperiod = \"p\"\ngroup = \"g\"\n";
    std::fs::write(p.config(), cfg).unwrap();
    assert!(
        p.error().contains("declares 4000000000 shared strings"),
        "{}",
        p.error()
    );
}

#[test]
fn the_potential_is_priced_in_tables_data_and_a_sentence() {
    let cfg = format!("{CONFIG}\n[presentation]\ncost-per-person = 400000\n");
    let p = Project::with(&cfg, MUNICIPALITIES, &benchmark_csv());
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("data/results.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",potential_mkr"));
    // 101 in 2022: actual 105, expected 90 → gap 15 persons × 400.000 kr. = 6 mio. kr.
    let line = csv
        .lines()
        .find(|l| l.starts_with("2022,kontanthjaelp,101,"))
        .unwrap();
    assert!(line.ends_with(",6"), "{line}");
    let page = std::fs::read_to_string(out.join("kommune/101.html")).unwrap();
    assert!(page.contains("Potentiale (mio. kr.)"));
    assert!(page.contains("ville det svare til ca. 6,0 mio. kr. mindre i udgifter om året (ved 400.000 kr. pr. fuldtidsperson)"), "{page}");
}

/// 900 synthetic units (labelled synthetic: invented names and figures), HTML and PDF: the
/// appendices must not nest on one stack (Typst's PDF writer yields to rayon).
#[test]
fn a_national_build_of_900_units_completes() {
    let mut munis = String::from("kommunekode;kommune;region\n");
    let mut data = String::from("kommunekode;periode;gruppe;faktisk;forventet;befolkning\n");
    for c in 100..1000u32 {
        munis.push_str(&format!("{c};Syntetisk {c};Region {}\n", c % 5));
        let pop = 1000 + (c * 37) % 5000;
        let exp = pop / 10;
        let act = exp + (c * 13) % 40;
        data.push_str(&format!("{c};2022;kontanthjaelp;{act};{exp};{pop}\n"));
    }
    let p = Project::with(&CONFIG.replace("draws = 200", "draws = 20"), &munis, &data);
    let out = p.dir.path().join("site");
    let o = p.build(&out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("pdf/999.pdf").exists() && out.join("kommune/100.html").exists());
}
