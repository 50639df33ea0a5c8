//! Statistics Denmark's StatBank API CSV export (and its BULK variant), exactly as delivered:
//! `;`-separated, UTF-8 with a byte-order mark, CRLF, a header of variable codes (`OMRÅDE`,
//! `YDELSESTYPE`, `TID`, …) and the value in `INDHOLD`; labels in Danish or English.

use super::areas::Areas;
use super::dimensional::{observe, Defaults, Observations};
use super::table::csv_table;
use crate::config::Input;

/// StatBank's column names. The area variable's code differs by table.
const DEFAULTS: Defaults = Defaults {
    area: &[
        "OMRÅDE",
        "OMRADE",
        "BOPOMR",
        "BOPKOM",
        "KOMK",
        "KOMKODE",
        "KOMMUNE",
        "AREA",
        "REGION",
        "ARBKOM",
        "BOKOMMUNE",
    ],
    time: &["TID", "TIME"],
    value: "INDHOLD",
    numeric_columns_are_measures: false,
};

/// Reads a StatBank export into summed observations.
pub(crate) fn read(
    bytes: &[u8],
    origin: &str,
    inp: &Input,
    areas: &Areas,
) -> anyhow::Result<Observations> {
    let table = csv_table(bytes, origin, b';')?;
    observe(&table, origin, inp, &DEFAULTS, None, areas)
}
