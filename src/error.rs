//! Error kinds that decide the process exit code.
//!
//! Everything else travels as `anyhow::Error`; an [`InputError`] anywhere in the
//! chain means the user's config or data is wrong (exit code 2), anything else is
//! an internal or I/O failure (exit code 1).

use std::fmt;
use std::path::Path;

/// Bad configuration or bad data: the message names the file, the place and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Builds an `anyhow::Error` that carries an [`InputError`].
pub fn input_error(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(InputError(msg.into()))
}

/// `bail!` for input errors.
#[macro_export]
macro_rules! bail_input {
    ($($arg:tt)*) => {
        return Err($crate::error::input_error(format!($($arg)*)))
    };
}

/// True when the error (or one of its causes) is an [`InputError`].
pub fn is_input_error(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<InputError>())
}

/// Exit code for an error: 2 for bad config or data, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if is_input_error(err) {
        2
    } else {
        1
    }
}

/// Reads a file, naming it in the error (a missing input file is an input error).
pub fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| input_error(format!("cannot read {}: {e}", path.display())))
}

/// At most `max` characters of `text`, with "…" when cut: error messages quote data, never
/// a whole (possibly huge) line.
pub fn excerpt(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "ab\ncæd\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 6), (2, 3));
    }

    #[test]
    fn input_errors_exit_with_two() {
        let e = input_error("bad").context("while loading");
        assert_eq!(exit_code(&e), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 1);
    }
}
