"""Runaway inputs of issue 25 refused before reading: time and peak memory.

Builds, in a temporary folder,

- ``bomb.kmz``: a small KMZ whose ``doc.kml`` inflates to ``--kml-gb`` GB
  (8 by default: one Placemark, then spaces);
- ``rows.xlsx``: an open-resource list of 1,048,576 rows (Excel's maximum),
  its sheet XML written straight into the zip (no spreadsheet library);
- ``compact.xlsx``: 1,048,576 rows of one number (a sheet under the size
  cap: refused by the row count streamed while inflating);
- ``rows.csv``: the same rows as CSV;
- ``small.csv``: 1,000 rows, read for comparison (it passes the caps);

then reads each in a fresh Python process through ``read_layer`` /
``read_open_list`` with the default caps and reports the outcome (the first
words of the error), wall seconds and the process's peak resident memory
(``ru_maxrss``), beside the same process importing siteplan and reading
nothing (the baseline), so the ratios compare like with like on a noisy
machine.

Run: ``python benchmarks/input_caps.py [--kml-gb 8] [--json out.json]``
from the repository root (prints JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_048_576

_CHILD = r"""
import json, resource, sys, time
t = time.perf_counter()
from siteplan.sources import read_layer
from siteplan.sources.openlist import read_open_list
what, path = sys.argv[1], sys.argv[2]
outcome = "read"
try:
    if what == "open_list":
        n = len(read_open_list(path))
    elif what == "layer":
        n = len(read_layer(path))
    else:
        n = 0
    outcome = f"read {n} rows"
except Exception as exc:  # report what the user would see
    outcome = f"{type(exc).__name__}: {str(exc)[:140]}"
print(json.dumps({"outcome": outcome, "seconds": round(time.perf_counter() - t, 3),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                                       1)}))
"""


def write_kmz(path: Path, gb: float) -> None:
    head = (b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>p</name>'
            b"<Point><coordinates>119.3,26.0</coordinates></Point></Placemark>")
    block = b" " * (16 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, \
            archive.open("doc.kml", "w", force_zip64=True) as member:
        member.write(head)
        for _ in range(int(gb * 1024 / 16)):
            member.write(block)
        member.write(b"</Document></kml>")


def write_xlsx(path: Path, rows: int, compact: bool = False) -> None:
    """A minimal valid workbook: one sheet of inline strings and numbers
    (``compact``: one number per row, so the sheet stays under the size cap
    and only the streamed row count refuses it)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="清单" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')

            def cell(ref: str, text: str) -> str:
                return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

            head = "".join(cell(f"{c}1", t) for c, t in zip("ABCD", ("名称", "类型", "经度", "纬度"),
                                                              strict=True))
            sheet.write(f'<row r="1">{head}</row>'.encode())
            buffer = []
            for r in range(2, rows + 1):
                buffer.append(f'<row r="{r}"><c r="C{r}"><v>1</v></c></row>' if compact else
                              f'<row r="{r}">{cell(f"A{r}", f"灯{r}")}{cell(f"B{r}", "路灯")}'
                              f'<c r="C{r}"><v>119.3</v></c><c r="D{r}"><v>26.0</v></c></row>')
                if len(buffer) == 10_000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("名称,类型,经度,纬度\n")
        for r in range(rows):
            handle.write(f"灯{r},路灯,119.3,26.0\n")


def run_child(what: str, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _CHILD, what, str(path)], capture_output=True,
                         text=True, env=env, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kml-gb", type=float, default=8.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    load_before = os.getloadavg()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = time.perf_counter()
        write_kmz(folder / "bomb.kmz", args.kml_gb)
        write_xlsx(folder / "rows.xlsx", ROWS)
        write_xlsx(folder / "compact.xlsx", ROWS, compact=True)
        write_csv(folder / "rows.csv", ROWS)
        write_csv(folder / "small.csv", 1000)
        build_s = time.perf_counter() - built
        sizes = {p.name: round(p.stat().st_size / 2**20, 1) for p in folder.iterdir()}
        results["baseline (import only)"] = run_child("none", folder / "small.csv")
        results["small.csv (1,000 rows)"] = run_child("open_list", folder / "small.csv")
        results[f"bomb.kmz ({args.kml_gb:g} GB doc.kml)"] = run_child("layer",
                                                                      folder / "bomb.kmz")
        results["rows.xlsx (1,048,576 rows)"] = run_child("open_list", folder / "rows.xlsx")
        results["compact.xlsx (1,048,576 short rows)"] = run_child("open_list",
                                                                   folder / "compact.xlsx")
        results["rows.csv (1,048,576 rows)"] = run_child("open_list", folder / "rows.csv")
    base = results["baseline (import only)"]
    for row in results.values():
        row["rss_vs_baseline"] = round(row["peak_rss_mb"] / base["peak_rss_mb"], 2)
    report = {"files_mb": sizes, "build_s": round(build_s, 1), "results": results,
              "load_before": [round(v, 2) for v in load_before],
              "load_after": [round(v, 2) for v in os.getloadavg()]}
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
