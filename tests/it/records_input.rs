//! The records input of a config (`format = "records"`), from outside: the example config on the
//! SYNTHETIC Ishøj register builds with its figures counted from the case records and says so on
//! every page, PDF and Word file; no person identifier of the records reaches any output, log or
//! error; cells of fewer persons than the threshold are not published and the pages say how
//! many; a case-data figure that contradicts the ministry's stops the build naming both; `serve`
//! never serves the records.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::common::{build_format, files, repo, run};

const RECORDS: &str = "fixtures/records/SYNTHETIC-ishoej-ydelsesperioder.csv";

/// Every person identifier of the records file (its first column).
fn person_ids() -> Ids {
    let text = std::fs::read_to_string(repo().join(RECORDS)).unwrap();
    let set: std::collections::HashSet<Vec<u8>> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|id| !id.is_empty())
        .map(|id| id.as_bytes().to_vec())
        .collect();
    let mut starts = [false; 256];
    for id in &set {
        starts[usize::from(id[0])] = true;
    }
    Ids {
        lengths: set.iter().map(Vec::len).collect(),
        starts,
        set,
    }
}

/// The fixture's person ids, found in a text by every window of each id length (any ids, not
/// only the generator's shape; one pass per length instead of one per id).
struct Ids {
    set: std::collections::HashSet<Vec<u8>>,
    /// The distinct id lengths, and the bytes an id can start with (a cheap filter per window).
    lengths: std::collections::BTreeSet<usize>,
    starts: [bool; 256],
}

impl Ids {
    fn len(&self) -> usize {
        self.set.len()
    }

    fn find_in(&self, text: &str) -> Option<String> {
        self.lengths.iter().find_map(|&n| {
            text.as_bytes()
                .windows(n)
                .find(|w| self.starts[usize::from(w[0])] && self.set.contains(*w))
                .map(|w| String::from_utf8_lossy(w).into_owned())
        })
    }
}

/// Where a text holds anything shaped like a generated person id (`SYN` + 9 digits).
fn id_like(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(11)).find_map(|i| {
        (b[i..].starts_with(b"SYN") && b[i + 3..i + 12].iter().all(u8::is_ascii_digit))
            .then(|| text[i..i + 12].to_string())
    })
}

