//! `kommunebench serve` from outside: a real process on a free port, fetched over HTTP while its
//! config is edited, broken and fixed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::common::{Project, CONFIG};

pub(super) struct Server {
    child: Child,
    pub(super) addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(p: &Project) -> Server {
    start_config(&p.config())
}

/// `serve` on a config, on a free port.
pub(super) fn start_config(config: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kommunebench"))
        .args(["serve", "--config", config.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// GET a path: (status, body).
pub(super) fn get(addr: &str, path: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

fn page_title(html: &str) -> String {
    html.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
        .to_string()
}

/// Polls `path` until `ok` holds; returns the body and the time it took.
pub(super) fn wait_for(
    addr: &str,
    path: &str,
    within: Duration,
    ok: impl Fn(u16, &str) -> bool,
) -> (String, Duration) {
    let t = Instant::now();
    loop {
        let (status, body) = get(addr, path);
        if ok(status, &body) {
            return (body, t.elapsed());
        }
        assert!(
            t.elapsed() < within,
            "no page as expected within {within:?}: status {status}, {}",
            &body[..body.len().min(400)]
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_rebuilds_on_edit_shows_errors_and_recovers() {
    let p = Project::new();
    let server = start(&p);
    let addr = server.addr.clone();
    let (first, _) = wait_for(&addr, "/index.html", Duration::from_secs(60), |s, _| {
        s == 200
    });
    assert_eq!(page_title(&first), "Benchmark af beskæftigelsesindsatsen");

    // The page's reload script knows the version it was served from and reloads when the
    // server's differs.
    let v = first
        .split("var v='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("the page's version in its reload script")
        .to_string();
    assert_eq!(get(&addr, "/__kommunebench/version").1.trim(), v);

    // A new title is in the browser within 2 s of saving the config.
    let edited = CONFIG.replace(
        "period = \"2022\"\n",
        "period = \"2022\"\ntitle = \"Ny titel fra serve\"\n",
    );
    std::fs::write(p.config(), &edited).unwrap();
    let (_, took) = wait_for(&addr, "/index.html", Duration::from_secs(2), |s, b| {
        s == 200 && page_title(b) == "Ny titel fra serve"
    });
    eprintln!("serve: new title served {took:?} after the save");
    assert_ne!(get(&addr, "/__kommunebench/version").1.trim(), v);

    // A broken config: the error, with file, line and column, on the page; the last good site
    // stays served under it.
    std::fs::write(p.config(), edited.replace("[report]", "[report")).unwrap();
    let (broken, _) = wait_for(&addr, "/index.html", Duration::from_secs(5), |_, b| {
        b.contains("role=\"alert\"")
    });
    assert!(
        broken.contains("kommunebench.toml:1:"),
        "{}",
        &broken[..broken.len().min(2000)]
    );
    assert_eq!(page_title(&broken), "Ny titel fra serve");

    // Fixed, saved as many editors save (a new file renamed over the old one): the error is gone.
    let tmp = p.config().with_extension("toml.tmp");
    std::fs::write(&tmp, &edited).unwrap();
    std::fs::rename(&tmp, p.config()).unwrap();
    wait_for(&addr, "/index.html", Duration::from_secs(5), |s, b| {
        s == 200 && !b.contains("role=\"alert\"")
    });

    // The served page is the built page plus the reload script, nothing else.
    let out = p.dir.path().join("built");
    assert!(p
        .build(&out, &["--format", "html", "--quiet"])
        .status
        .success());
    for page in ["index.html", "kommune/101.html", "metode.html"] {
        let built = std::fs::read_to_string(out.join(page)).unwrap();
        let (status, served) = get(&addr, &format!("/{page}"));
        assert_eq!(status, 200);
        let start = served.find("<script>(function(){var v=").unwrap();
        let end = start + served[start..].find("</script>").unwrap() + "</script>".len();
        let without = format!("{}{}", &served[..start], &served[end..]);
        assert_eq!(without, built, "{page}");
    }
    // A PDF is rendered on request; data files and 404s are served as such.
    let (status, pdf) = get(&addr, "/pdf/101.pdf");
    assert_eq!(status, 200);
    assert!(pdf.starts_with("%PDF"));
    assert_eq!(get(&addr, "/data/results.csv").0, 200);
    assert_eq!(get(&addr, "/nope.html").0, 404);
    assert_eq!(get(&addr, "/../secret").0, 400);

    // A templates folder that does not exist yet: an error. Making it — a file the broken
    // config cannot name — brings the site back, with the folder's override.
    let with_templates = format!("{edited}\n[output]\ntemplates-dir = \"tpl\"\n");
    std::fs::write(p.config(), with_templates).unwrap();
    wait_for(&addr, "/index.html", Duration::from_secs(5), |_, b| {
        b.contains("role=\"alert\"") && b.contains("tpl")
    });
    let tpl = p.dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(tpl.join("style.css"), "/* from the templates folder */\n").unwrap();
    wait_for(
        &addr,
        "/assets/style.css",
        Duration::from_secs(5),
        |s, b| s == 200 && b.contains("from the templates folder"),
    );
    assert!(!get(&addr, "/index.html").1.contains("role=\"alert\""));

    // The same for a templates folder elsewhere than the config's folder: the broken config's
    // text still names it, so its parent folder is watched.
    let elsewhere = p.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let with_templates = format!("{edited}\n[output]\ntemplates-dir = \"elsewhere/tpl2\"\n");
    std::fs::write(p.config(), with_templates).unwrap();
    wait_for(&addr, "/index.html", Duration::from_secs(5), |_, b| {
        b.contains("role=\"alert\"") && b.contains("tpl2")
    });
    std::fs::create_dir(elsewhere.join("tpl2")).unwrap();
    std::fs::write(
        elsewhere.join("tpl2/style.css"),
        "/* from the other templates folder */\n",
    )
    .unwrap();
    wait_for(
        &addr,
        "/assets/style.css",
        Duration::from_secs(5),
        |s, b| s == 200 && b.contains("from the other templates folder"),
    );
}
