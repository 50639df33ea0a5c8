//! `kommunebench records`: hand-computed fuldtidspersoner, bad input (exit 2, the place named,
//! nothing written, no person identifier in any message), the calibrated synthetic register's
//! round trip to the published Y30R21 counts, byte-identical results whatever the input's order,
//! format or partitioning, and DuckDB and Spark running the emitted SQL.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{repo, run};

/// One output row: (kommune, gruppe, periode) → (fuldtidspersoner, personer).
type Counts = BTreeMap<(String, String, String), (f64, u64)>;

fn read_counts(path: &Path) -> Counts {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("kommune,gruppe,periode,fuldtidspersoner,personer")
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let k = format!("{:03}", c[0].parse::<u16>().unwrap());
            (
                (k, c[1].into(), c[2].into()),
                (c[3].parse().unwrap(), c[4].parse().unwrap()),
            )
        })
        .collect()
}

fn count(dir: &Path, input: &str, per: &str, from: &str, to: &str, extra: &[&str]) -> Counts {
    let inp = dir.join("in.csv");
    std::fs::write(&inp, input).unwrap();
    let out = dir.join("out.csv");
    let mut args = vec![
        "records",
        inp.to_str().unwrap(),
        "--per",
        per,
        "--from",
        from,
        "--to",
        to,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    read_counts(&out)
}

fn get(c: &Counts, k: &str, g: &str, p: &str) -> (f64, u64) {
    *c.get(&(k.into(), g.into(), p.into())).unwrap_or(&(0.0, 0))
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

const HEADER: &str = "person,kommune,ydelse,fra,til,grad\n";

#[test]
fn month_end_leap_february_grad_and_open_period() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!(
        "{HEADER}0101901111,101,kh,2024-01-20,2024-02-10,\n0202902222,101,kh,2024-02-01,2024-02-29,0.5\n0303903333,101,kh,2024-03-01,,\n"
    );
    let m = count(dir.path(), &input, "month", "2024-01-01", "2024-03-31", &[]);
    // 12 days of January's 31; February (29 days in 2024): 10 days + 29 half days; March: the
    // open period runs to --to.
    close(get(&m, "101", "kh", "2024M01").0, 12.0 / 31.0);
    assert_eq!(get(&m, "101", "kh", "2024M01").1, 1);
    close(get(&m, "101", "kh", "2024M02").0, 24.5 / 29.0);
    assert_eq!(get(&m, "101", "kh", "2024M02").1, 2);
    close(get(&m, "101", "kh", "2024M03").0, 1.0);
    let q = count(
        dir.path(),
        &input,
        "quarter",
        "2024-01-01",
        "2024-03-31",
        &[],
    );
    close(get(&q, "101", "kh", "2024Q1").0, 67.5 / 91.0);
    assert_eq!(get(&q, "101", "kh", "2024Q1").1, 3);
    // The year: the open period counts March–December (306 days) of 366.
    let y = count(dir.path(), &input, "year", "2024-01-01", "2024-12-31", &[]);
    close(
        get(&y, "101", "kh", "2024").0,
        (12.0 + 24.5 + 306.0) / 366.0,
    );
    assert_eq!(get(&y, "101", "kh", "2024").1, 3);
    // The same numbers per month, quarter and year: day-weighted sums agree.
    let m = count(dir.path(), &input, "month", "2024-01-01", "2024-12-31", &[]);
    let q = count(
        dir.path(),
        &input,
        "quarter",
        "2024-01-01",
        "2024-12-31",
        &[],
    );
    let days = [
        31.0, 29.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
    ];
    let from_months: f64 = (1..=12)
        .map(|i| get(&m, "101", "kh", &format!("2024M{i:02}")).0 * days[i - 1])
        .sum();
    let qdays = [91.0, 91.0, 92.0, 92.0];
    let from_quarters: f64 = (1..=4)
        .map(|i| get(&q, "101", "kh", &format!("2024Q{i}")).0 * qdays[i - 1])
        .sum();
    close(from_months / 366.0, get(&y, "101", "kh", "2024").0);
    close(from_quarters / 366.0, get(&y, "101", "kh", "2024").0);
    // Nothing of a person identifier in the output.
    let out = std::fs::read_to_string(dir.path().join("out.csv")).unwrap();
    for id in ["0101901111", "0202902222", "0303903333"] {
        assert!(!out.contains(id));
    }
}

#[test]
fn a_move_mid_month_counts_in_both_municipalities() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{HEADER}0101901111,101,kh,2024-03-01,2024-03-15,\n0101901111,147,kh,2024-03-16,2024-04-30,\n");
    let m = count(dir.path(), &input, "month", "2024-03-01", "2024-04-30", &[]);
    close(get(&m, "101", "kh", "2024M03").0, 15.0 / 31.0);
    close(get(&m, "147", "kh", "2024M03").0, 16.0 / 31.0);
    assert_eq!(
        (
            get(&m, "101", "kh", "2024M03").1,
            get(&m, "147", "kh", "2024M03").1
        ),
        (1, 1)
    );
    close(get(&m, "147", "kh", "2024M04").0, 1.0);
    assert_eq!(get(&m, "101", "kh", "2024M04"), (0.0, 0));
    close(get(&m, "101", "i-alt", "2024M03").0, 15.0 / 31.0);
}

