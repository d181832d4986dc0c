"""The scale profile, chosen by configuration: which executor runs the steps, and the instance it needs.

`SENTRA_CELERY_BROKER` set: every job's steps go to Celery workers (Dagster's Celery executor), and a
`sentra run` step is a reconstructable run on the persistent instance rather than an in-process one.
Unset: Dagster's default executor, and `sentra run` executes in process (the embedded profile).
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import dagster as dg
import yaml

INSTANCE_YAML = Path(__file__).with_name("dagster.yaml")
CELERY_YAML = Path(__file__).with_name("celery.yaml")  # the executor's and the workers' settings
BROKER = "SENTRA_CELERY_BROKER"


def distributed() -> bool:
    """Whether steps run on Celery workers (the scale profile) rather than in this process."""
    return bool(os.environ.get(BROKER, "").strip())


def executor() -> dg.ExecutorDefinition | None:
    """The executor every job uses: Celery on the configured broker, or None for Dagster's default."""
    if not distributed():
        return None
    # Imported here, once, rather than by the first runs' threads at the same time.
    import celery.backends.redis  # noqa: F401
    import celery.contrib.testing.tasks  # noqa: F401
    import dagster_celery.core_execution_loop  # noqa: F401
    import kombu.transport.redis  # noqa: F401
    from celery.exceptions import DuplicateTaskNameWarning
    from dagster_celery import celery_executor

    # Runs started from one process each register Dagster's one task again (the same code); harmless.
    warnings.filterwarnings("ignore", category=DuplicateTaskNameWarning)
    config = yaml.safe_load(CELERY_YAML.read_text(encoding="utf-8"))["execution"]["config"]
    return celery_executor.configured(config)


def parallel_runs() -> int:
    """How many partition runs `sentra run` keeps going at once (1 in process; the workers' count at scale)."""
    default = "2" if distributed() else "1"
    value = os.environ.get("SENTRA_PARALLEL_RUNS", default).strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"SENTRA_PARALLEL_RUNS={value!r}: a whole number of runs, 1 or more")
    return int(value)


def write_instance_yaml(home: Path) -> Path:
    """Make `home` a scale-profile instance folder (its dagster.yaml reads the URLs from the environment)."""
    home.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(INSTANCE_YAML, home / "dagster.yaml"))
