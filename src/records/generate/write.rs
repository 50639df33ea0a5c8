//! The generated register written out: CSV or Parquet, grouped by person or shuffled.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;

use super::{Gen, GenerateOptions};
use crate::input::records::date::{self, Day};

pub(super) fn write(
    o: &GenerateOptions,
    gens: &[Gen],
    codes: &[(&str, Option<usize>)],
    end: Day,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<()> {
    let mut order: Vec<u32> = (0..gens.len() as u32)
        .filter(|&i| gens[i as usize].live)
        .collect();
    if o.shuffle {
        use rand::seq::SliceRandom;
        order.shuffle(rng);
    } else {
        order.sort_by_key(|&i| {
            let g = &gens[i as usize];
            (g.person, g.fra, g.code)
        });
    }
    let tmp = o.out.with_extension("tmp");
    let r = if crate::input::records::is_parquet(&o.out) {
        parquet(&tmp, gens, &order, codes, end)
    } else {
        csv(&tmp, gens, &order, codes, end)
    };
    if let Err(e) = r {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &o.out)?;
    Ok(())
}

/// The person's synthetic identifier: `SYN` and nine digits (never a CPR number's form).
fn person_id(p: u32) -> String {
    format!("SYN{p:09}")
}

fn grad_cells(grad: u8) -> (Option<f64>, Option<f64>) {
    match grad {
        0 => (None, None),
        1 => (Some(0.5), None),
        2 => (None, Some(18.5)),
        _ => (Some(0.25), None),
    }
}

fn csv(
    path: &Path,
    gens: &[Gen],
    order: &[u32],
    codes: &[(&str, Option<usize>)],
    end: Day,
) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "person,kommune,ydelse,fra,til,grad,timer")?;
    for &i in order {
        let g = &gens[i as usize];
        let til = if g.til > end {
            String::new()
        } else {
            date::format(g.til)
        };
        let (grad, timer) = grad_cells(g.grad);
        writeln!(
            w,
            "{},{:03},{},{},{til},{},{}",
            person_id(g.person),
            g.kommune,
            codes[g.code as usize].0,
            date::format(g.fra),
            grad.map_or(String::new(), |x| x.to_string()),
            timer.map_or(String::new(), |x| x.to_string()),
        )?;
    }
    w.flush()?;
    Ok(())
}

fn parquet(
    path: &Path,
    gens: &[Gen],
    order: &[u32],
    codes: &[(&str, Option<usize>)],
    end: Day,
) -> anyhow::Result<()> {
    use parquet::basic::{Compression, ConvertedType, Repetition, Type as Physical};
    use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::types::Type;
    let field = crate::records::write::parquet_field;
    let (req, opt) = (Repetition::REQUIRED, Repetition::OPTIONAL);
    let schema = Arc::new(
        Type::group_type_builder("ydelsesperioder")
            .with_fields(vec![
                field(
                    "person",
                    Physical::BYTE_ARRAY,
                    Some(ConvertedType::UTF8),
                    req,
                )?,
                field("kommune", Physical::INT32, None, req)?,
                field(
                    "ydelse",
                    Physical::BYTE_ARRAY,
                    Some(ConvertedType::UTF8),
                    req,
                )?,
                field("fra", Physical::INT32, Some(ConvertedType::DATE), req)?,
                field("til", Physical::INT32, Some(ConvertedType::DATE), opt)?,
                field("grad", Physical::DOUBLE, None, opt)?,
                field("timer", Physical::DOUBLE, None, opt)?,
            ])
            .build()?,
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut w = SerializedFileWriter::new(std::fs::File::create(path)?, schema, props)?;
    for chunk in order.chunks(1 << 20) {
        let rows: Vec<&Gen> = chunk.iter().map(|&i| &gens[i as usize]).collect();
        let mut rg = w.next_row_group()?;
        let opt_col = |v: Vec<Option<f64>>| -> (Vec<f64>, Vec<i16>) {
            let defs = v.iter().map(|x| i16::from(x.is_some())).collect();
            (v.into_iter().flatten().collect(), defs)
        };
        let persons: Vec<ByteArray> = rows
            .iter()
            .map(|g| ByteArray::from(person_id(g.person).into_bytes()))
            .collect();
        let kommune: Vec<i32> = rows.iter().map(|g| i32::from(g.kommune)).collect();
        let ydelse: Vec<ByteArray> = rows
            .iter()
            .map(|g| ByteArray::from(codes[g.code as usize].0))
            .collect();
        let fra: Vec<i32> = rows.iter().map(|g| g.fra).collect();
        let til_defs: Vec<i16> = rows.iter().map(|g| i16::from(g.til <= end)).collect();
        let til: Vec<i32> = rows
            .iter()
            .filter(|g| g.til <= end)
            .map(|g| g.til)
            .collect();
        let (grad, grad_defs) = opt_col(rows.iter().map(|g| grad_cells(g.grad).0).collect());
        let (timer, timer_defs) = opt_col(rows.iter().map(|g| grad_cells(g.grad).1).collect());
        macro_rules! col {
            ($ty:ty, $v:expr, $defs:expr) => {{
                let mut c = rg
                    .next_column()?
                    .ok_or_else(|| anyhow::anyhow!("parquet schema"))?;
                c.typed::<$ty>().write_batch(&$v, $defs, None)?;
                c.close()?;
            }};
        }
        col!(ByteArrayType, persons, None);
        col!(Int32Type, kommune, None);
        col!(ByteArrayType, ydelse, None);
        col!(Int32Type, fra, None);
        col!(Int32Type, til, Some(&til_defs[..]));
        col!(DoubleType, grad, Some(&grad_defs[..]));
        col!(DoubleType, timer, Some(&timer_defs[..]));
        rg.close()?;
    }
    w.close()?;
    Ok(())
}
