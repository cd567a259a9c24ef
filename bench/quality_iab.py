"""IAB classification quality: exact-category and tier-1 accuracy, calibration, intent.

Usage: python bench/quality_iab.py [--fit] [--limit N] [--threads 2]

- ``bench/data/iab_dev.jsonl``: one publisher page per Content 3.1 category (every tier-1 and
  tier-2, 181 tier-3). Top-1 and top-5 exact-category accuracy and tier-1 accuracy, overall
  and per tier, plus a "bench-weighted" figure that weights tiers as the taxonomy does (37 /
  323 / 344 pages at tiers 1 / 2 / 3-4), the shape of IAB's one-page-per-category benchmark.
- BBC News (``$ZGPU_EVAL_DIR/topics/bbc_news_dev.jsonl``, never copied here): tier-1 accuracy
  of the top 3.1 category under the mapping ``BBC_TO_IAB``; "of 5" only compares the five
  mapped tier-1 subtrees.
- Search intent (``$ZGPU_EVAL_DIR/intent/search_intent_dev_90.csv``): accuracy per class.
- Calibration: a reliability table of the calibrated probabilities; ``--fit`` refits them.

Every table has the baseline in the same run: IAB Tech Lab's reference method ("name + tier
path" label per category, nearest by cosine) on our int8 encoder. The encoder is built (or
found) in ``$ZGPU_MODEL_DIR`` (default ``.cache/test-artifacts``).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from zgpu.nlm.artifacts import ArtifactStore, sha256_bytes
from zgpu.nlm.build import build_encoder
from zgpu.nlm.encoder import Encoder
from zgpu.nlm.iab import Taxonomies, load_taxonomies
from zgpu.nlm.tasks.iab_calibration import calibration_features, fit_calibration
from zgpu.nlm.tasks.iab_classify import IabClassifier, iab_label_texts
from zgpu.nlm.tasks.iab_hierarchy import FLAT
from zgpu.nlm.tasks.iab_labels import build_label_index, content_label
from zgpu.nlm.tasks.intent import PROTOTYPES, choose_intent

ROOT = Path(__file__).resolve().parent.parent
DEV_FILE = ROOT / "bench" / "data" / "iab_dev.jsonl"
DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "eval"
DEFAULT_MODELS = ROOT / ".cache" / "test-artifacts"
BBC_TO_IAB = {
    "business": "52",  # Business and Finance
    "entertainment": "JLBCU7",  # Entertainment
    "politics": "386",  # Politics (3.1 has no "News and Politics")
    "sport": "483",  # Sports
    "tech": "596",  # Technology & Computing
}
TAXONOMY_PAGES = {1: 37, 2: 323, 3: 275 + 69}  # tier-4 pages weighted as tier-3 ones
BAR_TOP1, BAR_TOP5 = 75.0, 94.5
LABEL_BATCH = 64

Vector = NDArray[np.float32]
Ranker = Callable[[Vector], list[str]]


@dataclass(frozen=True)
class Page:
    """A labelled page: its 3.1 id, tier and tier-1 id."""

    uid: str
    tier: int
    tier1: str
    text: str


def load_dev(limit: int | None) -> list[Page]:
    """The development pages."""
    pages = []
    for line in DEV_FILE.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        pages.append(
            Page(item["id"].removeprefix("iab31-"), item["tier"], item["tier1_id"], item["text"])
        )
    return pages[:limit]


def classifier_for(store: ArtifactStore, encoder: Encoder, sha: str) -> IabClassifier:
    """The shipped classifier, with label embeddings cached as the runtime caches them."""
    taxonomies = load_taxonomies()
    labels = iab_label_texts(taxonomies)
    key = "iab-labels/" + sha256_bytes((sha + "\n" + "\n".join(labels)).encode("utf-8"))

    def embed_labels() -> NDArray[np.float32]:
        parts = [encoder.embed(labels[i : i + LABEL_BATCH]) for i in range(0, len(labels), 64)]
        return np.concatenate(parts)

    return IabClassifier.build(taxonomies, encoder, store.cached_array(key, embed_labels))


def baseline_ranker(taxonomies: Taxonomies, encoder: Encoder) -> Ranker:
    """IAB's reference method: the nearest "tier path" label by cosine."""
    categories = list(taxonomies.content_3_1)
    labels = encoder.embed([content_label(c) for c in categories])

    def rank(document: Vector) -> list[str]:
        order = np.argsort(-(labels @ document), kind="stable")[:5]
        return [categories[i].unique_id for i in order]

    return rank


