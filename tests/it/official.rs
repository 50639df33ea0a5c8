//! The default build against the ministry's own figures (jobindsats Y30R21), read here
//! independently of the product's parser.

use std::collections::BTreeMap;

use super::common;

const RANK: &str = "Placering på benchmarkranglisten";
const GAP_PP: &str = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point)";

/// (period, group label, name) → (official rank, rounded pp gap).
fn official() -> BTreeMap<(String, String, String), (u32, f64)> {
    let text =
        std::fs::read_to_string(common::repo().join("fixtures/jobindsats/Y30R21-2020-2022.jsonl"))
            .unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let key = (
                v["Periode"].as_str().unwrap().to_string(),
                v["Ydelsesgrupper"].as_str().unwrap().to_string(),
                v["Area"].as_str().unwrap().to_string(),
            );
            let gap: f64 = v[GAP_PP]
                .as_str()
                .unwrap()
                .replace(',', ".")
                .parse()
                .unwrap();
            (key, (v[RANK].as_u64().unwrap() as u32, gap))
        })
        .collect()
}

fn results_csv() -> Vec<csv::StringRecord> {
    let path = common::default_site().join("data/results.csv");
    let mut rdr = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>().join(","),
        kommunebench::render::data::RESULTS_HEADER
    );
    rdr.records().map(|r| r.unwrap()).collect()
}

fn label(id: &str) -> &'static str {
    match id {
        "i-alt" => "Ydelsesgrupper i alt",
        "a-dagpenge" => "A-dagpenge mv.",
        "sygedagpenge" => "Sygedagpenge mv.",
        "kontanthjaelp" => "Kontanthjælp mv.",
        _ => panic!("unknown group {id}"),
    }
}

#[test]
fn ranks_equal_the_official_ranks_for_2022qmat04() {
    let off = official();
    let rows: Vec<_> = results_csv()
        .into_iter()
        .filter(|r| &r[0] == "2022QMAT04")
        .collect();
    assert_eq!(rows.len(), 98 * 4);
    for r in &rows {
        let key = (
            "2022QMAT04".to_string(),
            label(&r[1]).to_string(),
            r[3].to_string(),
        );
        let (rank, _) = off[&key];
        assert_eq!(r[11].parse::<u32>().unwrap(), rank, "{key:?}");
    }
}

#[test]
fn ranks_recomputed_from_gap_pp_never_contradict_the_official_order() {
    // The official ranks were set on unrounded gaps; the file has them rounded to 2 decimals.
    // So no pair may be ordered against the official ranking, but rounded ties are allowed.
    let off = official();
    let mut lists: BTreeMap<(String, String), Vec<(u32, f64)>> = BTreeMap::new();
    for ((p, g, _), v) in &off {
        lists.entry((p.clone(), g.clone())).or_default().push(*v);
    }
    assert_eq!(lists.len(), 24);
    let mut ties = 0;
    for ((p, g), list) in &lists {
        let gaps: Vec<f64> = list.iter().map(|x| x.1).collect();
        let ours = kommunebench::compute::rank::competition_rank(&gaps);
        for i in 0..list.len() {
            for j in 0..list.len() {
                if list[i].0 < list[j].0 {
                    assert!(
                        ours[i] <= ours[j],
                        "{p} {g}: official {} before {}, recomputed {} vs {}",
                        list[i].0,
                        list[j].0,
                        ours[i],
                        ours[j]
                    );
                    if ours[i] == ours[j] {
                        ties += 1;
                    }
                }
            }
        }
    }
    assert!(ties > 0, "the rounded file should contain ties");
}

#[test]
fn improvement_present_for_all_392_rows_with_its_rank() {
    let off = official();
    let rows: Vec<_> = results_csv()
        .into_iter()
        .filter(|r| &r[0] == "2022QMAT04")
        .collect();
    let mut per_group: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for r in &rows {
        let imp: f64 = r[14].parse().expect("improvement_pp present");
        let rank: u32 = r[15].parse().expect("improvement_rank present");
        let now = off[&("2022QMAT04".into(), label(&r[1]).into(), r[3].to_string())].1;
        let before = off[&("2021QMAT04".into(), label(&r[1]).into(), r[3].to_string())].1;
        assert!((imp - (now - before)).abs() < 1e-9, "{:?}", r);
        per_group.entry(r[1].to_string()).or_default().push(rank);
    }
    assert_eq!(rows.len(), 392);
    for (g, ranks) in per_group {
        assert!(ranks.contains(&1), "{g}");
        assert!(ranks.iter().all(|&r| (1..=98).contains(&r)));
    }
}

#[test]
fn rank_intervals_contain_the_rank_and_national_totals_add_up() {
    for r in results_csv() {
        let (rank, lo, hi): (u32, u32, u32) = (
            r[11].parse().unwrap(),
            r[12].parse().unwrap(),
            r[13].parse().unwrap(),
        );
        assert!(lo <= rank && rank <= hi, "{r:?}");
    }
    let p = kommunebench::load(&common::default_config()).unwrap();
    let n = common::national(&p.results, "2022QMAT04", "i-alt");
    let sum: f64 = common::list(&p.results, "2022QMAT04", "i-alt")
        .iter()
        .map(|r| r.actual)
        .sum();
    assert_eq!(n.actual, sum);
    // Population 16–66 derived from the total group sums to about 3.8 million.
    assert!((3.6e6..4.0e6).contains(&n.population), "{}", n.population);
}

/// Equal published changes tie: the four municipalities whose total gap moved by exactly
/// −0,02 percentage points from 2021QMAT04 to 2022QMAT04 share one improvement rank (in floating
/// point their differences differ in the last bits and used to get ranks 48, 49, 50 and 51).
#[test]
fn equal_published_improvements_share_a_rank() {
    let mut ranks = Vec::new();
    for r in results_csv() {
        if &r[0] == "2022QMAT04"
            && &r[1] == "i-alt"
            && ["Egedal", "Lemvig", "Aarhus", "Rebild"].contains(&&r[3])
        {
            assert_eq!(&r[14], "-0.02", "{r:?}");
            ranks.push(r[15].to_string());
        }
    }
    assert_eq!(ranks, vec!["48"; 4]);
}
