//! One variable per file in long format, `municipality,year,value` (as the rammevilkår files
//! derived from StatBank are commonly kept): a municipality by name, English label or code.

use super::areas::Areas;
use super::dimensional::{observe, Defaults, Observations};
use super::table::csv_table;
use crate::config::{Decimal, Input, InputKind};

const DEFAULTS: Defaults = Defaults {
    area: &["municipality", "kommune", "kommunekode", "area", "område"],
    time: &["year", "år", "aar", "time", "tid", "period", "periode"],
    value: "value",
    numeric_columns_are_measures: false,
};

/// Reads a long file into observations.
pub(crate) fn read(
    bytes: &[u8],
    origin: &str,
    inp: &Input,
    areas: &Areas,
) -> anyhow::Result<Observations> {
    let (delimiter, decimal) = match inp.kind {
        InputKind::Long { delimiter, decimal } => (delimiter, decimal),
        _ => (b',', Decimal::Point),
    };
    let table = csv_table(bytes, origin, delimiter)?;
    observe(&table, origin, inp, &DEFAULTS, Some(decimal), areas)
}
