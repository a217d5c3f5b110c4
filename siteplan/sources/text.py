"""Text of planners' tables: encodings (UTF-8, GBK/GB18030), the header row
below title rows, and summary rows (合计/总计/小计) left out.

Files saved on Chinese Windows are GBK (code page 936) unless chosen
otherwise; Excel's "CSV UTF-8" adds a byte-order mark. Decoding is a strict
try-order — BOM, UTF-8, GB18030 (a superset of GBK and GB2312) — and only
then charset-normalizer's guess; an ``encoding`` given by the user wins, and
a failure names the encoding and the byte.

Examples
--------
>>> text, used = decode("名称,经度".encode("gbk"), "a.csv")
>>> text, used
('名称,经度', 'gb18030')
>>> import pandas as pd
>>> raw = pd.DataFrame([["2021年开放清单", None], ["名称", "经度"], ["a", "1"], ["合计", "1"]])
>>> header_row(raw, {"名称", "经度"}, need=2), is_summary_row(["合计", "1"])
(1, True)
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from siteplan.errors import InputError
from siteplan.messages import Msg

TRY_ORDER = ("utf-8", "gb18030")
SUMMARY_WORDS = ("合计", "总计", "小计", "共计", "总数", "total", "subtotal", "grand total", "sum")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_UNIT = re.compile(r"[（(\[【].*?[)）\]】]")


def norm_header(header: object) -> str:
    """A header as compared: units in brackets dropped, spaces gone, lower case.

    Examples
    --------
    >>> norm_header("高度（米）"), norm_header(" Site ID "), norm_header("经度[°]")
    ('高度', 'siteid', '经度')
    >>> norm_header("东经/°"), norm_header("Longitude (deg)"), norm_header("纬度（度）")
    ('东经', 'longitude', '纬度')
    """
    text = _UNIT.sub("", str(header)).replace("°", "")
    return text.strip().lower().replace(" ", "").replace("\u3000", "").rstrip("/:：")


def _where_byte(data: bytes, position: int) -> str:
    line = data.count(b"\n", 0, position) + 1
    return f"byte 0x{data[position]:02X} at line {line}"


def check_encoding(name: str, source: str) -> str:
    """A Python codec name for ``name`` (``"GBK"``, ``"936"``, ``"cp936"`` …).

    Examples
    --------
    >>> check_encoding("936", "x.dbf"), check_encoding("UTF8", "x.dbf")
    ('gbk', 'utf-8')
    """
    text = str(name).strip().lower()
    text = {"936": "gbk", "cp936": "gbk", "ansi 936": "gbk", "54936": "gb18030",
            "65001": "utf-8", "950": "big5"}.get(text, text)
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise InputError(Msg("text.encoding_name", source=source, name=repr(name))) \
            from None


def decode(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """Text of ``data`` and the encoding used (see the module notes).

    Raises
    ------
    InputError
        The given encoding fails (naming it and the first bad byte), or no
        encoding fits.
    """
    if encoding:
        codec = check_encoding(encoding, source)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise InputError(
                Msg("text.decode", source=source, encoding=encoding,
                    detail=_where_byte(data, exc.start))) from None
        return text.removeprefix("\ufeff"), codec
    if data.startswith(codecs.BOM_UTF8):
        return _after_bom(data[3:], source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").removeprefix("\ufeff"), "utf-16"
    errors = []
    decoded: dict[str, str] = {}
    for codec in TRY_ORDER:
        try:
            decoded[codec] = data.decode(codec)
        except UnicodeDecodeError as exc:
            errors.append(f"{codec}: {_where_byte(data, exc.start)}")
    if "utf-8" in decoded and "gb18030" in decoded and \
            chinese_share(decoded["utf-8"]) < 0.8 <= 0.95 <= chinese_share(decoded["gb18030"]):
        return decoded["gb18030"], "gb18030"  # GBK bytes that happen to be valid UTF-8
    for codec in TRY_ORDER:
        if codec in decoded:
            return decoded[codec], codec
    if _broken_gbk(data):  # a guess would turn it into Cyrillic or Latin mojibake
        raise InputError(Msg("text.broken_gbk", source=source, detail=errors[-1].removeprefix("gb18030: ")))
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise InputError(Msg("text.undetected", source=source, detail='; '.join(errors)))


def _broken_gbk(data: bytes, most_bad: float = 0.001) -> bool:
    """Whether ``data`` is Chinese GBK text with a few bytes that are not
    GBK (a damaged line): decoded as GB18030 with the bad bytes replaced,
    at most ``most_bad`` of its characters (and at least one) are
    replacements and the rest reads as Chinese.

    Examples
    --------
    >>> text = "名称,经度,五一路路灯,119.3,".encode("gbk") * 50
    >>> _broken_gbk(text + bytes([255, 254])), _broken_gbk("Zürich".encode("latin-1"))
    (True, False)
    """
    text = data.decode("gb18030", errors="replace")
    bad = text.count("\ufffd")
    return 0 < bad <= max(3, most_bad * len(text)) and \
        chinese_share(text.replace("\ufffd", "")) >= 0.95 and \
        any(ord(c) > 127 for c in text.replace("\ufffd", ""))


def chinese_share(text: str, sample: int = 200_000) -> float:
    """Share of the non-ASCII characters (of the first ``sample``) that
    GB2312 holds: the 6,763 common hanzi, CJK punctuation, full-width forms.
    Chinese text scores ~1; GBK bytes decoded as UTF-8 give rare CJK
    (extension A) and Latin/Cyrillic letters and score low. 1.0 without
    non-ASCII text.

    Examples
    --------
    >>> chinese_share("五一路路灯，铁塔"), chinese_share(bytes.fromhex("e4a1b0e4b5a1").decode())
    (1.0, 0.0)
    """
    counts = Counter(c for c in text[:sample] if ord(c) > 127)
    total = sum(counts.values())
    if not total:
        return 1.0
    good = 0
    for char, n in counts.items():
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        good += n
    return good / total


def _after_bom(data: bytes, source: str) -> tuple[str, str]:
    """Text after a UTF-8 byte-order mark: UTF-8, or GB18030 when the bytes
    after the mark are GBK (a file re-saved by a tool that added the mark);
    neither is an :class:`InputError` naming the byte."""
    try:
        return data.decode("utf-8"), "utf-8-sig"
    except UnicodeDecodeError as exc:
        where = _where_byte(data, exc.start)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and chinese_share(text) >= 0.95:
        return text, "gb18030 (after a UTF-8 byte-order mark)"
    raise InputError(Msg("text.file_starts_utf", source=source, where=where))


def is_summary_row(cells: Sequence[object]) -> bool:
    """True for a 合计/总计/小计 (total) row: one of its first three filled
    cells says so.

    Examples
    --------
    >>> is_summary_row(["", "合 计：", "12"]), is_summary_row(["1", "合计路灯", "x"])
    (True, False)
    """
    filled = [str(c) for c in cells if c is not None and not pd.isna(c) and str(c).strip()]
    for cell in filled[:3]:
        word = re.sub(r"[\s\u3000:：]", "", cell).lower()
        if word in SUMMARY_WORDS:
            return True
    return False


def _summary_rows(body: pd.DataFrame) -> pd.Series:
    """:func:`is_summary_row` for every row, vectorised over the first three
    filled cells (the leading empty cells of a row skipped)."""
    mask = pd.Series(False, index=body.index)
    if body.empty:
        return mask
    words = set(SUMMARY_WORDS)
    seen = pd.Series(0, index=body.index)
    for column in body.columns[:8]:
        cells = body[column]
        filled = cells.notna() & (cells.astype("string").str.strip() != "").fillna(False)
        clean = cells.astype("string").str.replace(r"[\s\u3000:：]", "", regex=True) \
            .str.lower()
        mask |= (filled & (seen < 3) & clean.isin(words).fillna(False)).to_numpy()
        seen += filled.astype(int)
    return mask


def header_row(raw: pd.DataFrame, known: Iterable[str], *, need: int, scan: int = 20) -> int | None:
    """Index of the first of ``scan`` rows with at least ``need`` cells among
    the ``known`` headers (compared with :func:`norm_header`), else None."""
    names = {norm_header(k) for k in known}
    for i in range(min(scan, len(raw))):
        cells = {norm_header(c) for c in raw.iloc[i].tolist() if isinstance(c, str)}
        if len(cells & names) >= need:
            return i
    return None


def read_raw(path: Path, *, sheet: str | int | None = None, encoding: str | None = None,
             head_bytes: int | None = None) -> tuple[pd.DataFrame, str | None]:
    """Every cell as text (no header), and the encoding of a text file.

    The index is the line (CSV) or row (Excel) number a user sees.
    ``head_bytes`` reads only the whole lines in the first so many bytes of a
    text file (to look at its header)."""
    if path.stat().st_size == 0:
        raise InputError(Msg("text.empty", path=path))
    if head_bytes is None:
        from siteplan.sources.limits import check_table

        check_table(path)  # size caps before reading (--allow-large lifts them)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path, sheet), None
    if head_bytes is None:
        data = path.read_bytes()
    else:
        with path.open("rb") as handle:
            data = handle.read(head_bytes)
        if len(data) == head_bytes and b"\n" in data:
            data = data[:data.rindex(b"\n") + 1]
    text, used = decode(data, str(path), encoding)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        sep = dialect.delimiter
    except csv.Error:
        sep = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    except csv.Error as exc:
        raise InputError(Msg("text.csv", path=path, detail=exc)) from exc
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        raise InputError(Msg("text.empty", path=path))
    raw = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    raw = raw.map(lambda v: None if v is None or not str(v).strip() else str(v).strip())
    raw.index = raw.index + 1
    return raw, used


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """Every cell of a workbook's sheet as text, indexed by Excel row number."""
    try:
        raw = pd.read_excel(path, sheet_name=sheet or 0, header=None, dtype=str)
    except (ValueError, OSError, KeyError) as exc:
        if sheet is not None and "not found" in str(exc).lower():
            raise InputError(Msg("text.no_sheet", path=path, sheet=repr(sheet), detail=exc)) from None
        raise InputError(Msg("text.spreadsheet", path=path, detail=exc)) from exc
    except Exception as exc:  # noqa: BLE001 - zip/xml errors of a corrupt workbook
        raise InputError(Msg("text.spreadsheet", path=path, detail=f'{type(exc).__name__}: {exc}')) from exc
    raw.index = raw.index + 1
    return raw


