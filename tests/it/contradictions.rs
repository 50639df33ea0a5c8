//! Two inputs or two rows that give the same quantity: agreeing (within the rounding of their
//! sources) they are read as one; disagreeing, the build stops with exit 2 and names both places
//! and both values. One test per kind (synthetic figures, invented municipalities).

use super::common::{benchmark_csv, Project, CONFIG, MUNICIPALITIES};

/// `CONFIG` with a second input of the same layout from `data2.csv`.
fn two_files() -> String {
    CONFIG.replace(
        "[[groups]]",
        r#"[[data.inputs]]
format = "csv"
path = "data2.csv"
delimiter = ";"
decimal = "comma"
[data.inputs.columns]
kommunekode = "kommunekode"
period = "periode"
group = "gruppe"
actual = "faktisk"
expected = "forventet"
population = "befolkning"

[[groups]]"#,
    )
}

const HEADER: &str = "kommunekode;periode;gruppe;faktisk;forventet;befolkning\n";

fn write(p: &Project, name: &str, text: &str) {
    std::fs::write(p.dir.path().join(name), text).unwrap();
}

#[test]
fn the_same_row_twice_agrees_and_is_read_once() {
    let data = benchmark_csv() + "101;2022;kontanthjaelp;105;90;1000\n";
    let p = Project::with(CONFIG, MUNICIPALITIES, &data);
    kommunebench::load(&p.config()).expect("an identical row is no contradiction");
}

#[test]
fn a_period_given_by_two_files_must_agree() {
    let p = Project::with(&two_files(), MUNICIPALITIES, &benchmark_csv());
    // The second file repeats 2022 (as two overlapping downloads do): the same figures are fine.
    write(
        &p,
        "data2.csv",
        &format!("{HEADER}101;2022;kontanthjaelp;105;90;1000\n"),
    );
    kommunebench::load(&p.config()).expect("agreeing files");
    write(
        &p,
        "data2.csv",
        &format!("{HEADER}101;2022;kontanthjaelp;106;90;1000\n"),
    );
    assert_eq!(
        p.error(),
        format!(
            "period 2022, group kontanthjaelp, kommune 101 Alfa: the actual count is given twice and differently: 105 at {}:6 and 106 at {}:2",
            p.path("data.csv"),
            p.path("data2.csv")
        )
    );
    // And exit 2 from the command line, nothing written.
    let out = p.dir.path().join("site");
    let o = p.build(&out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("data2.csv:2"));
    assert!(!out.exists());
}

#[test]
fn counts_rounded_to_tens_agree_within_five_either_way() {
    let tens = |a: u32| {
        format!("{HEADER}101;2022;kontanthjaelp;{a};90;1000\n102;2022;kontanthjaelp;220;240;2000\n103;2022;kontanthjaelp;60;50;500\n104;2022;kontanthjaelp;300;300;3000\n")
    };
    let p = Project::with(&two_files(), MUNICIPALITIES, &tens(110));
    // Both files round to tens: 110 and 100 can both be 105 unrounded.
    write(
        &p,
        "data2.csv",
        &format!("{HEADER}101;2022;kontanthjaelp;100;90;1000\n"),
    );
    kommunebench::load(&p.config()).expect("within the rounding");
    write(
        &p,
        "data2.csv",
        &format!("{HEADER}101;2022;kontanthjaelp;90;90;1000\n"),
    );
    let e = p.error();
    assert!(e.contains("110 at") && e.contains("90 at"), "{e}");
}

