//! Model mode against statsmodels reference values (fixtures/model/reference, produced by the
//! committed script; no Python is needed to run this test).

use super::common;

fn reference() -> serde_json::Value {
    let text =
        std::fs::read_to_string(common::repo().join("fixtures/model/reference/reference.json"))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    let tol = rel * b.abs().max(1e-12);
    assert!(
        (a - b).abs() <= tol,
        "{what}: {a} vs {b} (rel {})",
        ((a - b) / b).abs()
    );
}

/// The example config with absolute paths, optionally changed, in a temp folder.
fn config(edit: impl Fn(String) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(common::repo().join("config/model-example.toml")).unwrap();
    let fixtures = common::repo().join("fixtures").display().to_string();
    let text = edit(text.replace("../fixtures", &fixtures));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn wls_matches_statsmodels() {
    let reference = reference();
    let (_d, cfg) = config(|t| t);
    let p = kommunebench::load(&cfg).unwrap();
    let report = p.results.model.as_ref().unwrap();
    for group in ["a-dagpenge", "sygedagpenge", "kontanthjaelp"] {
        let r = &reference["groups"][group]["wls"];
        let fit = report
            .fits
            .iter()
            .find(|f| f.period.label() == "2022QMAT04" && f.group.as_str() == group)
            .unwrap();
        assert_eq!(fit.n, 98);
        assert_eq!(fit.parameters, 11);
        for (c, (b, se)) in fit
            .coefficients
            .iter()
            .zip(floats(&r["params"]).iter().zip(floats(&r["bse"])))
        {
            close(
                c.estimate,
                *b,
                1e-9,
                &format!("{group} {} estimate", c.name),
            );
            close(
                c.std_error,
                se,
                1e-9,
                &format!("{group} {} std_error", c.name),
            );
        }
        // HC3 beside the conventional ones, as statsmodels WLS(...).fit(cov_type="HC3").
        for (c, se) in fit.coefficients.iter().zip(floats(&r["bse_hc3"])) {
            close(
                c.robust_std_error,
                se,
                1e-9,
                &format!("{group} {} HC3", c.name),
            );
        }
        close(fit.r2, r["rsquared"].as_f64().unwrap(), 1e-9, "R²");
        close(
            fit.adj_r2,
            r["rsquared_adj"].as_f64().unwrap(),
            1e-9,
            "adjusted R²",
        );
        let fitted: Vec<f64> = common::list(&p.results, "2022QMAT04", group)
            .iter()
            .map(|r| r.expected_share)
            .collect();
        for (a, b) in fitted.iter().zip(floats(&r["fitted"])) {
            close(*a, b, 1e-9, "fitted");
        }
    }
    // The total's expected count is the sum of its members'.
    let total: f64 = common::row(&p.results, "2022QMAT04", "i-alt", 183)
        .unwrap()
        .expected;
    let sum: f64 = ["a-dagpenge", "sygedagpenge", "kontanthjaelp"]
        .iter()
        .map(|g| {
            common::row(&p.results, "2022QMAT04", g, 183)
                .unwrap()
                .expected
        })
        .sum();
    close(total, sum, 1e-12, "total");
}

#[test]
fn fractional_logit_matches_statsmodels() {
    let reference = reference();
    let (_d, cfg) = config(|t| {
        t.replace("method = \"wls\"", "method = \"fractional-logit\"")
            .replace("draws = 1000", "draws = 0")
    });
    let p = kommunebench::load(&cfg).unwrap();
    let report = p.results.model.as_ref().unwrap();
    for group in ["a-dagpenge", "sygedagpenge", "kontanthjaelp"] {
        let r = &reference["groups"][group]["fractional_logit"];
        let fit = report
            .fits
            .iter()
            .find(|f| f.period.label() == "2022QMAT04" && f.group.as_str() == group)
            .unwrap();
        for (c, (b, se)) in fit
            .coefficients
            .iter()
            .zip(floats(&r["params"]).iter().zip(floats(&r["bse"])))
        {
            close(
                c.estimate,
                *b,
                1e-6,
                &format!("{group} {} estimate", c.name),
            );
            // statsmodels' default (scale 1) is kept as the conventional standard error.
            close(
                c.conventional_std_error,
                se,
                1e-6,
                &format!("{group} {} conventional std_error", c.name),
            );
        }
        // The reported standard error is the HC0 sandwich, as statsmodels cov_type="HC0".
        for (c, se) in fit.coefficients.iter().zip(floats(&r["bse_hc0"])) {
            close(c.std_error, se, 1e-6, &format!("{group} {} HC0", c.name));
            close(
                c.robust_std_error,
                se,
                1e-6,
                &format!("{group} {} HC0", c.name),
            );
        }
        close(fit.r2, r["rsquared"].as_f64().unwrap(), 1e-6, "R²");
        let fitted: Vec<f64> = common::list(&p.results, "2022QMAT04", group)
            .iter()
            .map(|r| r.expected_share)
            .collect();
        for (a, b) in fitted.iter().zip(floats(&r["fitted_pct"])) {
            close(*a, b, 1e-6, "fitted");
        }
    }
}

#[test]
fn model_build_writes_its_files_and_intervals_are_reproducible() {
    let (dir, cfg) = config(|t| t.replace("draws = 1000", "draws = 200"));
    let build = |name: &str| {
        let out = dir.path().join(name);
        common::build_format(&cfg, &out, "html");
        out
    };
    let a = build("a");
    let b = build("b");
    for f in ["data/model.json", "data/comparison.csv", "data/results.csv"] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
    let model: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("data/model.json")).unwrap()).unwrap();
    assert_eq!(model["fits"].as_array().unwrap().len(), 6 * 3);
    let se = model["standard_errors"].as_str().unwrap();
    assert!(se.contains("HC0 sandwich") && se.contains("HC3"), "{se}");
    let mut rdr = csv::Reader::from_path(a.join("data/results.csv")).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        let (rank, lo, hi): (u32, u32, u32) = (
            r[11].parse().unwrap(),
            r[12].parse().unwrap(),
            r[13].parse().unwrap(),
        );
        assert!(lo <= rank && rank <= hi, "{r:?}");
    }
    let comparison = std::fs::read_to_string(a.join("data/comparison.csv")).unwrap();
    assert!(comparison.starts_with("period,group,kommunekode,peer_kommunekode,distance\r\n"));
    // 6 periods × 4 groups × 98 municipalities × 10 peers.
    assert_eq!(comparison.lines().count(), 1 + 6 * 4 * 98 * 10);
}

