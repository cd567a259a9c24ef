"""Task quality in one run: IAB accuracy tables, summary ROUGE tables, one summary line.

Usage: python bench/quality.py [--limit N] [--threads 2] [--skip-iab] [--skip-summary]

Runs ``bench/quality_iab.py`` (exact-category and tier-1 accuracy against the IAB reference
method, BBC topics, intent, calibration) and ``bench/quality_summary.py`` (ROUGE-1/2/Lsum of
our summaries with Lead-3 in the same run, CNN/DailyMail tuning and held-out parts, BBC) by
calling their own code, then prints one line with both headlines and whether the summary
target is met. Data and model locations are those of the two scripts (``$ZGPU_EVAL_DIR``,
``$ZGPU_SUMMARY_EVAL_DIR``, ``$ZGPU_MODEL_DIR``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from pathlib import Path
from typing import TextIO

from rich.console import Console

import quality_iab
import quality_summary

IAB_HEADLINE = "IAB 3.1 dev:"


class _Recorder:
    """A text stream that writes through to ``target`` and keeps what was written."""

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return False


def run_iab(limit: int | None, threads: int) -> str:
    """Run ``quality_iab.main`` (its tables go to stdout) and return its headline.

    ``quality_iab`` reads its options from the command line and prints its headline last, so
    it runs with an argument list built here and its output is recorded on the way through.
    Returns "IAB: no headline" if the headline is missing; raises what the script raises.
    """
    argv = [sys.argv[0], "--threads", str(threads)]
    if limit is not None:
        argv += ["--limit", str(limit)]
    recorder = _Recorder(sys.stdout)
    saved = sys.argv
    try:
        sys.argv = argv
        with contextlib.redirect_stdout(recorder):
            quality_iab.main()
    finally:
        sys.argv = saved
    output = "".join(recorder.parts)
    at = output.rfind(IAB_HEADLINE)
    return " ".join(output[at:].split()) if at >= 0 else "IAB: no headline"


def main() -> None:
    """Print the IAB and summary tables, then one summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    default_data = os.environ.get("ZGPU_SUMMARY_EVAL_DIR", str(quality_summary.DEFAULT_DATA))
    parser.add_argument("--data", type=Path, default=Path(default_data), help="summary sets")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="items per set (smoke runs)")
    parser.add_argument("--skip-iab", action="store_true")
    parser.add_argument("--skip-summary", action="store_true")
    args = parser.parse_args()

    console = Console()
    started = time.perf_counter()
    console.print(
        f"[dim]{time.strftime('%Y-%m-%d')} · {platform.processor() or platform.machine()}"
        f" · {os.cpu_count()} cores · {args.threads} threads[/dim]"
    )
    parts: list[str] = []
    if not args.skip_iab:
        parts.append(run_iab(args.limit, args.threads))
    if not args.skip_summary:
        encoder, static = quality_summary.load_encoders(args.threads)
        results = quality_summary.measure(
            args.data, encoder, console, args.limit, fast_encoder=static
        )
        parts.append(quality_summary.summary_line(results)[0])
    parts.append(f"{time.perf_counter() - started:.0f} s")
    console.print("quality: " + " | ".join(parts), soft_wrap=True)


if __name__ == "__main__":
    main()
