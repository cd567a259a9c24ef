"""The sentence encoder: a tokenizer and an int8 ONNX Runtime session on the CPU.

Determinism contract: ``embed`` returns the same bytes for a text whatever else is in
the call, however the call is split into runs, and whatever the thread count. The model
makes each row's result depend only on that row (per-token quantization, exact integer
GEMMs, per-sequence attention and pooling), except for one thing: float reductions over
the sequence axis (attention context, pooling) can round differently when the padded
length changes. So a text is always computed at the same padded length, a function of
its own token count: lengths are rounded up to a multiple of ``LENGTH_BUCKET`` (capped
at the longest sequence), and a run only mixes texts of the same bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from tokenizers import Tokenizer

from zgpu.nlm.artifacts import sha256_bytes
from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.errors import ArtifactError, InferenceError

DEFAULT_MAX_TOKENS = 256
"""The encoder's trained length, in word pieces."""

LENGTH_BUCKET = 16
"""Padded sequence lengths are multiples of this (see the module docstring)."""

DEFAULT_BATCH_TOKENS = 8192
"""At most this many padded tokens go into one ONNX Runtime run."""

_OUTPUT = "sentence_embedding"
_CLS = "[CLS]"
_SEP = "[SEP]"


def _read_verified(path: Path, sha: str, what: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"cannot read the {what} {path}: {exc}") from exc
    if sha256_bytes(data) != sha:
        raise ArtifactError(f"the {what} {path} does not match its sha256 {sha}", param="sha256")
    return data


def truncate_to_tokens(tokenizer: Tokenizer, text: str, max_tokens: int) -> tuple[str, int]:
    """The longest prefix of ``text`` cut at a token boundary with at most ``max_tokens`` pieces.

    ``tokenizer`` must not pad or truncate. Returns the kept text and its token count
    (``text`` itself if it fits). Raises ``ValueError`` if ``max_tokens`` is negative.
    """
    if max_tokens < 0:
        raise ValueError("max_tokens must not be negative")
    encoding = tokenizer.encode(text, add_special_tokens=False)
    if len(encoding.ids) <= max_tokens:
        return text, len(encoding.ids)
    keep = max_tokens
    while keep > 0:
        kept = text[: encoding.offsets[keep - 1][1]]
        count = len(tokenizer.encode(kept, add_special_tokens=False).ids)
        if count <= max_tokens:  # re-tokenizing a cut word can rarely add a piece
            return kept, count
        keep -= 1
    return "", 0


