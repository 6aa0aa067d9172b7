"""The figures of one `make bench` run, gathered from its steps, and the one machine-readable last line.

Each step (`bench.py`, `bench_import.py`) adds its figures to the JSON file named by BENCH_RESULTS (nothing when
the variable is unset); `python scripts/bench_results.py FILE` then prints

    BENCH rows=… sql_s=… html_s=… html_x_sql=… pdf_s=… csv_s=… import_rows_per_s=… peak_rss_mb=…

so that two runs (two machines, two commits, 1M or 10M lines) compare with a diff or a grep.
"""

import json
import os
import sys
from pathlib import Path

KEYS = ["rows", "sql_s", "html_s", "html_x_sql", "pdf_s", "csv_s", "import_rows_per_s", "peak_rss_mb"]


def record(**figures) -> None:
    """Merge `figures` into the run's file; peak memory keeps the highest value of the steps."""
    name = os.environ.get("BENCH_RESULTS")
    if not name:
        return
    path = Path(name)
    data = json.loads(path.read_text()) if path.exists() else {}
    for key, value in figures.items():
        if key == "peak_rss_mb" and key in data:
            value = max(value, data[key])
        data[key] = value
    path.write_text(json.dumps(data))


def line(data: dict) -> str:
    def shown(key):
        value = data.get(key)
        if value is None:
            return "NA"
        if isinstance(value, float):
            return f"{value:.3f}" if key.endswith("_s") or key == "html_x_sql" else f"{value:.0f}"
        return str(value)

    return "BENCH " + " ".join(f"{key}={shown(key)}" for key in KEYS)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Usage : python scripts/bench_results.py FICHIER.json")
    print(line(json.loads(Path(sys.argv[1]).read_text())))
