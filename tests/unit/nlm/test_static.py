"""The static stage: token-table arithmetic, the encoder protocol, and the distilled rows."""

from __future__ import annotations

import numpy as np
import pytest
from tokenizers import Tokenizer

from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.encoder import Encoder
from zgpu.nlm.static import StaticEncoder, StaticSettings, static_vectors_key
from zgpu.nlm.static.vectors import principal_axes, sif_weights, zipf_probabilities


@pytest.fixture(scope="module")
def tokenizer(encoder_artifact: EncoderArtifact) -> Tokenizer:
    return Tokenizer.from_file(str(encoder_artifact.tokenizer_path))


@pytest.fixture(scope="module")
def static(tokenizer: Tokenizer) -> StaticEncoder:
    table = np.random.default_rng(7).standard_normal((tokenizer.get_vocab_size(True), 32))
    return StaticEncoder(tokenizer, table.astype(np.float32))


def test_embeddings_are_unit_rows_and_batch_independent(static: StaticEncoder) -> None:
    texts = ["A man is eating food.", "", "ok 😂", "The court ruled against the merger."]
    rows = static.embed(texts)
    assert rows.shape == (4, 32)
    assert rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows[[0, 2, 3]], axis=1), 1.0, atol=1e-6)
    assert not rows[1].any()  # no word piece: the zero vector
    for i, text in enumerate(texts):
        assert static.embed([text])[0].tobytes() == rows[i].tobytes()
    assert static.embed([]).shape == (0, 32)
    with pytest.raises(TypeError):
        static.embed("one string")


def test_rows_are_normalised_token_sums_and_documents_come_back_identical(
    static: StaticEncoder, tokenizer: Tokenizer
) -> None:
    document = " ".join(f"word{i} and the court ruled" for i in range(30))  # > 64 pieces
    texts = ["The court ruled against the merger.", document, "x"]
    rows = static.embed(texts)
    table = np.random.default_rng(7).standard_normal((tokenizer.get_vocab_size(True), 32))
    for text, row in zip(texts, rows, strict=True):
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        total = table[ids].sum(axis=0)
        assert np.allclose(row, total / np.linalg.norm(total), atol=1e-6)
    again = static.embed(["new text first", document])  # the document row from the cache
    assert again[1].tobytes() == rows[1].tobytes()
    assert static.embed([document])[0].tobytes() == rows[1].tobytes()


def test_tokens_and_truncation_follow_the_tokenizer(static: StaticEncoder) -> None:
    text = "Preheat the oven to 200 degrees and roast the vegetables."
    count = static.count_tokens(text)
    kept, kept_count = static.truncate(text, 4)
    assert kept_count == 4 == static.count_tokens(kept)
    assert text.startswith(kept)
    assert static.truncate(text, count) == (text, count)
    long = " ".join(["word"] * 600)
    cut = " ".join(["word"] * 512)
    assert static.embed([long])[0].tobytes() == static.embed([cut])[0].tobytes()


def test_bad_tables_are_refused(tokenizer: Tokenizer) -> None:
    with pytest.raises(ValueError, match="one row per id"):
        StaticEncoder(tokenizer, np.zeros((10, 4), np.float32))
    table = np.zeros((tokenizer.get_vocab_size(True), 4), np.float32)
    table[5, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        StaticEncoder(tokenizer, table)


def test_principal_axes_are_centred_ordered_and_sign_fixed() -> None:
    data = np.random.default_rng(1).standard_normal((500, 8)).astype(np.float32)
    data[:, 0] *= 10
    projected = principal_axes(data, 3)
    assert projected.shape == (500, 3)
    assert np.allclose(projected.mean(axis=0), 0.0, atol=1e-4)
    variances = projected.var(axis=0)
    assert variances[0] >= variances[1] >= variances[2]
    assert np.array_equal(principal_axes(data, 3), principal_axes(data.copy(), 3))
    with pytest.raises(ValueError, match="dims"):
        principal_axes(data, 9)


def test_sif_weights_grow_with_rank() -> None:
    weights = sif_weights(1000, 1e-4)
    assert np.all(np.diff(weights) > 0)
    assert 0 < weights[0] < weights[-1] < 1
    assert np.isclose(zipf_probabilities(1000).sum(), 1.0)


def test_the_artifact_key_names_encoder_and_settings() -> None:
    a = static_vectors_key("a" * 64, StaticSettings())
    assert a == static_vectors_key("a" * 64, StaticSettings())
    assert a != static_vectors_key("b" * 64, StaticSettings())
    assert a != static_vectors_key("a" * 64, StaticSettings(dims=128))


def test_token_rows_match_the_encoder_on_single_pieces(encoder: Encoder) -> None:
    ids = [encoder.tokenize(w)[0] for w in ("football", "banana", "the", "violin")]
    distilled = encoder.embed_token_ids(ids)
    bucketed = encoder.embed_pieces([[i] for i in ids])  # same text at padded length 16
    assert distilled.shape == (4, encoder.dim)
    assert np.all(np.sum(distilled * bucketed, axis=1) > 0.99)
