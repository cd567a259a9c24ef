"""Summary quality: ROUGE-1/2/Lsum F1 of our extractive summaries, with Lead-3 in the same run.

Usage: python bench/quality_summary.py [--data DIR] [--threads 2] [--limit N]

Reads ``cnndm_dev_300.jsonl`` (idx, article, highlights) and ``bbc_news_summary_100.jsonl`` (id,
category, article, summary) from ``DIR`` (default ``../shared/data/eval/summarization``, or
``$ZGPU_SUMMARY_EVAL_DIR``); the data is never copied into the repository. The CNN/DailyMail set
is reported as its tuning part (the first ``TUNE_COUNT`` articles), its held-out part (the rest)
and all of it; the BBC set as a whole.

Scores are ``rouge-score`` F1 x 100 with stemming. For ROUGE-Lsum, candidate and reference put
one sentence per line. Lead-3 is the first three sentences of the same plain text and splitter
the summarizer uses. "Lead-3 (clean)" is the same after our news-boilerplate cleaning (bylines,
datelines): it shows how much of the gain comes from cleaning rather than from selection.

Summaries are made as the runtime makes them: the int8 encoder embeds each article's lead
window, the static stage every sentence for the redundancy check (``load_encoders``).

Importable: ``evaluate(encoder, articles, fast_encoder=...)`` scores any ``TextEncoder`` (for
example a faster encoder against the int8 MiniLM) and returns a ``SummaryScores``; ``measure``
runs every set and prints its tables, ``summary_line`` states the target (``bench/quality.py``
uses both).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rouge_score import rouge_scorer

from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.sentences import split_sentences
from zgpu.nlm.tasks.summarize import summarize
from zgpu.nlm.tasks.summary_cleanup import clean_sentences

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "eval" / "summarization"
CNNDM_FILE = "cnndm_dev_300.jsonl"
BBC_FILE = "bbc_news_summary_100.jsonl"
TUNE_COUNT = 200
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
TUNE, HELD_OUT, BBC = "CNN/DM dev, tuning part", "CNN/DM dev, held out", "BBC News Summary"

Summarizer = Callable[[str, TextEncoder], str]


@dataclass(frozen=True)
class Article:
    """An evaluation article and its reference summary, one sentence per line."""

    id: str
    text: str
    reference: str


@dataclass(frozen=True)
class Rouge:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-Lsum F1, times 100."""

    rouge1: float
    rouge2: float
    rouge_lsum: float

    def minus(self, other: Rouge) -> Rouge:
        """The difference ``self - other``, metric by metric."""
        return Rouge(
            self.rouge1 - other.rouge1,
            self.rouge2 - other.rouge2,
            self.rouge_lsum - other.rouge_lsum,
        )


TARGET = Rouge(1.0, 0.5, 0.5)
"""The issue's bar: how far above Lead-3 ours must be on held-out CNN/DailyMail articles."""


@dataclass(frozen=True)
class SummaryScores:
    """Ours, Lead-3 and Lead-3 on cleaned text over the same articles, plus lengths and time."""

    count: int
    ours: Rouge
    lead3: Rouge
    lead3_clean: Rouge
    ours_words: float
    reference_words: float
    ms_per_article: float


def _weighted(a: Rouge, b: Rouge, wa: int, wb: int) -> Rouge:
    return Rouge(
        (a.rouge1 * wa + b.rouge1 * wb) / (wa + wb),
        (a.rouge2 * wa + b.rouge2 * wb) / (wa + wb),
        (a.rouge_lsum * wa + b.rouge_lsum * wb) / (wa + wb),
    )


def combine(a: SummaryScores, b: SummaryScores) -> SummaryScores:
    """The scores of two disjoint article sets taken together (means weighted by count)."""
    wa, wb = a.count, b.count
    return SummaryScores(
        count=wa + wb,
        ours=_weighted(a.ours, b.ours, wa, wb),
        lead3=_weighted(a.lead3, b.lead3, wa, wb),
        lead3_clean=_weighted(a.lead3_clean, b.lead3_clean, wa, wb),
        ours_words=(a.ours_words * wa + b.ours_words * wb) / (wa + wb),
        reference_words=(a.reference_words * wa + b.reference_words * wb) / (wa + wb),
        ms_per_article=(a.ms_per_article * wa + b.ms_per_article * wb) / (wa + wb),
    )


