"""Task results in the work folder as data: JSON and Parquet, never pickles.

A regional run keeps each task's result (proposals, a unit's plan, a unit's
folder figures, the border stitch) in its work folder so a re-run plans
only what changed. The work folder may be shared cluster storage, so what
is read back must be data, not code: a result is a folder holding
``result.json`` (numbers, text, lists, dicts; dicts with integer keys such
as years are kept as ``[key, value]`` pairs) and one Parquet file per
table. ``result.json`` is written last, so a folder without it (a killed
run) is no result; a folder whose files do not read back is no result
either (the task runs again). Nothing here opens a ``.pkl`` file.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "r"
>>> save_result({"selected": {2022: ["a", "b"]}, "seconds": 1.5,
...              "table": pd.DataFrame({"x": [1, 2]})}, folder)
>>> back = load_result(folder)
>>> back["selected"], back["seconds"], back["table"]["x"].tolist()
({2022: ['a', 'b']}, 1.5, [1, 2])
>>> (folder / "result.pkl").write_bytes(b"not read")
8
>>> load_result(folder.parent / "missing") is None
True
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULT_JSON = "result.json"
_FRAME, _ITEMS = "__frame__", "__items__"


def _encode(value: Any, folder: Path, name: str, frames: list[str]) -> Any:
    """``value`` as JSON data; tables go to ``folder/<name>.parquet``."""
    if isinstance(value, pd.DataFrame):
        file = f"{name}.parquet"
        tmp = folder / f".{file}.tmp"
        pd.DataFrame(value).to_parquet(tmp)
        os.replace(tmp, folder / file)
        frames.append(file)
        return {_FRAME: file}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and _FRAME not in value and _ITEMS not in value:
            return {k: _encode(v, folder, f"{name}.{k}", frames) for k, v in value.items()}
        return {_ITEMS: [[_encode(k, folder, name, frames),
                          _encode(v, folder, f"{name}.{i}", frames)]
                         for i, (k, v) in enumerate(value.items())]}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_encode(v, folder, f"{name}.{i}", frames) for i, v in enumerate(items)]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"a task result holds a {type(value).__name__}, which is not stored as data")


def _decode(value: Any, folder: Path) -> Any:
    if isinstance(value, list):
        return [_decode(v, folder) for v in value]
    if isinstance(value, dict):
        if set(value) == {_FRAME}:
            file = str(value[_FRAME])
            if "/" in file or "\\" in file or not file.endswith(".parquet"):
                raise ValueError(f"table name {file!r} is not a file of this result")
            return pd.read_parquet(folder / file)
        if set(value) == {_ITEMS}:
            return {_key(_decode(k, folder)): _decode(v, folder) for k, v in value[_ITEMS]}
        return {k: _decode(v, folder) for k, v in value.items()}
    return value


def _key(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def save_result(result: dict[str, Any], folder: str | Path) -> None:
    """Write a task result (a dict of data and tables) into ``folder``.

    Raises
    ------
    TypeError
        A value that is not data (an object that would need a pickle).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RESULT_JSON).unlink(missing_ok=True)
    frames: list[str] = []
    data = _encode(result, folder, "table", frames)
    tmp = folder / f".{RESULT_JSON}.tmp"
    tmp.write_text(json.dumps({"format": "siteplan-region-result/1", "result": data},
                              ensure_ascii=False, allow_nan=True), encoding="utf-8")
    os.replace(tmp, folder / RESULT_JSON)


def has_result(folder: str | Path) -> bool:
    """Whether ``folder`` holds a complete result (its ``result.json``)."""
    return (Path(folder) / RESULT_JSON).is_file()


def load_result(folder: str | Path) -> dict[str, Any] | None:
    """The result saved in ``folder``; None when there is none or it does not
    read back as a result (the task is then run again)."""
    path = Path(folder) / RESULT_JSON
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != "siteplan-region-result/1":
            return None
        out = _decode(doc["result"], Path(folder))
    except (OSError, ValueError, KeyError, TypeError, ImportError):
        return None
    return out if isinstance(out, dict) else None


__all__ = ["RESULT_JSON", "has_result", "load_result", "save_result"]
