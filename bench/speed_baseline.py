"""The baseline for ``bench/speed.py``: sentence-transformers on PyTorch fp32, same MiniLM.

Runs in the benchmark venv only (torch is never installed in the project's environment):

    .cache/bench-venv/bin/python bench/speed_baseline.py --model DIR --texts FILE.json

``FILE.json`` maps a workload name to a list of texts. For each workload the script embeds
the texts (batch 32, max 256 word pieces, mean pooling, normalised) a few times and prints one
JSON object: workload -> {"texts_per_s": median, "runs": [...]}, plus the thread count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--texts", required=True, type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import torch  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    torch.set_num_threads(args.threads)
    model = SentenceTransformer(args.model, device="cpu")
    model.max_seq_length = 256
    workloads: dict[str, list[str]] = json.loads(args.texts.read_text(encoding="utf-8"))
    report: dict[str, object] = {"threads": args.threads, "torch": torch.__version__}
    for name, texts in workloads.items():
        model.encode(texts[:4], batch_size=32, normalize_embeddings=True)
        runs = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            model.encode(texts, batch_size=32, normalize_embeddings=True)
            runs.append(len(texts) / (time.perf_counter() - started))
        report[name] = {"texts_per_s": statistics.median(runs), "runs": runs}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
