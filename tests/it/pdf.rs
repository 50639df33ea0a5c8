//! PDFs checked as a reader would see them: text, title, page size and tagging read in-process
//! (`.ci/run` checks the same files again with poppler from outside).

use super::common::{self, Project, CONFIG};
use super::pdftext;

fn pdftotext(path: &std::path::Path) -> String {
    pdftext::read(path).text()
}

/// Text with line breaks folded, as sentences wrap across lines in a PDF.
fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn ishoej_appendix_states_its_real_figures() {
    let pdf = common::default_site().join("pdf/183.pdf");
    let text = folded(&pdftotext(&pdf));
    // 2022QMAT04, total: expected 1.470, actual 1.530, gap +60, +0,39 pp, official rank 80.
    let sentence = "Ishøj ligger nr. 80 ud af 98 kommuner samlet set. Ud fra rammevilkårene kan man forvente 1.470 fuldtidspersoner på offentlig forsørgelse. Det faktiske tal er 1.530, dvs. 60 flere end forventet (+0,39 procentpoint).";
    assert!(text.contains(sentence), "{text}");
    assert!(text.contains("For kontanthjælp mv. ligger Ishøj nr. 3 (om kommunen hører til de 10 bedste, kan tallene ikke afgøre): forventet 610, faktisk 520 fuldtidspersoner, dvs. 90 færre end forventet."), "{text}");
    assert!(text.contains("Benchmark af beskæftigelsesindsatsen — Ishøj Kommune"));
    assert!(text.contains("4 kvartaler t.o.m. 4. kvt. 2022"));
    let view = pdftext::read(&pdf);
    assert_eq!(view.pages.len(), 4);
    for (i, page) in view.pages.iter().enumerate() {
        assert!(
            folded(page).contains(&format!("Side {} af 4", i + 1)),
            "{page}"
        );
    }
    assert_eq!(
        view.title,
        "Benchmark af beskæftigelsesindsatsen — Ishøj Kommune"
    );
    for (w, h) in &view.sizes {
        assert!(
            (w - 595.276).abs() < 0.01 && (h - 841.89).abs() < 0.01,
            "A4: {w} x {h}"
        );
    }
    assert!(view.tagged);
}

/// The appendix's footers give page numbers as plain text where every section fits its page
/// (Typst then lays it out once) and counted ones where a section runs over: the default config's
/// appendices keep their four pages, the model example's (longer sentences) run over to five. Every page states its own
/// number and the true total either way.
#[test]
fn every_appendix_page_states_its_number_and_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let cfg = common::repo().join("config/model-example.toml");
    common::build_format(&cfg, &out, "pdf");
    let mut counts = std::collections::BTreeMap::new();
    // The default site's appendices keep to four pages; the model example's run to five.
    for dir in [out.join("pdf"), common::default_site().join("pdf")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name == "rangliste.pdf" || name.starts_with("status-") {
                continue;
            }
            let pages = pdftext::read(&path).pages;
            for (i, page) in pages.iter().enumerate() {
                let want = format!("Side {} af {}", i + 1, pages.len());
                assert!(folded(page).contains(&want), "{}: {want}", path.display());
            }
            *counts.entry(pages.len()).or_insert(0) += 1;
        }
    }
    // Both kinds occur, so both ways of numbering are exercised.
    assert_eq!(counts.values().sum::<usize>(), 196, "{counts:?}");
    assert!(counts[&4] > 0 && counts[&5] > 0, "{counts:?}");
}

#[test]
fn national_list_has_all_municipalities() {
    let pdf = common::default_site().join("pdf/rangliste.pdf");
    let text = pdftotext(&pdf);
    for name in [
        "København",
        "Læsø",
        "Høje-Taastrup",
        "Lyngby-Taarbæk",
        "Ærø",
        "Ishøj",
    ] {
        assert!(text.matches(name).count() >= 4, "{name}");
    }
    let (w, h) = pdftext::read(&pdf).sizes[0];
    assert!((w - 595.276).abs() < 0.01 && (h - 841.89).abs() < 0.01);
}

pub const ODD_NAMES: &str = "kommunekode;kommune;region\n101;<script>alert(1)</script>;Hovedstaden\n102;Hash #set text(red) *fed* $x$ ] _u_;Sjælland\n103;Gamma;Syddanmark\n104;Delta;Midtjylland\n";