def ours_ranker(classifier: IabClassifier) -> Ranker:
    """The classifier's five best 3.1 categories."""

    def rank(document: Vector) -> list[str]:
        return [r.category.unique_id for r in classifier.rank_content_3_1(document, 5)]

    return rank


def tier1_of(taxonomies: Taxonomies, uid: str) -> str:
    """The tier-1 ancestor's id of a 3.1 category."""
    return taxonomies.content_3_1.lineage(uid)[-1].unique_id


def dev_row(
    name: str, pages: Sequence[Page], docs: Sequence[Vector], rank: Ranker, tax: Taxonomies
) -> tuple[list[str], float, float]:
    """One table row of dev metrics; also returns (top-1, top-5) bench-weighted."""
    hits1, hits5, hits_t1 = [], [], []
    for page, doc in zip(pages, docs, strict=True):
        ranked = rank(doc)
        hits1.append(ranked[0] == page.uid)
        hits5.append(page.uid in ranked)
        hits_t1.append(tier1_of(tax, ranked[0]) == page.tier1)
    tiers = np.array([min(p.tier, 3) for p in pages])
    h1, h5, ht = (np.array(h, dtype=float) for h in (hits1, hits5, hits_t1))
    weights = np.array([TAXONOMY_PAGES[t] / max(1, int((tiers == t).sum())) for t in tiers])
    weights /= weights.sum()
    w1, w5 = 100 * float(weights @ h1), 100 * float(weights @ h5)
    cells = [name, f"{100 * h1.mean():.1f}", f"{100 * h5.mean():.1f}", f"{100 * ht.mean():.1f}"]
    for tier in (1, 2, 3):
        mask = tiers == tier
        cells.append(
            f"{100 * h1[mask].mean():.0f} / {100 * h5[mask].mean():.0f} / "
            f"{100 * ht[mask].mean():.0f}"
            if mask.any()
            else "-"
        )
    cells += [f"{w1:.1f}", f"{w5:.1f}"]
    return cells, w1, w5


def reliability(
    classifier: IabClassifier, pages: Sequence[Page], docs: Sequence[Vector], fit: bool
) -> tuple[Table, str]:
    """Reliability table of the calibrated probabilities over each page's 10 best candidates."""
    features: list[list[float]] = []
    correct: list[bool] = []
    probabilities: list[float] = []
    leader: list[bool] = []
    lengths: Counter[int] = Counter()
    config = classifier.config
    for page, doc in zip(pages, docs, strict=True):
        ranked = classifier.rank_content_3_1(doc, 10_000)
        scores = np.array([r.score for r in ranked], dtype=np.float32)
        feats = calibration_features(scores)[:10]
        features.extend(feats.tolist())
        correct.extend(r.category.unique_id == page.uid for r in ranked[:10])
        probabilities.extend(r.probability for r in ranked[:10])
        leader.extend([True] + [False] * 9)
        listed = 1 + sum(r.probability >= config.threshold for r in ranked[1 : config.max_entries])
        lengths[listed] += 1
    note = f"shipped: {config.calibration}"
    if fit:
        fitted = fit_calibration(np.array(features), np.array(correct))
        note += f"\nrefit on this data: {fitted}"
    p, y, first = np.array(probabilities), np.asarray(correct, dtype=np.float64), np.array(leader)
    table = Table(title="Calibration (Content 3.1, 10 best candidates per dev page)")
    for column in ("probability", "candidates", "mean p", "observed", "of them top-1"):
        table.add_column(column, justify="right")
    edges = [0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0001]
    ece = 0.0
    for low, high in itertools.pairwise(edges):
        mask = (p >= low) & (p < high)
        if not mask.any():
            continue
        ece += abs(p[mask].mean() - y[mask].mean()) * mask.sum() / len(p)
        table.add_row(
            f"{low:.2f}-{min(high, 1.0):.2f}",
            str(int(mask.sum())),
            f"{p[mask].mean():.3f}",
            f"{y[mask].mean():.3f}",
            str(int((mask & first).sum())),
        )
    spread = ", ".join(f"{n}: {lengths[n]}" for n in sorted(lengths))
    note += f"\nexpected calibration error {ece:.4f}; iab_3_1 list lengths {{{spread}}}"
    return table, note