def load_cnndm(path: Path) -> list[Article]:
    """CNN/DailyMail rows ``{idx, article, highlights}``, in file order."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Article(str(r["idx"]), r["article"], r["highlights"].strip()) for r in rows]


def load_bbc(path: Path) -> list[Article]:
    """BBC News Summary rows ``{id, category, article, summary}``, in file order."""
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [Article(r["id"], r["article"], r["summary"].strip()) for r in rows]


def lead(text: str, count: int = 3, *, clean: bool = False) -> list[str]:
    """The first ``count`` sentences of ``text`` (optionally after boilerplate cleaning)."""
    sentences = split_sentences(to_plain_text(text))
    if clean:
        sentences = clean_sentences(sentences)
    return sentences[:count]


def _lines(sentences: Sequence[str]) -> str:
    return "\n".join(s.strip() for s in sentences if s.strip())


def _mean_rouge(
    scorer: rouge_scorer.RougeScorer, candidates: Sequence[str], references: Sequence[str]
) -> Rouge:
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for candidate, reference in zip(candidates, references, strict=True):
        scores = scorer.score(reference, candidate)
        for kind in ROUGE_TYPES:
            totals[kind] += scores[kind].fmeasure
    n = max(len(candidates), 1)
    return Rouge(*(100.0 * totals[k] / n for k in ROUGE_TYPES))


def evaluate(
    encoder: TextEncoder,
    articles: Sequence[Article],
    summarizer: Summarizer | None = None,
    fast_encoder: TextEncoder | None = None,
) -> SummaryScores:
    """Score ``summarizer`` with ``encoder`` on ``articles``.

    The default summarizer is ``summarize`` with ``fast_encoder`` for the redundancy check
    (``None``: ``encoder`` does everything). Returns mean F1 x 100 for ours, Lead-3 and
    Lead-3 on cleaned text, computed on the same articles in the same run. Raises
    ``ValueError`` if ``articles`` is empty.
    """
    if summarizer is None:

        def summarizer(text: str, accurate: TextEncoder) -> str:
            return summarize(text, accurate, fast_encoder=fast_encoder)

    if not articles:
        raise ValueError("no articles to evaluate")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    references = [_lines(a.reference.split("\n")) for a in articles]
    ours: list[str] = []
    start = time.perf_counter()
    for article in articles:
        ours.append(_lines(split_sentences(summarizer(article.text, encoder))))
    elapsed = time.perf_counter() - start
    lead3 = [_lines(lead(a.text)) for a in articles]
    lead3_clean = [_lines(lead(a.text, clean=True)) for a in articles]
    return SummaryScores(
        count=len(articles),
        ours=_mean_rouge(scorer, ours, references),
        lead3=_mean_rouge(scorer, lead3, references),
        lead3_clean=_mean_rouge(scorer, lead3_clean, references),
        ours_words=statistics.fmean(len(s.split()) for s in ours),
        reference_words=statistics.fmean(len(r.split()) for r in references),
        ms_per_article=1000.0 * elapsed / len(articles),
    )


def _model_dir() -> Path:
    default = Path(__file__).parents[1] / ".cache/test-artifacts"
    return Path(os.environ.get("ZGPU_MODEL_DIR", str(default)))


def load_encoders(threads: int) -> tuple[TextEncoder, TextEncoder]:
    """The int8 MiniLM encoder and the static stage distilled from it, as the runtime has them.

    Both are built (or found) in ``$ZGPU_MODEL_DIR``; the static table is distilled on first
    use (about a minute).
    """
    from tokenizers import Tokenizer

    from zgpu.nlm.artifacts import ArtifactStore
    from zgpu.nlm.build import build_encoder
    from zgpu.nlm.encoder import Encoder
    from zgpu.nlm.static import StaticEncoder, StaticSettings, load_static_vectors

    store = ArtifactStore(_model_dir())
    artifact = build_encoder(store)
    encoder = Encoder.load(artifact, threads=threads)
    vectors = load_static_vectors(store, encoder, artifact.onnx_sha256, StaticSettings())
    static = StaticEncoder(Tokenizer.from_file(str(artifact.tokenizer_path)), vectors)
    return encoder, static


def _row(table: Table, name: str, rouge: Rouge, words: str = "", style: str = "") -> None:
    table.add_row(
        name,
        f"{rouge.rouge1:.2f}",
        f"{rouge.rouge2:.2f}",
        f"{rouge.rouge_lsum:.2f}",
        words,
        style=style,
    )


def _table(title: str, scores: SummaryScores) -> Table:
    table = Table(title=f"{title} ({scores.count} articles)")
    for column in ("system", "ROUGE-1", "ROUGE-2", "ROUGE-Lsum", "words"):
        table.add_column(column, justify="left" if column == "system" else "right")
    _row(table, "ours", scores.ours, f"{scores.ours_words:.1f}", "bold")
    _row(table, "Lead-3", scores.lead3)
    _row(table, "Lead-3 (clean)", scores.lead3_clean)
    _row(table, "ours - Lead-3", scores.ours.minus(scores.lead3), style="green")
    _row(table, "reference", Rouge(100, 100, 100), f"{scores.reference_words:.1f}", "dim")
    return table


def measure(
    data: Path,
    encoder: TextEncoder,
    console: Console,
    limit: int | None = None,
    fast_encoder: TextEncoder | None = None,
) -> dict[str, SummaryScores]:
    """Score every set in ``data`` and print its table; returns the scores by set name.

    ``fast_encoder`` is passed to ``evaluate``. The names are ``TUNE``, ``HELD_OUT`` and
    ``BBC`` (a set left empty by ``limit`` is missing). Raises ``OSError`` if a data file
    cannot be read.
    """
    cnndm = load_cnndm(data / CNNDM_FILE)[:limit]
    bbc = load_bbc(data / BBC_FILE)[:limit]
    results: dict[str, SummaryScores] = {}
    for name, articles in ((TUNE, cnndm[:TUNE_COUNT]), (HELD_OUT, cnndm[TUNE_COUNT:]), (BBC, bbc)):
        if articles:
            results[name] = evaluate(encoder, articles, fast_encoder=fast_encoder)
            console.print(_table(name, results[name]))
        if name == HELD_OUT and TUNE in results and HELD_OUT in results:
            console.print(_table("CNN/DM dev, all", combine(results[TUNE], results[HELD_OUT])))
    return results


def summary_line(results: dict[str, SummaryScores]) -> tuple[str, bool]:
    """One line on the held-out CNN/DM target (ours - Lead-3 >= +1.0 / +0.5 / +0.5), and met.

    Without a held-out set the line says so and the target counts as not met.
    """
    held = results.get(HELD_OUT)
    if held is None:
        return "summary quality: no held-out CNN/DM articles", False
    gain = held.ours.minus(held.lead3)
    passed = (
        gain.rouge1 >= TARGET.rouge1
        and gain.rouge2 >= TARGET.rouge2
        and gain.rouge_lsum >= TARGET.rouge_lsum
    )
    line = (
        f"summary quality: held-out CNN/DM ours {held.ours.rouge1:.2f}/{held.ours.rouge2:.2f}/"
        f"{held.ours.rouge_lsum:.2f} vs Lead-3 {held.lead3.rouge1:.2f}/{held.lead3.rouge2:.2f}/"
        f"{held.lead3.rouge_lsum:.2f} ({gain.rouge1:+.2f}/{gain.rouge2:+.2f}/"
        f"{gain.rouge_lsum:+.2f}; target +1.0/+0.5/+0.5: {'met' if passed else 'NOT met'})"
    )
    return line, passed


def main() -> None:
    """Print ROUGE tables (ours, Lead-3) for the CNN/DailyMail splits and BBC, and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    default_data = os.environ.get("ZGPU_SUMMARY_EVAL_DIR", str(DEFAULT_DATA))
    parser.add_argument("--data", type=Path, default=Path(default_data))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="articles per set (smoke runs)")
    args = parser.parse_args()

    console = Console()
    encoder, static = load_encoders(args.threads)
    console.print(
        f"[dim]{time.strftime('%Y-%m-%d')} · {platform.processor() or platform.machine()}"
        f" · {os.cpu_count()} cores · {args.threads} threads[/dim]"
    )
    results = measure(args.data, encoder, console, args.limit, fast_encoder=static)
    console.print(summary_line(results)[0], soft_wrap=True)


if __name__ == "__main__":
    main()