class Encoder:
    """Embeds texts into L2-normalised float32 vectors; safe to call from many threads."""

    def __init__(
        self,
        session: ort.InferenceSession,
        tokenizer: Tokenizer,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> None:
        """Wrap a loaded session and tokenizer (see ``load``).

        Raises ``ArtifactError`` if the session lacks the ``sentence_embedding`` output or
        the tokenizer lacks ``[CLS]``/``[SEP]``; ``ValueError`` on non-positive sizes.
        """
        if max_tokens < 1 or batch_tokens < 1:
            raise ValueError("max_tokens and batch_tokens must be positive")
        outputs = {o.name: o for o in session.get_outputs()}
        if _OUTPUT not in outputs or not isinstance(outputs[_OUTPUT].shape[-1], int):
            raise ArtifactError(f"the encoder model has no fixed-size {_OUTPUT!r} output")
        cls_id, sep_id = tokenizer.token_to_id(_CLS), tokenizer.token_to_id(_SEP)
        if cls_id is None or sep_id is None:
            raise ArtifactError("the tokenizer has no [CLS]/[SEP] tokens")
        tokenizer.no_padding()
        tokenizer.no_truncation()
        self._session = session
        self._tokenizer = tokenizer
        self._dim: int = outputs[_OUTPUT].shape[-1]
        self._max_tokens = max_tokens
        self._batch_tokens = batch_tokens
        self._cls = cls_id
        self._sep = sep_id

    @classmethod
    def load(
        cls,
        artifact: EncoderArtifact,
        threads: int = 1,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        batch_tokens: int = DEFAULT_BATCH_TOKENS,
    ) -> Encoder:
        """Load the artifact's model and tokenizer, checking both sha256.

        ``threads`` is ONNX Runtime's intra-op thread count for each run. Raises
        ``ArtifactError`` if a file is missing, corrupt or not a valid model.
        """
        if threads < 1:
            raise ValueError("threads must be at least 1")
        model = _read_verified(artifact.onnx_path, artifact.onnx_sha256, "encoder model")
        tok_json = _read_verified(artifact.tokenizer_path, artifact.tokenizer_sha256, "tokenizer")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.use_deterministic_compute = True
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
            tokenizer = Tokenizer.from_str(tok_json.decode("utf-8"))
        except Exception as exc:  # ONNX Runtime's error classes are not public
            raise ArtifactError(f"cannot load the encoder {artifact.onnx_path}: {exc}") from exc
        return cls(session, tokenizer, max_tokens=max_tokens, batch_tokens=batch_tokens)

    @property
    def dim(self) -> int:
        """Size of an embedding (384 for MiniLM)."""
        return self._dim

    @property
    def max_tokens(self) -> int:
        """The longest input, in word pieces, that ``embed`` reads in full."""
        return self._max_tokens

    def tokenize(self, text: str) -> list[int]:
        """Word-piece ids of ``text``, without ``[CLS]``/``[SEP]``."""
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def count_tokens(self, text: str) -> int:
        """Number of word pieces in ``text``, without ``[CLS]``/``[SEP]``."""
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        """The longest prefix of ``text``, cut at a token boundary, of at most ``max_tokens``.

        Returns the kept text and its token count (``text`` itself if it fits). Raises
        ``ValueError`` if ``max_tokens`` is negative.
        """
        return truncate_to_tokens(self._tokenizer, text, max_tokens)

    def padded_length(self, tokens: int) -> int:
        """The sequence length (with ``[CLS]``/``[SEP]``) a text of ``tokens`` pieces runs at."""
        seq = min(tokens, self._max_tokens) + 2
        return min(-(-seq // LENGTH_BUCKET) * LENGTH_BUCKET, self._max_tokens + 2)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed ``texts``: float32 of shape ``(len(texts), dim)``, rows L2-normalised.

        Texts longer than ``max_tokens`` word pieces are embedded from their first
        ``max_tokens``. An empty sequence gives shape ``(0, dim)``. Texts are sorted by
        length and run in batches of one padded length each, so a text's row is the same
        bytes in any call. Raises ``TypeError`` if given a single string and
        ``InferenceError`` if ONNX Runtime fails.
        """
        if isinstance(texts, str):
            raise TypeError("embed takes a sequence of texts, not a single string")
        return self.embed_pieces(self.encode(texts))

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of each text (no ``[CLS]``/``[SEP]``), cut to ``max_tokens``."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [list(e.ids[: self._max_tokens]) for e in encodings]

    def embed_pieces(self, pieces: Sequence[Sequence[int]]) -> NDArray[np.float32]:
        """Embed pre-tokenized texts (see ``encode``): float32 ``(len(pieces), dim)``.

        Rows are sorted by length and run in batches of one padded length each (at most
        ``batch_tokens`` padded tokens per run), so a row's bytes depend on its own ids
        only. Ids beyond ``max_tokens`` are ignored. Raises ``InferenceError`` if ONNX
        Runtime fails.
        """
        out = np.empty((len(pieces), self._dim), dtype=np.float32)
        cut = [list(p[: self._max_tokens]) for p in pieces]
        order = sorted(range(len(cut)), key=lambda i: (len(cut[i]), i))
        for length, group in groupby(order, key=lambda i: self.padded_length(len(cut[i]))):
            rows = list(group)
            per_run = max(1, self._batch_tokens // length)
            for start in range(0, len(rows), per_run):
                chunk = rows[start : start + per_run]
                out[chunk] = self._run([cut[i] for i in chunk], length)
        return out

    @property
    def vocab_size(self) -> int:
        """Number of word-piece ids the tokenizer knows (30,522 for MiniLM)."""
        return int(self._tokenizer.get_vocab_size(with_added_tokens=True))

    def embed_token_ids(self, ids: Sequence[int]) -> NDArray[np.float32]:
        """Embed each word-piece id on its own, as ``[CLS] id [SEP]``: shape ``(len(ids), dim)``.

        Used at build time to distil static token vectors; rows run at their exact length
        (3), not a bucketed one. Raises ``InferenceError`` if ONNX Runtime fails.
        """
        out = np.empty((len(ids), self._dim), dtype=np.float32)
        per_run = max(1, self._batch_tokens // 3)
        for start in range(0, len(ids), per_run):
            chunk = [[int(i)] for i in ids[start : start + per_run]]
            out[start : start + len(chunk)] = self._run(chunk, 3)
        return out

    def _run(self, pieces: list[list[int]], length: int) -> NDArray[np.float32]:
        ids = np.zeros((len(pieces), length), dtype=np.int64)
        mask = np.zeros((len(pieces), length), dtype=np.int64)
        for row, p in enumerate(pieces):
            ids[row, 0] = self._cls
            ids[row, 1 : len(p) + 1] = p
            ids[row, len(p) + 1] = self._sep
            mask[row, : len(p) + 2] = 1
        try:
            (embeddings,) = self._session.run([_OUTPUT], {"input_ids": ids, "attention_mask": mask})
        except Exception as exc:  # ONNX Runtime's error classes are not public
            raise InferenceError(f"the encoder failed: {exc}") from exc
        return np.asarray(embeddings, dtype=np.float32)
