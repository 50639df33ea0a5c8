//! `kommunebench serve`: the analyst's loop. Builds the site in memory, serves it on
//! 127.0.0.1, watches the config, every input file and the templates folder, rebuilds on every
//! change and reloads open pages. HTML and data are built first and served at once; a PDF is
//! rendered when it is asked for (and kept until the next change). A config or data error is
//! shown in the terminal and on every page, and the last good site stays served.
//!
//! The reload script is added to HTML responses here, never to `build` output.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::build::{render, Timings};
use crate::cli::Format;
use crate::config::Config;
use crate::progress::Silent;
use crate::render::xml_escape;
use crate::{load_config, Project};

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

/// What to watch for `files`, all canonical so that the event paths (built from the folder
/// watched) compare equal.
#[derive(Default)]
struct WatchSet {
    /// Folders watched: those holding a file read, and folders read whole (templates).
    dirs: BTreeSet<PathBuf>,
    /// Files whose change matters.
    paths: BTreeSet<PathBuf>,
    /// Folders read whole: any file in them matters, a new one too.
    whole: BTreeSet<PathBuf>,
}

impl WatchSet {
    fn matters(&self, p: &Path) -> bool {
        self.paths.contains(p) || p.parent().is_some_and(|d| self.whole.contains(d))
    }
}

/// Folders, not the files themselves: an editor that saves by writing a new file and renaming
/// it over the old one would leave a watch on the old file with nothing to report.
fn watch_set(files: &[PathBuf]) -> WatchSet {
    let mut set = WatchSet::default();
    for f in files {
        if f.is_dir() {
            if let Ok(dir) = f.canonicalize() {
                set.whole.insert(dir.clone());
                set.dirs.insert(dir);
            }
            continue;
        }
        let (Some(parent), Some(name)) = (f.parent(), f.file_name()) else {
            continue;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(dir) = parent.canonicalize() {
            set.paths.insert(dir.join(name));
            set.dirs.insert(dir);
        }
    }
    set
}

/// The OS's file events (inotify on Linux) for the folders of the files a build reads.
struct Events {
    watcher: notify::RecommendedWatcher,
    rx: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    set: WatchSet,
}

impl Events {
    fn new() -> notify::Result<Events> {
        let (tx, rx) = std::sync::mpsc::channel();
        Ok(Events {
            watcher: notify::recommended_watcher(tx)?,
            rx,
            set: WatchSet::default(),
        })
    }

    /// Watches the folders `files` need and lets go of those no longer needed (a new input
    /// or template brings its folder). Called before the build that reads them, so that a
    /// save during the build is not missed: it waits in the channel and triggers the next.
    /// Every folder is watched again each time (inotify merges a repeated watch), so a folder
    /// that was deleted and made anew is watched again.
    fn follow(&mut self, files: &[PathBuf]) {
        use notify::Watcher;
        let want = watch_set(files);
        for d in self.set.dirs.difference(&want.dirs) {
            let _ = self.watcher.unwatch(d);
        }
        for d in &want.dirs {
            if let Err(e) = self.watcher.watch(d, notify::RecursiveMode::NonRecursive) {
                eprintln!("kommunebench serve: cannot watch {}: {e}", d.display());
            }
        }
        self.set = want;
    }

    /// Blocks until a file that matters changes, then lets a multi-file save settle and takes
    /// what it sent with it. False when the watcher is gone.
    fn wait(&self) -> bool {
        loop {
            match self.rx.recv() {
                // Opening and reading (the build's own reads among them) change nothing; lost
                // events (the kernel's queue overflowed) may have changed anything.
                Ok(Ok(ev))
                    if ev.need_rescan()
                        || !matches!(ev.kind, notify::EventKind::Access(_))
                            && ev.paths.iter().any(|p| self.set.matters(p)) =>
                {
                    break
                }
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        std::thread::sleep(Duration::from_millis(30));
        while self.rx.try_recv().is_ok() {}
        true
    }
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

/// The files a build depends on (a folder read whole: the folder and every file in it); while
/// the config does not load, those of `last` and the config's folder.
fn watched(config: &Path, last: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = vec![config.to_path_buf()];
    match Config::load(config) {
        Ok(cfg) => {
            for p in cfg.files_read() {
                if p.is_dir() {
                    // The folder too: its time changes when a file is added or removed.
                    if let Ok(rd) = std::fs::read_dir(&p) {
                        out.extend(rd.flatten().map(|e| e.path()));
                    }
                }
                out.push(p);
            }
        }
        // A config that does not load names no files for sure: the last good one's stay
        // watched, so does everything in the config's folder, and so does every path its text
        // still names (watched from its folder while it is missing), so that mending what it
        // names (a templates folder made, an input put in place) brings the site back.
        Err(_) => {
            let dir = match config.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            out.extend(last.iter().cloned());
            out.extend(named_paths(config).into_iter().map(|p| dir.join(p)));
            out.push(dir);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The paths a config's text names (the municipality list, the inputs, the templates folder),
/// as written, read leniently from a config that does not load; none if it is not TOML.
fn named_paths(config: &Path) -> Vec<PathBuf> {
    let Some(v) = std::fs::read_to_string(config)
        .ok()
        .and_then(|t| toml::from_str::<toml::Value>(&t).ok())
    else {
        return Vec::new();
    };
    let at = |table: &str, key: &str| v.get(table).and_then(|t| t.get(key)).cloned();
    let inputs = v
        .get("data")
        .and_then(|d| d.get("inputs"))
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("path").cloned());
    [at("data", "municipalities"), at("output", "templates-dir")]
        .into_iter()
        .flatten()
        .chain(inputs)
        .filter_map(|p| p.as_str().map(PathBuf::from))
        .collect()
}

fn stamps(paths: &[PathBuf]) -> Vec<Option<SystemTime>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
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

/// An HTML page as served: the reload script, and the last error on top while there is one.
fn serve_html(page: &[u8], error: Option<&str>, version: u64) -> Vec<u8> {
    let mut html = String::from_utf8_lossy(page).into_owned();
    let mut inject = String::new();
    if let Some(e) = error {
        inject.push_str(&format!(
            "<div role=\"alert\" id=\"kommunebench-error\" style=\"background:#fde8e8;border:2px solid #9b1c1c;padding:1rem;margin:1rem 0;white-space:pre-wrap;font-family:monospace\"><strong>Fejl i konfiguration eller data — siden viser den seneste gode udgave.</strong>\n{}</div>",
            xml_escape(e)
        ));
    }
    inject.push_str(&RELOAD_SCRIPT.replace("{V}", &version.to_string()));
    match html.find("<body>") {
        Some(i) => html.insert_str(i + "<body>".len(), &inject),
        None => html.insert_str(0, &inject),
    }
    html.into_bytes()
}

/// The error page when no build has succeeded yet.
fn error_page(error: &str, version: u64) -> Vec<u8> {
    serve_html(
        b"<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>kommunebench: fejl</title></head><body><h1>kommunebench</h1><p>Ingen udgave af sitet endnu.</p></body></html>",
        Some(error),
        version,
    )
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "svg" => "image/svg+xml",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// `%C3%B8` → `ø`, for paths.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
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

fn respond(stream: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
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
