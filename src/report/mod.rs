//! Report stage: the view model. Every number is formatted once ([`fmt`]), every sentence
//! generated once ([`sentences`]), and every page decision made here — which group is the
//! headline, which charts and columns a page shows — so the HTML pages and the PDF appendices
//! receive the same view and cannot disagree. Templates only lay out what they are given.

pub mod cells;
pub mod charts;
pub mod common;
pub mod continued;
pub mod fmt;
pub mod index;
pub mod municipality;
pub mod sentences;
pub mod status;
pub mod targets;
pub mod versus;

use crate::compute::Results;
use crate::config::{Config, Group};
use crate::input::{Dataset, Manifest};

pub use charts::{ChartPlan, Medium};
pub use common::{Common, GroupInfo};
pub use index::IndexView;
pub use municipality::MunicipalityView;

/// The group the headline sentence and the appendix's comparison are about: the first total
/// group, or the first group when there is no total.
pub fn headline_group(cfg: &Config) -> &Group {
    cfg.headline_group()
}

/// Builds every page's view from the results.
pub struct ViewBuilder<'a> {
    cfg: &'a Config,
    ds: &'a Dataset,
    res: &'a Results,
    common: Common,
}

impl<'a> ViewBuilder<'a> {
    /// Prepares the facts every page shares.
    pub fn new(
        cfg: &'a Config,
        ds: &'a Dataset,
        res: &'a Results,
        manifest: &Manifest,
    ) -> ViewBuilder<'a> {
        ViewBuilder {
            cfg,
            ds,
            res,
            common: common::common(cfg, res, manifest),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cfg(groups: &str) -> Config {
        let dir = std::env::temp_dir().join(format!("kb-headline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.csv"), "k\n").unwrap();
        let text = format!(
            "[report]\nperiod = \"2022\"\n[[data.inputs]]\nformat = \"csv\"\ndelimiter = \";\"\ndecimal = \"comma\"\npath = \"x.csv\"\ncolumns.kommunekode = \"k\"\n{groups}"
        );
        Config::parse(&text, &dir.join("c.toml")).unwrap()
    }

    #[test]
    fn headline_is_the_first_total() {
        assert_eq!(headline_group(&cfg("")).id.as_str(), "i-alt");
        let two = "[[groups]]\nid = \"a\"\nlabel = \"A\"\n[[groups]]\nid = \"b\"\nlabel = \"B\"\n[[groups]]\nid = \"t\"\nlabel = \"T\"\ntotal-of = [\"a\", \"b\"]\n";
        assert_eq!(headline_group(&cfg(two)).id.as_str(), "t");
    }

    #[test]
    fn headline_without_a_total_is_the_first_group() {
        let two = "[[groups]]\nid = \"b\"\nlabel = \"B\"\n[[groups]]\nid = \"a\"\nlabel = \"A\"\n";
        assert_eq!(headline_group(&cfg(two)).id.as_str(), "b");
        let _ = Path::new(".");
    }
}
