"""Historical archives through the real DAGs: any date an archive holds can be run.

The DAGs start on the earliest date an article may carry (1600-01-01), so Airflow creates the
task instances of a 1987 or 2016 run (with the old start_date of 2019 it created none, the
run "succeeded" at once and nothing was loaded). Paths covered here: `make run ARCHIVE=...`
on a fresh WIREHOUSE_HOME (1987), `wirehouse backfill --airflow` (2016), a late file dated
23 days before the nightly run that arrives after the backfill, and a run that can take
nothing because its files are older than the late window: it says so, exits non-zero and
names the backfill that loads them, which then does. `airflow backfill create` for a 1987
range is in tests/test_airflow_backfill.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extract.config import PROJECT_DIR

pytestmark = pytest.mark.e2e

WIREHOUSE = str(Path(sys.executable).with_name("wirehouse"))


def _write(archive: Path, rel: str, day: str, text: str) -> None:
    path = archive / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date {day}\n{text}", encoding="utf-8")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("AIRFLOW__") or k == "AIRFLOW_HOME")}
    env.update(WIREHOUSE_HOME=str(home), **extra)
    env.pop("WIREHOUSE_ARCHIVE", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)


def _articles(home: Path) -> list[tuple[str, str, str]]:
    with duckdb.connect(str(home / "published" / "wirehouse.duckdb"), read_only=True) as con:
        return [
            (str(a), str(r), t) for a, r, t in con.execute(
                "select article_date, run_date, title from dim_articles order by all"
            ).fetchall()
        ]


def _pairs(home: Path, day: str) -> set[tuple[str, str]]:
    with duckdb.connect(str(home / "published" / "wirehouse.duckdb"), read_only=True) as con:
        return set(con.execute(
            "select country_a, country_b from fct_country_relations "
            "where relation_date = cast(? as date)", [day],
        ).fetchall())


def test_make_run_loads_a_1987_archive_on_a_fresh_home(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _write(archive, "1987-03-02/fishing.txt", "1987-03-02",
           "Iceland and Norway settle a fishing dispute\n\n"
           "REYKJAVIK, March 2 - Iceland and Norway agreed on Monday to share the capelin catch "
           "of the northern banks, ending a quarrel of two seasons.\n")
    _write(archive, "1987-03-02/railway.txt", "1987-03-02",
           "Kenya and Uganda plan a railway link\n\n"
           "NAIROBI, March 2 - Kenya and Uganda will study a new railway link between Nairobi "
           "and Kampala, the transport ministries said on Monday.\n")
    home = tmp_path / "home"  # does not exist yet: a new user's first command
    result = _run(["make", "-C", str(PROJECT_DIR), "--no-print-directory", "run",
                   f"ARCHIVE={archive}"], _env(home))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "1987-03-02 done: 2 files seen, 2 loaded, 0 duplicates, 0 rejected" in output
    assert "Traceback" not in output
    assert _articles(home) == [
        ("1987-03-02", "1987-03-02", "Iceland and Norway settle a fishing dispute"),
        ("1987-03-02", "1987-03-02", "Kenya and Uganda plan a railway link"),
    ]
    assert {("ISL", "NOR"), ("KEN", "UGA")} <= _pairs(home, "1987-03-02")


def test_2016_backfill_then_a_late_file_then_one_left_to_a_backfill(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    _write(archive, "2016-11-07/debate.txt", "2016-11-07",
           "Mexico and Canada discuss trade before the vote\n\n"
           "OTTAWA, Nov 7 - Mexico and Canada held talks on Monday on the future of their "
           "trade agreement.\n")
    _write(archive, "2016-11-29/pipeline.txt", "2016-11-29",
           "Poland and Lithuania open a gas pipeline\n\n"
           "WARSAW, Nov 29 - Poland and Lithuania opened a gas pipeline on Tuesday.\n")
    home = tmp_path / "home"
    env = _env(home)
    result = _run([WIREHOUSE, "backfill", "--airflow", "--archive", str(archive),
                   "--from", "2016-11-07", "--to", "2016-11-29"], env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "backfill done and published" in result.stdout

    # A PolNeAR-style late file: dated 23 days before the run, it arrives after the backfill.
    _write(archive, "late/polls.txt", "2016-11-07",
           "Chile and Peru observers report on the election\n\n"
           "LIMA, Nov 7 - Chile and Peru sent observers to follow the vote, the foreign "
           "ministries in Santiago and Lima said on Monday.\n")
    result = _run([WIREHOUSE, "run", "--archive", str(archive), "--date", "2016-11-30"], env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "2016-11-30 done: 1 files seen, 1 loaded, 0 duplicates, 0 rejected" in result.stdout
    assert _articles(home) == [
        ("2016-11-07", "2016-11-07", "Mexico and Canada discuss trade before the vote"),
        ("2016-11-07", "2016-11-30", "Chile and Peru observers report on the election"),
        ("2016-11-29", "2016-11-29", "Poland and Lithuania open a gas pipeline"),
    ]
    # The late file counts on the day it is dated, beside the one loaded by the backfill.
    assert {("CAN", "MEX"), ("CHL", "PER")} <= _pairs(home, "2016-11-07")

    # Another late file, older than a 20-day window: the run takes nothing, says why, exits 1.
    _write(archive, "late/summit.txt", "2016-11-08",
           "Japan and Vietnam plan a summit\n\n"
           "TOKYO, Nov 8 - Japan and Vietnam agreed on Tuesday to hold a summit in Hanoi.\n")
    result = _run([WIREHOUSE, "run", "--archive", str(archive), "--date", "2016-12-01"],
                  _env(home, WIREHOUSE_LATE_DAYS="20"))
    assert result.returncode == 1, result.stdout + result.stderr
    hint = f"wirehouse backfill --archive {archive.resolve()} --from 2016-11-08 --to 2016-11-10"
    assert "1 files no run has taken are dated 2016-11-08..2016-11-08" in result.stderr
    assert hint in result.stderr
    assert "Traceback" not in result.stderr

    # The command it names loads that file (without Airflow this time).
    result = _run(hint.replace("wirehouse", WIREHOUSE, 1).split() + ["--no-progress"], env)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert ("2016-11-08", "2016-11-08", "Japan and Vietnam plan a summit") in _articles(home)
    assert ("JPN", "VNM") in _pairs(home, "2016-11-08")