#[test]
fn a_population_from_a_population_file_and_a_column_must_agree() {
    let cfg = CONFIG.replace(
        "[[groups]]",
        r#"[[data.inputs]]
format = "csv"
role = "population"
path = "pop.csv"
delimiter = ";"
decimal = "comma"
[data.inputs.columns]
kommunekode = "kommunekode"
period = "periode"
population = "befolkning"

[[groups]]"#,
    );
    let p = Project::with(&cfg, MUNICIPALITIES, &benchmark_csv());
    write(
        &p,
        "pop.csv",
        "kommunekode;periode;befolkning\n101;2022;1000\n",
    );
    kommunebench::load(&p.config()).expect("the same population");
    write(
        &p,
        "pop.csv",
        "kommunekode;periode;befolkning\n101;2022;1001\n",
    );
    assert_eq!(
        p.error(),
        format!(
            "period 2022, kommune 101 Alfa: two inputs give different populations 16–66: 1000 at {}:6 and 1001 at {}:2 (they differ by more than the rounding of their sources)",
            p.path("data.csv"),
            p.path("pop.csv")
        )
    );
    // The same period twice in the population file itself.
    write(
        &p,
        "pop.csv",
        "kommunekode;periode;befolkning\n101;2022;1000\n101;2022;1200\n",
    );
    let e = p.error();
    assert!(
        e.contains("the population 16–66 is given twice and differently: 1000 at")
            && e.contains("pop.csv:2")
            && e.contains("1200 at")
            && e.contains("pop.csv:3"),
        "{e}"
    );
}

#[test]
fn a_count_and_share_must_fit_the_given_population() {
    let cfg = CONFIG.replace(
        "population = \"befolkning\"",
        "population = \"befolkning\"\nactual-share = \"andel\"",
    );
    let data = benchmark_csv()
        .replace("befolkning\n", "befolkning;andel\n")
        .replace("\n", ";\n")
        .replacen("befolkning;andel;\n", "befolkning;andel\n", 1);
    // 101 in 2022: 105 of 1000 is 10,5 %; written with one decimal, 10,5 fits and 12,0 does not.
    let fits = data.replace(
        "101;2022;kontanthjaelp;105;90;1000;\n",
        "101;2022;kontanthjaelp;105;90;1000;10,5\n",
    );
    let p = Project::with(&cfg, MUNICIPALITIES, &fits);
    kommunebench::load(&p.config()).expect("the share fits");
    let clash = data.replace(
        "101;2022;kontanthjaelp;105;90;1000;\n",
        "101;2022;kontanthjaelp;105;90;1000;12,0\n",
    );
    write(&p, "data.csv", &clash);
    let e = p.error();
    let at = format!("{}:6", p.path("data.csv"));
    assert!(
        e.contains(&format!("1000 at {at}"))
            && e.contains(&format!("875 (105 ÷ 12 % × 100) at {at}")),
        "{e}"
    );
}

/// Benefit rows: two files, or a group row against its benefits.
const BENEFITS: &str = r#"[report]
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
expected = "forventet"
population = "befolkning"
[[data.inputs]]
format = "csv"
path = "data2.csv"
delimiter = ","
decimal = "point"
[data.inputs.columns]
kommunekode = "kode"
period = "periode"
COLUMN = "ydelse"
actual = "fuldtidspersoner"
expected = "forventet"
population = "befolkning"
[[groups]]
id = "kontanthjaelp"
label = "Kontanthjælp mv."
benefits = ["kontanthjælp", "uddannelseshjælp"]
[expected]
mode = "supplied"
[ranking]
draws = 0
"#;

fn benefit_rows() -> String {
    let mut s = String::from("kode,periode,ydelse,fuldtidspersoner,forventet,befolkning\n");
    for (code, pop) in [(101, 1000), (102, 2000), (103, 500), (104, 3000)] {
        s.push_str(&format!(
            "{code},2022,kontanthjælp,{a},{a},{pop}\n",
            a = code - 90
        ));
        s.push_str(&format!(
            "{code},2022,uddannelseshjælp,{a},{a},{pop}\n",
            a = code - 99
        ));
    }
    s
}

fn benefits_project(column: &str, second: &str) -> Project {
    let p = Project::with(
        &BENEFITS.replace("COLUMN", column),
        MUNICIPALITIES,
        &benefit_rows(),
    );
    write(
        &p,
        "data2.csv",
        &format!("kode,periode,ydelse,fuldtidspersoner,forventet,befolkning\n{second}\n"),
    );
    p
}

