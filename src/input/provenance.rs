//! Provenance: every file read, with its SHA-256, and one fingerprint over the tool version,
//! the config and every input — what `data/manifest.json` and every report's colophon show.

use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Dataset;
use crate::config::{Config, Mode};

/// One file as read.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// The path as written in the config (relative to the config file).
    pub path: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: usize,
}

impl InputFile {
    /// The record of a file read from `written` (as the config names it).
    pub fn new(written: &Path, bytes: &[u8]) -> InputFile {
        InputFile {
            path: written.to_string_lossy().replace('\\', "/"),
            sha256: sha256_hex(bytes),
            bytes: bytes.len(),
        }
    }
}

impl InputFile {
    /// The record of a file too large to hold (a register of benefit periods), hashed as it
    /// is read in blocks.
    pub fn streamed(written: &Path, path: &Path) -> anyhow::Result<InputFile> {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| {
            crate::error::input_error(format!("cannot read {}: {e}", path.display()))
        })?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut bytes = 0usize;
        loop {
            let n = f.read(&mut buf).map_err(|e| {
                crate::error::input_error(format!("cannot read {}: {e}", path.display()))
            })?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            bytes += n;
        }
        Ok(InputFile {
            path: written.to_string_lossy().replace('\\', "/"),
            sha256: hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            bytes,
        })
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Provenance of a build.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// "kommunebench".
    pub tool: String,
    /// Crate version.
    pub version: String,
    /// The config file as given and its SHA-256.
    pub config: InputFile,
    /// Every input with its SHA-256.
    pub inputs: Vec<InputFile>,
    /// SHA-256 over the tool version, the config hash and every input hash: one fingerprint.
    pub input_hash: String,
    /// Current period.
    pub period: String,
    /// `supplied` or `model`.
    pub mode: String,
    /// What the inputs' own provenance says on every page (Danish): figures "beregnet fra
    /// sagsdata" and the cells not published.
    pub notes: Vec<Note>,
}

/// A provenance statement an input needs on every page (Danish).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// For the one-line source ("beregnet fra sagsdata (fil.csv)").
    pub short: String,
    /// The full sentence, with what it covers and what is not published.
    pub text: String,
}

impl Manifest {
    /// The manifest for a config and dataset.
    pub fn new(cfg: &Config, ds: &Dataset) -> Manifest {
        let config = InputFile {
            path: cfg
                .origin
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256_hex(cfg.origin.text.as_bytes()),
            bytes: cfg.origin.text.len(),
        };
        let mut all = format!(
            "kommunebench {}\nconfig {}\n",
            env!("CARGO_PKG_VERSION"),
            config.sha256
        );
        for i in &ds.inputs {
            all.push_str(&format!("input {}\n", i.sha256));
        }
        Manifest {
            tool: "kommunebench".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            config,
            inputs: ds.inputs.clone(),
            input_hash: sha256_hex(all.as_bytes()),
            period: cfg.report.period.label().to_string(),
            mode: match cfg.expected.mode {
                Mode::Supplied => "supplied".into(),
                Mode::Model => "model".into(),
                Mode::Continued => "continued".into(),
            },
            notes: ds.notes.clone(),
        }
    }

    /// The first 12 hex digits of the input hash, as shown in reports.
    pub fn short_hash(&self) -> &str {
        &self.input_hash[..12]
    }
}
