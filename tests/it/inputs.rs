//! Benefit-level inputs summed into groups, totals derived from their members, and the
//! region and klynge comparison kinds.

use super::common::{self, Project, MUNICIPALITIES};

/// Benefit rows (synthetic): kontanthjælp and uddannelseshjælp make "kontanthjaelp";
/// sygedagpenge makes "sygedagpenge"; the total is not in the input.
fn benefit_csv() -> String {
    let mut s = String::from("kode,periode,ydelse,fuldtidspersoner,befolkning\n");
    for (code, pop) in [(101, 1000), (102, 2000), (103, 500), (104, 3000)] {
        for (benefit, v) in [
            ("kontanthjælp", 10.0),
            ("uddannelseshjælp", 2.5),
            ("sygedagpenge", 7.0),
        ] {
            s.push_str(&format!(
                "{code},2022,{benefit},{},{pop}\n",
                v * f64::from(code - 100)
            ));
        }
    }
    s
}

const CONFIG: &str = r#"[report]
period = "2022"
[data]
municipalities = "kommuner.csv"
[[data.inputs]]
format = "csv"
path = "data.csv"
delimiter = ","
decimal = "point"
[data.inputs.columns]
kommunekode = "kode"
period = "periode"
benefit = "ydelse"
actual = "fuldtidspersoner"
population = "befolkning"

[[groups]]
id = "i-alt"
label = "I alt"
total-of = ["kontanthjaelp", "sygedagpenge"]
[[groups]]
id = "kontanthjaelp"
label = "Kontanthjælp mv."
benefits = ["kontanthjælp", "uddannelseshjælp"]
[[groups]]
id = "sygedagpenge"
label = "Sygedagpenge mv."
benefits = ["sygedagpenge"]

[[data.inputs]]
format = "csv"
role = "rammevilkaar"
path = "ram.csv"
delimiter = ","
decimal = "point"
[data.inputs.columns]
kommunekode = "kode"

[expected]
mode = "model"
variables = ["x"]

[ranking]
draws = 50
"#;

fn project(comparison: &str) -> Project {
    let p = Project::with(
        &format!("{CONFIG}\n{comparison}"),
        MUNICIPALITIES,
        &benefit_csv(),
    );
    std::fs::write(
        p.dir.path().join("ram.csv"),
        "kode,x\n101,1\n102,2\n103,4\n104,3\n",
    )
    .unwrap();
    p
}

#[test]
fn benefits_are_summed_into_groups_and_the_total_is_derived() {
    let p = project("");
    let proj = kommunebench::load(&p.config()).unwrap();
    let r = &proj.results;
    // Kommune 103: kontanthjælp 30 + uddannelseshjælp 7.5 = 37.5; sygedagpenge 21; total 58.5.
    assert_eq!(
        common::row(r, "2022", "kontanthjaelp", 103).unwrap().actual,
        37.5
    );
    assert_eq!(
        common::row(r, "2022", "sygedagpenge", 103).unwrap().actual,
        21.0
    );
    let total = common::row(r, "2022", "i-alt", 103).unwrap();
    assert_eq!(total.actual, 58.5);
    let members: f64 = ["kontanthjaelp", "sygedagpenge"]
        .iter()
        .map(|g| common::row(r, "2022", g, 103).unwrap().expected)
        .sum();
    assert!((total.expected - members).abs() < 1e-9);
    assert_eq!(total.population, 500.0);
}

#[test]
fn region_peers_share_the_region() {
    let municipalities =
        "kommunekode;kommune;region\n101;Alfa;Nord\n102;Beta;Nord\n103;Gamma;Syd\n104;Delta;Nord\n";
    let p = project("[comparison]\nkind = \"region\"\n");
    std::fs::write(p.dir.path().join("kommuner.csv"), municipalities).unwrap();
    let proj = kommunebench::load(&p.config()).unwrap();
    let mut peers: Vec<u16> = common::peers(&proj.results, "2022", "kontanthjaelp", 101);
    peers.sort();
    assert_eq!(peers, vec![102, 104]);
    assert!(common::peers(&proj.results, "2022", "kontanthjaelp", 103).is_empty());
}

#[test]
fn klynge_peers_and_fallback_to_nearest() {
    let p = project("[comparison]\nkind = \"klynge\"\nsize = 2\n[comparison.klynger]\n\"Storby\" = [101, 103]\n");
    let proj = kommunebench::load(&p.config()).unwrap();
    let peers = |c| -> Vec<u16> { common::peers(&proj.results, "2022", "sygedagpenge", c) };
    assert_eq!(peers(101), vec![103]);
    assert_eq!(peers(103), vec![101]);
    // 102 is in no klynge: its 2 nearest by expected share.
    assert_eq!(peers(102).len(), 2);
    assert!(!peers(102).contains(&102));
}

#[test]
fn a_benefit_in_no_group_is_an_error() {
    let p = project("");
    let data = benefit_csv() + "101,2022,førtidspension,5,1000\n";
    std::fs::write(p.dir.path().join("data.csv"), data).unwrap();
    let err = kommunebench::load(&p.config()).err().unwrap().to_string();
    assert_eq!(
        err,
        format!(
            "{}:14: the benefit \"førtidspension\" is in no configured group's `benefits`",
            p.path("data.csv")
        )
    );
}