#[test]
fn markup_characters_in_a_name_stay_literal_in_the_pdf() {
    let p = Project::with(CONFIG, ODD_NAMES, &common::benchmark_csv());
    let out = p.dir.path().join("site");
    let o = p.build(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = folded(&pdftotext(&out.join("pdf/102.pdf")));
    assert!(
        text.contains("Hash #set text(red) *fed* $x$ ] _u_ ligger nr."),
        "{text}"
    );
    let text = folded(&pdftotext(&out.join("pdf/101.pdf")));
    assert!(
        text.contains("<script>alert(1)</script> ligger nr."),
        "{text}"
    );
}

/// The appendices' charts are drawn as a base shared by every municipality plus a focus
/// overlay (Typst then parses each base once per build): across all 98 municipalities the bases
/// must be byte-identical (the bars: at most three, as a best/worst label near the focus is left
/// out), while the overlay and the text alternative name the municipality. A build draws each
/// base once and takes it from there for the other appendices: every appendix's charts come out
/// the same as drawn afresh.
#[test]
fn appendix_chart_bases_are_shared_and_overlays_name_the_municipality() {
    use std::collections::{BTreeMap, BTreeSet};

    use kommunebench::render::chart::{self, alt_of, Bases};
    use kommunebench::report::charts::{plan, Medium};

    let p = kommunebench::load(&common::default_config()).unwrap();
    let mut bases: BTreeMap<(String, &str), BTreeSet<String>> = BTreeMap::new();
    let drawn_before = Bases::default();
    for m in p.dataset.municipalities.iter() {
        let print = plan(&p.config, &p.results, Some(m.code), Medium::Print);
        let layered = chart::draw_layered(&print, &Bases::default()).unwrap();
        let whole = chart::draw(&print).unwrap();
        let shared = chart::draw_layered(&print, &drawn_before).unwrap();
        for (gid, c) in &layered {
            let s = &shared[gid];
            for (fresh, from_shared) in [
                (&c.bars_base, &s.bars_base),
                (&c.scatter_base, &s.scatter_base),
                (&c.funnel_base, &s.funnel_base),
                (&c.map_base, &s.map_base),
                (&c.bars, &s.bars),
                (&c.scatter, &s.scatter),
                (&c.funnel, &s.funnel),
                (&c.map, &s.map),
            ] {
                assert!(
                    fresh == from_shared,
                    "{gid}, {}: a base drawn for another municipality",
                    m.name
                );
            }
        }
        for (gid, c) in &layered {
            for (what, base) in [
                ("bars", &c.bars_base),
                ("scatter", &c.scatter_base),
                ("funnel", &c.funnel_base),
                ("map", &c.map_base),
            ] {
                bases
                    .entry((gid.clone(), what))
                    .or_default()
                    .insert(base.clone());
            }
            let name = format!("{} (", m.name);
            assert!(c.bars_focus.contains(&name), "{gid}: {}", m.name);
            assert!(!c.bars_base.contains(&name), "{gid}: {}", m.name);
            assert!(
                !c.bars_focus.contains("Placering (1 = bedst)"),
                "overlay without axes"
            );
            // The whole chart (for templates that do not use the layers) is both, stacked.
            for part in [&c.bars_base, &c.bars_focus] {
                let marks = &part[part.find("</desc>").unwrap() + 7..part.rfind("</svg>").unwrap()];
                assert!(
                    c.bars.contains(marks),
                    "{gid}: the whole chart holds both layers"
                );
            }
            assert_eq!(alt_of(&c.bars), c.bars_alt);
            let w = &whole[gid];
            assert_eq!(c.bars_alt, w.bars_alt, "alt text as the whole chart's");
            assert_eq!(c.funnel_alt, w.funnel_alt);
            assert_eq!(c.scatter_alt, w.scatter_alt);
            assert_eq!(c.map_alt, w.map_alt);
            assert!(c.bars_alt.contains(&format!("{} ligger nr.", m.name)));
        }
    }
    for ((gid, what), set) in &bases {
        let most = if *what == "bars" { 3 } else { 1 };
        assert!(
            set.len() <= most,
            "{gid} {what}: {} different bases",
            set.len()
        );
    }
}

/// An overridden appendix template gets its data from `/data.json` and its charts as SVG files
/// by path; one written for `sys.inputs` fails with exit 2, the line, and a hint saying where
/// the data went.
#[test]
fn an_overridden_appendix_reads_its_data_file_and_an_old_one_gets_a_hint() {
    let p = Project::new();
    let dir = p.dir.path().join("tpl");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        p.config(),
        format!("{CONFIG}\n[output]\ntemplates-dir = \"tpl\"\n"),
    )
    .unwrap();
    let out = p.dir.path().join("site");
    std::fs::write(
        dir.join("bilag.typ"),
        "#let data = json(\"/data.json\")\n#let c = data.charts.values().first()\n\
         #set document(title: \"Lokal \" + data.v.kommune)\n#set text(lang: \"da\")\n\
         = Lokal udgave: #data.v.kommune\n#image(c.bars, width: 50%, alt: c.bars_alt)\n",
    )
    .unwrap();
    let o = p.build(&out, &["--format", "pdf"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = folded(&pdftotext(&out.join("pdf/103.pdf")));
    assert!(text.contains("Lokal udgave: Gamma"), "{text}");

    std::fs::write(
        dir.join("bilag.typ"),
        "// Written for an older kommunebench.\n#let v = sys.inputs.v\n= #v.kommune\n",
    )
    .unwrap();
    // A failed build: exit 2, and what it said.
    let failed = || {
        let o = p.build(&out, &["--format", "pdf"]);
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let err = failed();
    assert!(
        err.contains("bilag.typ:2:") && err.contains("json(\"/data.json\"), not sys.inputs"),
        "{err}"
    );
    // The site of the successful build is still there, and what the failed one had already
    // written (its data files, the appendices before the error) is gone with its staging folder.
    assert!(out.join("pdf/103.pdf").is_file());
    let left: Vec<_> = std::fs::read_dir(p.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Only common.typ overridden, as written before the footer became an argument: the
    // built-in appendix stops at the line that needs it, with a hint.
    std::fs::remove_file(dir.join("bilag.typ")).unwrap();
    std::fs::write(
        dir.join("common.typ"),
        "#let muted = rgb(\"#555555\")\n#let setup(title: \"\", footer-left: \"\", body) = {\n  \
         set document(title: title)\n  set page(footer: context [#footer-left #h(1fr) \
         #counter(page).display()])\n  body\n}\n",
    )
    .unwrap();
    let err = failed();
    assert!(
        err.contains("bilag.typ:") && err.contains("copy both from the built-in"),
        "{err}"
    );
}
