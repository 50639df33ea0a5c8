//! The status report, the targets and the Word files: the status table recomputed by hand from
//! the input files (real Y30R21 and AUK01), the Ishøj facts in `word/183.docx`, the Word text
//! against the PDF appendix, and bad status/target configs refused with line and column.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use kommunebench::keys::Kommunekode;
use kommunebench::report::ViewBuilder;

use super::common::{self, Project, CONFIG, MUNICIPALITIES};

/// The text of a .docx's body, paragraph by paragraph (tags dropped, entities decoded).
fn docx_text(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for ch in xml.chars() {
        match ch {
            '<' => {
                in_tag = true;
                tag.clear();
            }
            '>' => {
                in_tag = false;
                if tag.starts_with("/w:p") && !tag.starts_with("/w:pPr") || tag.starts_with("/w:tc")
                {
                    out.push('\n');
                }
            }
            c if in_tag => tag.push(c),
            c => out.push(c),
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}

/// Danish: two decimals, decimal comma, true minus.
fn dk(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs()).replace('.', ",");
    if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("\u{2212}{s}")
    } else {
        s
    }
}

#[test]
fn status_table_is_recomputed_by_hand_from_the_input_files() {
    let repo = common::repo();
    // Y30R21: actual counts and shares per municipality; population 16–66 = count ÷ share of the
    // largest group (the total), as the ministry's table implies.
    let mut count: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    let mut pop: BTreeMap<(String, String), f64> = BTreeMap::new();
    let text =
        std::fs::read_to_string(repo.join("fixtures/jobindsats/Y30R21-2020-2022.jsonl")).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let area = v["Area"].as_str().unwrap().to_string();
        let period = v["Periode"].as_str().unwrap().to_string();
        let group = v["Ydelsesgrupper"].as_str().unwrap().to_string();
        let actual = v
            ["Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse: Faktisk antal"]
            .as_f64()
            .unwrap();
        let share: f64 = v["Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse: Faktisk andel (pct.)"]
            .as_str()
            .unwrap()
            .replace(',', ".")
            .parse()
            .unwrap();
        if group == "Ydelsesgrupper i alt" {
            pop.insert((area.clone(), period.clone()), actual / share * 100.0);
        }
        count.insert((area, period, group), actual);
    }
    // AUK01: the rolling year 2022QMAT04 is the mean of 2022Q1–Q4 (2021 likewise).
    let auk =
        std::fs::read_to_string(repo.join("fixtures/dst/statbank/auk01_social_assistance.csv"))
            .unwrap();
    let mut auk01: BTreeMap<(String, String), f64> = BTreeMap::new();
    for line in auk.lines().skip(1) {
        let f: Vec<&str> = line.trim_end_matches('\r').split(';').collect();
        for year in ["2021", "2022"] {
            if f[4].starts_with(year) && f[4].len() == 6 {
                // Statistics Denmark's English label for København.
                let area = if f[0] == "Copenhagen" {
                    "København"
                } else {
                    f[0]
                };
                *auk01
                    .entry((area.to_string(), format!("{year}QMAT04")))
                    .or_default() += f[5].parse::<f64>().unwrap() / 4.0;
            }
        }
    }
    let names: BTreeMap<u16, String> = std::fs::read_to_string(repo.join("fixtures/kommuner.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0].parse().unwrap(), f[1].to_string())
        })
        .collect();
    // The klynge: KOMGRP's Hovedstadskommuner, as config/status.toml writes it.
    let klynge = [
        101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169, 173, 175, 183, 185, 187, 190,
        201, 223, 230, 240, 253, 269,
    ];
    let share = |members: &[u16], period: &str, value: &dyn Fn(&str, &str) -> f64| {
        let (mut c, mut p) = (0.0, 0.0);
        for m in members {
            let name = &names[m];
            c += value(name, period);
            p += pop[&(name.clone(), period.to_string())];
        }
        c / p * 100.0
    };
    let all: Vec<u16> = names.keys().copied().collect();

    let p = kommunebench::load(&repo.join("config/status.toml")).unwrap();
    let views = ViewBuilder::new(&p.config, &p.dataset, &p.results, &p.manifest);
    let v = views.municipality(Kommunekode(183)).unwrap();
    let s = v.status.as_ref().expect("a status report");
    assert_eq!(s.periods, ["4. kvt. 2021", "4. kvt. 2022"]);

    let kontant = |n: &str, per: &str| {
        count[&(
            n.to_string(),
            per.to_string(),
            "Kontanthjælp mv.".to_string(),
        )]
    };
    let netto = |n: &str, per: &str| auk01[&(n.to_string(), per.to_string())];
    for (id, value) in [
        ("kontanthjaelp", &kontant as &dyn Fn(&str, &str) -> f64),
        ("nettoledige-kontanthjaelp", &netto),
    ] {
        let row = s.rows.iter().find(|r| r.id == id).unwrap();
        let (a, b) = (value("Ishøj", "2021QMAT04"), value("Ishøj", "2022QMAT04"));
        assert_eq!(
            row.counts,
            [format!("{}", a.round()), format!("{}", b.round())],
            "{id}"
        );
        let change = (b - a).round();
        assert_eq!(
            row.change,
            format!(
                "{}{}",
                if change > 0.0 {
                    "+"
                } else if change < 0.0 {
                    "\u{2212}"
                } else {
                    ""
                },
                change.abs()
            ),
            "{id}"
        );
        let pct = (b - a) / a * 100.0;
        assert_eq!(row.change_pct.trim_start_matches('+'), dk(pct, 1), "{id}");
        for (i, period) in ["2021QMAT04", "2022QMAT04"].iter().enumerate() {
            let own = share(&[183], period, value);
            let kl = share(&klynge, period, value);
            let country = share(&all, period, value);
            let cells = &row.shares[i];
            assert_eq!(
                (
                    cells.own.as_str(),
                    cells.comparison.as_str(),
                    cells.country.as_str()
                ),
                (
                    dk(own, 2).as_str(),
                    dk(kl, 2).as_str(),
                    dk(country, 2).as_str()
                ),
                "{id} {period}"
            );
        }
        assert!(row
            .chart
            .description
            .contains(&dk(share(&[183], "2022QMAT04", value), 2)));
    }
    let heraf = s
        .rows
        .iter()
        .find(|r| r.id == "nettoledige-kontanthjaelp")
        .unwrap();
    assert!(heraf.heraf && heraf.label.starts_with("heraf "));
    // The total leaves the "heraf" row out.
    let total = s.rows.iter().find(|r| r.id == "i-alt").unwrap();
    assert_eq!(total.counts[1], "1.530");
}

