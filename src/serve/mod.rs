//! `kommunebench serve`: the analyst's loop. Builds the site in memory, serves it on
//! 127.0.0.1, watches the config, every input file and the templates folder, rebuilds on every
//! change and reloads open pages. HTML and data are built first and served at once; a PDF is
//! rendered when it is asked for (and kept until the next change). A config or data error is
//! shown in the terminal and on every page, and the last good site stays served.
//!
//! The reload script is added to HTML responses here, never to `build` output.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::build::{render, Timings};
use crate::cli::Format;
use crate::config::Config;
use crate::progress::Silent;
use crate::{load_config, Project};

mod http;
mod watch;

use http::{content_type, error_page, percent_decode, respond, serve_html};
use watch::{stamps, watched, Events};

/// Where the served pages ask whether the site changed.
const VERSION_PATH: &str = "/__kommunebench/version";

/// Polls the version and reloads the page when it differs from `{V}`, the version the page was
/// served from (so a rebuild that lands between serving and the first poll is not missed).
/// A short poll, not a held request: a browser allows only six connections per host, and a
/// long poll per open tab would stall the seventh tab's page loads.
const RELOAD_SCRIPT: &str = "<script>(function(){var v='{V}';function poll(){fetch('/__kommunebench/version',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(t!==v){location.reload()}else{setTimeout(poll,100)}}).catch(function(){setTimeout(poll,1000)})}poll()})();</script>";

/// The state served: the last good build, its PDFs as rendered on demand, and the last error.
struct State {
    version: u64,
    project: Option<Arc<Project>>,
    site: Files,
    pdfs: Files,
    error: Option<String>,
}

/// The fallback: modification times, every 100 ms.
fn poll(
    state: &RwLock<State>,
    config: &Path,
    mut files: Vec<PathBuf>,
    mut seen: Vec<Option<SystemTime>>,
    cache: &mut Option<Loaded>,
) {
    loop {
        std::thread::sleep(Duration::from_millis(100));
        if stamps(&files) != seen {
            std::thread::sleep(Duration::from_millis(30));
            files = watched(config, &files);
            seen = stamps(&files);
            rebuild(state, config, cache);
        }
    }
}

/// Options of `kommunebench serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub config: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the browser.
    pub open: bool,
}

/// What the loaded data and the computed results depend on: the config without the keys that
/// only change how results are shown, and the input files' modification times.
#[derive(PartialEq)]
struct DataKey {
    config: toml::Value,
    inputs: Vec<(PathBuf, Option<SystemTime>)>,
}

/// Keys that change the pages but not the data or the numbers.
const VIEW_ONLY: [(&str, &str); 7] = [
    ("report", "title"),
    ("report", "sources"),
    ("report", "accessibility-statement"),
    ("presentation", "count-rounding"),
    ("presentation", "decimals"),
    ("output", "templates-dir"),
    ("expected", "labels"),
];

fn data_key(cfg: &Config) -> Option<DataKey> {
    let mut v: toml::Value = toml::from_str(&cfg.origin.text).ok()?;
    for (table, key) in VIEW_ONLY {
        if let Some(t) = v.get_mut(table).and_then(toml::Value::as_table_mut) {
            t.remove(key);
        }
    }
    let mut files: Vec<PathBuf> = cfg.inputs.iter().map(|i| i.file.path.clone()).collect();
    files.extend(cfg.municipalities.iter().map(|m| m.path.clone()));
    let stamps = stamps(&files);
    Some(DataKey {
        config: v,
        inputs: files.into_iter().zip(stamps).collect(),
    })
}

/// The last loaded project and what it was loaded from, so that a change of a template or of
/// a presentation key re-renders without reloading the data or recomputing the results.
struct Loaded {
    key: DataKey,
    project: Arc<Project>,
}

/// Files by path.
type Files = BTreeMap<String, Vec<u8>>;

/// Loads (or reuses) the project and renders the HTML pages and data files.
fn build_html(config: &Path, cache: &mut Option<Loaded>) -> anyhow::Result<(Arc<Project>, Files)> {
    let cfg = Config::load(config)?;
    let key = data_key(&cfg);
    let project = match (cache.as_ref(), key) {
        (Some(l), Some(k)) if l.key == k => {
            // Same data and model: only the view changes. The manifest is the new config's.
            let old = &l.project;
            Arc::new(Project {
                manifest: crate::input::Manifest::new(&cfg, &old.dataset),
                config: cfg,
                dataset: old.dataset.clone(),
                results: old.results.clone(),
            })
        }
        (_, k) => {
            let p = Arc::new(load_config(cfg)?);
            *cache = k.map(|key| Loaded {
                key,
                project: Arc::clone(&p),
            });
            p
        }
    };
    let site = render(
        &project,
        None,
        Format::Html,
        &mut Timings::default(),
        &Silent,
    )?;
    Ok((project, site.into_files()))
}

fn rebuild(state: &RwLock<State>, config: &Path, cache: &mut Option<Loaded>) {
    let t = Instant::now();
    match build_html(config, cache) {
        Ok((p, site)) => {
            let mut s = state.write().unwrap_or_else(|e| e.into_inner());
            s.version += 1;
            s.project = Some(p);
            s.site = site;
            s.pdfs.clear();
            s.error = None;
            eprintln!(
                "kommunebench serve: rebuilt in {:.2} s (version {})",
                t.elapsed().as_secs_f64(),
                s.version
            );
        }
        Err(e) => {
            let msg = format!("{e:#}");
            eprintln!("kommunebench serve: error: {msg}");
            let mut s = state.write().unwrap_or_else(|e| e.into_inner());
            s.version += 1;
            s.error = Some(msg);
        }
    }
}