#[test]
fn overlapping_benefits_count_in_each_group_and_once_in_i_alt() {
    let dir = tempfile::tempdir().unwrap();
    let input = format!("{HEADER}0101901111,101,kh,2024-04-01,2024-04-30,\n0101901111,101,syg,2024-04-11,2024-04-20,\n");
    let m = count(dir.path(), &input, "month", "2024-04-01", "2024-04-30", &[]);
    close(get(&m, "101", "kh", "2024M04").0, 1.0);
    close(get(&m, "101", "syg", "2024M04").0, 10.0 / 30.0);
    close(get(&m, "101", "i-alt", "2024M04").0, 1.0);
    assert_eq!(get(&m, "101", "i-alt", "2024M04").1, 1);
    // Half time on kontanthjælp: the ten days of both sum to 1.5, capped at 1.
    let input = format!("{HEADER}0101901111,101,kh,2024-04-01,2024-04-30,0.5\n0101901111,101,syg,2024-04-11,2024-04-20,\n");
    let m = count(dir.path(), &input, "month", "2024-04-01", "2024-04-30", &[]);
    close(get(&m, "101", "kh", "2024M04").0, 0.5);
    close(get(&m, "101", "i-alt", "2024M04").0, 20.0 / 30.0);
    // Two codes of one group (a codes file) overlapping: the group counts the day once.
    std::fs::write(
        dir.path().join("codes.csv"),
        "ydelse;gruppe;kilde\nkh;kontanthjaelp;test\nsyg;kontanthjaelp;test\n",
    )
    .unwrap();
    let codes = dir.path().join("codes.csv");
    let input = format!("{HEADER}0101901111,101,kh,2024-04-01,2024-04-30,\n0101901111,101,syg,2024-04-11,2024-04-20,timer\n").replace(",timer", ",");
    let m = count(
        dir.path(),
        &input,
        "month",
        "2024-04-01",
        "2024-04-30",
        &["--codes", codes.to_str().unwrap()],
    );
    close(get(&m, "101", "kontanthjaelp", "2024M04").0, 1.0);
}

#[test]
fn timer_and_column_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let input =
        "CPR;KOM;YDELSESKODE;START;SLUT;TIMER\n0101901111;183;kh;2024-06-01;2024-06-30;18,5\n";
    let m = count(
        dir.path(),
        input,
        "month",
        "2024-06-01",
        "2024-06-30",
        &[
            "--columns",
            "person=CPR,kommune=KOM,ydelse=YDELSESKODE,fra=START,til=SLUT,timer=TIMER",
        ],
    );
    close(get(&m, "183", "kh", "2024M06").0, 0.5);
}