#[test]
fn word_files_carry_the_appendix_facts_and_the_status_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    common::build_format(&common::repo().join("config/status.toml"), &out, "word");
    let text = docx_text(&out.join("word/183.docx"));
    // The Ishøj facts an appendix carries: overall rank, expected and actual, every group's rank,
    // improvement, what the list leaves out; the agenda structure.
    for needle in [
        "Ishøj ligger nr. 80 ud af 98 kommuner samlet set. Ud fra rammevilkårene kan man forvente 1.470 fuldtidspersoner på offentlig forsørgelse. Det faktiske tal er 1.530",
        "Placering: nr. 80 af 98",
        "Placering: nr. 97 af 98",
        "Placering: nr. 90 af 98",
        "Placering: nr. 3 af 98",
        "Ishøj har forværret sig med 0,43 procentpoint siden året før",
        "Listen omfatter ikke førtidspension og fleksjob",
        "Resumé",
        "Sagsfremstilling",
        "Forbehold",
        "Indstilling",
        "Beskæftigelsesudvalget tager orienteringen",
        "Bilag 1: ",
        "183.pdf",
        "Målet „Færre end 250 nettoledige kontanthjælpsmodtagere“ er nået",
    ] {
        assert!(text.contains(needle), "word/183.docx lacks {needle:?}:\n{text}");
    }
    let status = docx_text(&out.join("word/status-183.docx"));
    assert!(
        status.contains("heraf nettoledige kontanthjælpsmodtagere"),
        "{status}"
    );
    assert!(
        status.contains("klyngen Hovedstadskommuner (24 kommuner)"),
        "{status}"
    );
    // Deterministic bytes.
    let again = dir.path().join("again");
    common::build_format(&common::repo().join("config/status.toml"), &again, "word");
    for f in ["word/183.docx", "word/status-183.docx", "word/101.docx"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn word_text_carries_the_same_figures_as_the_pdf_appendix() {
    let site = common::default_site();
    let word = docx_text(&site.join("word/183.docx"));
    let pdf = super::pdftext::read(&site.join("pdf/183.pdf")).text();
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (word, pdf) = (squash(&word), squash(&pdf));
    // Every number of the summary table and the first resumé sentence, in both.
    let p = kommunebench::load(&common::default_config()).unwrap();
    let views = ViewBuilder::new(&p.config, &p.dataset, &p.results, &p.manifest);
    let v = views.municipality(Kommunekode(183)).unwrap();
    for s in &v.summary {
        let c = &s.cells;
        for x in [
            &c.expected,
            &c.actual,
            &c.gap,
            &c.gap_pp,
            &c.rank,
            &c.interval,
            &c.improvement,
        ] {
            assert!(
                word.contains(x.as_str()) && pdf.contains(x.as_str()),
                "{x} in {}",
                s.group.label
            );
        }
    }
    assert!(word.contains(&squash(&v.resume[0])) && pdf.contains(&squash(&v.resume[0])));
}

fn status_error(extra: &str) -> String {
    let p = Project::with(
        &format!("{CONFIG}{extra}"),
        MUNICIPALITIES,
        &common::benchmark_csv(),
    );
    let o = p.build(&p.dir.path().join("out"), &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let e = p.error();
    assert!(e.starts_with(&p.config().display().to_string()), "{e}");
    e.replace(&p.config().display().to_string(), "CONFIG")
}

#[test]
fn bad_status_and_targets_are_refused_with_line_and_column() {
    let lines = CONFIG.lines().count();
    let e = status_error("\n[[targets]]\ngroup = \"nope\"\nkind = \"change\"\n");
    assert_eq!(
        e,
        format!("CONFIG:{}:9: targets.group: \"nope\" is not a configured group; groups are kontanthjaelp", lines + 3)
    );
    let e = status_error("\n[[targets]]\ngroup = \"kontanthjaelp\"\nkind = \"count\"\nfewer-than = 5\nperiod = \"2019\"\n");
    assert!(
        e.starts_with(&format!(
            "CONFIG:{}:10: targets.period: 2019 is not a period of the status report (2021, 2022)",
            lines + 6
        )),
        "{e}"
    );
    let e = status_error("\n[[targets]]\ngroup = \"kontanthjaelp\"\nkind = \"count\"\nperiod = \"2022X\"\nfewer-than = 5\n");
    assert!(
        e.starts_with(&format!(
            "CONFIG:{}:10: targets.period: \"2022X\" is not a period label",
            lines + 5
        )),
        "{e}"
    );
    let e = status_error("\n[[groups]]\nid = \"a\"\nlabel = \"A\"\nrank = false\npart-of = \"b\"\n\n[[groups]]\nid = \"b\"\nlabel = \"B\"\nrank = false\npart-of = \"a\"\n");
    assert_eq!(
        e,
        format!(
            "CONFIG:{}:11: groups \"a\": part-of makes a cycle (a → b → a)",
            lines + 6
        )
    );
    let e = status_error("\n[[groups]]\nid = \"netto\"\nlabel = \"Nettoledige\"\npart-of = \"kontanthjaelp\"\n\n[[groups]]\nid = \"alt\"\nlabel = \"I alt\"\ntotal-of = [\"kontanthjaelp\", \"netto\"]\n");
    assert_eq!(e, format!("CONFIG:{}:6: groups \"alt\": total-of names both \"kontanthjaelp\" and \"netto\", which is part of it, so the total would count \"netto\" twice", lines + 8));
    let e = status_error("\n[status]\nperiods = [\"2022\", \"2021\"]\n");
    assert!(
        e.starts_with(&format!(
            "CONFIG:{}:20: status.periods: 2021 is not later",
            lines + 3
        )),
        "{e}"
    );
}
