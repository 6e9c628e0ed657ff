"""The marts' dbt contracts: enforced on every mart, every column typed (BI-friendly: counts
BIGINT, never HUGEINT) and described; a build whose SQL breaks a contract fails and
nothing is published."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from extract import build as build_module
from extract.build import DbtBuildFailed
from extract.config import DBT_PROJECT_DIR
from extract.runs import run_without_airflow

MARTS_YML = DBT_PROJECT_DIR / "models" / "marts" / "_marts.yml"
NOT_FOR_BI = {"hugeint", "int128", "uhugeint", "ubigint"}


def _models() -> list[dict]:
    return yaml.safe_load(MARTS_YML.read_text())["models"]


def test_every_mart_has_an_enforced_contract_with_typed_described_columns() -> None:
    models = _models()
    sql = {p.stem for p in MARTS_YML.parent.glob("*.sql")}
    assert {m["name"] for m in models} == sql
    for model in models:
        assert model.get("config", {}).get("contract", {}).get("enforced") is True, model["name"]
        assert model.get("description"), model["name"]
        for column in model["columns"]:
            where = f"{model['name']}.{column['name']}"
            assert column.get("data_type"), where
            assert column["data_type"].lower() not in NOT_FOR_BI, where
            assert (column.get("description") or "").strip(), where
            if column["name"].startswith("n_"):
                assert column["data_type"].lower() == "bigint", where


@pytest.mark.dbt
def test_a_broken_contract_stops_the_publish(
    archive: Path, settings_for, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    marts = project / "models" / "marts" / "_marts.yml"
    text = marts.read_text()
    # dim_countries.n_mentions declared a date: the model's bigint no longer fits.
    start = text.index("  - name: dim_countries")
    at = text.index("data_type: bigint", text.index("- name: n_mentions", start))
    marts.write_text(text[:at] + "data_type: date" + text[at + len("data_type: bigint"):])
    monkeypatch.setattr(build_module, "DBT_PROJECT_DIR", project)
    settings = settings_for(archive)
    with pytest.raises(DbtBuildFailed, match="contract|n_mentions"):
        run_without_airflow(settings, archive, dt.date(2019, 3, 5))
    assert not (settings.published_dir / "wirehouse.duckdb").exists()
