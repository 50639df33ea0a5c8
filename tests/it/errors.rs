//! Every bad-input case gives a clear message naming the file and place, exit code 2, and
//! leaves an earlier output folder untouched.

use super::common::{self, benchmark_csv, Project, CONFIG, MUNICIPALITIES};

fn replace_line(data: &str, line: usize, new: &str) -> String {
    data.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == line {
                new.to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn valid_synthetic_project_loads() {
    let p = Project::new();
    let proj = kommunebench::load(&p.config()).unwrap();
    let rows = common::list(&proj.results, "2022", "kontanthjaelp");
    assert_eq!(rows.len(), 4);
    // 101: 105/1000 − 90/1000 = +1.5 pp; 102: 225/2000 − 240/2000 = −0.75 pp; 103: 60.5/500 − 50/500 = +2.1 pp;
    // 104: 305/3000 − 300/3000 = +0.1667 pp → ranks 3, 1, 4, 2.
    let ranks: Vec<u32> = rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, vec![3, 1, 4, 2]);
    assert!((rows[0].gap_pp - 1.5).abs() < 1e-12);
}

#[test]
fn duplicate_row() {
    let data = benchmark_csv() + "101;2022;kontanthjaelp;1;1;1000\n";
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    let f = p.path("data.csv");
    assert_eq!(p.error(), format!("period 2022, group kontanthjaelp, kommune 101 Alfa: the actual count is given twice and differently: 105 at {f}:6 and 1 at {f}:10"));
}

#[test]
fn unknown_municipality_name() {
    let cfg = CONFIG.replace("kommunekode = \"kommunekode\"", "kommune = \"kommunekode\"");
    let data = replace_line(
        &benchmark_csv(),
        6,
        "Aarhus Kommune;2022;kontanthjaelp;1;1;1000",
    );
    let p = Project::with(&cfg, MUNICIPALITIES, &data);
    // The first rows name codes, which are not names either: the first bad row is reported.
    assert_eq!(
        p.error(),
        format!("{}:2: unknown municipality name \"101\": names must match the municipality list exactly", p.path("data.csv"))
    );
    let named = data
        .replace("\n101;", "\nAlfa;")
        .replace("\n102;", "\nBeta;")
        .replace("\n103;", "\nGamma;")
        .replace("\n104;", "\nDelta;");
    let p = Project::with(&cfg, MUNICIPALITIES, &named);
    assert_eq!(
        p.error(),
        format!(
            "{}:6: unknown municipality name \"Aarhus Kommune\": names must match the municipality list exactly",
            p.path("data.csv")
        )
    );
}

#[test]
fn unknown_name_in_jobindsats_export() {
    let cfg = "[report]\nperiod = \"2022QMAT04\"\n\n[[data.inputs]]\nformat = \"jobindsats-json\"\npath = \"data.csv\"\n";
    let line = r#"{"Area":"Ishoj","Periode":"2022QMAT04","Ydelsesgrupper":"Ydelsesgrupper i alt"}"#;
    let p = Project::with(cfg, MUNICIPALITIES, &format!("{line}\n"));
    assert_eq!(
        p.error(),
        format!("{}:1: unknown municipality name \"Ishoj\": names must match the municipality list exactly", p.path("data.csv"))
    );
}

#[test]
fn missing_municipality() {
    let data: String = benchmark_csv()
        .lines()
        .filter(|l| !l.starts_with("104;2022"))
        .map(|l| format!("{l}\n"))
        .collect();
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        "period 2022, group kontanthjaelp: no data for 1 municipality: 104 Delta"
    );
}

#[test]
fn non_numeric_count() {
    let data = replace_line(&benchmark_csv(), 6, "101;2022;kontanthjaelp;abc;90;1000");
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!("{}:6: column \"faktisk\" (actual) is \"abc\", which is not a number with a decimal comma", p.path("data.csv"))
    );
    // A decimal point where a comma was configured is not silently accepted.
    let data = replace_line(&benchmark_csv(), 6, "101;2022;kontanthjaelp;100.5;90;1000");
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!("{}:6: column \"faktisk\" (actual) is \"100.5\", which is not a number with a decimal comma", p.path("data.csv"))
    );
}

#[test]
fn negative_count() {
    let data = replace_line(&benchmark_csv(), 6, "101;2022;kontanthjaelp;-5;90;1000");
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!(
            "{}:6: actual count is -5; expected a number from 0 to 1e8",
            p.path("data.csv")
        )
    );
}

#[test]
fn population_zero() {
    let data = replace_line(&benchmark_csv(), 6, "101;2022;kontanthjaelp;100;90;0");
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!(
            "{}:6: population 16–66 is 0; shares cannot be computed",
            p.path("data.csv")
        )
    );
}

