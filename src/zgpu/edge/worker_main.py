"""Standalone cloud worker process: ``python -m zgpu.edge.worker_main --nats URL --runner M:F``.

``--runner`` names a zero-argument callable (usually a class) returning a
:class:`~zgpu.edge.runner.TaskRunner`, as ``package.module:attribute``. The process prints
``ready <worker_id>`` on stdout once it is subscribed, drains on SIGTERM or SIGINT (finishing
requests in flight), and exits 0; it exits 2 on bad arguments and 1 if the fabric is unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import signal
import sys
from collections.abc import Sequence
from typing import cast

from zgpu.edge.errors import FabricError
from zgpu.edge.runner import TaskRunner
from zgpu.edge.worker import Worker

log = logging.getLogger(__name__)


def load_runner(spec: str) -> TaskRunner:
    """Import ``module:attribute`` and call it to build a runner.

    Raises:
        ValueError: ``spec`` is not ``module:attribute``, or the attribute is missing.
        ImportError: the module cannot be imported.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"runner must be module:attribute, got {spec!r}")
    factory = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(factory):
        raise ValueError(f"{spec!r} is not a callable in {module_name}")
    return cast(TaskRunner, factory())


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m zgpu.edge.worker_main", description=__doc__)
    parser.add_argument("--nats", required=True, help="NATS URL(s), comma-separated")
    parser.add_argument("--runner", required=True, help="module:factory returning a TaskRunner")
    parser.add_argument("--worker-id", default=None)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


async def _serve(worker: Worker) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, worker.request_stop)
    await worker.start()
    print(f"ready {worker.worker_id}", flush=True)
    await worker.run_until_stopped()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one worker until SIGTERM/SIGINT; returns the process exit status."""
    args = _parse(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr)
    try:
        runner = load_runner(args.runner)
        worker = Worker(args.nats, runner, worker_id=args.worker_id, concurrency=args.concurrency)
    except (ValueError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(worker))
    except FabricError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
