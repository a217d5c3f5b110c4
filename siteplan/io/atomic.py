"""Output folders and files replaced as a whole, never half-written.

A run writes everything into a staging folder beside ``--out`` and swaps it
in at the end: on Linux with one ``renameat2(RENAME_EXCHANGE)`` (a reader sees
the old folder or the new one, never a mix, and never no folder), elsewhere
with two renames whose half-way state the next run repairs. Stale files of an
earlier run do not survive (the whole folder is replaced), staging folders
left by killed runs are removed, and a folder siteplan did not write (no
``.siteplan`` marker) is never replaced without ``force=True``.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with output_folder(root / "out", kind="plan") as stage:
...     _ = (stage / "a.txt").write_text("first")
>>> with output_folder(root / "out", kind="plan") as stage:
...     _ = (stage / "b.txt").write_text("second")
>>> sorted(p.name for p in (root / "out").iterdir())
['.siteplan', 'b.txt']
>>> read_marker(root / "out")["kind"]
'plan'
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from siteplan.errors import OutputError
from siteplan.messages import Msg

MARKER = ".siteplan"
"""File in every folder siteplan writes: what wrote it (kind, version)."""

_STAGE_TAG = ".siteplan-staging-"
_OLD_TAG = ".siteplan-old-"

#: Test hook: called with a step name during the final swap ("exchanged",
#: "moved_old", "moved_new"); a test makes it kill the process.
swap_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if swap_hook is not None:
        swap_hook(name)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("siteplan")
    except Exception:  # noqa: BLE001 - metadata missing in a source checkout
        return "unknown"


def read_marker(folder: str | Path) -> dict[str, Any] | None:
    """The marker of a folder siteplan wrote, or None if it has none."""
    path = Path(folder) / MARKER
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(out: Path) -> list[Path]:
    """Remove staging folders of killed runs beside ``out`` and repair a swap
    interrupted half-way (``out`` missing, its old copy still beside it).

    Returns the paths removed or restored.
    """
    touched: list[Path] = []
    parent = out.parent
    if not parent.is_dir():
        return touched
    for item in parent.iterdir():
        name = item.name
        for tag in (_STAGE_TAG, _OLD_TAG):
            prefix = f".{out.name}{tag}"
            if not name.startswith(prefix):
                continue
            pid_text = name[len(prefix):].split("-", 1)[0]
            if pid_text.isdigit() and int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
                continue  # another run is writing right now
            if tag == _OLD_TAG and not out.exists():
                os.rename(item, out)  # the swap died between its two renames
            else:
                shutil.rmtree(item, ignore_errors=True)
            touched.append(item)
    return touched


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if
    the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (links resolved)."""
    try:
        path, folder = path.resolve(), folder.resolve()
    except OSError:
        return False
    return path == folder or folder in path.parents


def check_not_input(out: Path, inputs: Iterable[str | Path]) -> None:
    """Raise :class:`OutputError` if writing the folder ``out`` would touch an
    input: ``out`` is an input, holds one, or lies inside an input folder.
    ``--force`` does not lift this (a command never destroys what it reads).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> check_not_input(root / "out", [root / "plan.gpkg"])
    >>> check_not_input(root, [root / "plan.gpkg"])
    Traceback (most recent call last):
    siteplan.errors.OutputError: ...: holds the input ...plan.gpkg; writing the output ...
    """
    for source in inputs:
        source = Path(source).absolute()
        if _inside(source, out):
            raise OutputError(Msg("io.atomic.is_input" if _inside(out, source)
                                  else "io.atomic.holds_input", out=out, source=source))
        if source.is_dir() and _inside(out, source):
            raise OutputError(Msg("io.atomic.lies_inside_input", out=out, source=source))


