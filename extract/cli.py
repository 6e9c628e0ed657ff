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


def _runnable(current, day: dt.date | None = None) -> str | None:
    """Why no run could process anything here, before Airflow is started; None if it can."""
    from extract.config import EARLIEST_DATE, LATEST_DATE

    if not current.archive.is_dir():
        return f"the archive {current.archive} is not a directory"
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        return (f"no article can carry the date {day}: the reader accepts "
                f"{EARLIEST_DATE}..{LATEST_DATE} (other dates are rejected as date_out_of_range)")
    return None


def cmd_run(args: argparse.Namespace) -> int:
    """Run the nightly DAG through Airflow (``airflow dags test``) for one date."""
    from extract.airflow_env import airflow, init_airflow
    from extract.publish import published_build

    _use_archive(args.archive)
    current = settings()
    if problem := _runnable(current, args.date):
        print(f"wirehouse: cannot run {args.date}: {problem}", file=sys.stderr)
        return 2
    init_airflow(current)
    before = published_build(current)
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
    return check_run(current, args.date, before)


def check_run(current, run_date: dt.date, build_before: str | None) -> int:
    """Say what the run did, from the warehouse, and exit non-zero when it processed nothing
    for a reason the user did not ask for: Airflow ran none (or not all) of its tasks, or
    every file it could take is older than the late window (left to a backfill)."""
    from extract.config import late_days
    from extract.publish import published_build
    from extract.runs import left_for_backfill, stage_dir_for
    from extract.warehouse import connect

    staged = stage_dir_for(current, run_date)
    if staged.exists():
        print(f"wirehouse: run {run_date} did not finish (staged data left in {staged})",
              file=sys.stderr)
        return 1
    if not current.db_path.exists() or published_build(current) in (None, build_before):
        print(f"wirehouse: the run for {run_date} processed nothing and published nothing: "
              f"Airflow ran none (or not all) of its tasks; rerun with --verbose",
              file=sys.stderr)
        return 1
    with connect(current.db_path, read_only=True) as con:
        counts = dict(
            con.execute(
                "select status, count(*) from raw.files where run_date = ? group by status",
                [run_date],
            ).fetchall()
        )
        window = late_days()
        left = None if counts else left_for_backfill(current.archive, run_date, window, con)
    if left is not None:
        to = run_date - dt.timedelta(days=window + 1)
        print(
            f"wirehouse: run {run_date} processed nothing: {left.n_files} files no run has "
            f"taken are dated {left.first}..{left.last}, before its late window "
            f"(WIREHOUSE_LATE_DAYS={window} days); a nightly run leaves them to a backfill:\n"
            f"  wirehouse backfill --archive {current.archive} --from {left.first} --to {to}",
            file=sys.stderr,
        )
        return 1
    print(
        f"wirehouse: {run_date} done: {sum(counts.values())} files seen, "
        f"{counts.get('loaded', 0)} loaded, {counts.get('duplicate', 0)} duplicates, "
        f"{counts.get('rejected', 0)} rejected"
        + ("" if counts else
           f" (no file dated {run_date - dt.timedelta(days=window)}..{run_date} "
           f"that no other run has taken)")
    )
    return 0


def cmd_airflow(args: argparse.Namespace) -> int:
    """Start Airflow's components on the project-local home, DAGs unpaused, every listener
    on WIREHOUSE_BIND_HOST (loopback by default)."""
    from extract.airflow_env import airflow_environ, init_airflow
    from extract.airflow_serve import serve

    _use_archive(args.archive)
    current = settings()
    init_airflow(current)
    return serve(current, airflow_environ(current))