def read_table(path: str | Path, known: Iterable[str], *, need: int = 2,
               sheet: str | int | None = None, encoding: str | None = None) -> pd.DataFrame:
    """A table of text cells under its header row: title rows above it,
    empty rows and summary rows (合计 …) left out.

    The index holds the line (CSV) or row (Excel) numbers; ``attrs`` has
    ``encoding`` and ``header_line``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("某县开放清单\\n名称,经度,纬度\\na,119.3,26.1\\n合计,,\\n".encode("gbk"))
    >>> t = read_table(p, ["名称", "经度", "纬度"])
    >>> t.index.tolist(), t.columns.tolist(), t.attrs["encoding"]
    ([3], ['名称', '经度', '纬度'], 'gb18030')
    """
    path = Path(path)
    raw, used = read_raw(path, sheet=sheet, encoding=encoding)
    found = header_row(raw, known, need=need)
    at = 0 if found is None else found
    header = [str(c).strip() if c is not None and not pd.isna(c) else f"column_{k + 1}"
              for k, c in enumerate(raw.iloc[at].tolist())]
    body = raw.iloc[at + 1:].copy()
    body.columns = header
    body = body.loc[:, [not (h.startswith("column_") and body[h].isna().all()) for h in header]]
    empty = body.isna().all(axis=1)
    summary = _summary_rows(body)
    body = body[~empty & ~summary]
    body.attrs["encoding"] = used
    body.attrs["header_line"] = int(raw.index[at])
    body.attrs["header_found"] = found is not None
    body.attrs["summary_rows"] = [int(i) for i in summary[summary].index]
    return body


