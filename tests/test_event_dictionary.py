"""The event dictionary seeds (scripts/build_event_dictionary.py) and their sources."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "dbt_project" / "seeds"
SCRIPT = ROOT / "scripts" / "build_event_dictionary.py"


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_generator_is_deterministic_and_seeds_are_current(tmp_path: Path) -> None:
    for run in ("a", "b"):
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path / run)],
                       check=True, capture_output=True)
    for name in ("event_patterns.csv", "event_codes.csv"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes()
        assert first == (SEEDS / name).read_bytes(), f"{name} is stale: rerun the script"


def test_patterns_and_codes() -> None:
    patterns = {r["pattern_key"]: r for r in _rows("event_patterns.csv")}
    codes = {r["cameo_code"]: r for r in _rows("event_codes.csv")}
    assert len(patterns) == len(_rows("event_patterns.csv")) > 5000
    assert all(r["cameo_code"] in codes for r in patterns.values())
    # PETRARCH2 verb, verb + noun and verb + preposition + noun patterns.
    assert codes[patterns["attack"]["cameo_code"]]["event_type"] == "FIGHT"
    assert patterns["sign agreement"]["cameo_code"] == "057"
    assert patterns["agree (to ceasefire"]["cameo_code"] == "0356"
    # The supplement overrides and adds (event nouns after light verbs).
    assert patterns["agree"]["origin"] == "supplement"
    assert codes[patterns["~talk"]["cameo_code"]]["event_type"] == "CONSULT"
    # CAMEO 01 (statements) codes no event; PLOVER types, modes and quad classes.
    assert not any(c.startswith("01") for c in codes)
    assert codes["1123"]["plover_type"] == "ACCUSE" and codes["1123"]["plover_mode"] == "allege"
    assert codes["1123"]["event_type"] == "DISAPPROVE"
    assert codes["091"]["event_type"] == "INVESTIGATE" and codes["100"]["event_type"] == "DEMAND"
    assert codes["163"]["plover_type"] == "COERCE" and codes["0874"]["event_type"] == "RETREAT"
    assert {r["quad_class"] for r in codes.values()} == {"1", "2", "3", "4"}
    assert all(-10 <= int(r["intensity"]) <= 10 for r in codes.values())
    assert codes["0874"]["needs_target"] == "false" and codes["190"]["needs_target"] == "true"
