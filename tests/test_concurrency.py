"""Two writers at once: the second waits for the DuckDB writer lock, or fails with a clear
message after its wait; it never corrupts. A reader holding the published file open during a
publish sees no error (tests/test_publish_readers.py: the "held" reader)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.runs import run_without_airflow
from extract.warehouse import WarehouseLocked, connect

HOLDER = """
import sys, time
from pathlib import Path
from extract.warehouse import connect
con = connect(Path(sys.argv[1]))
con.execute("create table if not exists lock_probe (x integer)")
Path(sys.argv[2]).write_text("locked")
time.sleep(float(sys.argv[3]))
con.close()
"""


def _hold_lock(db: Path, flag: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(flag), str(seconds)])
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, "lock holder died"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return proc


def test_a_second_writer_gets_a_clear_error_after_its_wait(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    proc = _hold_lock(db, tmp_path / "flag", 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLocked, match="locked by another process"):
            connect(db, wait_s=1.0)
        assert time.monotonic() - started >= 1.0
    finally:
        proc.kill()
        proc.wait()
    with connect(db, read_only=True) as con:  # not corrupted
        assert con.execute("select count(*) from lock_probe").fetchall() == [(0,)]


def test_a_second_run_waits_for_the_lock_then_completes(
    archive: Path, settings_for, tmp_path: Path
) -> None:
    settings = settings_for(archive)
    settings.home.mkdir(parents=True)
    proc = _hold_lock(settings.db_path, tmp_path / "flag", 3)
    started = time.monotonic()
    counts = run_without_airflow(settings, archive, dt.date(2019, 3, 5), build=False)
    waited = time.monotonic() - started
    proc.wait(timeout=30)
    assert proc.returncode == 0
    assert waited >= 2.0  # it waited for the holder rather than failing
    assert counts["articles"] == 3
    with connect(settings.db_path, read_only=True) as con:
        statuses = dict(con.execute(
            "select status, count(*) from raw.files group by status").fetchall())
    assert statuses == {"loaded": 3, "duplicate": 1, "rejected": 2}