/// A PDF of the last good build, rendered on first request and kept until the next change.
fn pdf(state: &RwLock<State>, lock: &Mutex<()>, path: &str) -> Option<Vec<u8>> {
    if let Some(b) = state.read().ok()?.pdfs.get(path) {
        return Some(b.clone());
    }
    // One PDF render at a time; a second request for the same file waits and finds it.
    let _guard = lock.lock().unwrap_or_else(|e| e.into_inner());
    let (project, version) = {
        let s = state.read().ok()?;
        if let Some(b) = s.pdfs.get(path) {
            return Some(b.clone());
        }
        (s.project.clone()?, s.version)
    };
    let code = path
        .strip_prefix("pdf/")?
        .strip_suffix(".pdf")?
        .parse::<u16>()
        .ok()
        .or_else(|| project.results.codes().first().map(|c| c.get()))?;
    let site = render(
        &project,
        Some(code),
        Format::Pdf,
        &mut Timings::default(),
        &Silent,
    )
    .ok()?;
    let mut s = state.write().ok()?;
    if s.version == version {
        for (k, v) in site.files() {
            if k.ends_with(".pdf") {
                s.pdfs.insert(k.clone(), v.clone());
            }
        }
    }
    site.files().get(path).cloned()
}

fn handle(mut stream: TcpStream, state: &RwLock<State>, pdf_lock: &Mutex<()>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s.take(16 * 1024),
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers (bounded by `take`).
    let mut h = String::new();
    while reader.read_line(&mut h).map(|n| n > 2).unwrap_or(false) {
        h.clear();
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET only\n",
        );
        return;
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    if path == VERSION_PATH {
        let v = state.read().map(|s| s.version).unwrap_or(0);
        respond(
            &mut stream,
            "200 OK",
            "text/plain",
            v.to_string().as_bytes(),
        );
        return;
    }
    let mut rel = path.trim_start_matches('/').to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    if rel.split('/').any(|seg| seg == "..") {
        respond(&mut stream, "400 Bad Request", "text/plain", b"bad path\n");
        return;
    }
    let (file, error, has_site, version) = {
        let s = state.read().unwrap_or_else(|e| e.into_inner());
        (
            s.site.get(&rel).cloned(),
            s.error.clone(),
            s.project.is_some(),
            s.version,
        )
    };
    if !has_site {
        let body = error_page(error.as_deref().unwrap_or("Bygger …"), version);
        respond(
            &mut stream,
            "503 Service Unavailable",
            "text/html; charset=utf-8",
            &body,
        );
        return;
    }
    let body = match file {
        Some(b) if rel.ends_with(".html") => Some(serve_html(&b, error.as_deref(), version)),
        Some(b) => Some(b),
        None if rel.starts_with("pdf/") && rel.ends_with(".pdf") => pdf(state, pdf_lock, &rel),
        None => None,
    };
    match body {
        Some(b) => respond(&mut stream, "200 OK", content_type(&rel), &b),
        None => respond(
            &mut stream,
            "404 Not Found",
            "text/html; charset=utf-8",
            &serve_html(
                b"<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Ikke fundet</title></head><body><p>Siden findes ikke.</p></body></html>",
                error.as_deref(),
                version,
            ),
        ),
    }
}

/// Runs the server until the process is stopped (Ctrl-C).
pub fn serve(opts: &ServeOptions) -> anyhow::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", opts.port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{}: {e}", opts.port))?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}/");
    let state = Arc::new(RwLock::new(State {
        version: 0,
        project: None,
        site: BTreeMap::new(),
        pdfs: BTreeMap::new(),
        error: None,
    }));
    // The address first, so a script (or a test) can connect while the first build runs.
    println!("kommunebench serve: {url} (Ctrl-C stops)");
    let _ = std::io::stdout().flush();
    // What a build reads is watched (and, for the fallback, stamped) before the build, so a
    // save during it triggers another.
    let mut cache = None;
    let mut files = watched(&opts.config, &[]);
    let seen = stamps(&files);
    let events = Events::new().map(|mut e| {
        e.follow(&files);
        e
    });
    rebuild(&state, &opts.config, &mut cache);
    if opts.open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    {
        let state = Arc::clone(&state);
        let config = opts.config.clone();
        std::thread::spawn(move || match events {
            Ok(mut events) => {
                while events.wait() {
                    files = watched(&config, &files);
                    events.follow(&files);
                    rebuild(&state, &config, &mut cache);
                }
            }
            // Without file events (inotify's limit of watches reached, a filesystem without
            // events): modification times, polled.
            Err(e) => {
                eprintln!("kommunebench serve: no file events ({e}); polling for changes instead");
                poll(&state, &config, files, seen, &mut cache)
            }
        });
    }
    let pdf_lock = Arc::new(Mutex::new(()));
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        let pdf_lock = Arc::clone(&pdf_lock);
        std::thread::spawn(move || handle(stream, &state, &pdf_lock));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reload_script_goes_after_body_and_errors_are_escaped() {
        let page = b"<html><body><p>x</p></body></html>";
        let served = String::from_utf8(serve_html(page, Some("a <b> & c"), 7)).unwrap();
        assert!(served.starts_with("<html><body><div role=\"alert\""));
        assert!(served.contains("a &lt;b&gt; &amp; c"));
        assert!(served.contains(VERSION_PATH));
        assert!(served.contains("var v='7'"));
        assert_eq!(percent_decode("/kommune/Ish%C3%B8j"), "/kommune/Ishøj");
    }
}