/// What a reader of each output file sees: HTML, CSV and JSON as text, the XML of every
/// Word and Excel part, the text of every PDF page.
fn readable(rel: &str, bytes: &[u8], full: &Path) -> String {
    if rel.ends_with(".pdf") {
        return super::pdftext::read(full).text();
    }
    if rel.ends_with(".docx") || rel.ends_with(".xlsx") {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut all = String::new();
        for i in 0..z.len() {
            let mut part = z.by_index(i).unwrap();
            let mut s = Vec::new();
            part.read_to_end(&mut s).unwrap();
            all.push_str(&String::from_utf8_lossy(&s));
        }
        return all;
    }
    String::from_utf8_lossy(bytes).into_owned()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The example config written into a temp folder with its paths made absolute, edited.
fn example_config(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(repo().join("config/records.toml")).unwrap();
    let config_dir = repo().join("config");
    let text = text
        .replace(
            "path = \"../",
            &format!("path = \"{}/../", config_dir.display()),
        )
        .replace(
            "codes = \"records/",
            &format!("codes = \"{}/records/", config_dir.display()),
        )
        .replace("#:schema ./kommunebench.schema.json\n", "");
    let p = dir.join("records.toml");
    std::fs::write(&p, edit(text)).unwrap();
    p
}

#[test]
fn example_config_counts_from_the_case_records_says_so_everywhere_and_leaks_no_person() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let o = run(&[
        "build",
        "--config",
        "config/records.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{log}");
    assert_eq!(id_like(&log), None, "a person id in the build's log");

    // Ishøj's 2022 counts from the case records: calibrated to the ministry's, so they agree.
    let results = std::fs::read_to_string(out.join("data/results.csv")).unwrap();
    for (group, n) in [
        ("a-dagpenge", "460"),
        ("sygedagpenge", "550"),
        ("kontanthjaelp", "520"),
    ] {
        let row = results
            .lines()
            .find(|l| l.starts_with(&format!("2022QMAT04,{group},183,")))
            .unwrap();
        assert_eq!(row.split(',').nth(5), Some(n), "{row}");
    }
    // Førtidspension and fleksjob (not in the ministry's list) on Ishøj's status page.
    let status = squash(&std::fs::read_to_string(out.join("status/183.html")).unwrap());
    assert!(status.contains("Førtidspension og fleksjob"), "{status}");

    let ids = person_ids();
    assert!(ids.len() > 10_000, "{} persons", ids.len());
    let (mut html, mut pdf, mut word) = (0, 0, 0);
    for (rel, bytes) in files(&out) {
        let text = readable(&rel, &bytes, &out.join(&rel));
        assert_eq!(id_like(&text), None, "{rel}: a person id");
        // Every id by itself too (cheap on a few hundred files): the generator's ids are all
        // `SYN` + 9 digits, but a test must not lean on that.
        if rel.ends_with(".html") || rel.ends_with(".csv") || rel.ends_with(".json") {
            assert_eq!(ids.find_in(&text), None, "{rel}: a person");
        }
        let says = squash(&text).contains("beregnet fra sagsdata");
        if rel.ends_with(".html") && !rel.starts_with("assets/") {
            assert!(says, "{rel} does not say \"beregnet fra sagsdata\"");
            html += 1;
        } else if rel.ends_with(".pdf") {
            assert!(says, "{rel} does not say \"beregnet fra sagsdata\"");
            pdf += 1;
        } else if rel.ends_with(".docx") {
            assert!(says, "{rel} does not say \"beregnet fra sagsdata\"");
            word += 1;
        }
    }
    assert!(html > 100 && pdf > 100 && word > 0, "{html} {pdf} {word}");
}

#[test]
fn cells_of_fewer_persons_than_the_threshold_are_not_published_and_the_pages_say_so() {
    // Førtidspension mv. in Ishøj: 1,094 persons in 2021, 1,149 in 2022 (the fixture's counts).
    let dir = tempfile::tempdir().unwrap();
    let config = example_config(dir.path(), |t| {
        t.replace("min-persons = 5", "min-persons = 1100")
    });
    let out = dir.path().join("site");
    build_format(&config, &out, "html");
    let page = squash(&std::fs::read_to_string(out.join("status/183.html")).unwrap());
    assert!(
        page.contains("1 celle med færre end 1100 personer vises ikke"),
        "{page}"
    );
    // The 2021 cell is a dash in the count table, 2022 is shown.
    let row = page
        .split("<th scope=\"row\">Førtidspension og fleksjob</th>")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row: {page}"));
    assert!(row.contains('–'), "{row}");
    assert!(row.contains("366"), "{row}");
}

#[test]
fn a_case_data_figure_that_contradicts_the_ministry_stops_the_build_naming_both() {
    // 2021 is not calibrated: the case records' A-dagpenge count differs from Y30R21's.
    let dir = tempfile::tempdir().unwrap();
    let config = example_config(dir.path(), |t| {
        t.replace("periods = [\"2022QMAT04\"]", "periods = [\"2021QMAT04\"]")
    });
    let o = run(&["check", "--config", config.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("period 2021QMAT04, group a-dagpenge, kommune 183 Ishøj")
            && err.contains("Y30R21-2020-2022.jsonl:")
            && err.contains("SYNTHETIC-ishoej-ydelsesperioder.csv (counted"),
        "{err}"
    );
    assert_eq!(id_like(&err), None);
}

/// A change to the example config's text.
type Edit = Box<dyn Fn(String) -> String>;

#[test]
fn a_records_input_with_keys_it_does_not_take_or_bad_rows_is_refused_with_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Edit, &str); 4] = [
        (
            "delimiter",
            Box::new(|t: String| {
                t.replacen(
                    "groups = [\"foertidspension\"]",
                    "groups = [\"foertidspension\"]\ndelimiter = \";\"",
                    1,
                )
            }),
            "data.inputs[3].delimiter: a records input does not take `delimiter`",
        ),
        (
            "unknown group",
            Box::new(|t: String| {
                t.replace("groups = [\"foertidspension\"]", "groups = [\"pension\"]")
            }),
            "\"pension\" is not a configured group",
        ),
        (
            "unknown column role",
            Box::new(|t: String| {
                t.replacen(
                    "min-persons = 5",
                    "min-persons = 5\nrecord-columns = { cpr = \"CPR\" }",
                    1,
                )
            }),
            "record-columns.cpr: unknown role",
        ),
        (
            "missing column",
            Box::new(|t: String| {
                t.replacen(
                    "min-persons = 5",
                    "min-persons = 5\nrecord-columns = { person = \"CPR\" }",
                    1,
                )
            }),
            "CPR",
        ),
    ];
    for (name, edit, want) in cases {
        let config = example_config(dir.path(), edit);
        let o = run(&["check", "--config", config.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
        assert_eq!(id_like(&err), None, "{name}");
    }

    // A period that ends before it starts: file, row and column; no person id.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "person,kommune,ydelse,fra,til\nSYN999999991,183,førtidspension,2022-03-01,2022-04-30\nSYN999999992,183,førtidspension,2022-05-01,2022-04-30\n",
    )
    .unwrap();
    let config = example_config(dir.path(), |t| {
        t.replacen(
            &format!(
                "path = \"{}/../{RECORDS}\"",
                repo().join("config").display()
            ),
            &format!("path = \"{}\"", bad.display()),
            2,
        )
    });
    let o = run(&["check", "--config", config.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("bad.csv") && err.contains("row 3"), "{err}");
    assert!(err.contains("til"), "{err}");
    assert_eq!(id_like(&err), None, "{err}");
}

#[test]
fn serve_never_serves_the_records() {
    let server = super::serve::start_config(&repo().join("config/records.toml"));
    let addr = server.addr.clone();
    super::serve::wait_for(&addr, "/index.html", Duration::from_secs(120), |s, _| {
        s == 200
    });
    for path in [
        "/SYNTHETIC-ishoej-ydelsesperioder.csv",
        "/fixtures/records/SYNTHETIC-ishoej-ydelsesperioder.csv",
        "/../fixtures/records/SYNTHETIC-ishoej-ydelsesperioder.csv",
        "/%2e%2e/fixtures/records/SYNTHETIC-ishoej-ydelsesperioder.csv",
        "/config/records.toml",
        "/records/ydelsesgrupper.csv",
    ] {
        let (status, body) = super::serve::get(&addr, path);
        assert_ne!(status, 200, "{path} was served");
        assert_eq!(id_like(&body), None, "{path}");
    }
    let (status, page) = super::serve::get(&addr, "/status/183.html");
    assert_eq!(status, 200);
    assert_eq!(id_like(&page), None);
}

#[test]
fn a_table_counted_elsewhere_feeds_the_build_as_the_records_do() {
    // What `records` (or its SQL on a cluster) writes, read back: the same figures as counting
    // the periods in the build, the threshold applied to its `personer`.
    let dir = tempfile::tempdir().unwrap();
    let counted = dir.path().join("counted.csv");
    let o = run(&[
        "records",
        RECORDS,
        "--codes",
        "config/records/ydelsesgrupper.csv",
        "--per",
        "year",
        "--from",
        "2021-01-01",
        "--to",
        "2022-12-31",
        "--out",
        counted.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let direct = example_config(dir.path(), |t| t);
    let via_table = dir.path().join("counted.toml");
    let text = std::fs::read_to_string(&direct).unwrap();
    let records = format!(
        "path = \"{}/../{RECORDS}\"",
        repo().join("config").display()
    );
    let text = text
        .replace(&records, &format!("path = \"{}\"", counted.display()))
        .lines()
        .filter(|l| !l.starts_with("codes = "))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&via_table, text).unwrap();
    let mut status = Vec::new();
    for (name, config) in [("direct", &direct), ("table", &via_table)] {
        let out = dir.path().join(name);
        build_format(config, &out, "html");
        let page = squash(&std::fs::read_to_string(out.join("status/183.html")).unwrap());
        let tables = page
            .split("<table")
            .skip(1)
            .map(|t| t.split("</table>").next().unwrap_or("").to_string())
            .collect::<Vec<_>>();
        assert!(page.contains("beregnet fra sagsdata"), "{name}");
        status.push((tables, std::fs::read(out.join("data/results.csv")).unwrap()));
    }
    assert_eq!(status[0].0, status[1].0, "the status tables differ");
    assert!(status[0].1 == status[1].1, "data/results.csv differs");
}
