"""``wirehouse`` command line: run the nightly DAG, summarise the marts, predict, evaluate."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

from extract.config import settings


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _use_archive(archive: str | None) -> None:
    if archive:
        os.environ["WIREHOUSE_ARCHIVE"] = str(Path(archive).resolve())


def cmd_init(args: argparse.Namespace) -> int:
    from extract.airflow_env import init_airflow

    init_airflow(settings())
    print(f"Airflow home ready: {settings().airflow_home}")
    return 0


def cmd_dates(args: argparse.Namespace) -> int:
    """Print the distinct article dates of an archive, one per line (for make run)."""
    from extract.manifest import list_candidates
    from extract.reader import peek_date

    dates = {
        peek_date(c.absolute)
        for c in list_candidates(Path(args.archive).resolve(), dt.date.max)
        if c.problem is None
    }
    for day in sorted(d for d in dates if d is not None):
        print(day.isoformat())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run the nightly DAG through Airflow (``airflow dags test``) for one date."""
    from extract.airflow_env import airflow, init_airflow

    _use_archive(args.archive)
    current = settings()
    init_airflow(current)
    # The run at D+1 02:00 covers the data interval that starts on D.
    logical = dt.datetime.combine(args.date + dt.timedelta(days=1), dt.time(2, 0))
    print(f"wirehouse: nightly run for {args.date} on {current.archive}", flush=True)
    result = airflow(
        current, "dags", "test", "wirehouse_nightly", logical.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        check=False, quiet=not args.verbose,
    )
    if result.returncode != 0:
        print(f"wirehouse: the run for {args.date} failed (airflow exit {result.returncode}); "
              f"rerun with --verbose for the task logs", file=sys.stderr)
        return result.returncode
    return _check_run(current, args.date)


def _check_run(current, run_date: dt.date) -> int:
    """Airflow's `dags test` exits 0 even when a task failed: confirm from the warehouse."""
    from extract.warehouse import connect

    with connect(current.db_path, read_only=True) as con:
        counts = dict(
            con.execute(
                "select status, count(*) from raw.files where run_date = ? group by status",
                [run_date],
            ).fetchall()
        )
    staged = current.staging_dir / run_date.isoformat()
    if staged.exists():
        print(f"wirehouse: run {run_date} did not finish (staged data left in {staged})",
              file=sys.stderr)
        return 1
    published = current.published_dir / "wirehouse.duckdb"
    if not published.exists():
        print("wirehouse: marts were not published", file=sys.stderr)
        return 1
    print(
        f"wirehouse: {run_date} done: {sum(counts.values())} files seen, "
        f"{counts.get('loaded', 0)} loaded, {counts.get('duplicate', 0)} duplicates, "
        f"{counts.get('rejected', 0)} rejected"
    )
    return 0


def cmd_airflow(args: argparse.Namespace) -> int:
    """Start ``airflow standalone`` on the project-local home, DAGs unpaused."""
    from extract.airflow_env import airflow_bin, airflow_environ, init_airflow

    _use_archive(args.archive)
    current = settings()
    init_airflow(current)
    print(f"Airflow UI on http://localhost:8080 (home {current.airflow_home}); Ctrl-C stops it.")
    os.execve(airflow_bin(), [airflow_bin(), "standalone"], airflow_environ(current))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from extract.summary import print_summary

    print_summary(settings())
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from extract.predict import predict

    n = predict(Path(args.gold), Path(args.out), scratch=Path(args.home) if args.home else None)
    print(f"wrote {n} predictions to {args.out}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from extract.predict import evaluate

    return evaluate(args.task, Path(args.gold), scorer=Path(args.scorer) if args.scorer else None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wirehouse", description=__doc__)
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings only")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", help="create the project-local Airflow home").set_defaults(func=cmd_init)

    p = sub.add_parser("dates", help="list the article dates of an archive")
    p.add_argument("--archive", required=True)
    p.set_defaults(func=cmd_dates)

    p = sub.add_parser("run", help="run the nightly DAG through Airflow for one date")
    p.add_argument("--archive", help="directory of article files (default: data/sample)")
    p.add_argument("--date", type=_date, required=True, help="the run's date, YYYY-MM-DD")
    p.add_argument("-v", "--verbose", action="store_true", help="show Airflow's task logs")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("airflow", help="start Airflow standalone with the schedule active")
    p.add_argument("--archive", help="directory of article files (default: data/sample)")
    p.set_defaults(func=cmd_airflow)

    sub.add_parser("summary", help="print counts, top actors and pairs from the published marts"
                   ).set_defaults(func=cmd_summary)

    p = sub.add_parser("predict", help="run the pipeline over a gold file, write predictions")
    p.add_argument("--gold", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--home", help="scratch WIREHOUSE_HOME (default: a temporary directory)")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("eval", help="predict, then score with the reference scorer")
    p.add_argument("task", choices=["quotes", "actors", "relations"])
    p.add_argument("--gold", required=True)
    p.add_argument("--scorer", help="path of score.py (default: score.py beside the gold file)")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