def cmd_backfill(args: argparse.Namespace) -> int:
    """Backfill a date range: directly (default) or through the wirehouse_backfill DAG."""
    import json

    _use_archive(args.archive)
    current = settings()
    if problem := _runnable(current):
        print(f"wirehouse: cannot backfill: {problem}", file=sys.stderr)
        return 2
    if args.to < args.from_:
        print(f"wirehouse: --to {args.to} is before --from {args.from_}", file=sys.stderr)
        return 2
    if args.cluster:
        return _backfill_on_cluster(args, current)
    if args.airflow:
        from extract.airflow_env import airflow, init_airflow

        init_airflow(current)
        conf = {
            "archive": str(current.archive), "from_date": args.from_.isoformat(),
            "to_date": args.to.isoformat(), "reprocess": args.reprocess,
            "chunk_size": args.chunk_size,
        }
        print(f"wirehouse: backfill {args.from_}..{args.to} through Airflow", flush=True)
        from extract.backfill import read_state
        from extract.publish import published_build

        before = published_build(current)
        result = airflow(
            current, "dags", "test", "wirehouse_backfill", "--conf", json.dumps(conf),
            check=False, quiet=not args.verbose,
        )
        # Its last task publishes, whatever the range held: no new build, no finished run.
        if (result.returncode != 0 or read_state(current).get("build_pending")
                or published_build(current) in (None, before)):
            print("wirehouse: the backfill did not finish; rerun the same command to resume "
                  "(add --verbose for the task logs)", file=sys.stderr)
            return result.returncode or 1
        print("wirehouse: backfill done and published")
        return 0

    from extract.backfill import run_backfill

    if not args.verbose:
        # The bar and the final summary say it all; rejections are in raw.rejects.
        logging.getLogger("extract").setLevel(logging.ERROR)
    workers = args.workers or max(1, (os.cpu_count() or 1))
    try:
        result = run_backfill(
            current, current.archive, args.from_, args.to, reprocess=args.reprocess,
            workers=workers, chunk_size=args.chunk_size, progress=not args.no_progress,
        )
    except KeyboardInterrupt:
        print("\nwirehouse: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    c = result.counts
    print(
        f"wirehouse: backfill {args.from_}..{args.to}: {result.dates} dates, "
        f"{result.skipped} skipped (already loaded, or no files), {result.loaded} loaded; "
        f"files seen {c['seen']} = {c['loaded']} loaded + {c['duplicate']} duplicates + "
        f"{c['rejected']} rejected; {result.articles_extracted} articles extracted; "
        f"{'built and published' if result.built else 'no build needed'} "
        f"in {result.seconds:.1f}s"
    )
    return 0


def _backfill_on_cluster(args: argparse.Namespace, current) -> int:
    """Trigger wirehouse_backfill on the cluster ``wirehouse cluster up`` started; wait."""
    from extract.cluster import load_config
    from extract.cluster_run import trigger, wait

    cfg = load_config(current)
    if cfg is None or not cfg.processes:
        print("wirehouse: no cluster is up for this WIREHOUSE_HOME: `wirehouse cluster up` "
              "first", file=sys.stderr)
        return 1
    conf = {
        "archive": str(current.archive), "from_date": args.from_.isoformat(),
        "to_date": args.to.isoformat(), "reprocess": args.reprocess,
        "chunk_size": args.chunk_size,
    }
    if args.max_tasks:
        conf["max_tasks"] = args.max_tasks
    run_id = trigger(current, cfg, "wirehouse_backfill", conf)
    print(f"wirehouse: backfill {args.from_}..{args.to} triggered on the cluster as {run_id} "
          f"(UI: {cfg.api_url})", flush=True)
    state = wait(cfg, "wirehouse_backfill", run_id, progress=not args.no_progress)
    if state.state != "success":
        print(f"wirehouse: backfill run {run_id} {state.state} ({state.tasks}); rerun the same "
              "command to resume", file=sys.stderr)
        return 1
    print(f"wirehouse: backfill done and published ({state.extract_total} extract tasks)")
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    """``wirehouse cluster up --workers N | down | status [--json] | env | worker``."""
    import json
    import shlex

    from extract import cluster
    from extract.security import redact

    if args.action == "worker":
        # Join a cluster from another machine: its settings from `cluster env` (a file or
        # this environment); this process becomes the worker.
        if args.env_file:
            os.environ.update(cluster.read_env_file(Path(args.env_file)))
        if args.bind_host:
            os.environ["WIREHOUSE_BIND_HOST"] = args.bind_host  # its log server's address
        try:
            cluster.run_worker(settings(), args.name, queues=args.queues,
                               log_port=args.log_port, hostname=args.hostname,
                               concurrency=args.concurrency)
        except RuntimeError as exc:
            print(f"wirehouse: {exc}", file=sys.stderr)
            return 2
    current = settings()
    if args.action == "up":
        _use_archive(args.archive)
        current = settings()
        cfg = cluster.up(current, args.workers, paused=args.paused)
        print(f"wirehouse: cluster up: {len(cfg.workers)} workers, api-server {cfg.api_url}, "
              f"metadata DB {redact(cfg.metadata_url)}, broker {redact(cfg.broker_url)}"
              f" (logs in {current.home / 'cluster' / 'logs'})")
        return 0
    if args.action == "env":
        # The settings another machine needs to join this cluster (docs/scale-out.md).
        cfg = cluster.load_config(current)
        if cfg is None:
            print("wirehouse: no cluster started for this WIREHOUSE_HOME", file=sys.stderr)
            return 1
        env = cluster.cluster_environ(current, cfg, n_workers=max(1, len(cfg.workers)))
        for key in sorted(env):
            if key.startswith(("AIRFLOW__", "WIREHOUSE_")) and key != "WIREHOUSE_HOME":
                print(f"export {key}={shlex.quote(env[key])}")
        return 0
    if args.action == "down":
        stopped = cluster.down(current)
        print(f"wirehouse: cluster down ({', '.join(stopped) or 'nothing was running'})")
        return 0
    report = cluster.status(current)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0 if report["up"] else 1
    if not report["components"]:
        print("wirehouse: no cluster started for this WIREHOUSE_HOME")
        return 1
    for name, comp in report["components"].items():
        extra = f" queues={comp['queues']} log_port={comp['log_port']}" if "queues" in comp else ""
        print(f"{name:14} pid {comp['pid']:>7} {'up' if comp['alive'] else 'DOWN'}{extra}")
    for host, counts in report["workers"].items():
        print(f"{host}: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    for run in report.get("dag_runs", []):
        print(f"{run['dag_id']} {run['run_id']}: {run['state']}")
    if "error" in report:
        print(report["error"], file=sys.stderr)
    return 0 if report["up"] else 1


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Rebuild every mart from the raw tables (dbt build --full-refresh), then publish."""
    from extract.build import build
    from extract.publish import publish
    from extract.warehouse import connect

    current = settings()
    if not current.db_path.exists():
        print(f"wirehouse: no warehouse at {current.db_path}", file=sys.stderr)
        return 1
    build(current, full_refresh=True)
    with connect(current.db_path) as con:
        target = publish(current, con)
    print(f"wirehouse: full rebuild published to {target}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Generate the dbt docs against the project-local warehouse, then serve them."""
    import subprocess

    from extract.build import dbt_env, run_dbt
    from extract.config import DBT_PROJECT_DIR

    current = settings()
    if not current.db_path.exists():
        print(f"wirehouse: no warehouse at {current.db_path}; run `make run` first",
              file=sys.stderr)
        return 1
    run_dbt(current, ["docs", "generate"])
    target = current.home / "dbt" / "target"
    print(f"wirehouse: dbt docs generated in {target}", flush=True)
    if args.no_serve:
        return 0
    from extract.security import bind_host, client_host

    dbt_env(current)
    dbt = str(Path(sys.executable).with_name("dbt"))
    host = bind_host()
    print(f"wirehouse: serving on http://{client_host(host)}:{args.port} (listening on "
          f"{host}; Ctrl-C stops it)", flush=True)
    # `dbt docs serve` only serves the files: it does not open the warehouse.
    return subprocess.call(
        [dbt, "docs", "serve", "--host", host, "--port", str(args.port), "--no-browser",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target)],
        env=dict(os.environ),
    )


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


def cmd_bench(args: argparse.Namespace) -> int:
    """Plain spaCy vs Wirehouse extraction vs a whole nightly run (or the scale test)."""
    from extract import bench

    archive = Path(args.archive) if args.archive else None
    json_path = Path(args.json) if args.json else None
    if args.cluster:
        from extract.bench_cluster import run_cluster_bench

        run_cluster_bench(archive or bench.default_archive(), args.limit,
                          args.chunk_size or 25, json_path=json_path)
        return 0
    if args.backfill:
        bench.run_backfill_bench(archive, args.limit or None, json_path=json_path,
                                 n_process=args.n_process, batch_size=args.batch_size,
                                 chunk_size=args.chunk_size)
        return 0
    if args.scale:
        from extract.bench_scale import run_scale

        run_scale(archive, json_path=json_path, n_process=args.n_process,
                  small=args.scale_small, large=args.scale_large,
                  keep=Path(args.scale_keep) if args.scale_keep else None)
        return 0
    bench.run_bench(archive, args.limit or None, json_path=json_path, n_process=args.n_process,
                    batch_size=args.batch_size, chunk_size=args.chunk_size,
                    baseline=not args.no_baseline)
    return 0


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

    p = sub.add_parser("airflow", help="start Airflow on 127.0.0.1 with the schedule active")
    p.add_argument("--archive", help="directory of article files (default: data/sample)")
    p.set_defaults(func=cmd_airflow)

    p = sub.add_parser(
        "backfill", help="load a date range in bulk: parallel extraction, one dbt build"
    )
    p.add_argument("--archive", help="directory of article files (default: data/sample)")
    p.add_argument("--from", dest="from_", type=_date, required=True, help="first run date")
    p.add_argument("--to", type=_date, required=True, help="last run date (inclusive)")
    p.add_argument("--reprocess", action="store_true",
                   help="redo dates already loaded with the same files")
    p.add_argument("--workers", type=int, default=0,
                   help="spaCy processes (default: one per CPU)")
    p.add_argument("--chunk-size", type=int, default=200, help="articles per chunk")
    p.add_argument("--airflow", action="store_true",
                   help="run the wirehouse_backfill DAG (airflow dags test) instead")
    p.add_argument("--cluster", action="store_true",
                   help="trigger the wirehouse_backfill DAG on the `wirehouse cluster` and wait")
    p.add_argument("--max-tasks", type=int, default=0,
                   help="with --cluster: mapped extract tasks at most (default: the DAG's 32)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="store_true", help="log every step")
    p.set_defaults(func=cmd_backfill)

    p = sub.add_parser("cluster", help="Airflow with CeleryExecutor: PostgreSQL, Redis, "
                       "N workers (docs/scale-out.md)")
    p.add_argument("action", choices=["up", "down", "status", "env", "worker"],
                   help="env: print the settings another machine needs to join; worker: run "
                   "one Celery worker of that cluster here, in the foreground")
    p.add_argument("--workers", type=int, default=2, help="Celery workers (up; default 2)")
    p.add_argument("--archive", help="default archive of the DAGs (up)")
    p.add_argument("--paused", action="store_true",
                   help="up: DAGs paused at creation (no scheduled nightly run; a triggered "
                   "backfill unpauses its DAG)")
    p.add_argument("--json", action="store_true", help="status as JSON")
    p.add_argument("--env-file", help="worker: the saved output of `wirehouse cluster env`")
    p.add_argument("--name", default="worker",
                   help="worker: Celery node name NAME@this machine (default worker)")
    p.add_argument("--hostname", help="worker: the name recorded for its tasks, where the "
                   "api-server fetches their logs (default this machine's name)")
    p.add_argument("--queues", help="worker: queues to serve (default: the default queue; "
                   "add the warehouse queue only where the DuckDB file is)")
    p.add_argument("--log-port", type=int, help="worker: task-log server port (default "
                   "WIREHOUSE_LOG_PORT, 8793)")
    p.add_argument("--bind-host", help="worker: address its log server binds (this "
                   "machine's, reachable by the api-server)")
    p.add_argument("--concurrency", type=int, default=1,
                   help="worker: task processes (one spaCy model each; default 1)")
    p.set_defaults(func=cmd_cluster)

    sub.add_parser("rebuild", help="rebuild every mart from the raw tables (full refresh), "
                   "then publish").set_defaults(func=cmd_rebuild)

    p = sub.add_parser("docs", help="generate the dbt docs and serve them")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--no-serve", action="store_true", help="generate only")
    p.set_defaults(func=cmd_docs)

    sub.add_parser("summary", help="print counts, top actors and pairs from the published marts"
                   ).set_defaults(func=cmd_summary)

    p = sub.add_parser("predict", help="run the pipeline over a gold file, write predictions")
    p.add_argument("--gold", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--home", help="scratch WIREHOUSE_HOME (default: a temporary directory)")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("eval", help="predict, then score with the reference scorer")
    p.add_argument("task", choices=["quotes", "statements", "actors", "relations", "events"])
    p.add_argument("--gold", required=True)
    p.add_argument("--scorer", help="path of score.py (default: score.py beside the gold file)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="benchmark against plain spaCy (see docs/benchmarks.md)")
    p.add_argument("--archive", help="default: ../shared/archive/reuters-1987, else data/sample")
    p.add_argument("--limit", type=int, default=800,
                   help="the first N files by path (0: all; default 800)")
    p.add_argument("--json", help="write the figures to this JSON file")
    p.add_argument("--n-process", type=int, default=2, help="spaCy processes (default 2)")
    p.add_argument("--batch-size", type=int, help="docs per spaCy batch / worker task")
    p.add_argument("--chunk-size", type=int, help="articles per staged chunk (default: the DAG's)")
    p.add_argument("--no-baseline", action="store_true", help="skip (a), plain spaCy")
    p.add_argument("--cluster", action="store_true",
                   help="the same bulk backfill on a Celery cluster of 1 and of 2 workers "
                   "(PostgreSQL + Redis on loopback; docs/scale-out.md)")
    p.add_argument("--backfill", action="store_true",
                   help="(a) plain spaCy vs (b) extraction vs (d) wirehouse backfill end to end")
    p.add_argument("--scale", action="store_true",
                   help="time one nightly run on a small and on a large warehouse instead")
    p.add_argument("--scale-small", type=int, default=10_000, help="articles (default 10000)")
    p.add_argument("--scale-large", type=int, default=200_000, help="articles (default 200000)")
    p.add_argument("--scale-keep", help="folder to keep each scale warehouse as it was before "
                   "its night (to replay and profile the night)")
    p.set_defaults(func=cmd_bench)
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
