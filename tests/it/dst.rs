//! The readers of what users download — Statistics Denmark's StatBank exports, long
//! `municipality,year,value` files, jobindsats tables — on the real raw files in
//! `fixtures/dst/`, with figures checked against values read off the files by hand.

use std::path::Path;

use kommunebench::config::Config;
use kommunebench::input::Dataset;
use kommunebench::keys::{GroupId, Kommunekode, Period};

use super::common::{repo, run};

fn fixture(rel: &str) -> String {
    repo().join("fixtures").join(rel).display().to_string()
}

/// One group, `kontanthjaelp`, whose benefit is AUK01's net-unemployed social assistance.
const GROUP: &str = r#"
[[groups]]
id = "kontanthjaelp"
label = "Kontanthjælp mv."
benefits = ["Net unemployed recipients of social assistance", "Nettoledige kontanthjælpsmodtagere"]
"#;

/// A config in `dir` with the given inputs (TOML), one group and model-free defaults.
fn config(dir: &Path, period: &str, inputs: &str) -> anyhow::Result<Config> {
    let text = format!("[report]\nperiod = \"{period}\"\n\n{inputs}\n{GROUP}");
    let path = dir.join("k.toml");
    std::fs::write(&path, &text).unwrap();
    Config::parse(&text, &path)
}

fn load(dir: &Path, period: &str, inputs: &str) -> anyhow::Result<Dataset> {
    kommunebench::load_dataset(&config(dir, period, inputs)?)
}

fn auk01_input(path: &str) -> String {
    format!(
        "[[data.inputs]]\nformat = \"statbank\"\npath = {path:?}\n[data.inputs.columns]\nbenefit = \"YDELSESTYPE\"\n"
    )
}

fn actual(ds: &Dataset, period: &str, code: u16) -> f64 {
    let p: Period = period.parse().unwrap();
    ds.figures[&(p, GroupId::from("kontanthjaelp"), Kommunekode(code))]
        .actual
        .unwrap()
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Copenhagen's net-unemployed social-assistance recipients in AUK01 (lines 290–293 of the
/// real file): 2022Q1 1,062; Q2 989; Q3 978; Q4 933. The four-quarter mean is 3,962 / 4 = 990.5.
#[test]
fn auk01_four_quarter_mean_by_hand() {
    let dir = tmp();
    let ds = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&fixture("dst/statbank/auk01_social_assistance.csv")),
    )
    .unwrap();
    assert_eq!(actual(&ds, "2022QMAT04", 101), 990.5);
    // The comparison period is formed too: 2021Q1–Q4.
    assert!(ds.figures.contains_key(&(
        "2021QMAT04".parse().unwrap(),
        "kontanthjaelp".into(),
        Kommunekode(101)
    )));
    // A moving year across two calendar years: 2021Q3–2022Q2.
    let ds = load(
        dir.path(),
        "2022QMAT02",
        &auk01_input(&fixture("dst/statbank/auk01_social_assistance.csv")),
    )
    .unwrap();
    let text =
        std::fs::read_to_string(fixture("dst/statbank/auk01_social_assistance.csv")).unwrap();
    let q = |t: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with("Copenhagen;") && l.contains(&format!(";{t};")))
            .unwrap()
            .rsplit(';')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let mean = (q("2021Q3") + q("2021Q4") + q("2022Q1") + q("2022Q2")) / 4.0;
    assert_eq!(actual(&ds, "2022QMAT02", 101), mean);
}

/// The Danish-language export of the same table: Danish labels (`Hele landet`, `København`,
/// `I alt`, `Alder i alt`), quarters as `2022K1`; read to the same figures.
fn danish(text: &str) -> String {
    text.replace("All Denmark", "Hele landet")
        .replace("Copenhagen", "København")
        .replace(
            "Net unemployed recipients of social assistance",
            "Nettoledige kontanthjælpsmodtagere",
        )
        .replace(";Total;Age, total;", ";I alt;Alder i alt;")
        .lines()
        .map(|l| match l.rsplit_once(';') {
            Some((head, v)) => {
                let (head, t) = head.rsplit_once(';').unwrap();
                format!("{head};{};{v}", t.replace('Q', "K"))
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
fn english_and_danish_labels_bom_and_crlf() {
    let raw = std::fs::read(fixture("dst/statbank/auk01_social_assistance.csv")).unwrap();
    assert!(
        raw.starts_with(b"\xEF\xBB\xBF"),
        "the real export has a BOM"
    );
    assert!(
        raw.windows(2).any(|w| w == b"\r\n"),
        "the real export has CRLF"
    );
    let dir = tmp();
    let english = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&fixture("dst/statbank/auk01_social_assistance.csv")),
    )
    .unwrap();
    let text = String::from_utf8(raw).unwrap();
    let da = dir.path().join("auk01-da.csv");
    std::fs::write(&da, danish(&text)).unwrap();
    let danish = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&da.display().to_string()),
    )
    .unwrap();
    assert_eq!(english.figures, danish.figures);
    assert_eq!(danish.skipped[0].1.get("Hele landet"), Some(&76));
    // Without the BOM and with LF line ends: the same.
    let plain = dir.path().join("auk01-lf.csv");
    std::fs::write(
        &plain,
        text.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
    )
    .unwrap();
    let lf = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&plain.display().to_string()),
    )
    .unwrap();
    assert_eq!(english.figures, lf.figures);
}