/// Runs `records` on `input` expecting exit 2; returns stderr.
fn refused(input: &str, extra: &[&str], expect: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let inp = dir.path().join("perioder.csv");
    std::fs::write(&inp, input).unwrap();
    let out = dir.path().join("out.csv");
    let mut args = vec![
        "records",
        inp.to_str().unwrap(),
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("perioder.csv"), "{err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(!out.exists(), "nothing is written");
    for id in input
        .lines()
        .skip(1)
        .filter_map(|l| l.split([',', ';']).next())
    {
        assert!(!err.contains(id), "a person identifier in the error: {err}");
    }
}

#[test]
fn bad_rows_are_exit_2_naming_file_row_and_column() {
    let ok = "0101901111,101,kh,2024-01-01,2024-01-31,\n";
    refused(
        &format!("{HEADER}{ok}0202902222,101,kh,2024-03-10,2024-03-01,\n"),
        &[],
        &["row 3", "column `til`", "before the first day"],
    );
    refused(
        &format!("{HEADER}{ok}0202902222,999,kh,2024-03-01,2024-03-10,\n"),
        &[],
        &["row 3", "column `kommune`", "\"999\""],
    );
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-30,2024-03-10,\n"),
        &[],
        &["row 2", "column `fra`", "not a date"],
    );
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-01,10-03-2024,\n"),
        &[],
        &["row 2", "column `til`", "not a date"],
    );
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-01,2024-03-10,1.5\n"),
        &[],
        &["row 2", "column `grad`", "0 < grad ≤ 1"],
    );
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-01,2024-03-10,0\n"),
        &[],
        &["row 2", "column `grad`"],
    );
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-01,2024-03-10,halv\n"),
        &[],
        &["row 2", "column `grad`", "not a number"],
    );
    // The same person and code twice on overlapping days, rows far apart (not grouped).
    refused(
        &format!("{HEADER}0202902222,101,kh,2024-02-01,2024-03-10,\n{ok}0202902222,147,kh,2024-03-10,2024-04-10,\n"),
        &[],
        &["row 2", "row 4", "overlap", "column `fra`", "\"kh\""],
    );
    refused(
        &format!("person,kommune,ydelse,fra\n{ok}"),
        &[],
        &["no column `til`"],
    );
}

#[test]
fn a_codes_file_refuses_unknown_codes_and_ignores_those_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let codes = dir.path().join("codes.csv");
    std::fs::write(
        &codes,
        "ydelse;gruppe;kilde\nkh;kontanthjaelp;test\nsu;-;test: not a benefit of the benchmark\n",
    )
    .unwrap();
    let c = codes.to_str().unwrap();
    refused(&format!("{HEADER}0101901111,101,kh,2024-01-01,2024-01-31,\n0202902222,101,xx,2024-01-01,2024-01-31,\n"), &["--codes", c], &["row 3", "column `ydelse`", "\"xx\"", "not in the codes file"]);
    let m = count(dir.path(), &format!("{HEADER}0101901111,101,kh,2024-01-01,2024-01-31,\n0202902222,101,su,2024-01-01,2024-01-31,\n"), "month", "2024-01-01", "2024-01-31", &["--codes", c]);
    assert_eq!(m.len(), 2, "{m:?}");
    close(get(&m, "101", "kontanthjaelp", "2024M01").0, 1.0);
    close(get(&m, "101", "i-alt", "2024M01").0, 1.0);
    // Overlapping periods with a codes file: grouped by person (counted while read) and not
    // (the partition) name the same rows.
    let ok = "0303903333,101,kh,2024-01-01,2024-01-31,\n";
    refused(
        &format!("{HEADER}{ok}0101901111,101,kh,2024-01-01,2024-02-10,\n0101901111,147,kh,2024-02-01,2024-03-01,\n0404904444,101,kh,2024-01-01,2024-01-31,\n"),
        &["--codes", c],
        &["row 3", "row 4", "overlap", "\"kh\""],
    );
    refused(
        &format!("{HEADER}0101901111,101,kh,2024-01-01,2024-02-10,\n{ok}0101901111,147,kh,2024-02-01,2024-03-01,\n"),
        &["--codes", c],
        &["row 2", "row 4", "overlap", "\"kh\""],
    );
}

