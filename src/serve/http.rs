//! The HTTP side of `serve`: pages with the reload script or the build error, content types,
//! request paths, responses.

use std::io::Write;
use std::net::TcpStream;

use super::RELOAD_SCRIPT;
use crate::render::xml_escape;

/// An HTML page as served: the reload script, and the last error on top while there is one.
pub(super) fn serve_html(page: &[u8], error: Option<&str>, version: u64) -> Vec<u8> {
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
pub(super) fn error_page(error: &str, version: u64) -> Vec<u8> {
    serve_html(
        b"<!DOCTYPE html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>kommunebench: fejl</title></head><body><h1>kommunebench</h1><p>Ingen udgave af sitet endnu.</p></body></html>",
        Some(error),
        version,
    )
}

pub(super) fn content_type(path: &str) -> &'static str {
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
pub(super) fn percent_decode(s: &str) -> String {
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

pub(super) fn respond(stream: &mut TcpStream, status: &str, ctype: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}