#[test]
fn a_missing_value_is_named() {
    let text =
        std::fs::read_to_string(fixture("dst/statbank/auk01_social_assistance.csv")).unwrap();
    let dir = tmp();
    let path = dir.path().join("auk01.csv");
    std::fs::write(
        &path,
        text.replace(
            "Copenhagen;Net unemployed recipients of social assistance;Total;Age, total;2022Q3;978",
            "Copenhagen;Net unemployed recipients of social assistance;Total;Age, total;2022Q3;..",
        ),
    )
    .unwrap();
    let err = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&path.display().to_string()),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("auk01.csv:292"), "{err}");
    assert!(err.contains("2022Q3") && err.contains("101"), "{err}");
    // A missing quarter (the row left out) is named too.
    std::fs::write(
        &path,
        text.replace(
            "Copenhagen;Net unemployed recipients of social assistance;Total;Age, total;2022Q3;978\r\n",
            "",
        ),
    )
    .unwrap();
    let err = load(
        dir.path(),
        "2022QMAT04",
        &auk01_input(&path.display().to_string()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("no value for 2022Q3") && err.contains("kommune 101"),
        "{err}"
    );
}

#[test]
fn check_lists_the_skipped_areas() {
    let cfg = repo().join("config/model-dst.toml");
    let o = run(&["check", "--config", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("skipped rows of areas that are not municipalities"),
        "{out}"
    );
    for area in [
        "All Denmark",
        "Region Hovedstaden",
        "Province Byen København",
        "Christiansø",
        "Outside Denmark",
    ] {
        assert!(out.contains(area), "{area} not listed:\n{out}");
    }
    assert!(out.contains("andel_videregaaende_udd 2022"), "{out}");
}

#[test]
fn a_column_with_several_values_needs_a_select() {
    let dir = tmp();
    let input = format!(
        "[[data.inputs]]\nformat = \"statbank\"\npath = {:?}\nbenefit = \"x\"\n",
        fixture("dst/SYNTHETIC-auk01-foertidspension-mv.csv")
    );
    let err = load(dir.path(), "2022QMAT04", &input)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("column \"YDELSESTYPE\" has 4 values and no `select`"),
        "{err}"
    );
    assert!(err.contains("\"Disability pension\""), "{err}");
    // A selected value that is not in the column is named with the values it has.
    let input = input + "[data.inputs.select]\nYDELSESTYPE = \"Disability pensoin\"\n";
    let err = load(dir.path(), "2022QMAT04", &input)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("select.YDELSESTYPE: \"Disability pensoin\" is not a value"),
        "{err}"
    );
}

/// Selected values are summed: the four synthetic benefits together equal their sum.
#[test]
fn selected_values_are_summed() {
    let dir = tmp();
    let path = fixture("dst/SYNTHETIC-auk01-foertidspension-mv.csv");
    let all = format!(
        "[[data.inputs]]\nformat = \"statbank\"\npath = {path:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n[data.inputs.select]\nYDELSESTYPE = [\"Disability pension\", \"Flexible job\"]\n"
    );
    let both = load(dir.path(), "2022QMAT04", &all).unwrap();
    let one = |b: &str| {
        let input = format!(
            "[[data.inputs]]\nformat = \"statbank\"\npath = {path:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n[data.inputs.select]\nYDELSESTYPE = {b:?}\n"
        );
        actual(
            &load(dir.path(), "2022QMAT04", &input).unwrap(),
            "2022QMAT04",
            183,
        )
    };
    let sum = one("Disability pension") + one("Flexible job");
    assert!((actual(&both, "2022QMAT04", 183) - sum).abs() < 1e-9);
}