fn kb(args: &[&str]) {
    let o = run(args);
    assert!(
        o.status.success(),
        "{:?}: {}",
        args,
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The published Y30R21 actual counts of 2022 (calendar year) per municipality code and group.
fn published_2022() -> BTreeMap<(String, String), i64> {
    let names: BTreeMap<String, u16> = kommunebench::input::builtin_municipalities()
        .into_iter()
        .map(|m| (m.name, m.code.0))
        .collect();
    let text =
        std::fs::read_to_string(repo().join("fixtures/jobindsats/Y30R21-2020-2022.jsonl")).unwrap();
    let groups = [
        ("A-dagpenge mv.", "a-dagpenge"),
        ("Sygedagpenge mv.", "sygedagpenge"),
        ("Kontanthjælp mv.", "kontanthjaelp"),
    ];
    let mut out = BTreeMap::new();
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        if v["Periode"] != "2022QMAT04" {
            continue;
        }
        let Some(g) = groups.iter().find(|g| v["Ydelsesgrupper"] == g.0) else {
            continue;
        };
        let code = names[v["Area"].as_str().unwrap()];
        let n = v
            ["Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal"]
            .as_i64()
            .unwrap();
        out.insert((format!("{code:03}"), g.1.to_string()), n);
    }
    out
}

#[test]
fn the_synthetic_register_reproduces_y30r21_and_any_order_format_or_partition_gives_the_same_bytes()
{
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let codes = repo().join("config/records/ydelsesgrupper.csv");
    let codes = codes.to_str().unwrap();
    kb(&[
        "records",
        "generate",
        "--periods",
        "300000",
        "--seed",
        "7",
        "--out",
        &p("grouped.csv"),
    ]);
    kb(&[
        "records",
        "generate",
        "--periods",
        "300000",
        "--seed",
        "7",
        "--shuffle",
        "--out",
        &p("shuffled.parquet"),
    ]);
    let years = |inputs: &[&str], out: &str, extra: &[&str]| {
        let mut a = vec!["records"];
        a.extend_from_slice(inputs);
        a.extend([
            "--codes",
            codes,
            "--per",
            "year",
            "--from",
            "2022-01-01",
            "--to",
            "2022-12-31",
            "--out",
            out,
        ]);
        a.extend_from_slice(extra);
        kb(&a);
    };
    let year = |input: &str, out: &str, extra: &[&str]| years(&[input], out, extra);
    year(&p("grouped.csv"), &p("a.csv"), &[]);
    let counts = read_counts(Path::new(&p("a.csv")));
    let published = published_2022();
    assert_eq!(published.len(), 98 * 3);
    for ((k, g), n) in &published {
        let (ftp, persons) = get(&counts, k, g, "2022");
        // Published counts are rounded to tens.
        assert_eq!(((ftp / 10.0).round() * 10.0) as i64, *n, "{k} {g}: {ftp}");
        assert!(
            persons as f64 >= ftp,
            "{k} {g}: fewer persons than full-time persons"
        );
    }
    // Shuffled Parquet, and the partition on disk (a 64 KiB memory bound), give the same bytes.
    year(&p("shuffled.parquet"), &p("b.csv"), &[]);
    year(
        &p("grouped.csv"),
        &p("c.csv"),
        &["--spill-at", "65536", "--tmp", dir.path().to_str().unwrap()],
    );
    let a = std::fs::read(p("a.csv")).unwrap();
    assert_eq!(
        a,
        std::fs::read(p("b.csv")).unwrap(),
        "shuffled Parquet differs from grouped CSV"
    );
    assert_eq!(
        a,
        std::fs::read(p("c.csv")).unwrap(),
        "the partition on disk changes the result"
    );
    // Each file grouped by person, but every person in both files: the grouped count sees it
    // (the same hashes twice) and falls back to the partition, giving the same bytes.
    let text = std::fs::read_to_string(p("grouped.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let (mut even, mut odd) = (format!("{header}\n"), format!("{header}\n"));
    for (i, l) in lines.enumerate() {
        let half = if i % 2 == 0 { &mut even } else { &mut odd };
        half.push_str(l);
        half.push('\n');
    }
    std::fs::write(p("even.csv"), even).unwrap();
    std::fs::write(p("odd.csv"), odd).unwrap();
    years(&[&p("even.csv"), &p("odd.csv")], &p("d.csv"), &[]);
    assert_eq!(
        a,
        std::fs::read(p("d.csv")).unwrap(),
        "a register split over two files, each grouped, differs"
    );
    // The temporary partition (it holds person identifiers) is gone.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("kommunebench-records")
        })
        .collect();
    assert!(left.is_empty());
    // Parquet output reads back as the same table (through DuckDB, where installed, below).
    year(&p("grouped.csv"), &p("a.parquet"), &[]);
    assert!(std::fs::metadata(p("a.parquet")).unwrap().len() > 0);
}

/// Runs the emitted SQL on `engine`; `None` when its Python package is missing and CI does not
/// require it.
fn on_engine(engine: &str, sql: &Path, out: &Path) -> Option<Counts> {
    let o = std::process::Command::new("python3")
        .arg(repo().join("tests/sql/run_sql.py"))
        .args([engine, sql.to_str().unwrap(), out.to_str().unwrap()])
        .output();
    let required = std::env::var("KOMMUNEBENCH_REQUIRE_SQL_ENGINES").is_ok_and(|v| v == "1");
    match o {
        Ok(o) if o.status.success() => Some(read_counts(out)),
        Ok(o) if o.status.code() == Some(3) && !required => {
            eprintln!("skipped: the {engine} Python package is not installed");
            None
        }
        Ok(o) => panic!("{engine} failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) if !required => {
            eprintln!("skipped: python3 not runnable ({e})");
            None
        }
        Err(e) => panic!("python3: {e}"),
    }
}

fn agree(engine: &str, ours: &Counts, theirs: &Counts) {
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{engine}: a different set of cells"
    );
    let mut worst = 0f64;
    for (k, (ftp, n)) in ours {
        let (tf, tn) = theirs
            .get(k)
            .unwrap_or_else(|| panic!("{engine}: no cell {k:?}"));
        assert_eq!(n, tn, "{engine} {k:?}: personer");
        worst = worst.max((ftp - tf).abs());
    }
    assert!(worst <= 1e-9, "{engine}: largest difference {worst}");
    eprintln!(
        "{engine}: {} cells, largest difference {worst:e}",
        ours.len()
    );
}

