"""Table writers that keep user text from running as a spreadsheet formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, WPS and LibreOffice as a formula (OWASP "CSV
injection"): ``=HYPERLINK("http://x","y")`` in a site name becomes a live
link, ``+cmd|' /C calc'!A0`` a DDE call. Following OWASP, such text cells are
written with a leading single quote, which spreadsheets show as text. The
full-width forms (``＝ ＋ － ＠``), which some Chinese input methods produce and
some spreadsheets accept as operators, are treated the same way.

Decision on numbers: numeric columns (ints, floats, bools) are written as
numbers, unchanged, so a genuine negative number such as ``-2.5`` stays
numeric. A *text* cell is left alone only when the whole text is a plain
decimal number (``-2``, ``+3.5``, ``-1e-3``); anything else starting with a
trigger character (``-2+3``, ``+86 591 …``, ``@SUM(1)``) gets the quote.
Column headers are text cells too (input files may bring their own columns).

In XLSX files a text cell is stored as a string (never as a formula) and,
when it starts with a trigger, with Excel's own *quote prefix* cell style:
the cell shows the text as written, and stays text when someone edits it.
Workbook timestamps are fixed, so the same tables give the same bytes.

CSV files are written in UTF-8 with a byte-order mark by default, so that
Excel on Chinese Windows does not show mojibake.

Examples
--------
>>> neutralise('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralise("-2+3"), neutralise("-2"), neutralise(-2.5), neutralise("site 7")
("'-2+3", '-2', -2.5, 'site 7')
>>> import pandas as pd
>>> neutralise_frame(pd.DataFrame({"name": ["@SUM(1)"], "x": [-1]})).to_dict("list")
{'name': ["'@SUM(1)"], 'x': [-1]}
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from siteplan.errors import InputError
from siteplan.messages import Msg

__all__ = ["TRIGGERS", "clean_text", "is_risky", "neutralise", "neutralise_frame", "write_csv",
           "write_xlsx"]

#: Characters no XML file (XLSX, KML) may hold: C0 controls other than tab, LF
#: and CR, lone surrogates (undecodable bytes), U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"

#: First characters that make a spreadsheet read a cell as a formula.
TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def is_risky(text: str) -> bool:
    """True if ``text`` would be read as a formula (and is not a plain number).

    Examples
    --------
    >>> is_risky("=1+1"), is_risky("-7"), is_risky("\\tx"), is_risky("a=b")
    (True, False, True, False)
    """
    return bool(text) and text.startswith(TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def clean_text(text: str) -> str:
    """``text`` with every character an XML file cannot hold (control
    characters, undecodable bytes) replaced by U+FFFD, so a site name
    carrying one is written by the XML writers (XLSX, KML) and shows where
    it was, instead of failing the writer after the plan was solved.

    Examples
    --------
    >>> clean_text("站\\x07点\\x00一"), clean_text("tab\\tok")
    ('站\\ufffd点\\ufffd一', 'tab\\tok')
    """
    return _ILLEGAL.sub(REPLACEMENT, text)


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text that would run as a formula.

    Non-text values (numbers, booleans, None) are returned unchanged. (CSV
    keeps every other character as it is; the XML writers, XLSX and KML,
    also :func:`clean_text`.)
    """
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` (geometry dropped) with every risky text cell and
    header neutralised; numeric columns untouched."""
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).copy()
    for column in out.columns:
        if _is_text_column(out[column]):
            out[column] = out[column].astype(object).map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path, *, bom: bool = True,
              headers: Mapping[str, str] | None = None) -> Path:
    """Write ``frame`` as CSV with every text cell neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (a ``geometry`` column is dropped).
    path : str or Path
        Output file.
    bom : bool
        Start the file with a UTF-8 byte-order mark (Excel needs it to read
        UTF-8; pandas and the csv module read it back transparently).
    headers : mapping, optional
        Display names for columns (e.g. Chinese headers); missing keys keep
        their name.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = write_csv(pd.DataFrame({"name": ["=1+2"], "n": [-3]}), p, bom=False)
    >>> p.read_bytes()
    b"name,n\\r\\n'=1+2,-3\\r\\n"
    """
    path = Path(path)
    table = frame.rename(columns=dict(headers)) if headers else frame
    # CRLF rows (RFC 4180, as Excel writes them): a cell holding a bare CR or LF
    # is then quoted, so it cannot split its row
    neutralise_frame(table).to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8",
                                   lineterminator="\r\n")
    return path


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path, *,
               headers: Mapping[str, str] | None = None,
               number_formats: Mapping[str, str] | None = None) -> Path:
    """Write one sheet per table into an XLSX workbook with openpyxl.

    Text cells are stored as strings, never formulas; a text cell starting
    with a formula trigger gets Excel's quote-prefix style. Numbers stay
    numbers; missing values are empty cells. Headers are bold and frozen,
    every sheet has an autofilter; ``number_formats`` gives Excel number
    formats by column heading (``{"共享率": "0.0%"}``).

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> _ = write_xlsx({"2021": pd.DataFrame({"名称": ["=1+2"], "n": [-3]})}, p)
    >>> ws = openpyxl.load_workbook(p)["2021"]
    >>> ws["A2"].value, ws["A2"].data_type, ws["A2"].quotePrefix, ws["B2"].value
    ('=1+2', 's', True, -3)
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for raw_title, frame in sheets.items():
        title = _sheet_title(str(raw_title), used)
        sheet = book.create_sheet(title)
        table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        if headers:
            table = table.rename(columns=dict(headers))
        bold = Font(bold=True)
        for j, name in enumerate(table.columns, start=1):
            _text_cell(sheet.cell(row=1, column=j), str(name)).font = bold
        for i, row in enumerate(table.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(row, start=1):
                cell = sheet.cell(row=i, column=j)
                if value is None or (isinstance(value, float) and value != value):
                    continue
                if isinstance(value, str):
                    _text_cell(cell, value)
                elif isinstance(value, bool | int | float):
                    cell.value = value
                elif hasattr(value, "item"):  # numpy scalar
                    cell.value = value.item()
                else:
                    _text_cell(cell, str(value))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for j, name in enumerate(table.columns, start=1):
            fmt = (number_formats or {}).get(str(name))
            if fmt:
                for i in range(2, len(table) + 2):
                    sheet.cell(row=i, column=j).number_format = fmt
        for j, name in enumerate(table.columns, start=1):
            width = max([len(str(name)) * 2, *(len(str(v)) for v in table.iloc[:200, j - 1])])
            sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = \
                min(max(width + 2, 8), 40)
    if not book.sheetnames:
        book.create_sheet("empty")
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_fixed_times(buffer.getvalue()))
    return path


_STAMP = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_times(xlsx: bytes) -> bytes:
    """The workbook with fixed timestamps (zip entries, created/modified
    properties), so the same tables give the same bytes on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    return out.getvalue()


def _text_cell(cell: Any, text: str) -> Any:
    text = clean_text(text)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    if is_risky(text):
        cell.quotePrefix = True
    return cell


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet title (≤ 31 characters, no ``[]:*?/\\``)."""
    base = _BAD_TITLE.sub("_", title).strip("'")[:31] or "sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        name = f"{base[:28]}_{n}"
    used.add(name.lower())
    if not name:
        raise InputError(Msg("io.tables.sheet_title_empty", title=repr(title)))
    return name


def gpkg_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose object columns (all but the geometry) hold only values a
    GeoPackage column can store: None, text, numbers, booleans; anything
    else becomes its text.

    Examples
    --------
    >>> gpkg_ready(pd.DataFrame({"a": [None, 1, (2, 3)]}))["a"].tolist()
    [None, 1, '(2, 3)']
    """
    out = frame.copy()
    geometry = getattr(frame, "_geometry_column_name", None)
    for col in out.columns:
        if col != geometry and out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if v is None or isinstance(
                v, str | int | float | bool) else str(v))
    return out