#[test]
fn a_variable_with_no_early_enough_year_is_named() {
    let text = std::fs::read_to_string(repo().join("config/model-dst.toml")).unwrap();
    let text = text.replace("# lag-years = 0", "lag-years = 16");
    // Paths in the example are relative to config/; the file itself is never written.
    let path = repo().join("config/lag-test.toml");
    let cfg = Config::parse(&text, &path).unwrap();
    let err = match kommunebench::load_config(cfg) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("rammevilkår variable"), "{err}");
    assert!(err.contains("no value early enough for period"), "{err}");
    assert!(err.contains("less 16 year(s)"), "{err}");
}

/// The three shapes of a jobindsats table export — v2 JSON, v3 JSON and the API's CSV —
/// with the same content (a Y36A02-like layout, figures SYNTHETIC) read to the same figures.
#[test]
fn jobindsats_v2_v3_and_csv() {
    let cols = [
        "Område",
        "Periode kontanthjælp",
        "Køn",
        "Antal personer",
        "Antal fuldtidspersoner",
    ];
    let mut rows: Vec<(String, String, String, f64, f64)> = Vec::new();
    for (area, base) in [
        ("København", 1000.0),
        ("Ishøj", 100.0),
        ("Hele landet", 9000.0),
    ] {
        for (i, m) in ["2022M01", "2022M02", "2022M03"].iter().enumerate() {
            for (sex, f) in [("I alt", 1.0), ("Mænd", 0.5)] {
                let v = (base + i as f64 * 10.0) * f;
                rows.push((area.into(), m.to_string(), sex.into(), v * 1.5, v));
            }
        }
    }
    let v2 = serde_json::json!([{
        "Variables": cols.iter().map(|c| serde_json::json!({"Label": c, "Name": c.to_lowercase()})).collect::<Vec<_>>(),
        "Data": rows.iter().map(|r| serde_json::json!([r.0, r.1, r.2, r.3, r.4])).collect::<Vec<_>>(),
    }]);
    let v3 = serde_json::json!({
        "columns": cols,
        "rows": rows.iter().map(|r| serde_json::json!([r.0, r.1, r.2, format!("{}", r.3).replace('.', ","), r.4])).collect::<Vec<_>>(),
    });
    let mut csv = cols.join(";") + "\r\n";
    for r in &rows {
        csv.push_str(&format!(
            "{};{};{};{};{}\r\n",
            r.0,
            r.1,
            r.2,
            format!("{}", r.3).replace('.', ","),
            format!("{}", r.4).replace('.', ",")
        ));
    }
    let dir = tmp();
    let mut results = Vec::new();
    for (name, body) in [
        ("v2.json", v2.to_string()),
        ("v3.json", v3.to_string()),
        ("t.csv", csv),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let input = format!(
            "[[data.inputs]]\nformat = \"jobindsats\"\npath = {:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n[data.inputs.select]\n\"Køn\" = \"I alt\"\n",
            path.display().to_string()
        );
        let cfg = config(dir.path(), "2022Q1", &input).unwrap();
        let ds = kommunebench::load_dataset(&cfg).unwrap_or_else(|e| panic!("{name}: {e}"));
        // København: months 1000, 1010, 1020 → the quarter's mean 1010.
        assert_eq!(actual(&ds, "2022Q1", 101), 1010.0, "{name}");
        assert_eq!(actual(&ds, "2022Q1", 183), 110.0, "{name}");
        results.push(ds.figures);
    }
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0], results[2]);
}

