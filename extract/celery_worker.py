"""The cluster's Celery settings: Airflow's own, plus the spaCy model loaded once per worker.

In Airflow 3 a Celery worker runs each task instance in a process forked from its pool
process (``airflow.sdk.execution_time.supervisor``: a bare ``os.fork`` on Linux). Loaded in
the task, the model costs every chunk the spaCy import, the model load and the first doc's
lazy dictionaries (about 2 s on a quiet core, more under load). Loaded here, in the worker's
main process while Celery imports its modules (before it forks its pool), every task process
inherits the warm pipeline copy-on-write and ``load_pipeline``'s cache answers at once.

``cluster_environ`` points ``[celery] celery_config_options`` here; the scheduler imports
this module too, where the signal never fires. ``WIREHOUSE_PRELOAD_MODEL=0`` turns the
preload off (to measure what it saves).
"""

from __future__ import annotations

import os
import sys
import time

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG
from celery.signals import import_modules

PRELOAD_ENV = "WIREHOUSE_PRELOAD_MODEL"
# A few sentences that reach every pipe and every lazily read dictionary (actors, roles,
# event cues, tone), so the first real chunk pays none of it.
WARM_UP = (
    'Chancellor Angela Merkel met President Vladimir Putin in Berlin on Monday. "We will '
    'not accept sanctions," Putin said, and Germany accused Russia of threatening Ukraine.'
)

# Airflow's configuration, unchanged: the same object, so Airflow adds nothing on top of it.
CELERY_CONFIG = DEFAULT_CELERY_CONFIG


def preload_enabled() -> bool:
    return os.environ.get(PRELOAD_ENV, "1").strip().lower() not in ("0", "false", "no", "")


def preload() -> float:
    """Load (and warm) the pipeline the extract tasks use; the seconds it took."""
    from extract.config import settings
    from extract.nlp import annotate_batches, load_pipeline

    started = time.perf_counter()
    # The very call extract_chunks makes, so the task's lru_cache lookup hits.
    nlp = load_pipeline(settings().model)
    for _ in annotate_batches([[(WARM_UP, "warm-up")]], nlp):
        pass
    import extract.runs  # noqa: F401  (the task's own imports: pyarrow, staging)
    import extract.staging  # noqa: F401

    return time.perf_counter() - started


@import_modules.connect
def _preload_model(*args, **kwargs) -> None:
    # Connected before Airflow's own handler (which gc.freeze()s what is loaded by then):
    # this module is imported while Airflow builds its Celery app, above that handler.
    if not preload_enabled():
        return
    seconds = preload()
    # Celery sets up its loggers only after this signal: print, into the worker's log.
    print(f"wirehouse: spaCy pipeline preloaded in {seconds:.1f}s for forked task processes",
          file=sys.stderr, flush=True)
