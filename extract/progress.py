"""A dependency-free progress bar: done / total, rate and time left, on one line.

On a terminal the line is redrawn in place (at most 5 times a second); in a log file or a
pipe it prints a full line every 10 % or every 30 s, so CI logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class Progress:
    def __init__(
        self, total: int, label: str = "articles", *, stream: TextIO | None = None,
        width: int = 30, enabled: bool = True,
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_decile = -1
        self._last_done = -1
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        fraction = self.done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        bar = "#" * filled + "." * (self.width - filled)
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        eta = _duration(left) if left == left else "?"  # NaN check
        return (
            f"[{bar}] {self.done:,}/{self.total:,} {self.label} {fraction:6.1%} "
            f"{rate:,.1f}/s elapsed {_duration(elapsed)} left {eta}"
        )

    def update(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total) if self.total else self.done + n
        self._draw()

    def _draw(self, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self._tty:
            if final or now - self._last_draw >= 0.2:
                self.stream.write("\r" + self.line() + ("\n" if final else ""))
                self.stream.flush()
                self._last_draw = now
            return
        decile = int(10 * self.done / self.total) if self.total else 10
        if final and self.done == self._last_done:
            return
        if final or decile > self._last_decile or now - self._last_draw >= 30:
            self._last_done = self.done
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self._last_draw = now
            self._last_decile = decile

    def close(self) -> None:
        self._draw(final=True)
