//! Municipality centroids from boundaries: the DAGI GeoJSON (a feature per municipality, its
//! code in `KOMKODE`, Polygon or MultiPolygon rings in longitude/latitude), for distances between
//! municipalities. Projected equirectangularly at 56° N into kilometres — over Denmark's extent
//! the distances are within about 1 % of the geodesic ones, far finer than a kernel of tens of km.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::bail_input;
use crate::keys::Kommunekode;

/// km per degree of latitude.
const KM_PER_DEGREE: f64 = 111.32;

/// Code → area-weighted centroid (x, y) in km, for every feature with a municipality code.
pub fn parse(bytes: &[u8], origin: &str) -> anyhow::Result<BTreeMap<Kommunekode, (f64, f64)>> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        crate::error::input_error(format!(
            "{origin}:{}:{}: not GeoJSON: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let Some(features) = doc.get("features").and_then(Value::as_array) else {
        bail_input!("{origin}: expected a GeoJSON FeatureCollection with `features`");
    };
    let k = 56f64.to_radians().cos();
    let mut out: BTreeMap<Kommunekode, (f64, f64, f64)> = BTreeMap::new();
    for (n, f) in features.iter().enumerate() {
        let code = f.pointer("/properties/KOMKODE").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let Some(code) = code.and_then(|c| u16::try_from(c).ok()).map(Kommunekode) else {
            bail_input!(
                "{origin}: feature {} has no numeric properties.KOMKODE",
                n + 1
            );
        };
        let geom = f.get("geometry");
        let polys: Vec<&Value> = match geom.and_then(|g| g.get("type")).and_then(Value::as_str) {
            Some("Polygon") => vec![&geom.expect("typed")["coordinates"]],
            Some("MultiPolygon") => geom.expect("typed")["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => bail_input!(
                "{origin}: feature {} (KOMKODE {}): expected a Polygon or MultiPolygon geometry",
                n + 1,
                code.get()
            ),
        };
        let entry = out.entry(code).or_insert((0.0, 0.0, 0.0));
        for poly in polys {
            let Some(ring) = poly.get(0).and_then(Value::as_array) else {
                continue;
            };
            let pts: Vec<(f64, f64)> = ring
                .iter()
                .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                .map(|(lon, lat)| (lon * k * KM_PER_DEGREE, lat * KM_PER_DEGREE))
                .collect();
            // Shoelace: signed area and first moments of the outer ring.
            let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
            for w in pts.windows(2) {
                let ((x1, y1), (x2, y2)) = (w[0], w[1]);
                let c = x1 * y2 - x2 * y1;
                a += c;
                cx += (x1 + x2) * c;
                cy += (y1 + y2) * c;
            }
            entry.0 += a / 2.0;
            entry.1 += cx / 6.0;
            entry.2 += cy / 6.0;
        }
    }
    let mut centroids = BTreeMap::new();
    for (code, (a, mx, my)) in out {
        if !(a.abs() > 0.0 && (mx / a).is_finite() && (my / a).is_finite()) {
            bail_input!(
                "{origin}: municipality {} has no area in the boundaries",
                code.get()
            );
        }
        centroids.insert(code, (mx / a, my / a));
    }
    Ok(centroids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_has_its_centre_as_centroid() {
        let g = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"KOMKODE":101},"geometry":{"type":"Polygon","coordinates":[[[10,55],[11,55],[11,56],[10,56],[10,55]]]}}]}"#;
        let c = parse(g, "t").unwrap()[&Kommunekode(101)];
        let k = 56f64.to_radians().cos();
        assert!((c.0 - 10.5 * k * KM_PER_DEGREE).abs() < 1e-9);
        assert!((c.1 - 55.5 * KM_PER_DEGREE).abs() < 1e-9);
        assert!(parse(b"{}", "t").is_err());
    }
}
