//! Rank confidence sets against the published csranks results on the PISA 2018 file
//! (`fixtures/ranks-oracle/`, MRSW 2024 / csranks vignette): an outside oracle.

use kommunebench::compute::confidence::{rank_sets, tau_best, Coverage};

fn pisa() -> (Vec<String>, Vec<f64>, Vec<f64>) {
    let path = super::common::repo().join("fixtures/ranks-oracle/pisa2018-oecd.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let (mut names, mut score, mut se) = (Vec::new(), Vec::new(), Vec::new());
    for r in rdr.records() {
        let r = r.unwrap();
        names.push(r[0].to_string());
        score.push(r[1].parse::<f64>().unwrap());
        se.push(r[2].parse::<f64>().unwrap());
    }
    (names, score, se)
}

const DRAWS: usize = 20_000;

#[test]
fn united_kingdom_marginal_95_set_is_8_to_23() {
    let (names, score, se) = pisa();
    let uk = names.iter().position(|n| n == "United Kingdom").unwrap();
    let sets = rank_sets(&score, &se, 0.95, Coverage::Marginal, DRAWS, 2024);
    assert_eq!(sets[uk], (8, 23));
    let rank = 1 + score.iter().filter(|&&s| s > score[uk]).count();
    assert_eq!(rank, 13);
}

#[test]
fn top_5_sets_at_95_and_90_percent() {
    let (names, score, se) = pisa();
    let set = |level: f64| -> Vec<String> {
        tau_best(&score, &se, 5, level, DRAWS, 2024)
            .iter()
            .zip(&names)
            .filter(|(inside, _)| **inside)
            .map(|(_, n)| n.clone())
            .collect()
    };
    let at95 = [
        "Belgium",
        "Canada",
        "Denmark",
        "Estonia",
        "Finland",
        "Japan",
        "Korea",
        "Netherlands",
        "Poland",
        "Slovenia",
        "Sweden",
        "Switzerland",
    ];
    assert_eq!(set(0.95), at95);
    let at90: Vec<&str> = at95.iter().copied().filter(|n| *n != "Sweden").collect();
    assert_eq!(set(0.90), at90);
}

/// The same oracle through the command line: the PISA scores as a `gap-pp-se` input with no
/// population or counts. Higher scores are better, lower gaps are better, so the gap is
/// −(score − 500)/10 and its standard error se/10 (an affine map keeps every set).
#[test]
fn cli_ranks_a_gap_and_se_input_like_csranks() {
    let (names, score, se) = pisa();
    let mut municipalities = String::from("kommunekode;kommune;region\n");
    let mut data = String::from("kommunekode,periode,gruppe,gap,gap_se\n");
    for (i, n) in names.iter().enumerate() {
        let code = 101 + i;
        municipalities.push_str(&format!("{code};{n};OECD\n"));
        let gap = -(score[i] - 500.0) / 10.0;
        data.push_str(&format!("{code},2018,matematik,{gap},{}\n", se[i] / 10.0));
    }
    let config = r#"
[report]
period = "2018"
title = "PISA 2018 som rangliste (test)"
sources = ["OECD PISA 2018 via csranks"]

[data]
municipalities = "kommuner.csv"

[[data.inputs]]
format = "csv"
path = "data.csv"
delimiter = ","
decimal = "point"
[data.inputs.columns]
kommunekode = "kommunekode"
period = "periode"
group = "gruppe"
gap-pp = "gap"
gap-pp-se = "gap_se"

[[groups]]
id = "matematik"
label = "Matematik"

[ranking]
interval-level = 0.95
draws = 10000
seed = 2024
"#;
    let project = super::common::Project::with(config, &municipalities, &data);
    let out = project.dir.path().join("site");
    let o = project.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(out.join("data/results.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let uk = 101 + names.iter().position(|n| n == "United Kingdom").unwrap();
    let row = rdr
        .records()
        .map(|r| r.unwrap())
        .find(|r| r[col("kommunekode")] == format!("{uk}"))
        .unwrap();
    assert_eq!(&row[col("rank")], "13");
    assert_eq!((&row[col("rank_low")], &row[col("rank_high")]), ("8", "23"));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("United Kingdom"));
    assert!(!html.contains("NaN"), "a missing figure is shown as NaN");
}