/// Benefit weeks → full-time persons: 1,300 weeks in a quarter of 13 weeks is 100 persons;
/// 740 hours a month at 37 hours a week is 20 weeks, 20 ÷ (52/12) persons.
#[test]
fn weeks_and_hours_become_persons() {
    let dir = tmp();
    let path = dir.path().join("w.csv");
    let mut text = String::from("\u{feff}OMRÅDE;YDELSESTYPE;TID;INDHOLD\r\n");
    for q in 1..=4 {
        text.push_str(&format!(
            "Ishøj;Nettoledige kontanthjælpsmodtagere;2022K{q};1300\r\n"
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let input = format!(
        "[[data.inputs]]\nformat = \"statbank\"\npath = {:?}\nunit = \"weeks\"\n[data.inputs.columns]\nbenefit = \"YDELSESTYPE\"\n",
        path.display().to_string()
    );
    let ds = load(dir.path(), "2022QMAT04", &input).unwrap();
    assert_eq!(actual(&ds, "2022QMAT04", 183), 100.0);
    let mut text = String::from("OMRÅDE;YDELSESTYPE;TID;INDHOLD\r\n");
    for m in 1..=12 {
        text.push_str(&format!(
            "Ishøj;Nettoledige kontanthjælpsmodtagere;2022M{m:02};740\r\n"
        ));
    }
    std::fs::write(&path, &text).unwrap();
    let input = input.replace("unit = \"weeks\"", "unit = \"hours\"");
    let ds = load(dir.path(), "2022QMAT04", &input).unwrap();
    assert!((actual(&ds, "2022QMAT04", 183) - 20.0 / (52.0 / 12.0)).abs() < 1e-12);
}

/// `config/model-dst.toml` fits every period with its own years, and writes the design.
#[test]
fn model_dst_uses_each_periods_own_years() {
    let p = kommunebench::load(&repo().join("config/model-dst.toml")).unwrap();
    let m = p.results.model.as_ref().unwrap();
    assert_eq!(p.results.periods.len(), 6);
    let time = |period: &str, var: &str| -> String {
        let f = m.fits.iter().find(|f| f.period.label() == period).unwrap();
        f.sources
            .iter()
            .find(|s| s.variable == var)
            .unwrap()
            .time
            .clone()
    };
    assert_eq!(time("2020QMAT02", "andel_videregaaende_udd"), "2019");
    assert_eq!(time("2022QMAT02", "andel_videregaaende_udd"), "2019");
    assert_eq!(time("2022QMAT04", "andel_videregaaende_udd"), "2022");
    assert_eq!(time("2021QMAT04", "disponibel_indkomst"), "2021");
    assert_eq!(time("2021QMAT02", "disponibel_indkomst"), "2020");
    assert_eq!(time("2022QMAT04", "befolkningstaethed"), "2022");
    // Read, derived from two quarterly StatBank tables, but kept out of the model.
    let employed = &p.dataset.series["fuldtidsansatte_pr_1000"];
    assert!(employed.values.contains_key(&"2022Q1".parse().unwrap()));
    // The derived share by hand for Copenhagen 2022: (H40 + … + H80) ÷ total × 100.
    let f = m
        .fits
        .iter()
        .find(|f| f.period.label() == "2022QMAT04")
        .unwrap();
    let j = f
        .sources
        .iter()
        .position(|s| s.variable == "andel_videregaaende_udd")
        .unwrap();
    let i = f
        .design
        .codes
        .iter()
        .position(|c| *c == Kommunekode(101))
        .unwrap();
    let cell = |file: &str| -> f64 {
        std::fs::read_to_string(fixture(&format!("dst/statbank/{file}")))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("Copenhagen;") && l.contains(";2022;"))
            .unwrap()
            .rsplit(';')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let num: f64 = ["h40", "h50", "h60", "h70", "h80"]
        .iter()
        .map(|h| cell(&format!("hfudd11_{h}.csv")))
        .sum();
    let share = 100.0 * num / cell("hfudd11_tot.csv");
    assert!((f.design.values[i][j] - share).abs() < 1e-12);
}

/// Every bad input of the new readers: exit 2, and the message names the file with its line
/// and column (or the JSON element and row, or the config key with its line and column).
#[test]
fn bad_inputs_name_file_line_and_column() {
    let dir = tmp();
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let statbank = |name: &str, body: &str| {
        let p = write(name, body);
        format!("[[data.inputs]]\nformat = \"statbank\"\npath = {p:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n")
    };
    let head = "\u{feff}OMRÅDE;TID;INDHOLD\r\n";
    let cases: Vec<(String, &str)> = vec![
        (
            statbank(
                "s1.csv",
                &format!("{head}Ishøj;2022K1;1\r\nIshoj;2022K2;2\r\n"),
            ),
            "s1.csv:3, column \"OMRÅDE\": \"Ishoj\" is neither a municipality",
        ),
        (
            statbank(
                "s2.csv",
                &format!("{head}Ishøj;2022K1;1\r\nIshøj;2022X2;2\r\n"),
            ),
            "s2.csv:3, column \"TID\": \"2022X2\" is not a period label",
        ),
        (
            statbank(
                "s3.csv",
                &format!("{head}Ishøj;2022K1;1\r\nIshøj;2022K2;1 234\r\n"),
            ),
            "s3.csv:3, column \"INDHOLD\": \"1 234\" is not a number",
        ),
        (
            statbank(
                "s4.csv",
                &format!("{head}Ishøj;2022K1;1\r\nIshøj;2022K2\r\n"),
            ),
            "s4.csv:3: expected 3 fields",
        ),
        (
            statbank("s5.csv", "OMRÅDE;INDHOLD\r\nIshøj;1\r\n"),
            "s5.csv: no time column",
        ),
        (
            statbank(
                "s6.csv",
                &format!("{head}Ishøj;2022K1;1\r\nIshøj;2022K1;2\r\n"),
            ),
            "s6.csv:3: the same row as at",
        ),
        (
            {
                let p = write(
                    "j.json",
                    r#"[{"Variables":["Område","Periode","Antal fuldtidspersoner"],"Data":[["Ishøj","2022M01",1],["Ishøj","2022M02"]]}]"#,
                );
                format!("[[data.inputs]]\nformat = \"jobindsats\"\npath = {p:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n")
            },
            "j.json: element 1, row 2: 2 values, but the table has 3 columns",
        ),
        (
            {
                let p = write(
                    "j2.json",
                    "{\"columns\": [\"Område\",\n \"Periode\" \"Antal\"]}",
                );
                format!("[[data.inputs]]\nformat = \"jobindsats\"\npath = {p:?}\nbenefit = \"Nettoledige kontanthjælpsmodtagere\"\n")
            },
            "j2.json:2:12: invalid JSON",
        ),
        (
            {
                let p = write("l.csv", "municipality,year,value\nIshøj,2022,1,5\n");
                format!("[[data.inputs]]\nformat = \"long\"\nrole = \"population\"\npath = {p:?}\n")
            },
            "l.csv:2: expected 3 fields (as in the header), found 4",
        ),
    ];
    for (inputs, expected) in cases {
        let cfg = dir.path().join("k.toml");
        std::fs::write(
            &cfg,
            format!("[report]\nperiod = \"2022QMAT04\"\n\n{inputs}\n{GROUP}"),
        )
        .unwrap();
        let o = run(&["check", "--config", cfg.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
    // Config keys of the new inputs point at the config's line and column.
    let s = write("s.csv", &format!("{head}Ishøj;2022K1;1\r\n"));
    let configs = [
        (format!("[[data.inputs]]\nformat = \"statbank\"\nrole = \"rammevilkaar\"\npath = {s:?}\n"), "k.toml:7:8: data.inputs[1]: a statbank rammevilkår input needs `variable`"),
        (format!("[[data.inputs]]\nformat = \"statbank\"\npath = {s:?}\nbenefit = \"x\"\n[[data.derived]]\nname = \"d\"\nnumerator = [\"a\"]\ndenominator = [\"b\"]\nscale = 0\n"), "k.toml:9:8: data.derived[1].scale"),
        (format!("[[data.inputs]]\nformat = \"csv\"\ndelimiter = \";\"\ndecimal = \"comma\"\npath = {s:?}\nvariable = \"x\"\n"), "k.toml:8:8: data.inputs[1].variable: only statbank, long and jobindsats inputs"),
    ];
    for (inputs, expected) in configs {
        let cfg = dir.path().join("k.toml");
        std::fs::write(
            &cfg,
            format!("[report]\nperiod = \"2022QMAT04\"\n\n{inputs}\n{GROUP}"),
        )
        .unwrap();
        let o = run(&["check", "--config", cfg.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{expected}: {err}");
        assert!(err.contains(expected), "expected {expected:?} in {err}");
    }
}

/// The fuzz targets' fixture configs parse, and each new reader survives a few odd inputs.
#[test]
fn fuzz_entry_points_of_the_new_readers() {
    use kommunebench::fuzzing::{input, Reader};
    for r in [Reader::Statbank, Reader::Long, Reader::JobindsatsTable] {
        for data in [
            &b""[..],
            b"\xEF\xBB\xBFOMR\xC3\x85DE;YDELSESTYPE;K\xC3\x98N;TID;INDHOLD\r\nIsh\xC3\xb8j;kontanthj\xC3\xa6lp;Total;2022K1;..\r\n",
            b"municipality,year,value\nCopenhagen,2022,1e308\n",
            b"[{\"Variables\":[],\"Data\":[[]]}]",
            b"{\"columns\":[\"Omr\xC3\xa5de\"],\"rows\":[[null]]}",
        ] {
            input(r, data);
        }
    }
}
