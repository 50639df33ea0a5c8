//! The open model on real Statistics Denmark data (`config/model-dst.toml`) checked from
//! outside: its WLS fits against statsmodels refitted on the build's own `model-input.csv`
//! (script and output in `fixtures/dst/reference/`), and the comparison with the ministry
//! against an independent recomputation from the data files.

use std::collections::BTreeMap;

use super::common::{self, repo};

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn wls_fits_equal_statsmodels_on_model_input() {
    let p = kommunebench::load(&repo().join("config/model-dst.toml")).unwrap();
    let model = p.results.model.as_ref().unwrap();
    let text =
        std::fs::read_to_string(repo().join("fixtures/dst/reference/statsmodels_model_dst.json"))
            .unwrap();
    let reference: serde_json::Value = serde_json::from_str(&text).unwrap();
    let fits = reference["fits"].as_array().unwrap();
    assert_eq!(fits.len(), model.fits.len());
    for r in fits {
        let f = model
            .fits
            .iter()
            .find(|f| f.period.label() == r["period"] && f.group.as_str() == r["group"])
            .unwrap();
        let names: Vec<&str> = r["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let ours: Vec<&str> = f.coefficients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ours);
        for (j, c) in f.coefficients.iter().enumerate() {
            let b = r["params"][j].as_f64().unwrap();
            let se = r["bse"][j].as_f64().unwrap();
            assert!(
                close(c.estimate, b, 1e-9),
                "{} {} {}: {} vs {b}",
                f.period,
                f.group,
                c.name,
                c.estimate
            );
            assert!(
                close(c.std_error, se, 1e-9),
                "{} {} {}: se {} vs {se}",
                f.period,
                f.group,
                c.name,
                c.std_error
            );
        }
        let r2 = r["rsquared"].as_f64().unwrap();
        assert!(
            (f.r2 - r2).abs() <= 1e-9,
            "{} {}: R² {} vs {r2}",
            f.period,
            f.group,
            f.r2
        );
    }
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header = rdr.headers().unwrap().iter().map(String::from).collect();
    let rows = rdr
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Average ranks (ties share the mean of their places), written here independently.
fn avg_ranks(v: &[f64]) -> Vec<f64> {
    v.iter()
        .map(|x| {
            let below = v.iter().filter(|y| *y < x).count() as f64;
            let equal = v.iter().filter(|y| *y == x).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn comparison_with_the_ministry_recomputed_independently() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let cfg = repo().join("config/model-dst.toml");
    common::build_format(&cfg, &out, "html");
    let (h, rows) =
        csv_rows(&std::fs::read_to_string(out.join("data/model-comparison.csv")).unwrap());
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    // The ministry's ranks as published in the Y30R21 fixture, by (period, group label, name).
    let mut published: BTreeMap<(String, String, String), u32> = BTreeMap::new();
    for line in std::fs::read_to_string(repo().join("fixtures/jobindsats/Y30R21-2020-2022.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        published.insert(
            (
                v["Periode"].as_str().unwrap().into(),
                v["Ydelsesgrupper"].as_str().unwrap().into(),
                v["Area"].as_str().unwrap().into(),
            ),
            v["Placering på benchmarkranglisten"].as_u64().unwrap() as u32,
        );
    }
    let label = |g: &str| match g {
        "i-alt" => "Ydelsesgrupper i alt",
        "a-dagpenge" => "A-dagpenge mv.",
        "sygedagpenge" => "Sygedagpenge mv.",
        _ => "Kontanthjælp mv.",
    };
    // The model's ranks from results.csv.
    let (rh, rrows) = csv_rows(&std::fs::read_to_string(out.join("data/results.csv")).unwrap());
    let rc = |n: &str| rh.iter().position(|x| x == n).unwrap();
    let model_rank: BTreeMap<(String, String, String), u32> = rrows
        .iter()
        .map(|r| {
            (
                (
                    r[rc("period")].clone(),
                    r[rc("group")].clone(),
                    r[rc("kommunekode")].clone(),
                ),
                r[rc("rank")].parse().unwrap(),
            )
        })
        .collect();
    let mut lists: BTreeMap<(String, String), Vec<&Vec<String>>> = BTreeMap::new();
    for r in &rows {
        lists
            .entry((r[col("period")].clone(), r[col("group")].clone()))
            .or_default()
            .push(r);
        let ministry: u32 = r[col("ministry_rank")].parse().unwrap();
        let model: u32 = r[col("model_rank")].parse().unwrap();
        assert_eq!(
            ministry,
            published[&(
                r[col("period")].clone(),
                label(&r[col("group")]).to_string(),
                r[col("kommune")].clone()
            )]
        );
        assert_eq!(
            model,
            model_rank[&(
                r[col("period")].clone(),
                r[col("group")].clone(),
                r[col("kommunekode")].clone()
            )]
        );
        assert_eq!(
            r[col("difference")].parse::<i64>().unwrap(),
            i64::from(model) - i64::from(ministry)
        );
    }
    assert_eq!(lists.len(), 24);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("data/model-comparison.json")).unwrap(),
    )
    .unwrap();
    for s in summary.as_array().unwrap() {
        let list = &lists[&(
            s["period"].as_str().unwrap().to_string(),
            s["group"].as_str().unwrap().to_string(),
        )];
        let num =
            |n: &str| -> Vec<f64> { list.iter().map(|r| r[col(n)].parse().unwrap()).collect() };
        let (me, oe) = (num("ministry_expected_share"), num("model_expected_share"));
        let (mr, or) = (num("ministry_rank"), num("model_rank"));
        let rmse = (me
            .iter()
            .zip(&oe)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            / me.len() as f64)
            .sqrt();
        let moved = mr
            .iter()
            .zip(&or)
            .filter(|(a, b)| (*a - *b).abs() > 10.0)
            .count();
        assert!((s["expected_correlation"].as_f64().unwrap() - corr(&me, &oe)).abs() < 1e-12);
        assert!((s["rmse_pp"].as_f64().unwrap() - rmse).abs() < 1e-12);
        assert!(
            (s["spearman"].as_f64().unwrap() - corr(&avg_ranks(&mr), &avg_ranks(&or))).abs()
                < 1e-12
        );
        assert_eq!(s["moved_over_10"].as_u64().unwrap() as usize, moved);
    }
    // The page says the same, rounded.
    let page = std::fs::read_to_string(out.join("model.html")).unwrap();
    assert!(page.contains("Model og ministeriets tal"));
    assert_eq!(
        page.matches("<svg").count(),
        4,
        "one rank scatter per group"
    );
}

/// A group the ministry leaves out, from the synthetic AUK01-shaped file: fitted, ranked, and
/// labelled synthetic wherever it appears.
#[test]
fn foertidspension_from_the_synthetic_auk01() {
    let p = kommunebench::load(&repo().join("config/model-dst-foertidspension.toml")).unwrap();
    let g: kommunebench::keys::GroupId = "foertidspension".into();
    let list = p.results.list(&p.results.current, &g).unwrap();
    assert_eq!(list.rows.len(), 98);
    let label = &p.config.group(&g).unwrap().label;
    assert!(label.contains("SYNTETISK"), "{label}");
    assert!(p.config.report.title.contains("SYNTETISK"));
    // No ministry figures for it: no comparison, but the ministry's groups still have one.
    assert!(p.results.versus(&p.results.current, &g).is_none());
    assert!(p
        .results
        .versus(&p.results.current, &"i-alt".into())
        .is_some());
    // The four-quarter mean of the synthetic file for Ishøj's disability pension and the rest.
    let text =
        std::fs::read_to_string(repo().join("fixtures/dst/SYNTHETIC-auk01-foertidspension-mv.csv"))
            .unwrap();
    let sum: f64 = text
        .lines()
        .filter(|l| l.starts_with("Ishøj;") && l.contains(";2022Q"))
        .map(|l| l.rsplit(';').next().unwrap().parse::<f64>().unwrap())
        .sum();
    let row = list.row(kommunebench::keys::Kommunekode(183)).unwrap();
    assert!(
        (row.actual - sum / 4.0).abs() < 1e-9,
        "{} vs {}",
        row.actual,
        sum / 4.0
    );
}
