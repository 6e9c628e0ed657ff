"""The backfills' progress bars (local and on the cluster), drawn by ``rich.progress``.

Each bar shows done / total, percent, rate, time elapsed and time left. On a terminal rich
redraws them in place; in a log file or a pipe rich would print only the end, so a line is
printed at every 10 % of a bar as well, and CI logs stay short but still show progress.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _Rate(ProgressColumn):
    """Items per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:,.1f}/s")


class Bars(Progress):
    """rich's ``Progress`` with Wirehouse's columns; a task's ``note`` field is shown last."""

    def __init__(self, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        super().__init__(
            TextColumn("[bold]{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
            TaskProgressColumn(), _Rate(), TimeElapsedColumn(), TextColumn("left"),
            TimeRemainingColumn(), TextColumn("{task.fields[note]}"),
            console=Console(file=stream or sys.stderr), disable=not enabled,
        )
        if not self.console.is_terminal:
            self.console.width = 160  # a log line is not cut to 80 columns
        self._logged: dict[TaskID, int] = {}

    def add_task(self, description: str, *args: Any, note: str = "", **kwargs: Any) -> TaskID:
        return super().add_task(description, *args, note=note, **kwargs)

    def update(self, task_id: TaskID, **kwargs: Any) -> None:  # type: ignore[override]
        super().update(task_id, **kwargs)
        self._log_line(task_id)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._log_line(task_id)

    def _log_line(self, task_id: TaskID) -> None:
        if self.disable or self.console.is_terminal:
            return
        task = self._tasks[task_id]
        decile = int(10 * task.completed / task.total) if task.total else 0
        # 1..9 only: rich prints the final state itself when the bars stop.
        if self._logged.get(task_id, 0) < decile < 10:
            self._logged[task_id] = decile
            self.console.print(self.make_tasks_table([task]))