#[test]
fn a_benefit_given_by_two_tables_must_agree() {
    let p = benefits_project("benefit", "102,2022,uddannelseshjælp,3,3,2000");
    kommunebench::load(&p.config()).expect("the same count");
    let p = benefits_project("benefit", "102,2022,uddannelseshjælp,4,3,2000");
    assert_eq!(
        p.error(),
        format!(
            "period 2022, benefit uddannelseshjælp, kommune 102 Beta: the actual count is given twice and differently: 3 at {}:5 and 4 at {}:2",
            p.path("data.csv"),
            p.path("data2.csv")
        )
    );
}

#[test]
fn a_group_row_must_agree_with_the_sum_of_its_benefits() {
    // 101: kontanthjælp 11 + uddannelseshjælp 2 = 13.
    let p = benefits_project("group", "101,2022,kontanthjaelp,13,13,1000");
    kommunebench::load(&p.config()).expect("the group is its benefits' sum");
    let p = benefits_project("group", "101,2022,kontanthjaelp,17,13,1000");
    assert_eq!(
        p.error(),
        format!(
            "period 2022, group kontanthjaelp, kommune 101 Alfa: the actual count is 17 at {}:2, but its benefits sum to 13 ({d}:2, {d}:3)",
            p.path("data2.csv"),
            d = p.path("data.csv")
        )
    );
}

#[test]
fn a_name_against_its_code() {
    let cfg = CONFIG.replace(
        "kommunekode = \"kommunekode\"",
        "kommunekode = \"kommunekode\"\nkommune = \"navn\"",
    );
    let data = benchmark_csv()
        .replace("kommunekode;", "kommunekode;navn;")
        .replace("\n101;", "\n101;Alfa;")
        .replace("\n102;", "\n102;Beta;")
        .replace("\n103;", "\n103;Gamma;")
        .replace("\n104;", "\n104;Delta;")
        .replacen("\n102;Beta;2022", "\n102;Gamma;2022", 1);
    let p = Project::with(&cfg, MUNICIPALITIES, &data);
    assert_eq!(
        p.error(),
        format!(
            "{}:7: the row's kommunekode 102 and its municipality name \"Gamma\" disagree: 102 is \"Beta\" in the municipality list ({}:3)",
            p.path("data.csv"),
            p.path("kommuner.csv")
        )
    );
}

#[test]
fn a_municipality_listed_twice_names_both_lines() {
    let list = format!("{MUNICIPALITIES}105;Alfa;Hovedstaden\n");
    let p = Project::with(CONFIG, &list, &benchmark_csv());
    let k = p.path("kommuner.csv");
    assert_eq!(
        p.error(),
        format!("{k}:6: municipality 105 \"Alfa\" is listed twice (first at {k}:2: 101 \"Alfa\")")
    );
}

#[test]
fn a_rammevilkaar_value_given_twice_must_agree() {
    let cfg = CONFIG.replace(
        "[[groups]]",
        r#"[[data.inputs]]
format = "csv"
role = "rammevilkaar"
path = "ram.csv"
delimiter = ";"
decimal = "comma"
[data.inputs.columns]
kommunekode = "kode"

[[groups]]"#,
    );
    let p = Project::with(&cfg, MUNICIPALITIES, &benchmark_csv());
    let ram = "kode;x\n101;1\n102;2\n103;4\n104;3\n";
    write(&p, "ram.csv", &format!("{ram}101;1\n"));
    kommunebench::load(&p.config()).expect("the same value twice");
    write(&p, "ram.csv", &format!("{ram}101;1,5\n"));
    let r = p.path("ram.csv");
    assert_eq!(
        p.error(),
        format!("kommune 101 Alfa: rammevilkår variable \"x\" is given twice and differently: 1 at {r}:2 and 1.5 at {r}:6")
    );
}
