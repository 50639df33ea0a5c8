//! Periods partitioned by person into buckets — in memory while small, in files of a private
//! temporary folder once large — so that each bucket holds every period of its persons and the
//! buckets can be counted one per core with memory bounded whatever the input's size or order.
//!
//! The files hold person identifiers: the folder is created mode 0700 and removed when the count
//! ends, also on error.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::input::records::{Batch, Span};

/// Buckets: enough that one bucket of a national register (tens of millions of periods) is a few
/// megabytes, few enough to keep a file open for each.
pub const BUCKETS: usize = 256;
/// In-memory bytes after which the buckets move to disk (by default).
pub const SPILL_AT: usize = 192 << 20;
/// Per-bucket buffer flushed to its file when full.
const FLUSH_AT: usize = 256 << 10;

/// The partitioned periods.
pub struct Buckets {
    mem: Vec<Vec<u8>>,
    held: usize,
    spill_at: usize,
    disk: Option<(TempDir, Vec<File>)>,
    tmp_root: PathBuf,
}

impl Buckets {
    /// Empty buckets; past `spill_at` bytes they move to files under `tmp_root`.
    pub fn new(tmp_root: &Path, spill_at: usize) -> Buckets {
        Buckets {
            mem: vec![Vec::new(); BUCKETS],
            held: 0,
            spill_at,
            disk: None,
            tmp_root: tmp_root.to_path_buf(),
        }
    }

    /// Appends a routed batch to the buckets.
    pub fn add(&mut self, routed: &Routed) -> anyhow::Result<()> {
        for (b, part) in routed.0.iter().enumerate() {
            let buf = &mut self.mem[b];
            buf.extend_from_slice(part);
            self.held += part.len();
            if let Some((_, files)) = &mut self.disk {
                if buf.len() >= FLUSH_AT {
                    files[b].write_all(buf)?;
                    self.held -= buf.len();
                    buf.clear();
                }
            }
        }
        if self.disk.is_none() && self.held > self.spill_at {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> anyhow::Result<()> {
        let dir = TempDir::new(&self.tmp_root)?;
        let mut files = Vec::with_capacity(BUCKETS);
        for (i, buf) in self.mem.iter_mut().enumerate() {
            let mut f = File::options()
                .create_new(true)
                .read(true)
                .write(true)
                .open(dir.0.join(format!("{i:03}")))?;
            f.write_all(buf)?;
            self.held -= buf.len();
            *buf = Vec::new();
            files.push(f);
        }
        self.disk = Some((dir, files));
        Ok(())
    }

    /// True when the periods went to disk.
    pub fn spilled(&self) -> bool {
        self.disk.is_some()
    }

    /// Ends the writing; the buckets can then be taken one by one with [`Buckets::take`].
    pub fn finish(mut self) -> anyhow::Result<Finished> {
        if let Some((_, files)) = &mut self.disk {
            for (f, buf) in files.iter_mut().zip(&mut self.mem) {
                f.write_all(buf)?;
                *buf = Vec::new();
            }
        }
        let (dir, files) = match self.disk {
            Some((d, f)) => (
                Some(d),
                f.into_iter()
                    .map(|f| std::sync::Mutex::new(Some(f)))
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        Ok(Finished {
            mem: self.mem.into_iter().map(std::sync::Mutex::new).collect(),
            files,
            _dir: dir,
        })
    }
}

/// Written buckets, each to be taken once.
pub struct Finished {
    mem: Vec<std::sync::Mutex<Vec<u8>>>,
    files: Vec<std::sync::Mutex<Option<File>>>,
    _dir: Option<TempDir>,
}

impl Finished {
    /// Bucket `i` decoded (its memory released from the buckets).
    pub fn take(&self, i: usize) -> anyhow::Result<Batch> {
        let bytes = match self.files.get(i) {
            Some(slot) => {
                let f = slot
                    .lock()
                    .map_err(|_| anyhow::anyhow!("bucket lock"))?
                    .take();
                let mut bytes = Vec::new();
                if let Some(mut f) = f {
                    use std::io::Seek;
                    f.seek(std::io::SeekFrom::Start(0))?;
                    f.read_to_end(&mut bytes)?;
                }
                bytes
            }
            None => std::mem::take(
                &mut *self.mem[i]
                    .lock()
                    .map_err(|_| anyhow::anyhow!("bucket lock"))?,
            ),
        };
        Ok(decode(&bytes))
    }
}

/// A batch's periods encoded per bucket (done on the reading threads).
pub struct Routed(Vec<Vec<u8>>);

/// Encodes a batch's periods into their persons' buckets.
pub fn route(batch: &Batch) -> Routed {
    let per = batch.arena.len() + batch.spans.len() * (FIXED + 1);
    let mut parts: Vec<Vec<u8>> = (0..BUCKETS)
        .map(|_| Vec::with_capacity(per / BUCKETS * 5 / 4 + 64))
        .collect();
    for s in &batch.spans {
        let person = batch.person(s);
        encode(
            &mut parts[(fnv(person) % BUCKETS as u64) as usize],
            person,
            s,
        );
    }
    Routed(parts)
}

/// FNV-1a: a fixed hash, so that the buckets (and the order of work) are the same every run.
pub fn person_hash(b: &[u8]) -> u64 {
    fnv(b)
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3)
    })
}

const FIXED: usize = 2 + 4 + 4 + 4 + 8 + 8 + 2;

fn encode(buf: &mut Vec<u8>, person: &[u8], s: &Span) {
    buf.push(person.len() as u8);
    buf.extend_from_slice(person);
    buf.extend_from_slice(&s.kommune.to_le_bytes());
    buf.extend_from_slice(&s.code.to_le_bytes());
    buf.extend_from_slice(&s.fra.to_le_bytes());
    buf.extend_from_slice(&s.til.to_le_bytes());
    buf.extend_from_slice(&s.weight.to_le_bytes());
    buf.extend_from_slice(&s.row.to_le_bytes());
    buf.extend_from_slice(&s.file.to_le_bytes());
}

fn decode(bytes: &[u8]) -> Batch {
    let mut out = Batch {
        arena: Vec::with_capacity(bytes.len() / 3),
        spans: Vec::with_capacity(bytes.len() / 40),
    };
    let mut i = 0;
    while i < bytes.len() {
        let len = bytes[i] as usize;
        let p = &bytes[i + 1..i + 1 + len];
        let f = &bytes[i + 1 + len..i + 1 + len + FIXED];
        let person_at = out.arena.len() as u32;
        out.arena.extend_from_slice(p);
        let u = |a: usize, n: usize| &f[a..a + n];
        out.spans.push(Span {
            person_at,
            person_len: len as u8,
            kommune: u16::from_le_bytes(u(0, 2).try_into().unwrap_or_default()),
            code: u32::from_le_bytes(u(2, 4).try_into().unwrap_or_default()),
            fra: i32::from_le_bytes(u(6, 4).try_into().unwrap_or_default()),
            til: i32::from_le_bytes(u(10, 4).try_into().unwrap_or_default()),
            weight: i64::from_le_bytes(u(14, 8).try_into().unwrap_or_default()),
            row: u64::from_le_bytes(u(22, 8).try_into().unwrap_or_default()),
            file: u16::from_le_bytes(u(30, 2).try_into().unwrap_or_default()),
        });
        i += 1 + len + FIXED;
    }
    out
}

/// A private temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(root: &Path) -> anyhow::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = root.join(format!(
            "kommunebench-records-{}-{nanos}",
            std::process::id()
        ));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&path).map_err(|e| {
            anyhow::anyhow!("cannot create the temporary folder {}: {e}", path.display())
        })?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
