"""IAB classification: content categories (1.0, 2.2, 3.1), audience, topics, keywords, intent.

``classify`` turns a text into the hosted "enriched" JSON shape (see ``iab_result``):

1. HTML is stripped and the text cut to the encoder's window; the rest is one embedding ``d``.
2. Every candidate label (``iab_labels``) has a precomputed embedding; a candidate's cosine is
   ``cos(d, label)`` (minus ``DEMOGRAPHIC_PENALTY`` for demographic segments). Each list keeps
   the best candidate and up to four more within ``SCORE_MARGIN`` of it (at least two), best
   first.
3. Content 1.0 codes come from the chosen 2.2 categories through the official 1.0 → 2.0
   mapping, read backwards (nearest mapped ancestor when a category has no row of its own; the
   best-matching code when several map to it); each code takes its 2.2 category's score. When
   that gives fewer than two codes, the best-matching 1.0 labels fill in.
4. Keyphrases come from ``keywords.extract_keyphrases`` (about ten, as ``keywords``); ``topics``
   merges the top keyphrases with the chosen 2.2 category names, ranked by their cosine to ``d``.
5. ``user_intent`` is the best ``intent`` prototype.

Cosines become scores with ``scoring.cosine_to_score``. The same text always gives the same
result. ``classify`` does not fail on any string (empty, emoji, markup, other scripts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.iab import ContentCategory, Taxonomies
from zgpu.nlm.tasks.errors import LabelEmbeddingsMismatch
from zgpu.nlm.tasks.iab_labels import LabelGroup, LabelIndex, build_label_index
from zgpu.nlm.tasks.iab_result import (
    JsonObject,
    audience_entry,
    by_score,
    content_entry,
    iab1_entry,
    intent_entry,
    topic_entry,
)
from zgpu.nlm.tasks.intent import choose_intent
from zgpu.nlm.tasks.keywords import Keyphrase, extract_keyphrases
from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import cosine_to_score

MAX_ENTRIES = 5
MIN_ENTRIES = 2
SCORE_MARGIN = 0.08
KEYWORD_COUNT = 10
TOPIC_MARGIN = 0.15
DEMOGRAPHIC_PENALTY = 0.10
"""Subtracted from demographic segments' cosines: age or income rarely shows in a text's topic."""

T = TypeVar("T")
FloatArray = NDArray[np.float32]


def iab_label_texts(taxonomies: Taxonomies) -> tuple[str, ...]:
    """The texts whose embeddings ``IabClassifier.build`` needs, in the order it expects."""
    return build_label_index(taxonomies).texts


def _top(cosines: FloatArray, margin: float = SCORE_MARGIN) -> list[int]:
    """Indices of the best ``MIN_ENTRIES``..``MAX_ENTRIES`` cosines, best first, ties by index."""
    order = np.argsort(-cosines, kind="stable")[:MAX_ENTRIES]
    if len(order) == 0:
        return []
    floor = float(cosines[order[0]]) - margin
    kept = [int(i) for i in order if float(cosines[i]) >= floor]
    return kept if len(kept) >= MIN_ENTRIES else [int(i) for i in order[:MIN_ENTRIES]]


def _overlaps(words: set[str], other: set[str]) -> bool:
    return words <= other or other <= words


class IabClassifier:
    """Classifies texts into IAB taxonomies with a ``TextEncoder`` and cached label embeddings."""

    def __init__(
        self, taxonomies: Taxonomies, encoder: TextEncoder, label_embeddings: FloatArray
    ) -> None:
        """Use ``build``; raises ``LabelEmbeddingsMismatch`` if the embeddings do not fit."""
        self._taxonomies = taxonomies
        self._encoder = encoder
        self._index: LabelIndex = build_label_index(taxonomies)
        embeddings = np.ascontiguousarray(label_embeddings, dtype=np.float32)
        if embeddings.ndim != 2 or embeddings.shape[0] != len(self._index.texts):
            raise LabelEmbeddingsMismatch(
                f"label embeddings have shape {embeddings.shape}; "
                f"expected ({len(self._index.texts)}, dim)"
            )
        if not np.all(np.isfinite(embeddings)):
            raise LabelEmbeddingsMismatch("label embeddings contain NaN or infinity")
        embeddings.setflags(write=False)
        self._labels = embeddings
        self._audience_bias = self._demographic_bias()

    @classmethod
    def build(
        cls,
        taxonomies: Taxonomies,
        encoder: TextEncoder,
        label_embeddings: FloatArray | None = None,
    ) -> IabClassifier:
        """A classifier over ``taxonomies``.

        ``label_embeddings`` are ``encoder.embed(iab_label_texts(taxonomies))``, typically a
        cached artifact; when ``None`` they are computed here (a few thousand short texts).
        Raises ``LabelEmbeddingsMismatch`` when given embeddings of the wrong shape.
        """
        if label_embeddings is None:
            label_embeddings = encoder.embed(iab_label_texts(taxonomies))
        return cls(taxonomies, encoder, label_embeddings)

    def label_texts(self) -> tuple[str, ...]:
        """The label texts, row for row with ``label_embeddings``."""
        return self._index.texts

    @property
    def label_embeddings(self) -> FloatArray:
        """The label embeddings in use (read-only), to cache as an artifact."""
        return self._labels

    def _scores(self, group: LabelGroup[T], document: FloatArray) -> FloatArray:
        return (self._labels[list(group.rows)] @ document).astype(np.float32)

    def _demographic_bias(self) -> FloatArray:
        items = self._index.audience.items
        return np.array(
            [-DEMOGRAPHIC_PENALTY if s.tiers[0] == "Demographic" else 0.0 for s in items],
            dtype=np.float32,
        )

    def classify(self, text: str) -> JsonObject:
        """The classification of ``text`` as a JSON-ready dict (see the module docstring)."""
        plain, _ = self._encoder.truncate(to_plain_text(text), self._encoder.max_tokens)
        document = self._encoder.embed([plain])[0]
        content_2_2 = self._pick(self._index.content_2_2, document)
        content_3_1 = self._pick(self._index.content_3_1, document)
        audience = self._pick(self._index.audience, document, self._audience_bias)
        keyphrases = extract_keyphrases(plain, document, self._encoder, KEYWORD_COUNT)
        topics = self._topics(keyphrases, content_2_2)
        keywords = [k.text for k in keyphrases] or [t["name"] for t in topics]
        prototype, similarity = choose_intent(
            plain, document, self._labels[list(self._index.intents)]
        )
        return {
            "audience": [audience_entry(s, score) for s, score, _ in audience],
            "content": {
                "iab_1_0": self._iab_1_0(content_2_2, document),
                "iab_2_2": [content_entry(c, score) for c, score, _ in content_2_2],
                "iab_3_1": [content_entry(c, score) for c, score, _ in content_3_1],
            },
            "topics": topics,
            "keywords": keywords,
            "user_intent": intent_entry(
                prototype.name, prototype.category.value, cosine_to_score(similarity)
            ),
        }

    def _pick(
        self, group: LabelGroup[T], document: FloatArray, bias: FloatArray | None = None
    ) -> list[tuple[T, float, float]]:
        """The chosen candidates of ``group``: (item, score, cosine), best first."""
        cosines = self._scores(group, document)
        if bias is not None:
            cosines = cosines + bias
        return [
            (group.items[i], cosine_to_score(float(cosines[i])), float(cosines[i]))
            for i in _top(cosines)
        ]

    def _iab_1_0(
        self, chosen: Sequence[tuple[ContentCategory, float, float]], document: FloatArray
    ) -> list[JsonObject]:
        group = self._index.content_1_0
        cosines = self._scores(group, document)
        position = {c.code: i for i, c in enumerate(group.items)}
        taxonomy, crosswalk = self._taxonomies.content_1_0, self._taxonomies.crosswalk_1_0
        entries: dict[str, JsonObject] = {}
        for category, score, _ in chosen:
            lineage = self._taxonomies.content_2_2.lineage(category.unique_id)
            codes = [c for c in crosswalk.codes_for_lineage(lineage) if c in position]
            if not codes:
                continue
            code = max(codes, key=lambda c: (float(cosines[position[c]]), -position[c]))
            if code not in entries:
                entries[code] = iab1_entry(taxonomy.get(code), score)
        for i in _top(cosines):
            if len(entries) >= MIN_ENTRIES:
                break
            code = group.items[i].code
            if code not in entries:
                entries[code] = iab1_entry(group.items[i], cosine_to_score(float(cosines[i])))
        return by_score(list(entries.values())[:MAX_ENTRIES])

    def _topics(
        self,
        keyphrases: Sequence[Keyphrase],
        chosen: Sequence[tuple[ContentCategory, float, float]],
    ) -> list[JsonObject]:
        """Keyphrases and chosen 2.2 category names, one per meaning, best first."""
        pool: list[tuple[str, float]] = [(k.text, k.cosine) for k in keyphrases[:MAX_ENTRIES]]
        pool += [(c.name.lower(), cosine) for c, _, cosine in chosen]
        pool.sort(key=lambda item: -item[1])
        kept: list[tuple[str, float]] = []
        for name, cosine in pool:
            words = set(name.split())
            if not words or any(_overlaps(words, set(other.split())) for other, _ in kept):
                continue
            if kept and cosine < kept[0][1] - TOPIC_MARGIN and len(kept) >= MIN_ENTRIES:
                break
            kept.append((name, cosine))
            if len(kept) == MAX_ENTRIES:
                break
        return [topic_entry(name, cosine_to_score(cosine)) for name, cosine in kept]