#[test]
fn duckdb_and_spark_run_the_emitted_sql_and_agree_to_1e_9() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let codes = repo().join("config/records/ydelsesgrupper.csv");
    let codes = codes.to_str().unwrap();
    kb(&[
        "records",
        "generate",
        "--periods",
        "40000",
        "--seed",
        "3",
        "--kommune",
        "101,147,183,825",
        "--out",
        &p("reg.csv"),
    ]);
    kb(&[
        "records",
        "generate",
        "--periods",
        "40000",
        "--seed",
        "3",
        "--kommune",
        "101,147,183,825",
        "--shuffle",
        "--out",
        &p("reg.parquet"),
    ]);
    let args = |input: &str| -> Vec<String> {
        [
            "records",
            input,
            "--codes",
            codes,
            "--per",
            "month",
            "--from",
            "2020-01-01",
            "--to",
            "2024-12-31",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let mut a = args(&p("reg.csv"));
    a.extend(["--out".into(), p("ours.csv")]);
    kb(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let ours = read_counts(Path::new(&p("ours.csv")));
    assert!(ours.len() > 1000);
    for (engine, input) in [
        ("duckdb", p("reg.csv")),
        ("duckdb", p("reg.parquet")),
        ("spark", p("reg.csv")),
    ] {
        let sql = dir.path().join(format!("{engine}.sql"));
        let mut a = args(&input);
        a.extend([
            "--emit-sql".into(),
            engine.into(),
            "--out".into(),
            sql.to_str().unwrap().into(),
        ]);
        kb(&a.iter().map(String::as_str).collect::<Vec<_>>());
        if let Some(theirs) = on_engine(engine, &sql, &dir.path().join(format!("{engine}.csv"))) {
            agree(engine, &ours, &theirs);
        }
    }
}
