"""Run a DAG on the cluster: trigger it, follow it in the metadata DB, wait for its end."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from dataclasses import dataclass

from extract.cluster import ClusterConfig, cluster_environ, query
from extract.config import Settings

FINISHED = ("success", "failed", "skipped", "upstream_failed", "removed")


@dataclass
class RunState:
    state: str | None
    tasks: dict[str, int]  # state -> task instances
    extract_total: int
    extract_done: int

    @property
    def total(self) -> int:
        return sum(self.tasks.values())

    @property
    def done(self) -> int:
        return sum(n for s, n in self.tasks.items() if s in FINISHED)


def trigger(settings: Settings, cfg: ClusterConfig, dag_id: str, conf: dict) -> str:
    """``airflow dags trigger`` against the cluster's metadata DB; return the run id."""
    from extract.airflow_env import airflow_bin

    run_id = f"wirehouse__{time.strftime('%Y%m%dT%H%M%S')}_{uuid.uuid4().hex[:6]}"
    env = cluster_environ(settings, cfg)
    subprocess.run([airflow_bin(), "dags", "unpause", dag_id], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    subprocess.run(
        [airflow_bin(), "dags", "trigger", dag_id, "--run-id", run_id, "--conf",
         json.dumps(conf)],
        env=env, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return run_id


def run_state(cfg: ClusterConfig, dag_id: str, run_id: str) -> RunState:
    runs = query(cfg, "select state from dag_run where dag_id = %s and run_id = %s",
                 [dag_id, run_id])
    rows = query(
        cfg,
        "select task_id, coalesce(state, 'none'), count(*) from task_instance "
        "where dag_id = %s and run_id = %s and map_index >= -1 group by task_id, state",
        [dag_id, run_id],
    )
    tasks: dict[str, int] = {}
    extract_total = extract_done = 0
    for task_id, state, n in rows:
        tasks[state] = tasks.get(state, 0) + n
        if task_id == "extract":
            extract_total += n
            extract_done += n if state in FINISHED else 0
    return RunState(runs[0][0] if runs else None, tasks, extract_total, extract_done)


def wait(
    cfg: ClusterConfig, dag_id: str, run_id: str, *, progress: bool = True,
    timeout: float | None = None, poll_s: float = 1.0,
) -> RunState:
    """Follow the run until it ends: a rich progress bar of its task instances."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    deadline = time.monotonic() + timeout if timeout else None
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[states]}"), TimeElapsedColumn(), disable=not progress,
    ) as bar:
        tasks_bar = bar.add_task("tasks", total=None, states="")
        extract_bar = bar.add_task("extract", total=None, states="")
        while True:
            state = run_state(cfg, dag_id, run_id)
            states = " ".join(f"{s}={n}" for s, n in sorted(state.tasks.items()))
            bar.update(tasks_bar, total=state.total or None, completed=state.done, states=states)
            bar.update(extract_bar, total=state.extract_total or None,
                       completed=state.extract_done, states="")
            if state.state in ("success", "failed"):
                return state
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{dag_id} {run_id} still {state.state} after {timeout}s")
            time.sleep(poll_s)
