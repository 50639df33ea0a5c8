"""The straightforward SQL for fuldtidspersoner on DuckDB — periods joined to a month calendar,
overlap days × grad summed, persons counted distinct — as the issue measured it: the baseline
`benches/records.sh` sets kommunebench against. (It does not cap overlapping benefits or count
`i-alt`; `kommunebench records --emit-sql duckdb` writes the full definition.)

usage: records_duckdb.py INPUT(.csv|.parquet) CODES.csv FROM TO OUT.csv
"""
import calendar
import datetime as dt
import sys

import duckdb

inp, codes_file, start, end, out = sys.argv[1:6]
start, end = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
months = []
y, m = start.year, start.month
while dt.date(y, m, 1) <= end:
    last = calendar.monthrange(y, m)[1]
    months.append(f"('{y}M{m:02d}', DATE '{y}-{m:02d}-01', DATE '{y}-{m:02d}-{last}', {last})")
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
codes = []
for line in open(codes_file, encoding="utf-8").read().splitlines()[1:]:
    c = line.split(";")
    if len(c) >= 2 and c[1] != "-":
        codes.append("('{}', '{}')".format(c[0].replace("'", "''"), c[1]))
src = f"read_parquet('{inp}')" if inp.endswith(".parquet") else f"read_csv('{inp}', header = true)"
sql = f"""
COPY (
WITH cal AS (SELECT * FROM (VALUES {", ".join(months)}) t(periode, fra, til, dage)),
codes AS (SELECT * FROM (VALUES {", ".join(codes)}) t(ydelse, gruppe)),
spans AS (
  SELECT person, kommune, ydelse, CAST(fra AS DATE) AS fra,
         COALESCE(CAST(til AS DATE), DATE '{end}') AS til,
         COALESCE(CAST(grad AS DOUBLE), CAST(timer AS DOUBLE) / 37, 1.0) AS w
  FROM {src})
SELECT s.kommune, c.gruppe, cal.periode,
       SUM((date_diff('day', GREATEST(s.fra, cal.fra), LEAST(s.til, cal.til)) + 1) * s.w) / MAX(cal.dage) AS fuldtidspersoner,
       COUNT(DISTINCT s.person) AS personer
FROM spans s JOIN codes c ON s.ydelse = c.ydelse
JOIN cal ON s.fra <= cal.til AND s.til >= cal.fra
GROUP BY s.kommune, c.gruppe, cal.periode
ORDER BY 1, 2, 3
) TO '{out}' (HEADER, DELIMITER ',');
"""
duckdb.connect().execute(sql)
