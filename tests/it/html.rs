//! HTML pages: snapshots of the meaningful part, escaping.

use super::common::{self, Project, CONFIG};
use super::pdf::ODD_NAMES;

/// The `<main>` element with the SVG charts reduced to their titles (the charts have their own tests).
fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap();
    let end = html.find("</main>").unwrap() + "</main>".len();
    let mut s = html[start..end].to_string();
    while let Some(a) = s.find("<svg") {
        let b = s[a..].find("</svg>").unwrap() + a + "</svg>".len();
        let title = s[a..b]
            .split("<title")
            .nth(1)
            .and_then(|t| t.split('>').nth(1))
            .and_then(|t| t.split('<').next())
            .unwrap_or("")
            .to_string();
        s.replace_range(a..b, &format!("[svg: {title}]"));
    }
    s
}

#[test]
fn municipality_page_main_snapshot() {
    let html = std::fs::read_to_string(common::default_site().join("kommune/183.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
    insta::assert_snapshot!("kommune_183_main", main_of(&html));
}

#[test]
fn committee_sentences_snapshot() {
    let p = kommunebench::load(&common::default_config()).unwrap();
    let views =
        kommunebench::report::ViewBuilder::new(&p.config, &p.dataset, &p.results, &p.manifest);
    let v = views
        .municipality(kommunebench::keys::Kommunekode(183))
        .unwrap();
    let mut text = String::from("Resumé:\n");
    for s in &v.resume {
        text.push_str(&format!("- {s}\n"));
    }
    for g in &v.groups {
        text.push_str(&format!("{}:\n", g.group.label));
        for s in &g.sentences {
            text.push_str(&format!("- {s}\n"));
        }
    }
    insta::assert_snapshot!("kommune_183_sentences", text);
}

#[test]
fn names_are_escaped_in_html() {
    let p = Project::with(CONFIG, ODD_NAMES, &common::benchmark_csv());
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in ["index.html", "kommune/101.html", "kommune/102.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "{page} has an unescaped script"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
    }
}

#[test]
fn pages_use_relative_links_only() {
    let site = common::default_site();
    for page in ["index.html", "metode.html", "kommune/183.html"] {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        for attr in ["href=\"", "src=\""] {
            for part in html.split(attr).skip(1) {
                let url = part.split('"').next().unwrap();
                assert!(
                    !url.starts_with("http") && !url.starts_with('/') && !url.starts_with("//"),
                    "{page}: {url}"
                );
            }
        }
    }
}

#[test]
fn init_templates_then_override_one_file() {
    let p = Project::new();
    let dir = p.dir.path().join("tpl");
    let o = common::run(&["init-templates", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.join("kommune.html").is_file() && dir.join("bilag.typ").is_file());
    // Writing again refuses to overwrite.
    assert_eq!(
        common::run(&["init-templates", dir.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );

    // Keep only an edited metode.html: the other templates fall back to the built-in ones.
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        if e.file_name() != "metode.html" {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    let metode = std::fs::read_to_string(dir.join("metode.html"))
        .unwrap()
        .replace("<h1>Metode</h1>", "<h1>Metode (lokal udgave)</h1>");
    std::fs::write(dir.join("metode.html"), metode).unwrap();
    std::fs::write(
        p.config(),
        format!("{CONFIG}\n[output]\ntemplates-dir = \"tpl\"\n"),
    )
    .unwrap();
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(out.join("metode.html"))
        .unwrap()
        .contains("<h1>Metode (lokal udgave)</h1>"));
    assert!(std::fs::read_to_string(out.join("index.html"))
        .unwrap()
        .contains("ranglister</h1>"));

    // A file that is not a template is an error naming it.
    std::fs::write(dir.join("kommune.htm"), "x").unwrap();
    let o = p.build(&out, &["--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("kommune.htm: not a template kommunebench knows"));
}

/// `report.accessibility-statement` is linked from every page's footer; without it the footer
/// says where the statement belongs; an address that is not one is a config error.
#[test]
fn accessibility_statement_in_every_footer() {
    let with = CONFIG.replace(
        "period = \"2022\"\n",
        "period = \"2022\"\naccessibility-statement = \"https://example.dk/was\"\n",
    );
    let p = Project::with(&with, common::MUNICIPALITIES, &common::benchmark_csv());
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in ["index.html", "metode.html", "kommune/101.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        // minijinja escapes "/" in attributes as &#x2f;, which the browser reads back as "/".
        let decoded = html.replace("&#x2f;", "/");
        assert!(
            decoded.contains("<a href=\"https://example.dk/was\">Tilgængelighedserklæring</a>"),
            "{page}"
        );
        assert!(html.contains("<meta name=\"description\""), "{page}");
        assert!(html.contains("<html lang=\"da\">"), "{page}");
    }
    let p = Project::new();
    let out = p.dir.path().join("site");
    assert!(p.build(&out, &["--format", "html"]).status.success());
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("report.accessibility-statement"));
    let bad = CONFIG.replace(
        "period = \"2022\"\n",
        "period = \"2022\"\naccessibility-statement = \"javascript:alert(1)\"\n",
    );
    let p = Project::with(&bad, common::MUNICIPALITIES, &common::benchmark_csv());
    let err = p.error();
    assert!(
        err.contains("kommunebench.toml:3:27: report.accessibility-statement"),
        "{err}"
    );
}

/// The map: 98 municipality shapes, each with a title giving its name and value, on the
/// national page for every group and on a municipality's page; in the appendix, on page 4.
#[test]
fn maps_have_98_titled_shapes() {
    let site = common::default_site();
    let count = |html: &str| -> Vec<usize> {
        html.split("<svg")
            .filter(|s| s.contains("Kort: forskel i procentpoint"))
            .map(|svg| {
                let svg = &svg[..svg.find("</svg>").unwrap()];
                // Every municipality once; the focus and its peers are drawn again on top.
                let titles: std::collections::BTreeSet<&str> = svg
                    .split("<path ")
                    .skip(1)
                    .filter_map(|p| p.split("<title>").nth(1)?.split("</title>").next())
                    .collect();
                assert!(
                    titles.iter().all(|t| t.contains("procentpoint (nr. ")),
                    "{titles:?}"
                );
                titles.len()
            })
            .collect()
    };
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert_eq!(count(&index), vec![98; 4], "one map per group");
    let page = std::fs::read_to_string(site.join("kommune/183.html")).unwrap();
    assert_eq!(count(&page), vec![98], "one map, the headline group");
    assert!(page.contains("Ishøj: +0,39 procentpoint (nr. 80)"));
    let pdf = super::pdftext::read(&site.join("pdf/183.pdf"))
        .text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        pdf.contains("Kort: forskel i procentpoint, ydelsesgrupper i alt"),
        "{pdf}"
    );
    assert!(pdf.contains("Kort: DAGI, Styrelsen for Dataforsyning og Infrastruktur"));
}
