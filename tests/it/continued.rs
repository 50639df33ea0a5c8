//! Continued mode on the real Y30R21 data: the ministry's 2021QMAT04 list carried to 2022 never
//! reads the ministry's later expected figures, is backtested on the earlier lists, and refuses
//! a continuation it cannot make with the period or group named.

use std::path::{Path, PathBuf};

use super::common::{repo, run};

const Y30R21: &str = "fixtures/jobindsats/Y30R21-2020-2022.jsonl";

/// The columns of Y30R21 that carry the ministry's model: everything but the actual figures.
const MINISTRY_KEYS: [&str; 5] = [
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forventet antal",
    "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk antal",
    "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forventet andel (pct.)",
    "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Forskel mellem forventet og faktisk andel (pct. point)",
    "Placering på benchmarkranglisten",
];

/// The Y30R21 export with the ministry's columns removed from the rows `drop` selects.
fn y30r21_without(drop: impl Fn(&serde_json::Map<String, serde_json::Value>) -> bool) -> String {
    let text = std::fs::read_to_string(repo().join(Y30R21)).unwrap();
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let mut row: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).unwrap();
        if drop(&row) {
            for k in MINISTRY_KEYS {
                row.remove(k);
            }
        }
        out.push_str(&serde_json::to_string(&row).unwrap());
        out.push('\n');
    }
    out
}

/// `config/continued.toml` in `dir`, reading `y30r21` instead of the fixture and every other
/// input from the repository's fixtures; `edit` changes its text.
fn project(dir: &Path, y30r21: &str, edit: impl Fn(String) -> String) -> PathBuf {
    std::fs::write(dir.join("y30r21.jsonl"), y30r21).unwrap();
    let fixtures = repo().join("fixtures");
    let text = std::fs::read_to_string(repo().join("config/continued.toml"))
        .unwrap()
        .replace(
            "../fixtures/jobindsats/Y30R21-2020-2022.jsonl",
            "y30r21.jsonl",
        )
        .replace("../fixtures/", &format!("{}/", fixtures.display()));
    let path = dir.join("continued.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

fn build_html(config: &Path, out: &Path) {
    super::common::build_format(config, out, "html");
}

fn period(row: &serde_json::Map<String, serde_json::Value>) -> &str {
    row["Periode"].as_str().unwrap()
}

#[test]
fn continued_lists_never_read_the_ministrys_later_expected_figures() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(repo().join(Y30R21)).unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let with = project(&a, &full, |t| t);
    // Everything the ministry computed after 2021QMAT04 removed: only actual figures remain.
    let stripped = y30r21_without(|r| period(r) > "2021QMAT04");
    assert!(!stripped
        .lines()
        .any(|l| l.contains("\"2022QMAT04\"") && l.contains("Forventet antal\"")));
    assert!(stripped
        .lines()
        .any(|l| l.contains("\"2021QMAT04\"") && l.contains("Forventet antal\"")));
    let without = project(&b, &stripped, |t| t);
    build_html(&with, &a.join("site"));
    build_html(&without, &b.join("site"));
    for f in [
        "data/results.csv",
        "data/backtest.json",
        "data/national.csv",
        "data/noise.json",
        "data/comparison.csv",
    ] {
        let x = std::fs::read(a.join("site").join(f)).unwrap();
        let y = std::fs::read(b.join("site").join(f)).unwrap();
        assert!(
            x == y,
            "{f} differs when the ministry's 2022 figures are removed"
        );
    }
    // The 2022 lists say they are continued; the 2021 list is the ministry's own.
    let csv = std::fs::read_to_string(a.join("site/data/results.csv")).unwrap();
    let column = csv
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "expected_source")
        .unwrap();
    let source = |p: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("{p},i-alt,183,")))
            .and_then(|l| l.split(',').nth(column))
            .unwrap()
            .to_string()
    };
    assert_eq!(source("2022QMAT04"), "continued:2021QMAT04");
    assert_eq!(source("2021QMAT04"), "ministry");
    // The method page shows the backtest; the pages say what is continued.
    let metode = std::fs::read_to_string(a.join("site/metode.html")).unwrap();
    assert!(metode.contains("id=\"tilbagetest\""));
    assert!(metode.contains("Naiv: sidste års liste uændret"));
    let page = std::fs::read_to_string(a.join("site/kommune/183.html")).unwrap();
    assert!(page.contains("Forventede tal fremskrevet fra ministeriets liste for 4. kvt. 2021"));
    assert!(page.contains("Fremskrivninger som denne har ramt ministeriets senere placeringer med en rangkorrelation på"));
    assert!(page.contains("forventet (fremskrevet fra ministeriets liste for 4. kvt. 2021)"));
}

