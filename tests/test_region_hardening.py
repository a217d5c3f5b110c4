"""Issue 25, regional runs: bad addresses, silent or junk "schedulers", too
many units, a bad --tiles, a planted pickle and Ctrl-C all end as one clear
message, before work where they can be known before.

Fake schedulers are sockets this test opens on 127.0.0.1 and closes; every
wait is bounded.
"""

from __future__ import annotations

import os
import pickle
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.errors import ConfigError, WorkTooLargeError
from siteplan.region import load_region_config, plan_region
from siteplan.region.run import _units, check_scheduler_address
from siteplan.region.store import load_result

from .conftest import terminal_popen
from .test_region_empty import _layers, _write

TILES = "[region]\ntile_km = 20\n"


@contextmanager
def fake_scheduler(payload: bytes | None) -> Iterator[str]:
    """A 127.0.0.1 port that accepts connections and sends ``payload`` (or
    nothing, ever); closed on exit."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    stop, conns = threading.Event(), []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conns.append(conn)
            if payload:
                conn.sendall(payload)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in conns:
            conn.close()
        server.close()


@pytest.fixture(scope="module")
def two_tiles(tmp_path_factory):
    """A planned two-tile region (in this process) and its config."""
    root = tmp_path_factory.mktemp("hardening")
    layers = _layers()
    layers["targets"] = layers["targets"].iloc[:2]
    config = _write(root / "in", layers, region=TILES)
    result = plan_region(config, root / "out", executor="loop", work_dir=root / "work",
                         offline=True)
    assert result.failures == {}
    return {"root": root, "config": config, "result": result}


@pytest.mark.parametrize("address", [
    "tcp://", "tcp://127.0.0.1", "tcp://127.0.0.1:port", "tcp://127.0.0.1:99999",
    "tcp://127.0.0.1:0", "http://127.0.0.1:8786", "tcp://a b:8786", "tcp://[::1:8786", ":",
    "tcp://127.0.0.1:8786/path"])
def test_malformed_scheduler_addresses_are_clear_errors(two_tiles, tmp_path, address):
    cli = CliRunner().invoke(main, ["plan-region", str(two_tiles["config"]), "--out",
                                    str(tmp_path / "out"), "--work-dir", str(tmp_path / "w"),
                                    "--scheduler", address])
    assert cli.exit_code == 2, cli.output
    assert f"--scheduler {address!r}" in cli.output and "tcp://HOST:PORT" in cli.output
    assert "bug" not in cli.output and "Traceback" not in cli.output
    assert not (tmp_path / "out").exists() and not (tmp_path / "w").exists()


def test_good_scheduler_addresses_pass_the_check():
    assert check_scheduler_address("10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert check_scheduler_address("tls://[::1]:8786") == "tls://[::1]:8786"


@pytest.mark.parametrize("payload, says", [
    (None, "no answer within 2 s"),
    (b"\xff" * 4096, "not a Dask scheduler's"),
    (struct.pack("<Q", 2**62) + bytes(64), "not a Dask scheduler's"),  # "frames of 4 EiB"
    (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", "not a Dask scheduler's"),
])
def test_silent_or_junk_scheduler_fails_within_its_timeout(two_tiles, tmp_path, payload, says):
    with fake_scheduler(payload) as address:
        start = time.perf_counter()
        with pytest.raises(ConfigError, match=says) as info:
            plan_region(two_tiles["config"], tmp_path / "out", scheduler=address,
                        work_dir=tmp_path / "w", scheduler_timeout_s=2.0)
        seconds = time.perf_counter() - start
    assert seconds < 8.0, seconds
    assert address in str(info.value) and "memory" not in str(info.value)
    assert not (tmp_path / "w").exists()  # nothing partitioned, nothing planned


def test_tiny_tiles_are_counted_before_partitioning(two_tiles, tmp_path):
    text = two_tiles["config"].read_text().replace("tile_km = 20", "tile_km = 0.05")
    config = two_tiles["config"].with_name("tiny.toml")
    config.write_text(text)
    start = time.perf_counter()
    cli = CliRunner().invoke(main, ["plan-region", str(config), "--out", str(tmp_path / "out"),
                                    "--work-dir", str(tmp_path / "w"), "--loop"])
    assert time.perf_counter() - start < 30
    assert cli.exit_code == 2, cli.output
    assert re.search(r"tile_km = 0\.05 makes [\d,]{6,} units", cli.output.replace("\n", " "))
    assert "--allow-large" in cli.output and "max_units" in cli.output
    assert not (tmp_path / "w" / "partitions").exists()
    # max_units from the config; --allow-large lets the run go on
    cfg = load_region_config(two_tiles["config"])
    small = type(cfg)(**{**cfg.__dict__, "max_units": 1})
    from siteplan.region.partition import read_inputs

    targets = read_inputs(cfg.plan).targets
    with pytest.raises(WorkTooLargeError, match="max_units = 1"):
        _units(small, targets, allow_large=False)
    assert len(_units(small, targets, allow_large=True)) == 2


def test_bogus_tiles_are_refused_before_any_unit_is_planned(two_tiles, tmp_path):
    cli = CliRunner().invoke(main, ["plan-region", str(two_tiles["config"]), "--out",
                                    str(tmp_path / "out"), "--work-dir", str(tmp_path / "w"),
                                    "--loop", "--tiles", "bogus"])
    assert cli.exit_code == 2, cli.output
    assert "tiles 'bogus'" in cli.output and "bug" not in cli.output
    assert not (tmp_path / "w").exists() and not (tmp_path / "out").exists()
    with pytest.raises(ConfigError, match="--tiles: tiles 'bogus'"):
        plan_region(two_tiles["config"], tmp_path / "out", executor="loop",
                    work_dir=tmp_path / "w", tiles="bogus")
    assert not (tmp_path / "w").exists()


class _Plant:
    """Unpickling this writes a marker file (what a planted pickle could do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pickle was loaded"))


def test_results_are_data_and_a_planted_pickle_is_never_loaded(two_tiles, tmp_path):
    root = two_tiles["root"]
    work = root / "work"
    assert list(work.rglob("*.pkl")) == []  # the run wrote JSON and Parquet only
    results = sorted(p.parent for p in work.rglob("result.json"))
    assert len(results) >= 7  # 2 x proposals, units, folders; the stitch
    assert all(load_result(p) is not None for p in results)
    marker = tmp_path / "marker.txt"
    for folder in {p.parent for p in work.rglob("*")} | set(results):
        (folder / "result.pkl").write_bytes(pickle.dumps(_Plant(marker)))
        (folder / "plan.pkl").write_bytes(pickle.dumps(_Plant(marker)))
    again = plan_region(two_tiles["config"], root / "out", executor="loop", work_dir=work,
                        offline=True)
    assert not marker.exists()
    assert again.planned == [] and sorted(again.cached) == ["T00_00", "T00_01"]
    assert again.stitch["selected"] == two_tiles["result"].stitch["selected"]
    # a result that does not read back is no result: the unit is planned again
    unit_dir = next(p for p in (work / "units" / "001-T00_00").iterdir() if p.is_dir())
    (unit_dir / "result.json").write_text('{"format": "siteplan-region-result/1", '
                                          '"result": {"x": {"__frame__": "../../x.parquet"}}}')
    third = plan_region(two_tiles["config"], root / "out", executor="loop", work_dir=work,
                        offline=True)
    assert third.planned == ["T00_00"] and not marker.exists()


def test_ctrl_c_prints_one_line(two_tiles, tmp_path):
    """Ctrl-C as a terminal sends it: to the whole process group (the Dask
    workers included)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = terminal_popen(
        [sys.executable, "-m", "siteplan.cli", "plan-region", str(two_tiles["config"]),
         "--out", str(tmp_path / "out"), "--work-dir", str(tmp_path / "w"), "--workers", "1",
         "--offline"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        seen = ""
        deadline = time.monotonic() + 120
        while "proposing new builds" not in seen and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
        assert "proposing new builds" in seen, seen
        os.killpg(proc.pid, signal.SIGINT)
        _, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    lines = [x for x in rest.splitlines() if x.strip()]
    assert proc.returncode == 130, rest
    # one line says so; any other is a progress line printed before the signal
    assert [x for x in lines if not x.startswith("[")] == [lines[-1]], rest
    assert lines[-1].startswith("interrupted:") and "Traceback" not in rest
    assert not (tmp_path / "out").exists()


def test_store_keeps_data_only(tmp_path):
    import numpy as np
    import pandas as pd

    from siteplan.region.store import save_result

    table = pd.DataFrame({"year": [2022, 2023], "w": [0.5, np.nan], "id": ["a", "b"]})
    result = {"selected": {2022: ["s1"], 2023: []}, "coverage_only": {2022: np.int64(3)},
              "table": table, "nested": {"pieces": table.iloc[:0]}, "none": None,
              "seconds": np.float64(1.25), "path": tmp_path}
    save_result(result, tmp_path / "r")
    back = load_result(tmp_path / "r")
    assert back["selected"] == {2022: ["s1"], 2023: []} and back["coverage_only"] == {2022: 3}
    pd.testing.assert_frame_equal(back["table"], table)
    assert len(back["nested"]["pieces"]) == 0 and back["none"] is None
    assert back["seconds"] == 1.25 and back["path"] == str(tmp_path)
    with pytest.raises(TypeError, match="not stored as data"):
        save_result({"plan": object()}, tmp_path / "bad")
    assert load_result(tmp_path / "bad") is None  # nothing half-written counts as a result
    for text in (b"\x80\x04junk", b'{"format": "other"}', b"[1, 2]",
                 b'{"format": "siteplan-region-result/1", "result": {"t": {"__frame__": '
                 b'"/etc/passwd"}}}'):
        (tmp_path / "r" / "result.json").write_bytes(text)
        assert load_result(tmp_path / "r") is None


def test_keep_border_coverage_from_the_config(two_tiles, tmp_path):
    root = two_tiles["root"]
    loose = two_tiles["config"].with_name("loose.toml")
    loose.write_text(two_tiles["config"].read_text() + "keep_border_coverage = false\n")
    assert load_region_config(loose).keep_border_coverage == "none"
    assert load_region_config(two_tiles["config"]).keep_border_coverage == "target"
    lines: list[str] = []
    result = plan_region(loose, tmp_path / "out", executor="loop", work_dir=root / "work",
                         offline=True, progress=lines.append)
    assert result.planned == []  # the same unit plans; only the stitch is another
    assert "stitching the borders of 2 units" in lines
