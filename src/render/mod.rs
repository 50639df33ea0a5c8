//! Renderers: each turns the view model (and charts) into files in memory; only `site` writes.

pub mod charts;
pub mod html;
pub mod pdf;
pub mod xlsx;
