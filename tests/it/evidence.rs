//! The gap's evidence keeps its stated error rates, checked by simulation: among municipalities
//! with no true effect, the share past 2 standard errors is the normal's 4,55 %, and the share of
//! Benjamini–Hochberg calls that are false stays at or below the stated 10 % — with the noise
//! model's φ estimated from the data as the pipeline does. And on the real data: Ishøj's 2022 total
//! gap is called beyond chance, in words, in the table and in `data/results.csv`.

use kommunebench::compute::evidence::{assess, degrees_of_freedom, Evidence, FDR};
use kommunebench::compute::noise::{binomial_var_pp, overdispersion};
use kommunebench::compute::random::Normals;
use kommunebench::keys::GroupId;

use super::common;

const N: usize = 98;

#[test]
fn the_stated_error_rates_hold_in_simulation() {
    let mut z = Normals::new(2026);
    let pop: Vec<f64> = (0..N)
        .map(|_| (10.0f64 + z.next_normal()).exp().clamp(1_500.0, 400_000.0))
        .collect();
    let v: Vec<f64> = pop.iter().map(|n| binomial_var_pp(0.08 * n, *n)).collect();
    let phi_true = 0.6;
    let (mut null_rows, mut null_beyond2) = (0usize, 0usize);
    let mut fdp_sum = 0.0;
    let mut all_null_any = 0usize;
    let sims = 2000;
    for s in 0..sims {
        // Half the simulations: every municipality without a true effect; the other half: a
        // fifth with a real excess or shortfall of 0,5 pp.
        let effects = s % 2 == 1;
        let theta: Vec<f64> = (0..N)
            .map(|i| {
                if effects && i % 5 == 0 {
                    if i % 10 == 0 {
                        0.5
                    } else {
                        -0.5
                    }
                } else {
                    0.0
                }
            })
            .collect();
        let obs: Vec<f64> = (0..N)
            .map(|i| theta[i] + (phi_true * v[i]).sqrt() * z.next_normal())
            .collect();
        let before: Vec<f64> = (0..N)
            .map(|i| theta[i] + (phi_true * v[i]).sqrt() * z.next_normal())
            .collect();
        let changes: Vec<(f64, f64)> = (0..N).map(|i| (obs[i] - before[i], 2.0 * v[i])).collect();
        let o = overdispersion(&GroupId::new("x"), &changes);
        let se: Vec<f64> = v.iter().map(|v| (o.phi * v).sqrt()).collect();
        let (zs, qs) = assess(&obs, &se, degrees_of_freedom(&o));
        let called: Vec<usize> = (0..N).filter(|&i| qs[i] <= FDR).collect();
        let false_calls = called.iter().filter(|&&i| theta[i] == 0.0).count();
        if !called.is_empty() {
            fdp_sum += false_calls as f64 / called.len() as f64;
        }
        if !effects && !called.is_empty() {
            all_null_any += 1;
        }
        for i in (0..N).filter(|&i| theta[i] == 0.0) {
            null_rows += 1;
            null_beyond2 += usize::from(Evidence::of(zs[i]) != Evidence::Within);
        }
    }
    let beyond2 = null_beyond2 as f64 / null_rows as f64;
    let fdr = fdp_sum / sims as f64;
    let any_all_null = all_null_any as f64 / (sims / 2) as f64;
    eprintln!("null share past 2 SE: {beyond2:.4}; false discovery rate: {fdr:.4}; any call when all null: {any_all_null:.4}");
    // Binomial Monte Carlo error at ≈ 176.000 null rows is ≈ 0,0005; φ is estimated, not known.
    assert!((beyond2 - 0.0455).abs() < 0.006, "{beyond2}");
    // BH: FDR ≤ 10 % (π₀ < 1 makes it lower); when every municipality is null, the chance of
    // any call at all is the FDR itself. 1000 simulations: ±0,019 at 2 standard errors.
    assert!(fdr <= FDR + 0.01, "{fdr}");
    assert!(any_all_null <= FDR + 0.02, "{any_all_null}");
}

#[test]
fn ishoej_total_gap_is_beyond_chance_in_words_table_and_data() {
    let site = common::default_site();
    let csv = std::fs::read_to_string(site.join("data/results.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with("2022QMAT04,i-alt,183,"))
        .unwrap()
        .split(',')
        .collect();
    let gap: f64 = row[col("gap_pp")].parse().unwrap();
    let se: f64 = row[col("gap_pp_se")].parse().unwrap();
    let z: f64 = row[col("gap_z")].parse().unwrap();
    assert!((z - gap / se).abs() < 1e-9 && z > 2.0 && z < 3.0, "{z}");
    assert_eq!(row[col("gap_evidence")], "beyond-2se");
    assert_eq!(row[col("gap_beyond_chance")], "true");
    let page = std::fs::read_to_string(site.join("kommune/183.html")).unwrap();
    assert!(page.contains("Forskellen er større, end tilfældige udsving kan forklare (2,1 standardfejl), også når der tages højde for, at 98 kommuner sammenlignes. Usikkerheden i det forventede tal selv er ikke medregnet."));
    assert!(page.contains("<td>Ja (2,1 SE)</td>"));
    let method = std::fs::read_to_string(site.join("metode.html")).unwrap();
    assert!(method.contains("falsk-opdagelsesrate på 10 %") && method.contains("id=\"evidens\""));
    // noise.json says what the code does: φ is the estimate, also below 1.
    let noise: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/noise.json")).unwrap())
            .unwrap();
    assert!(!noise["model"].as_str().unwrap().contains("max(1"));
    for g in noise["groups"].as_array().unwrap() {
        if g["changes"].as_u64().unwrap() >= 20 {
            assert_eq!(g["phi"], g["estimate"], "{g}");
        }
    }
    assert!(noise["groups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["phi"].as_f64().unwrap() < 1.0));
}
