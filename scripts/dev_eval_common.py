"""What the dev evaluation scripts share: the command line, reading the gold file, writing
the predictions and running the reference scorer on them (``dev_actors_eval.py``,
``dev_events_eval.py``). The real figures come from ``wirehouse eval``; these scripts are for
fast iteration."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from extract.config import DEFAULT_MODEL

DEFAULT_SCORER = Path("/work/shared/eval/score.py")


def parser(description: str) -> argparse.ArgumentParser:
    """``--gold``, ``--out``, ``--model`` and ``--score``; a script adds its own flags."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--gold", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--score", type=Path, default=DEFAULT_SCORER)
    return p


def load_gold(path: Path) -> list[dict]:
    """A ``.json`` file is one record, anything else JSON lines."""
    with path.open(encoding="utf-8") as f:
        if path.suffix == ".json":
            return [json.load(f)]
        return [json.loads(line) for line in f if line.strip()]


def write_predictions(out: Path, preds: list[dict]) -> None:
    with out.open("w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


def score(task: str, gold: Path, out: Path, scorer: Path) -> int:
    """Print the reference scorer's figures for ``task``; its exit code."""
    return subprocess.call([sys.executable, str(scorer), task, str(gold), str(out)])
