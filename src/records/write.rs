//! The count written as CSV (`kommune,gruppe,periode,fuldtidspersoner,personer`, full precision)
//! or Parquet (the same columns, typed), through a temporary file renamed into place: a failed
//! run leaves no half file.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{Compression, ConvertedType, Repetition, Type as Physical};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::compute::fulltime::Table;
use crate::input::records::is_parquet;

/// The shortest text that reads back as the same `f64`, with at least four decimals.
pub fn format_number(x: f64) -> String {
    let mut s = format!("{x}");
    let decimals = s.split_once('.').map_or(0, |(_, d)| d.len());
    if decimals == 0 {
        s.push('.');
    }
    for _ in decimals..4 {
        s.push('0');
    }
    s
}

/// A Parquet column of the given type, logical annotation and repetition.
pub(super) fn parquet_field(
    name: &str,
    ty: Physical,
    conv: Option<ConvertedType>,
    rep: Repetition,
) -> anyhow::Result<Arc<Type>> {
    let mut b = Type::primitive_type_builder(name, ty).with_repetition(rep);
    if let Some(c) = conv {
        b = b.with_converted_type(c);
    }
    Ok(Arc::new(b.build()?))
}

/// Writes the table to `out`.
pub fn write_table(t: &Table, out: &Path) -> anyhow::Result<()> {
    let tmp = out.with_extension(format!(
        "{}.tmp",
        out.extension().and_then(|e| e.to_str()).unwrap_or("out")
    ));
    let result = if is_parquet(out) {
        parquet(t, &tmp)
    } else {
        csv(t, &tmp)
    };
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, out).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))
}

fn csv(t: &Table, path: &Path) -> anyhow::Result<()> {
    let f = std::fs::File::create(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    let mut w = std::io::BufWriter::new(f);
    writeln!(w, "kommune,gruppe,periode,fuldtidspersoner,personer")?;
    for c in &t.cells {
        let quoted = if c.gruppe.contains([',', '"', '\n']) {
            format!("\"{}\"", c.gruppe.replace('"', "\"\""))
        } else {
            c.gruppe.clone()
        };
        writeln!(
            w,
            "{:03},{quoted},{},{},{}",
            c.kommune,
            c.periode,
            format_number(c.fuldtidspersoner),
            c.personer
        )?;
    }
    w.flush()?;
    Ok(())
}

fn parquet(t: &Table, path: &Path) -> anyhow::Result<()> {
    let field = |name: &str, ty: Physical, conv: Option<ConvertedType>| {
        parquet_field(name, ty, conv, Repetition::REQUIRED)
    };
    let schema = Arc::new(
        Type::group_type_builder("fuldtidspersoner")
            .with_fields(vec![
                field("kommune", Physical::INT32, None)?,
                field("gruppe", Physical::BYTE_ARRAY, Some(ConvertedType::UTF8))?,
                field("periode", Physical::BYTE_ARRAY, Some(ConvertedType::UTF8))?,
                field("fuldtidspersoner", Physical::DOUBLE, None)?,
                field("personer", Physical::INT64, None)?,
            ])
            .build()?,
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by("kommunebench".into())
            .build(),
    );
    let f = std::fs::File::create(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    let mut w = SerializedFileWriter::new(f, schema, props)?;
    for chunk in t.cells.chunks(1 << 20) {
        let mut rg = w.next_row_group()?;
        let kommune: Vec<i32> = chunk.iter().map(|c| i32::from(c.kommune)).collect();
        let gruppe: Vec<ByteArray> = chunk
            .iter()
            .map(|c| ByteArray::from(c.gruppe.as_str()))
            .collect();
        let periode: Vec<ByteArray> = chunk
            .iter()
            .map(|c| ByteArray::from(c.periode.as_str()))
            .collect();
        let ftp: Vec<f64> = chunk.iter().map(|c| c.fuldtidspersoner).collect();
        let personer: Vec<i64> = chunk.iter().map(|c| c.personer as i64).collect();
        macro_rules! col {
            ($ty:ty, $v:expr) => {{
                let mut c = rg
                    .next_column()?
                    .ok_or_else(|| anyhow::anyhow!("parquet schema"))?;
                c.typed::<$ty>().write_batch(&$v, None, None)?;
                c.close()?;
            }};
        }
        col!(Int32Type, kommune);
        col!(ByteArrayType, gruppe);
        col!(ByteArrayType, periode);
        col!(DoubleType, ftp);
        col!(Int64Type, personer);
        rg.close()?;
    }
    w.close()?;
    Ok(())
}