#[test]
fn current_period_not_in_data() {
    let p = Project::with(
        &CONFIG.replace("period = \"2022\"", "period = \"2023\""),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    assert_eq!(
        p.error(),
        format!(
            "{}:2:10: report.period: \"2023\" is not in the data; the data has 2021, 2022",
            p.config().display()
        )
    );
}

#[test]
fn unknown_key_wrong_type_missing_file() {
    let p = Project::with(
        &CONFIG.replace(
            "period = \"2022\"\n",
            "period = \"2022\"\ncolour = \"blue\"\n",
        ),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    let e = p.error();
    assert!(
        e.starts_with(&format!(
            "{}:3:1: unknown field `colour`, expected one of `period`",
            p.config().display()
        )),
        "{e}"
    );

    let p = Project::with(
        &CONFIG.replace("period = \"2022\"", "period = 2022"),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    assert_eq!(
        p.error(),
        format!(
            "{}:2:10: invalid type: integer `2022`, expected a string",
            p.config().display()
        )
    );

    let p = Project::with(
        &CONFIG.replace("path = \"data.csv\"", "path = \"nope.csv\""),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    assert_eq!(
        p.error(),
        format!(
            "{}:9:8: data.inputs[1].path: input file {} does not exist",
            p.config().display(),
            p.dir.path().join("nope.csv").display()
        )
    );

    let p = Project::with(
        &CONFIG.replace("delimiter = \";\"\n", ""),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    assert_eq!(
        p.error(),
        format!(
            "{}:9:8: data.inputs[1]: `delimiter` is required for format \"csv\" (\";\" or \",\")",
            p.config().display()
        )
    );
}

#[test]
fn double_counting_total_is_an_error() {
    let cfg = CONFIG.to_string()
        + "\n[[groups]]\nid = \"a\"\nlabel = \"A\"\nbenefits = [\"x\", \"y\"]\n\n[[groups]]\nid = \"b\"\nlabel = \"B\"\nbenefits = [\"y\"]\n\n[[groups]]\nid = \"alt\"\nlabel = \"I alt\"\ntotal-of = [\"a\", \"b\"]\n";
    let p = Project::with(&cfg, MUNICIPALITIES, &benchmark_csv());
    assert!(p.error().ends_with("groups \"alt\": the benefit \"y\" is in both \"a\" and \"b\", so the total would count it twice"), "{}", p.error());
}

#[test]
fn cli_exit_codes_and_check_summary() {
    let p = Project::new();
    let o = common::run(&["check", "--config", p.config().to_str().unwrap()]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("periods: 2021, 2022 (2)") && out.contains("municipalities: 4"),
        "{out}"
    );

    let bad = Project::with(
        &CONFIG.replace("period = \"2022\"", "period = \"2030\""),
        MUNICIPALITIES,
        &benchmark_csv(),
    );
    let o = common::run(&["check", "--config", bad.config().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("error: "),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn failed_build_leaves_the_previous_output_unchanged() {
    let p = Project::new();
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = common::files(&out);
    assert!(before.iter().any(|(n, _)| n == "index.html"));

    std::fs::write(
        p.dir.path().join("data.csv"),
        replace_line(&benchmark_csv(), 6, "101;2022;kontanthjaelp;-1;90;1000"),
    )
    .unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(common::files(&out), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site.staging"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let p = Project::new();
    let out = p.dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to replace it (use --force)"));
    assert_eq!(
        std::fs::read_to_string(out.join("precious.txt")).unwrap(),
        "keep me"
    );
    let o = p.build(&out, &["--format", "html", "--force"]);
    assert!(o.status.success());
    assert!(!out.join("precious.txt").exists());
}

#[test]
fn xlsx_input_with_column_mapping() {
    use rust_xlsxwriter::Workbook;
    let p = Project::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Data").unwrap();
    for (c, h) in [
        "Kode",
        "Periode",
        "Gruppe",
        "Faktisk",
        "Forventet",
        "Befolkning",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        (101, 100.0, 90.0, 1000.0),
        (102, 220.0, 240.0, 2000.0),
        (103, 55.5, 50.0, 500.0),
        (104, 300.0, 300.0, 3000.0),
    ];
    for (i, (code, a, e, n)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, *code as f64).unwrap();
        ws.write_string(r, 1, "2022").unwrap();
        ws.write_string(r, 2, "Kontanthjælp mv.").unwrap();
        ws.write_number(r, 3, *a).unwrap();
        ws.write_string(r, 4, format!("{e}").replace('.', ","))
            .unwrap();
        ws.write_number(r, 5, *n).unwrap();
    }
    wb.save(p.dir.path().join("data.xlsx")).unwrap();
    let cfg = "[report]\nperiod = \"2022\"\n[data]\nmunicipalities = \"kommuner.csv\"\n[[data.inputs]]\nformat = \"xlsx\"\npath = \"data.xlsx\"\nsheet = \"Data\"\ndecimal = \"comma\"\n[data.inputs.columns]\nkommunekode = \"Kode\"\nperiod = \"Periode\"\ngroup = \"Gruppe\"\nactual = \"Faktisk\"\nexpected = \"Forventet\"\npopulation = \"Befolkning\"\n[[groups]]\nid = \"kontanthjaelp\"\nlabel = \"Kontanthjælp mv.\"\n";
    std::fs::write(p.config(), cfg).unwrap();
    let proj = kommunebench::load(&p.config()).unwrap();
    let ranks: Vec<u32> = common::list(&proj.results, "2022", "kontanthjaelp")
        .iter()
        .map(|r| r.rank)
        .collect();
    assert_eq!(ranks, vec![3, 1, 4, 2]);
}

#[test]
fn malformed_period_in_the_data_names_file_line_and_column() {
    let data = replace_line(&benchmark_csv(), 6, "101;2022X;kontanthjaelp;100;90;1000");
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!(
            "{}:6, column \"periode\": \"2022X\" is not a period label; expected a year (2022), four quarters (2022QMAT04), a quarter (2022Q4) or a month (2022M06)",
            p.path("data.csv")
        )
    );
}
