"""Does a warehouse built incrementally hold the rows a full rebuild gives? Row for row.

Copies a warehouse home, runs ``wirehouse rebuild``'s build (``dbt build --full-refresh``) on
the copy, and compares every table of the ``intermediate`` and ``marts`` schemas of the
internal warehouse file with the original (``except all`` both ways; not
``int_touched_keys``, the keys the last build touched). Prints, per table, the rows and the
rows only in the incremental or only in the rebuilt one; with ``--show``, a few of them,
every column named.

    .venv/bin/python scripts/compare_rebuild.py /work/runs/x-home /tmp/x-rebuilt --show 3

Exit status 1 when a table differs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from extract.build import build
from extract.config import Settings, settings
from extract.warehouse import connect

SCHEMAS = ("intermediate", "marts")
# Not facts: what the last build touched (empty after a full rebuild), left out.
SKIP = {"intermediate.int_touched_keys"}


def compare(incremental: Path, rebuilt: Path, show: int = 0) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, rows only in ``incremental``, rows only in ``rebuilt``)."""
    out: dict[str, tuple[int, int, int]] = {}
    with connect(rebuilt, read_only=True) as con:
        con.execute("attach ? as inc (read_only)", [str(incremental)])
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema in ? "
            "and table_type = 'BASE TABLE' order by 1", [list(SCHEMAS)],
        ).fetchall()
        for (name,) in tables:
            if name in SKIP:
                continue
            n = con.execute(f"select count(*) from {name}").fetchall()[0][0]
            only_inc = f"select * from inc.{name} except all select * from {name}"
            only_full = f"select * from {name} except all select * from inc.{name}"
            a = con.execute(f"select count(*) from ({only_inc})").fetchall()[0][0]
            b = con.execute(f"select count(*) from ({only_full})").fetchall()[0][0]
            out[name] = (n, a, b)
            print(f"{name:45} rows {n:8}  only incremental {a:6}  only rebuilt {b:6}")
            if show and (a or b):
                for label, sql in (("incremental", only_inc), ("rebuilt", only_full)):
                    cur = con.execute(f"{sql} limit {show}")
                    cols = [d[0] for d in cur.description]
                    for row in cur.fetchall():
                        print(f"    {label}: " + ", ".join(
                            f"{c}={v!r}" for c, v in zip(cols, row, strict=True)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path, help="a warehouse home built incrementally")
    parser.add_argument("work", type=Path, help="scratch copy to rebuild (replaced)")
    parser.add_argument("--show", type=int, default=0, help="differing rows to print per table")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    shutil.copytree(args.home, args.work, symlinks=True)
    copy = Settings(home=args.work, archive=args.work, model=settings().model)
    build(copy, full_refresh=True)
    original = Settings(home=args.home, archive=args.home, model=settings().model)
    diff = compare(original.db_path, copy.db_path, args.show)
    sys.exit(1 if any(a or b for _, a, b in diff.values()) else 0)


if __name__ == "__main__":
    main()
