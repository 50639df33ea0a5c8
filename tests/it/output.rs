//! Output files: determinism and provenance.

use super::common;

#[test]
fn two_builds_are_byte_identical() {
    let first = common::files(common::default_site());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("again");
    let o = common::run(&["build", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let second = common::files(&out);
    assert_eq!(first.len(), second.len());
    for ((na, a), (nb, b)) in first.iter().zip(&second) {
        assert_eq!(na, nb);
        assert!(a == b, "{na} differs between builds");
    }
}

#[test]
fn default_build_writes_the_expected_files() {
    let site = common::default_site();
    let names: Vec<String> = common::files(site).into_iter().map(|(n, _)| n).collect();
    for f in [
        "index.html",
        "metode.html",
        ".nojekyll",
        "data/results.csv",
        "data/national.csv",
        "data/results.json",
        "data/manifest.json",
        "data/results.xlsx",
        "data/comparison.csv",
        "pdf/rangliste.pdf",
        "pdf/183.pdf",
        "kommune/183.html",
    ] {
        assert!(names.iter().any(|n| n == f), "{f} missing");
    }
    assert_eq!(
        names.iter().filter(|n| n.starts_with("kommune/")).count(),
        98
    );
    assert_eq!(names.iter().filter(|n| n.starts_with("pdf/")).count(), 99);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("data/manifest.json")).unwrap()).unwrap();
    let input = &manifest["inputs"][0];
    let bytes =
        std::fs::read(common::repo().join("fixtures/jobindsats/Y30R21-2020-2022.jsonl")).unwrap();
    assert_eq!(
        input["sha256"].as_str().unwrap(),
        kommunebench::input::sha256_hex(&bytes)
    );
    assert_eq!(manifest["period"], "2022QMAT04");
    let national = std::fs::read_to_string(site.join("data/national.csv")).unwrap();
    assert!(national.starts_with(&format!(
        "{}\r\n",
        kommunebench::render::data::NATIONAL_HEADER
    )));
    assert_eq!(national.lines().count(), 1 + 6 * 4);
}

/// Without a terminal a build reports each finished stage on stderr as a plain line;
/// `--quiet` reports nothing; stdout has the summary only, either way.
#[test]
fn progress_is_plain_lines_without_a_terminal_and_none_when_quiet() {
    let p = super::common::Project::new();
    let out = p.dir.path().join("site");
    let o = p.build(&out, &["--format", "html"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for stage in ["load", "data", "html"] {
        assert!(
            err.contains(&format!("kommunebench: {stage} done in ")),
            "{err}"
        );
    }
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "no bar without a terminal: {err:?}"
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("built "));
    let o = p.build(&out, &["--format", "html", "--quiet"]);
    assert!(o.status.success());
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