#[test]
fn collinear_variables_are_named() {
    let (dir, cfg) = config(|t| t);
    // Add a variable that is exactly twice another one.
    let src =
        std::fs::read_to_string(common::repo().join("fixtures/model/rammevilkaar-SYNTETISK.csv"))
            .unwrap();
    let mut out = String::new();
    for (i, line) in src.lines().enumerate() {
        if i == 0 {
            out.push_str(&format!("{line};dobbelt_grundskole\n"));
        } else {
            let v: f64 = line.split(';').nth(1).unwrap().parse().unwrap();
            out.push_str(&format!("{line};{}\n", v * 2.0));
        }
    }
    let ram = dir.path().join("ram.csv");
    std::fs::write(&ram, out).unwrap();
    let text = std::fs::read_to_string(&cfg)
        .unwrap()
        .replace(
            &common::repo()
                .join("fixtures/model/rammevilkaar-SYNTETISK.csv")
                .display()
                .to_string(),
            &ram.display().to_string(),
        )
        .replace(
            "\"andel_landdistrikt\",\n]",
            "\"andel_landdistrikt\", \"dobbelt_grundskole\",\n]",
        );
    std::fs::write(&cfg, text).unwrap();
    let err = kommunebench::load(&cfg)
        .err()
        .expect("collinear design")
        .to_string();
    assert!(
        err.ends_with("rank-deficient design: the variable \"dobbelt_grundskole\" is a linear combination of \"andel_kun_grundskole\"; remove one of them"),
        "{err}"
    );
}