#[test]
fn the_backtest_pairs_are_the_published_lists_up_to_the_last_one() {
    let p = kommunebench::load(&repo().join("config/continued.toml")).unwrap();
    let c = p.results.continuation.as_ref().unwrap();
    let pairs: std::collections::BTreeSet<(String, String)> = c
        .backtest
        .iter()
        .map(|s| (s.from.to_string(), s.to.to_string()))
        .collect();
    let want: std::collections::BTreeSet<(String, String)> =
        [("2020QMAT02", "2021QMAT02"), ("2020QMAT04", "2021QMAT04")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(pairs, want);
    // Every continued list has an error from the backtest, and the confidence sets widen.
    assert!(c.lists.iter().all(|l| l.sd_pp.is_some_and(|s| s > 0.0)));
    let cur = "2022QMAT04".parse::<kommunebench::keys::Period>().unwrap();
    let g = kommunebench::keys::GroupId::from("i-alt");
    let se_cont = p
        .results
        .row(&cur, &g, kommunebench::keys::Kommunekode(183))
        .unwrap()
        .gap_pp_se;
    let d = kommunebench::load(&repo().join("config/kommunebench.toml")).unwrap();
    let se_sup = d
        .results
        .row(&cur, &g, kommunebench::keys::Kommunekode(183))
        .unwrap()
        .gap_pp_se;
    assert!(
        se_cont > se_sup,
        "continued se {se_cont} not above supplied {se_sup}"
    );
    // Supplied mode shows the backtest of every published pair, one and two years apart.
    let all = d.results.continuation.as_ref().unwrap();
    let n_pairs: std::collections::BTreeSet<(String, String, u32)> = all
        .backtest
        .iter()
        .map(|s| (s.from.to_string(), s.to.to_string(), s.horizon_months))
        .collect();
    assert_eq!(n_pairs.len(), 6, "{n_pairs:?}");
}

fn error_of(config: &Path) -> String {
    let o = run(&["check", "--config", config.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn a_continuation_that_cannot_be_made_names_the_period_or_group() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(repo().join(Y30R21)).unwrap();
    // The last ministry list is not in the data.
    let c = project(dir.path(), &full, |t| {
        t.replace("from = \"2021QMAT04\"", "from = \"2019QMAT04\"")
    });
    let e = error_of(&c);
    assert!(
        e.contains("expected.continued.from") && e.contains("2019QMAT04 is not in the data"),
        "{e}"
    );
    assert!(e.contains("continued.toml:"), "no file:line in {e}");
    // Not earlier than the current period.
    let c = project(dir.path(), &full, |t| {
        t.replace("from = \"2021QMAT04\"", "from = \"2022QMAT04\"")
    });
    let e = error_of(&c);
    assert!(
        e.contains("2022QMAT04 is not earlier than report.period 2022QMAT04"),
        "{e}"
    );
    // The last list lacks a group.
    let lacking =
        y30r21_without(|r| period(r) == "2021QMAT04" && r["Ydelsesgrupper"] == "Kontanthjælp mv.");
    let c = project(dir.path(), &lacking, |t| t);
    let e = error_of(&c);
    assert!(
        e.contains("period 2021QMAT04") && e.contains("group kontanthjaelp"),
        "{e}"
    );
    // A model method without the open model, and an unknown group.
    let c = project(dir.path(), &full, |t| {
        t.replace("method = \"auto\"", "method = \"model\"")
            .replace("\nvariables = [", "\nunused = [")
    });
    let e = error_of(&c);
    assert!(
        e.contains("unknown field `unused`") || e.contains("needs the open model"),
        "{e}"
    );
    let c = project(dir.path(), &full, |t| {
        t.replace(
            "# [expected.continued.groups]\n# kontanthjaelp",
            "[expected.continued.groups]\nkontanthjalp",
        )
    });
    let e = error_of(&c);
    assert!(
        e.contains("expected.continued.groups.kontanthjalp")
            && e.contains("not a configured group"),
        "{e}"
    );
    // A persistence weight outside 0–1.
    let c = project(dir.path(), &full, |t| {
        t.replace("# persistence", "persistence").replace(
            "method = \"auto\"\n",
            "method = \"auto\"\npersistence = 1.5\n",
        )
    });
    let e = error_of(&c);
    assert!(
        e.contains("expected.continued.persistence") && e.contains("1.5"),
        "{e}"
    );
    // A break with a date that does not exist.
    let c = project(dir.path(), &full, |t| {
        t.replacen("date = \"2025-07-01\"", "date = \"2025-02-29\"", 1)
    });
    let e = error_of(&c);
    assert!(e.contains("breaks.date") && e.contains("2025-02-29"), "{e}");
}

#[test]
fn a_break_between_two_periods_leaves_their_improvement_out_or_labels_it() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(repo().join(Y30R21)).unwrap();
    let omit = project(dir.path(), &full, |t| {
        t.replacen("date = \"2025-07-01\"", "date = \"2022-07-01\"", 1)
    });
    let p = kommunebench::load(&omit).unwrap();
    let cur = "2022QMAT04".parse::<kommunebench::keys::Period>().unwrap();
    let k = kommunebench::keys::GroupId::from("kontanthjaelp");
    let a = kommunebench::keys::GroupId::from("a-dagpenge");
    let code = kommunebench::keys::Kommunekode(183);
    assert!(p
        .results
        .row(&cur, &k, code)
        .unwrap()
        .improvement_pp
        .is_none());
    assert!(p
        .results
        .row(&cur, &a, code)
        .unwrap()
        .improvement_pp
        .is_some());
    // The total contains kontanthjælp: its improvement crosses the break too.
    let t = kommunebench::keys::GroupId::from("i-alt");
    assert!(p
        .results
        .row(&cur, &t, code)
        .unwrap()
        .improvement_pp
        .is_none());
    let label = project(dir.path(), &full, |t| {
        t.replacen(
            "date = \"2025-07-01\"",
            "date = \"2022-07-01\"\nimprovement = \"label\"",
            1,
        )
    });
    let p = kommunebench::load(&label).unwrap();
    assert!(p
        .results
        .row(&cur, &k, code)
        .unwrap()
        .improvement_pp
        .is_some());
    let list = p.results.list(&cur, &k).unwrap();
    assert_eq!(list.breaks_crossed, vec![0]);
    let site = dir.path().join("site-label");
    build_html(&label, &site);
    let page = std::fs::read_to_string(site.join("kommune/183.html")).unwrap();
    assert!(page.contains("sammenligner perioder på hver sin side af et databrud"));
}
