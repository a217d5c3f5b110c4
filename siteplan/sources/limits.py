"""Input size caps, checked before a file is read: a small file must not
become runaway work (an 8 MB KMZ holding an 8 GB ``doc.kml``, a 60 MB XLSX
of 1,048,576 rows).

- Zip containers (KMZ, XLSX, zipped layers): every member's declared
  uncompressed size, then its actual size while streaming it in 1 MB
  chunks (a header can lie), against ``inputs.max_text_mb``.
- Tables (CSV/TXT, the sheets of an XLSX): rows counted while streaming
  (newlines, ``<row`` elements), against ``inputs.max_rows``.
- Plain KML and CSV/TXT files: their size against ``inputs.max_text_mb``.

The caps come from the defaults table; ``--allow-large`` (``allow_large``
of :func:`siteplan.sources.inputs.load_inputs`) lifts them for one run.
:func:`limits` sets them for the readers called inside it (a context
variable, so concurrent runs do not share them); outside it the table's
defaults apply.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = path.write_text("a,b\\n" + "1,2\\n" * 50)
>>> with limits(max_rows=10):
...     check_table(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
siteplan.errors.WorkTooLargeError: ...t.csv: more than 10 rows, over inputs.max_rows = 10: ...
>>> with limits(max_rows=10, allow_large=True):
...     check_table(path)
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from siteplan.defaults import TABLE
from siteplan.errors import InputError, WorkTooLargeError
from siteplan.messages import Msg

CHUNK = 1 << 20
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The caps in force (see the module notes)."""

    max_text_mb: float = float(TABLE["inputs.max_text_mb"].value)
    max_rows: float = float(TABLE["inputs.max_rows"].value)
    allow_large: bool = False


_CURRENT: ContextVar[Limits] = ContextVar("siteplan_input_limits", default=Limits())  # noqa: B039 - frozen


@contextlib.contextmanager
def limits(*, max_text_mb: float | None = None, max_rows: float | None = None,
           allow_large: bool = False) -> Iterator[Limits]:
    """Caps for the readers called inside the ``with`` block."""
    base = Limits()
    token = _CURRENT.set(Limits(max_text_mb if max_text_mb is not None else base.max_text_mb,
                                max_rows if max_rows is not None else base.max_rows,
                                allow_large))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def current() -> Limits:
    """The caps in force."""
    return _CURRENT.get()


def _too_large(what: str, key: str, cap: str) -> WorkTooLargeError:
    return WorkTooLargeError(f"{what}, over {key} = {cap}: reading it would take more memory and "
                             "time than a plan's inputs need. Check that it is the right file; "
                             "pass --allow-large to read it anyway, or raise the cap under "
                             f"[assumptions] (\"{key}\").")


def check_size(path: Path, size_bytes: int, what: str | None = None) -> None:
    """Raise when ``size_bytes`` (of ``path`` or its member ``what``) is over the cap."""
    cap = current()
    if cap.allow_large or size_bytes <= cap.max_text_mb * MB:
        return
    name = f"{path}: {what}" if what else f"{path}"
    raise _too_large(f"{name} is {size_bytes / MB:,.0f} MB", "inputs.max_text_mb",
                     f"{cap.max_text_mb:g} MB")


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """A zip member's bytes, its declared and its actual size checked
    against the cap while it is inflated (never more than the cap + 1 MB
    in memory)."""
    info = archive.getinfo(name)
    check_size(path, info.file_size, f"{name} (declared uncompressed size)")
    parts, total = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            check_size(path, total, f"{name} (inflated so far)")
            parts.append(chunk)
    return b"".join(parts)


def check_zip(path: Path, rows_in: tuple[str, ...] = ()) -> None:
    """Check every member of a zip container (declared, then actual size
    while streaming) and count the ``<row`` elements of members whose names
    start with one of ``rows_in`` (an XLSX's ``xl/worksheets/``)."""
    if current().allow_large:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            for info in infos:
                check_size(path, info.file_size, f"{info.filename} (declared uncompressed size)")
            for info in infos:
                counted = info.filename.startswith(rows_in) if rows_in else False
                _stream_member(archive, info, path, counted)
    except zipfile.BadZipFile as exc:
        raise InputError(Msg("limits.not_valid_zip", path=path, detail=exc)) from None


def _stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path,
                   count_rows: bool) -> None:
    cap = current()
    total, rows, tail = 0, 0, b""
    with archive.open(info) as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            check_size(path, total, f"{info.filename} (inflated so far)")
            if count_rows:
                rows += (tail + chunk).count(b"<row ") + (tail + chunk).count(b"<row>")
                tail = chunk[-5:]
                rows -= tail.count(b"<row ") + tail.count(b"<row>")
                if rows > cap.max_rows:
                    raise _too_large(f"{path}: {info.filename} has more than "
                                     f"{cap.max_rows:,.0f} rows (counted while reading)",
                                     "inputs.max_rows", f"{cap.max_rows:,.0f}")


def check_table(path: Path) -> None:
    """Check a CSV/TXT (size, then lines counted while streaming) or an XLSX
    (its zip members and sheet rows) before it is read whole."""
    cap = current()
    if cap.allow_large:
        return
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        check_zip(path, rows_in=("xl/worksheets/",))
        return
    if suffix == ".xls":
        check_size(path, path.stat().st_size)
        return
    check_size(path, path.stat().st_size)
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(b"\n")
            if lines > cap.max_rows:
                raise _too_large(f"{path}: more than {cap.max_rows:,.0f} rows",
                                 "inputs.max_rows", f"{cap.max_rows:,.0f}")