def load_bbc(eval_dir: Path, limit: int | None) -> list[tuple[str, str]]:
    """(label, title + text) of the BBC set."""
    path = eval_dir / "topics" / "bbc_news_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [(r["label"], r["text"]) for r in rows][:limit]


def bbc_row(
    name: str,
    items: Sequence[tuple[str, str]],
    docs: Sequence[Vector],
    rank: Ranker,
    tax: Taxonomies,
) -> list[str]:
    """Strict tier-1 accuracy, per label; tier-1 of 5 needs the full ranking (ours only)."""
    hits: dict[str, list[bool]] = {label: [] for label in BBC_TO_IAB}
    for (label, _), doc in zip(items, docs, strict=True):
        hits[label].append(tier1_of(tax, rank(doc)[0]) == BBC_TO_IAB[label])
    every = [h for values in hits.values() for h in values]
    return [name, f"{100 * np.mean(every):.1f}"] + [
        f"{100 * np.mean(hits[label]):.1f}" for label in BBC_TO_IAB
    ]


def bbc_of_five(
    classifier: IabClassifier, items: Sequence[tuple[str, str]], docs: Sequence[Vector]
) -> float:
    """Tier-1 accuracy when only the five mapped tier-1 subtrees compete."""
    tax = load_taxonomies()
    targets = set(BBC_TO_IAB.values())
    hits = []
    for (label, _), doc in zip(items, docs, strict=True):
        ranked = classifier.rank_content_3_1(doc, 10_000)
        best = next(r for r in ranked if tier1_of(tax, r.category.unique_id) in targets)
        hits.append(tier1_of(tax, best.category.unique_id) == BBC_TO_IAB[label])
    return 100 * float(np.mean(hits))


def intent_table(classifier: IabClassifier, encoder: Encoder, eval_dir: Path) -> tuple[Table, str]:
    """Intent accuracy per class: prototypes alone, and prototypes with surface cues."""
    path = eval_dir / "intent" / "search_intent_dev_90.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [(r["query"], r["intent"].lower()) for r in csv.DictReader(handle)]
    index = build_label_index(load_taxonomies())
    prototypes = classifier.label_embeddings[list(index.intents)]
    docs = encoder.embed([query for query, _ in rows])
    plain: dict[str, list[bool]] = {}
    cued: dict[str, list[bool]] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    for (query, gold), doc in zip(rows, docs, strict=True):
        alone = PROTOTYPES[int(np.argmax(prototypes @ doc))].category.value
        chosen = choose_intent(query, prototypes @ doc)[0].category.value
        plain.setdefault(gold, []).append(alone == gold)
        cued.setdefault(gold, []).append(chosen == gold)
        confusion[gold, chosen] += 1
    table = Table(title="Search intent (90 queries; no 'commercial' label in this set)")
    table.add_column("method")
    classes = sorted(plain)
    for name in ["all", *classes]:
        table.add_column(name, justify="right")

    def cells(hits: dict[str, list[bool]]) -> list[str]:
        every = [h for values in hits.values() for h in values]
        return [f"{100 * np.mean(every):.1f}"] + [f"{100 * np.mean(hits[c]):.1f}" for c in classes]

    table.add_row("prototypes only", *cells(plain))
    table.add_row("prototypes + cues (shipped)", *cells(cued))
    mistakes = ", ".join(f"{g}→{p}: {n}" for (g, p), n in confusion.most_common() if g != p)
    accuracy = 100 * np.mean([h for values in cued.values() for h in values])
    return table, f"confusions: {mistakes}|{accuracy:.1f}"


