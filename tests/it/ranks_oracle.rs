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