def check_writable_folder(out: Path, *, kind: str, force: bool,
                          inputs: Iterable[str | Path] = ()) -> None:
    """Raise :class:`OutputError` if ``out`` cannot become a siteplan output
    folder of ``kind``: it is a file, an input or inside one (see
    :func:`check_not_input`), a siteplan folder of another kind (a plan
    folder is never replaced by a check-landuse run, ``force`` or not), a
    non-empty folder siteplan did not write (unless ``force``), or its
    parent cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> with output_folder(root / "p", kind="plan") as stage:
    ...     _ = (stage / "a.txt").write_text("plan")
    >>> check_writable_folder(root / "p", kind="plan", force=False)
    >>> check_writable_folder(root / "p", kind="relocation", force=True)
    Traceback (most recent call last):
    siteplan.errors.OutputError: ...: holds a siteplan 'plan' folder, not a 'relocation' one; ...
    """
    out = Path(out).absolute()
    check_not_input(out, inputs)
    if out.exists() and not out.is_dir():
        raise OutputError(Msg("out.is_file", out=out))
    marker = read_marker(out) if out.is_dir() else None
    if marker is not None and marker.get("kind") != kind:
        raise OutputError(
            Msg("io.atomic.holds_siteplan_folder", out=out, marker=repr(marker.get('kind')), kind=repr(kind)))
    if out.is_dir() and not force and marker is None and any(out.iterdir()):
        raise OutputError(
            Msg("out.foreign", out=out, marker=MARKER))
    parent = out.parent if str(out.parent) else Path(".")
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(Msg("out.denied", parent=parent))


@contextlib.contextmanager
def output_folder(out_dir: str | Path, *, kind: str, force: bool = False,
                  extra_marker: dict[str, Any] | None = None,
                  inputs: Iterable[str | Path] = ()) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``out_dir`` as a whole.

    Parameters
    ----------
    out_dir : path
        The output folder (created or replaced).
    kind : str
        What writes it ("plan", "check-landuse", "relocation" …), stored in
        the marker so later commands recognise the folder.
    force : bool
        Replace a non-empty folder that siteplan did not write (a siteplan
        folder of another kind is never replaced).
    extra_marker : dict, optional
        More fields for the marker file.
    inputs : iterable of paths
        What the command reads: ``out_dir`` may not be, hold or lie inside
        any of them.

    Raises
    ------
    OutputError
        ``out_dir`` is a file, an input or inside one, a siteplan folder of
        another kind, a foreign folder (without ``force``), or not writable.
    """
    out = Path(out_dir).absolute()
    check_writable_folder(out, kind=kind, force=force, inputs=inputs)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}{_STAGE_TAG}{os.getpid()}-",
                                      dir=out.parent))
    except OSError as exc:
        raise OutputError(Msg("out.create", parent=out.parent, detail=exc.strerror)) from None
    try:
        yield stage
        marker = {"kind": kind, "writer": "siteplan", "version": _version(),
                  **(extra_marker or {})}
        (stage / MARKER).write_text(json.dumps(marker, indent=1), encoding="utf-8")
        _swap_in(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, out: Path) -> None:
    try:
        if not out.exists():
            os.rename(stage, out)
            _step("moved_new")
            return
        if _exchange(stage, out):
            _step("exchanged")
            return  # stage now holds the old folder; the caller removes it
        old = out.parent / f".{out.name}{_OLD_TAG}{os.getpid()}-{stage.name[-8:]}"
        os.rename(out, old)
        _step("moved_old")
        os.rename(stage, out)
        _step("moved_new")
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OutputError(Msg("out.move", out=out, detail=exc.strerror)) from None


@contextlib.contextmanager
def staged_files(directory: str | Path, names: list[str], *, force: bool = False,
                 protect: tuple[Path, ...] = ()) -> Iterator[Path]:
    """Yield a staging folder in ``directory``; on success move the files
    ``names`` written there into ``directory`` (each by an atomic rename).

    Raises :class:`OutputError` before any work if a destination is an input
    (``protect``), a folder, or exists without ``force``.
    """
    directory = Path(directory).absolute()
    for name in names:
        dest = directory / name
        for source in protect:
            with contextlib.suppress(OSError):
                if Path(source).exists() and dest.exists() and os.path.samefile(source, dest):
                    raise OutputError(Msg("out.is_input", dest=dest))
        if dest.is_dir():
            raise OutputError(Msg("out.file_is_folder", dest=dest))
        if dest.exists() and not force:
            raise OutputError(Msg("out.exists", dest=dest))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".files{_STAGE_TAG}{os.getpid()}-", dir=directory))
    except OSError as exc:
        raise OutputError(Msg("out.cannot_write", directory=directory, detail=exc.strerror)) from None
    try:
        yield stage
        for name in names:
            if (stage / name).exists():
                os.replace(stage / name, directory / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
