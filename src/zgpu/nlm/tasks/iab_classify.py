"""IAB classification: content categories (1.0, 2.2, 3.1), audience, topics, keywords, intent.

``classify`` turns a text into the hosted "enriched" JSON shape (see ``iab_result``):

1. HTML is stripped and the text cut to ``IabConfig.window_tokens`` (the hosted window). The
   first ``encoder.max_tokens`` are one chunk; when at least ``min_chunk_tokens`` remain, the
   next ``encoder.max_tokens`` are a second (``chunks``). The document vector ``d`` is the
   chunks' embeddings weighted by their token counts, L2-normalised.
2. Every candidate category has views (``iab_labels``) whose embeddings are averaged once at
   construction, so scoring a list is one matrix product. Its raw cosines become hierarchical
   scores (``iab_hierarchy``), and those become calibrated probabilities of being the text's
   category (``iab_calibration``). A list keeps its best candidate and up to
   ``max_entries - 1`` more whose probability reaches ``threshold``; the reported ``score`` is
   the probability.
3. Content 1.0 codes come from the chosen 2.2 categories through the official 1.0 → 2.0
   mapping, read backwards (nearest mapped ancestor when a category has no row of its own; the
   best-matching 1.0 label when several codes map to it); each code takes its 2.2 category's
   score. When no chosen category maps, the next 2.2 categories in rank order are tried.
4. ``audience``: the Interest segment named like each chosen 3.1 category or, failing that,
   like its nearest ancestor (Interest segments mirror the content tree), with that
   category's score; when none matches, the Interest segments are scored like the content
   lists.
5. Keyphrases come from ``keywords.extract_keyphrases`` (about ten, as ``keywords``);
   ``topics`` are the chosen 3.1 category names and the best keyphrases, one per meaning.
6. ``user_intent`` is the best ``intent`` prototype.

The same text always gives the same result. ``classify`` does not fail on any string (empty,
emoji, markup, other scripts, very long).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.iab import AudienceSegment, ContentCategory, Taxonomies
from zgpu.nlm.tasks.errors import LabelEmbeddingsMismatch
from zgpu.nlm.tasks.iab_calibration import CONTENT_CALIBRATION, Calibration
from zgpu.nlm.tasks.iab_hierarchy import CategoryTree, HierarchyConfig
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
from zgpu.nlm.tasks.keywords import Keyphrase, extract_keyphrases, singular
from zgpu.nlm.tasks.plain_text import to_plain_text
from zgpu.nlm.tasks.protocols import TextEncoder
from zgpu.nlm.tasks.scoring import DECIMALS, cosine_to_score, top_indices

KEYWORD_COUNT = 10
TOPIC_COUNT = 5

C = TypeVar("C", ContentCategory, AudienceSegment)
FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class IabConfig:
    """How the classifier reads a text and turns scores into lists.

    ``threshold`` is the calibrated probability a category beyond the first must reach to be
    listed; lists hold 1 to ``max_entries`` entries. ``chunks`` (1 or 2) is how many encoder
    windows of the text are embedded (see the module docstring); ``chunk_tokens`` is the
    length of a window (``None``: the encoder's ``max_tokens``; shorter windows cost less).
    """

    hierarchy: HierarchyConfig = field(default_factory=HierarchyConfig)
    calibration: Calibration = CONTENT_CALIBRATION
    threshold: float = 0.05
    max_entries: int = 5
    chunks: int = 2
    window_tokens: int = 400
    min_chunk_tokens: int = 32
    chunk_tokens: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0 or self.max_entries < 1:
            raise ValueError("need 0 <= threshold <= 1 and max_entries >= 1")
        if self.chunks not in (1, 2) or self.window_tokens < 1 or self.min_chunk_tokens < 1:
            raise ValueError("need chunks in (1, 2) and positive token counts")
        if self.chunk_tokens is not None and self.chunk_tokens < 1:
            raise ValueError("chunk_tokens must be positive")


@dataclass(frozen=True)
class RankedCategory(Generic[C]):
    """A candidate with its hierarchical ``score`` and calibrated ``probability``."""

    category: C
    score: float
    probability: float


@dataclass(frozen=True)
class TopEvidence:
    """What a cascade weighs about a classifier's top Content 3.1 category.

    ``score`` is its hierarchical score, ``margin`` its lead over the runner-up (0 when alone),
    ``cosine`` its raw cosine to the document and ``probability`` its calibrated probability.
    """

    score: float
    margin: float
    cosine: float
    probability: float


def iab_label_texts(taxonomies: Taxonomies) -> tuple[str, ...]:
    """The texts whose embeddings ``IabClassifier.build`` needs, in the order it expects."""
    return build_label_index(taxonomies).texts


def _normalised(rows: NDArray[np.float32]) -> FloatArray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: FloatArray = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class _Scorer(Generic[C]):
    """One candidate list: its items, their tree and the slice of the label matrix."""

    def __init__(self, group: LabelGroup[C], start: int) -> None:
        self.items: tuple[C, ...] = group.items
        self.span = slice(start, start + len(group.items))
        self.tree = CategoryTree(
            [c.unique_id for c in group.items], [c.parent_id for c in group.items]
        )

    def __len__(self) -> int:
        return len(self.items)

    def rank(self, cosines: FloatArray, config: IabConfig, limit: int) -> list[RankedCategory[C]]:
        return self._ranked(cosines, config, limit)[0]

    def _ranked(
        self, cosines: FloatArray, config: IabConfig, limit: int
    ) -> tuple[list[RankedCategory[C]], TopEvidence]:
        raw = cosines[self.span]
        scores = self.tree.combine(raw, config.hierarchy)
        probabilities = config.calibration.probabilities(scores)
        order = top_indices(scores, max(limit, 2))
        ranked = [
            RankedCategory(self.items[i], float(scores[i]), float(probabilities[i])) for i in order
        ]
        best = int(order[0])
        margin = float(scores[best] - scores[order[1]]) if len(order) > 1 else 0.0
        evidence = TopEvidence(
            float(scores[best]), margin, float(raw[best]), float(probabilities[best])
        )
        return ranked[:limit], evidence

    def pick(
        self, cosines: FloatArray, config: IabConfig
    ) -> tuple[list[RankedCategory[C]], TopEvidence]:
        ranked, evidence = self._ranked(cosines, config, config.max_entries)
        kept = ranked[:1] + [r for r in ranked[1:] if r.probability >= config.threshold]
        return kept, evidence


def _score(probability: float) -> float:
    return round(min(1.0, max(0.0, probability)), DECIMALS)


class IabClassifier:
    """Classifies texts into IAB taxonomies with a ``TextEncoder`` and cached label embeddings."""

    def __init__(
        self,
        taxonomies: Taxonomies,
        encoder: TextEncoder,
        label_embeddings: FloatArray,
        config: IabConfig | None = None,
        keyword_encoder: TextEncoder | None = None,
    ) -> None:
        """Use ``build``; raises ``LabelEmbeddingsMismatch`` if the embeddings do not fit."""
        self._taxonomies = taxonomies
        self._encoder = encoder
        self._keyword_encoder = keyword_encoder if keyword_encoder is not None else encoder
        self._config = config or IabConfig()
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
        index = self._index
        groups: list[LabelGroup[ContentCategory] | LabelGroup[AudienceSegment]] = [
            index.content_3_1,
            index.content_2_2,
            index.audience,
        ]
        views = [v for g in groups for v in g.views] + [v for v in index.content_1_0.views]
        rows = [embeddings[list(v)].mean(axis=0) for v in views]
        rows += [embeddings[r] for r in index.intents]
        matrix = _normalised(np.stack(rows)) if rows else np.zeros((0, embeddings.shape[1]))
        matrix.setflags(write=False)
        self._matrix: FloatArray = matrix.astype(np.float32)
        self._content_3_1 = _Scorer(index.content_3_1, 0)
        self._content_2_2 = _Scorer(index.content_2_2, self._content_3_1.span.stop)
        self._audience = _Scorer(index.audience, self._content_2_2.span.stop)
        start = self._audience.span.stop
        self._iab1_span = slice(start, start + len(index.content_1_0.items))
        self._interests = {s.tiers[1:]: s for s in index.audience.items}
        self._intent_span = slice(self._iab1_span.stop, len(rows))
        self._iab1_position = {c.code: i for i, c in enumerate(index.content_1_0.items)}

    @classmethod
    def build(
        cls,
        taxonomies: Taxonomies,
        encoder: TextEncoder,
        label_embeddings: FloatArray | None = None,
        config: IabConfig | None = None,
        keyword_encoder: TextEncoder | None = None,
    ) -> IabClassifier:
        """A classifier over ``taxonomies``.

        ``label_embeddings`` are ``encoder.embed(iab_label_texts(taxonomies))``, typically a
        cached artifact; when ``None`` they are computed here (a few thousand short texts).
        ``config`` defaults to ``IabConfig()``. ``keyword_encoder`` ranks keyphrase candidates
        (dozens per text, so a cheap static encoder there keeps the full path fast); it
        defaults to ``encoder``. Raises ``LabelEmbeddingsMismatch`` when given embeddings of
        the wrong shape.
        """
        if label_embeddings is None:
            label_embeddings = encoder.embed(iab_label_texts(taxonomies))
        return cls(taxonomies, encoder, label_embeddings, config, keyword_encoder)

    def with_config(self, config: IabConfig) -> IabClassifier:
        """The same classifier (same label embeddings) with another ``config``."""
        return IabClassifier(
            self._taxonomies, self._encoder, self._labels, config, self._keyword_encoder
        )

    @property
    def config(self) -> IabConfig:
        """The configuration in use."""
        return self._config

    def label_texts(self) -> tuple[str, ...]:
        """The label texts, row for row with ``label_embeddings``."""
        return self._index.texts

    @property
    def label_embeddings(self) -> FloatArray:
        """The label embeddings in use (read-only), to cache as an artifact."""
        return self._labels

    def prepare(self, text: str) -> str:
        """``text`` as the classifier reads it: plain text cut to ``window_tokens``."""
        plain, _ = self._encoder.truncate(to_plain_text(text), self._config.window_tokens)
        return plain

    def embed_document(self, text: str) -> FloatArray:
        """The document vector of ``text`` (already ``prepare``d; see the module docstring)."""
        size = self._config.chunk_tokens or self._encoder.max_tokens
        first, first_tokens = self._encoder.truncate(text, size)
        chunks, weights = [first], [max(first_tokens, 1)]
        if self._config.chunks > 1:
            second, tokens = self._encoder.truncate(text[len(first) :], size)
            if tokens >= self._config.min_chunk_tokens:
                chunks.append(second)
                weights.append(tokens)
        embeddings = self._encoder.embed(chunks)
        vector = np.asarray(weights, dtype=np.float32) @ embeddings
        norm = float(np.linalg.norm(vector))
        out: FloatArray = (vector / norm if norm > 0 else embeddings[0]).astype(np.float32)
        return out

    def cosines(self, document: FloatArray) -> FloatArray:
        """Cosines of a document vector to every label row (one matrix-vector product).

        BLAS computes each row's dot product whole, so a row's cosine does not depend on the
        others; the runtime holds BLAS to one thread (its threads would only contend with the
        encoder's and with concurrent requests), and the product releases the GIL.
        """
        out: FloatArray = (self._matrix @ document).astype(np.float32)
        return out

    def rank_content_3_1(
        self, document: FloatArray, limit: int = 5
    ) -> list[RankedCategory[ContentCategory]]:
        """The ``limit`` best Content 3.1 categories for a document vector, best first."""
        return self._content_3_1.rank(self.cosines(document), self._config, limit)

    def classify(self, text: str) -> JsonObject:
        """The classification of ``text`` as a JSON-ready dict (see the module docstring)."""
        return self.classify_scored(text)[0]

    def classify_scored(self, text: str) -> tuple[JsonObject, float]:
        """``classify(text)`` and the calibrated probability (in [0, 1]) of its top 3.1 category.

        The probability estimates how often the first ``iab_3_1`` entry is the text's exact
        category; a cascade can use it to decide whether a cheaper first stage's answer stands.
        """
        result, evidence = self.classify_with_evidence(text)
        return result, min(1.0, max(0.0, evidence.probability))

    def classify_with_evidence(self, text: str) -> tuple[JsonObject, TopEvidence]:
        """``classify(text)`` and the ``TopEvidence`` of its first ``iab_3_1`` entry."""
        plain = self.prepare(text)
        document = self.embed_document(plain)
        cosines = self.cosines(document)
        config = self._config
        content_3_1, evidence = self._content_3_1.pick(cosines, config)
        content_2_2, _ = self._content_2_2.pick(cosines, config)
        audience = self._interests_of(content_3_1) or self._audience.pick(cosines, config)[0]
        keyword_encoder = self._keyword_encoder
        keyword_document = (
            document if keyword_encoder is self._encoder else keyword_encoder.embed([plain])[0]
        )
        keyphrases = extract_keyphrases(plain, keyword_document, keyword_encoder, KEYWORD_COUNT)
        topics = _topics(keyphrases, content_3_1)
        keywords = [k.text for k in keyphrases] or [t["name"] for t in topics]
        prototype, similarity = choose_intent(plain, cosines[self._intent_span])
        result: JsonObject = {
            "audience": [audience_entry(r.category, _score(r.probability)) for r in audience],
            "content": {
                "iab_1_0": self._iab_1_0(content_2_2, cosines),
                "iab_2_2": [content_entry(r.category, _score(r.probability)) for r in content_2_2],
                "iab_3_1": [content_entry(r.category, _score(r.probability)) for r in content_3_1],
            },
            "topics": topics,
            "keywords": keywords,
            "user_intent": intent_entry(
                prototype.name, prototype.category.value, cosine_to_score(similarity)
            ),
        }
        return result, evidence

    def _iab_1_0(
        self, chosen: Sequence[RankedCategory[ContentCategory]], cosines: FloatArray
    ) -> list[JsonObject]:
        group = self._index.content_1_0
        label_cosines = cosines[self._iab1_span]
        position = self._iab1_position
        entries: dict[str, JsonObject] = {}

        def add(ranked: RankedCategory[ContentCategory]) -> bool:
            codes = self._codes(ranked.category, position)
            if codes:
                code = max(codes, key=lambda c: (float(label_cosines[position[c]]), -position[c]))
                category = self._taxonomies.content_1_0.get(code)
                entries.setdefault(code, iab1_entry(category, _score(ranked.probability)))
            return bool(codes)

        for ranked in chosen:
            add(ranked)
        if not entries:
            everything = self._content_2_2.rank(cosines, self._config, len(self._content_2_2))
            next((r for r in everything if add(r)), None)
        if not entries:
            best = int(np.argmax(label_cosines))
            item = group.items[best]
            entries[item.code] = iab1_entry(item, cosine_to_score(float(label_cosines[best])))
        return by_score(list(entries.values())[: self._config.max_entries])

    def _interests_of(
        self, chosen: Sequence[RankedCategory[ContentCategory]]
    ) -> list[RankedCategory[AudienceSegment]]:
        """The Interest segments of the chosen categories: each one's nearest namesake ancestor."""
        found: dict[str, RankedCategory[AudienceSegment]] = {}
        for ranked in chosen:
            tiers = ranked.category.tiers
            for depth in range(len(tiers), 0, -1):
                segment = self._interests.get(tiers[:depth])
                if segment is not None:
                    found.setdefault(
                        segment.unique_id,
                        RankedCategory(segment, ranked.score, ranked.probability),
                    )
                    break
        return list(found.values())

    def _codes(self, category: ContentCategory, position: dict[str, int]) -> list[str]:
        lineage = self._taxonomies.content_2_2.lineage(category.unique_id)
        codes = self._taxonomies.crosswalk_1_0.codes_for_lineage(lineage)
        return [c for c in codes if c in position]


def _stems(phrase: str) -> set[str]:
    return {singular(w) for w in phrase.lower().replace("&", " ").split()}


def _overlaps(words: set[str], other: set[str]) -> bool:
    return words <= other or other <= words


def _topics(
    keyphrases: Sequence[Keyphrase], chosen: Sequence[RankedCategory[ContentCategory]]
) -> list[JsonObject]:
    """The chosen 3.1 category names, then the best keyphrases, one per meaning, best first."""
    pool: list[tuple[str, float]] = [(r.category.name, _score(r.probability)) for r in chosen]
    pool += [(k.text, cosine_to_score(k.cosine)) for k in keyphrases]
    kept: list[tuple[str, float]] = []
    for name, score in pool:
        words = _stems(name)
        if not words or any(_overlaps(words, _stems(other)) for other, _ in kept):
            continue
        kept.append((name, score))
        if len(kept) == TOPIC_COUNT:
            break
    return by_score([topic_entry(name, score) for name, score in kept])
