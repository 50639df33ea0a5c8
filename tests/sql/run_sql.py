"""Runs the SQL that `kommunebench records --emit-sql ENGINE` wrote on that engine and writes the
result as CSV (kommune,gruppe,periode,fuldtidspersoner,personer), full precision.

usage: run_sql.py duckdb|spark SQLFILE OUTCSV

Exit 3 when the engine's Python package is not installed (the Rust test then skips, unless
KOMMUNEBENCH_REQUIRE_SQL_ENGINES=1, as in CI).
"""
import csv
import sys


def statements(sql):
    out = []
    for s in sql.split(";\n"):
        body = [l for l in s.splitlines() if l.strip() and not l.lstrip().startswith("--")]
        if body:
            out.append("\n".join(body))
    return out


def main():
    engine, sql_file, out = sys.argv[1:4]
    stmts = statements(open(sql_file, encoding="utf-8").read())
    if engine == "duckdb":
        try:
            import duckdb
        except ImportError:
            sys.exit(3)
        con = duckdb.connect()
        for s in stmts[:-1]:
            con.execute(s)
        rows = con.execute(stmts[-1]).fetchall()
    elif engine == "spark":
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            sys.exit(3)
        spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        for s in stmts[:-1]:
            spark.sql(s)
        rows = [tuple(r) for r in spark.sql(stmts[-1]).collect()]
        spark.stop()
    else:
        sys.exit(f"unknown engine {engine}")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["kommune", "gruppe", "periode", "fuldtidspersoner", "personer"])
        for k, g, p, ftp, n in rows:
            w.writerow([k, g, p, repr(float(ftp)), n])


if __name__ == "__main__":
    main()