def main() -> None:
    """Run every measurement and print the tables and a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="refit the calibration and print it")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N items")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    eval_dir = Path(os.environ.get("ZGPU_EVAL_DIR", DEFAULT_EVAL))
    store = ArtifactStore(Path(os.environ.get("ZGPU_MODEL_DIR", DEFAULT_MODELS)))
    artifact = build_encoder(store)
    encoder = Encoder.load(artifact, threads=args.threads)
    started = time.perf_counter()
    shipped = classifier_for(store, encoder, artifact.onnx_sha256)
    one_chunk = shipped.with_config(replace(shipped.config, chunks=1))
    flat = shipped.with_config(replace(shipped.config, hierarchy=FLAT))
    taxonomies = load_taxonomies()
    baseline = baseline_ranker(taxonomies, encoder)

    pages = load_dev(args.limit)
    docs = [shipped.embed_document(shipped.prepare(p.text)) for p in pages]
    first = [one_chunk.embed_document(one_chunk.prepare(p.text)) for p in pages]
    table = Table(title=f"Content 3.1 dev set ({len(pages)} pages)")
    for column in ("labels", "top-1", "top-5", "tier-1"):
        table.add_column(column, justify="right" if column != "labels" else "left")
    for tier in (1, 2, 3):
        table.add_column(f"tier {tier}: t1/t5/tier1", justify="right")
    table.add_column("bench-wtd top-1", justify="right")
    table.add_column("bench-wtd top-5", justify="right")
    rows = [
        ("baseline: name + tier path", first, baseline),
        ("descriptions, flat", docs, ours_ranker(flat)),
        ("descriptions + hierarchy (shipped)", docs, ours_ranker(shipped)),
    ]
    weighted: dict[str, tuple[float, float]] = {}
    results: dict[str, list[str]] = {}
    for name, vectors, rank in rows:
        cells, w1, w5 = dev_row(name, pages, vectors, rank, taxonomies)
        table.add_row(*cells)
        weighted[name], results[name] = (w1, w5), cells
    console.print(table)

    calibration, note = reliability(shipped, pages, docs, args.fit)
    console.print(calibration)
    console.print(note)

    items = load_bbc(eval_dir, args.limit)
    bbc_first = [one_chunk.embed_document(one_chunk.prepare(text)) for _, text in items]
    bbc_two = [shipped.embed_document(shipped.prepare(text)) for _, text in items]
    bbc = Table(title=f"BBC News tier-1 accuracy ({len(items)} articles; {BBC_TO_IAB})")
    for column in ("method", "all", *BBC_TO_IAB, "of 5"):
        bbc.add_column(column, justify="right" if column != "method" else "left")
    bbc.add_row(*bbc_row("baseline: name + tier path", items, bbc_first, baseline, taxonomies), "-")
    bbc.add_row(
        *bbc_row("shipped, first 256 tokens", items, bbc_first, ours_ranker(one_chunk), taxonomies),
        f"{bbc_of_five(one_chunk, items, bbc_first):.1f}",
    )
    bbc_ours = bbc_row(
        "shipped, 2 chunks (400 tokens)", items, bbc_two, ours_ranker(shipped), taxonomies
    )
    bbc.add_row(*bbc_ours, f"{bbc_of_five(shipped, items, bbc_two):.1f}")
    console.print(bbc)

    intents, intent_note = intent_table(shipped, encoder, eval_dir)
    console.print(intents)
    mistakes, intent_accuracy = intent_note.rsplit("|", 1)
    console.print(mistakes)

    for page in pages[:: max(1, len(pages) // 4)][:4]:
        result = shipped.classify(page.text)
        console.print(
            f"[bold]{page.uid}[/bold] {result['content']['iab_3_1'][0]['name']} | topics: "
            f"{[t['name'] for t in result['topics']]} | keywords: {result['keywords']}"
        )
    ours = results["descriptions + hierarchy (shipped)"]
    base = results["baseline: name + tier path"]
    console.print(
        f"{time.strftime('%Y-%m-%d')} {platform.node()} "
        f"{platform.processor() or platform.machine()}"
        f" | {time.perf_counter() - started:.0f} s"
    )
    console.print(
        f"IAB 3.1 dev: top-1 {ours[1]}% top-5 {ours[2]}% tier-1 {ours[3]}% "
        f"(baseline {base[1]} / {base[2]} / {base[3]}; bar {BAR_TOP1} / {BAR_TOP5}); "
        f"BBC tier-1 {bbc_ours[1]}%; intent {intent_accuracy}%"
    )


if __name__ == "__main__":
    main()
