"""House style is checked: ruff on Python, sqlfluff (duckdb, dbt templater) on SQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from extract.config import PROJECT_DIR

BIN = Path(sys.executable).parent


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "extract", "dags", "tests", "scripts"],
        cwd=PROJECT_DIR, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_sqlfluff_is_clean(tmp_path: Path) -> None:
    env = dict(os.environ, WIREHOUSE_DB=str(tmp_path / "lint.duckdb"), DO_NOT_TRACK="1")
    result = subprocess.run(
        [str(BIN / "sqlfluff"), "lint", "dbt_project/models"],
        cwd=PROJECT_DIR, capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