def skipped_note(table: pd.DataFrame, source: object) -> list[str]:
    """The note for the total rows (合计/小计) a table left out, or none.

    Examples
    --------
    >>> t = pd.DataFrame()
    >>> t.attrs["summary_rows"] = [12]
    >>> skipped_note(t, "a.csv")
    ['a.csv: line 12 left out: a total row (合计/小计/总计).']
    """
    lines = table.attrs.get("summary_rows") or []
    if not lines:
        return []
    shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
    return [Msg("n.total_rows" if len(lines) > 1 else "n.total_row", source=source, lines=shown)]


def dbf_encoding(path: str | Path, given: str | None = None) -> str | None:
    """Encoding to read a shapefile's ``.dbf`` with, or None to let GDAL use
    the ``.cpg`` file or the DBF's language-driver byte.

    Without either (many GBK shapefiles from Chinese desktop GIS), the text
    of the field names and records is tried as UTF-8 then GB18030 (see
    :func:`decode`). A ``.cpg`` (or ``given`` encoding) that does not fit the
    text is an :class:`InputError` naming the encoding.
    """
    shp = Path(path)
    dbf = shp.with_suffix(".dbf")
    if not dbf.exists():
        dbf = shp.with_suffix(".DBF")
        if not dbf.exists():
            return given
    data = dbf.read_bytes()
    if len(data) < 32:
        return given
    header_len = struct.unpack("<H", data[8:10])[0]
    names = b" ".join(data[32 + 32 * k: 32 + 32 * k + 11].split(b"\0")[0]
                      for k in range(max(0, (header_len - 33) // 32)))
    text = names + b"\n" + data[header_len:].rstrip(b"\x1a")
    cpg = next((p for p in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")) if p.exists()),
               None)
    if given:
        decode(text, str(dbf), given)  # raises naming the encoding
        return check_encoding(given, str(dbf))
    if cpg is not None:
        declared = cpg.read_text(encoding="ascii", errors="replace").strip()
        try:
            decode(text, str(dbf), declared)
        except InputError as exc:
            try:
                _, fits = decode(text, str(dbf))
            except InputError:
                fits = None
            if exc.msg_id != "text.decode":
                raise
            extra = {"fits": fits} if fits else {}
            raise InputError(Msg("text.cpg_fits" if fits else "text.cpg_wrong", **exc.params,
                                 cpg=cpg.name, declared=repr(declared), **extra)) from None
        return None
    if data[29] != 0:
        return None
    _, used = decode(text, str(dbf))
    return "utf-8" if used in ("utf-8", "utf-8-sig") else used.split(" ")[0]
