"""The runtime's speed knobs, each variant interleaved with the shipped setting in one process.

Usage: python bench/runtime_knobs.py [--model-dir DIR] [--rounds 3]

- ``cpu_slots``: IAB throughput of ``bench/data/paragraph_250.txt`` at 32 concurrent callers
  through ``Runtime.run`` with 1, 2 (shipped) and 16 threads for the static stage;
- keyphrase candidates: the static stage's embedding of every development page's candidates
  with their word-piece ids from the word cache (shipped) against tokenizing them;
- the summary's lead window: cold-cache summary time of ``bench/data/article_630.txt`` with 3
  (shipped) and 4 sentences embedded by the int8 encoder.

Each round runs every variant once, in turn; the table shows the median over rounds. Compare
within a row; the machine may be shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from speed import IAB, _variant, throughput  # noqa: E402
from zgpu.nlm.registry import ModelRegistry  # noqa: E402
from zgpu.nlm.runtime import Runtime, RuntimeConfig  # noqa: E402
from zgpu.nlm.tasks.keywords import candidate_phrases  # noqa: E402
from zgpu.nlm.tasks.summarize import DEFAULT_CONFIG, summarize  # noqa: E402

DATA = HERE / "data"
SLOTS = (1, 2, 16)
WINDOWS = (3, 4)


def slots_rates(config: RuntimeConfig, registry: ModelRegistry, runtime: Runtime) -> list[float]:
    """IAB req/s at 32 callers for each of ``SLOTS`` (runtimes sharing the loaded stages)."""
    paragraph = (DATA / "paragraph_250.txt").read_text(encoding="utf-8")
    rates = []
    for slots in SLOTS:
        variant = runtime.with_config(replace(config, cpu_slots=slots))

        async def call(i: int, rt: Runtime = variant) -> object:
            return await rt.run(IAB, _variant(paragraph, i), None)

        rate, _ = asyncio.run(throughput(call, 320))
        rates.append(rate)
    return rates


def candidate_ms(runtime: Runtime, pages: list[list[str]]) -> list[float]:
    """Milliseconds per page to embed its candidates: word cache (shipped), then tokenizer."""
    static = runtime.static_encoder
    tokenizer = Tokenizer.from_file(str(runtime.encoder_artifact.tokenizer_path))
    started = time.perf_counter()
    for candidates in pages:
        static.embed(candidates)
    cached = 1000 * (time.perf_counter() - started) / len(pages)
    started = time.perf_counter()
    for candidates in pages:
        tokenizer.encode_batch(candidates, add_special_tokens=False)
    tokenized = 1000 * (time.perf_counter() - started) / len(pages)
    return [cached, tokenized]


def window_ms(runtime: Runtime, round_: int) -> list[float]:
    """Median cold-cache summary milliseconds for each of ``WINDOWS`` (10 articles each)."""
    article = (DATA / "article_630.txt").read_text(encoding="utf-8")
    medians = []
    for window in WINDOWS:
        config = replace(DEFAULT_CONFIG, lead_window=window)
        times = []
        for i in range(10):
            runtime.full_encoder.clear()
            started = time.perf_counter()
            summarize(
                _variant(article, 100 * round_ + i),
                runtime.full_encoder,
                None,
                config,
                fast_encoder=runtime.static_encoder,
            )
            times.append(1000 * (time.perf_counter() - started))
        medians.append(statistics.median(times))
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get("ZGPU_MODEL_DIR",
                        str(HERE.parent / "data" / "models"))))  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    console = Console()
    console.print(f"[dim]{time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · "
                  f"{os.cpu_count()} cores · loadavg {os.getloadavg()}[/dim]")  # fmt: skip
    config = RuntimeConfig(model_dir=args.model_dir)
    registry = ModelRegistry()
    runtime = Runtime.load(config, registry)
    lines = (DATA / "iab_dev.jsonl").read_text(encoding="utf-8").splitlines()
    pages = [candidate_phrases(json.loads(line)["text"]) for line in lines]
    rows: dict[str, list[list[float]]] = {"slots": [], "candidates": [], "window": []}
    measures: dict[str, Callable[[int], list[float]]] = {
        "slots": lambda _: slots_rates(config, registry, runtime),
        "candidates": lambda _: candidate_ms(runtime, pages),
        "window": lambda r: window_ms(runtime, r),
    }
    try:
        for round_ in range(args.rounds):
            for name, measure in measures.items():
                rows[name].append(measure(round_))
    finally:
        runtime.close()
    table = Table(title=f"Runtime knobs, median of {args.rounds} interleaved rounds")
    for column in ("knob", "shipped", "variants"):
        table.add_column(column)

    def medians(name: str) -> list[float]:
        return [statistics.median(r[i] for r in rows[name]) for i in range(len(rows[name][0]))]

    slots, candidates, windows = medians("slots"), medians("candidates"), medians("window")
    table.add_row("cpu_slots, IAB req/s @32", f"2: {slots[1]:.0f}",
                  f"1: {slots[0]:.0f} · 16: {slots[2]:.0f}")  # fmt: skip
    table.add_row("candidates, ms per dev page", f"word cache: {candidates[0]:.2f}",
                  f"tokenizing alone: {candidates[1]:.2f}")  # fmt: skip
    table.add_row("summary lead window, cold ms", f"3: {windows[0]:.1f}",
                  f"4: {windows[1]:.1f}")  # fmt: skip
    console.print(table)
    console.print(
        f"SUMMARY: cpu_slots 2 {slots[1]:.0f} req/s vs 16 {slots[2]:.0f}; candidates "
        f"{candidates[0]:.2f} ms/page embedded from the word cache vs {candidates[1]:.2f} ms "
        f"to tokenize them; summary window 3 {windows[0]:.1f} ms vs 4 {windows[1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
