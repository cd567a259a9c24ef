"""The encoder runtime: tokens, truncation, embeddings and their determinism."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import numpy as np
import pytest

from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.encoder import LENGTH_BUCKET, Encoder
from zgpu.nlm.errors import ArtifactError


@pytest.fixture(scope="module")
def encoder2(encoder_artifact: EncoderArtifact) -> Encoder:
    return Encoder.load(encoder_artifact, threads=2)


def test_shape_constants(encoder: Encoder) -> None:
    assert encoder.dim == 384
    assert encoder.max_tokens == 256
    assert encoder.embed([]).shape == (0, 384)
    with pytest.raises(TypeError):
        encoder.embed("a single string")


def test_tokens_exclude_the_special_tokens(encoder: Encoder) -> None:
    assert encoder.tokenize("Hello world!") == [7592, 2088, 999]
    assert encoder.count_tokens("Hello world!") == 3
    assert encoder.count_tokens("") == 0
    assert encoder.count_tokens("unbelievably tokenized") == len(
        encoder.tokenize("unbelievably tokenized")
    )


def test_truncate_cuts_at_a_token_boundary(encoder: Encoder) -> None:
    text = "The quick brown fox jumps over the lazy dog."
    assert encoder.truncate(text, 100) == (text, 10)
    assert encoder.truncate(text, 3) == ("The quick brown", 3)
    assert encoder.truncate(text, 0) == ("", 0)
    long_text = "Tokenization splits unbelievably long words into pieces. " * 20
    kept, count = encoder.truncate(long_text, 37)
    assert long_text.startswith(kept)
    assert count == encoder.count_tokens(kept) <= 37
    assert count >= 35
    with pytest.raises(ValueError, match="negative"):
        encoder.truncate(text, -1)


def test_embeddings_are_unit_rows_and_meaningful(encoder: Encoder) -> None:
    rows = encoder.embed(
        ["A man is eating food.", "A man is eating a piece of bread.", "The stock market fell."]
    )
    assert rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert float(rows[0] @ rows[1]) == pytest.approx(0.7553, abs=0.02)
    assert float(rows[0] @ rows[1]) > float(rows[0] @ rows[2]) + 0.3


def test_long_texts_are_embedded_from_their_first_max_tokens(encoder: Encoder) -> None:
    head = "word " * encoder.max_tokens
    long_text = head + "completely different ending about astronomy " * 50
    assert encoder.count_tokens(long_text) > encoder.max_tokens
    np.testing.assert_array_equal(encoder.embed([long_text]), encoder.embed([head]))


def test_padded_length_depends_only_on_the_text(encoder: Encoder) -> None:
    assert encoder.padded_length(0) == LENGTH_BUCKET
    assert encoder.padded_length(14) == 16
    assert encoder.padded_length(15) == 32
    assert encoder.padded_length(254) == 256
    assert encoder.padded_length(255) == encoder.max_tokens + 2
    assert encoder.padded_length(10_000) == encoder.max_tokens + 2


@pytest.mark.parametrize("threads", [1, 2])
def test_a_row_is_the_same_bytes_alone_or_in_any_batch(
    encoder: Encoder,
    encoder2: Encoder,
    encoder_artifact: EncoderArtifact,
    eval_texts: tuple[str, ...],
    threads: int,
) -> None:
    model = encoder if threads == 1 else encoder2
    texts = list(eval_texts)
    alone = np.stack([model.embed([t])[0] for t in texts])
    together = model.embed(texts)
    assert np.array_equal(alone, together)
    # Another order, duplicates, and small runs (many batch shapes at the same length).
    shuffled = [texts[i] for i in np.random.default_rng(3).permutation(len(texts))]
    mixed = model.embed([*shuffled, *texts[:5]])
    index = {t: i for i, t in enumerate(texts)}
    assert np.array_equal(mixed[: len(texts)], alone[[index[t] for t in shuffled]])
    assert np.array_equal(mixed[len(texts) :], alone[:5])
    small = Encoder.load(encoder_artifact, threads=threads, batch_tokens=40)
    assert np.array_equal(small.embed(texts), alone)


def test_thread_count_does_not_change_the_bytes(
    encoder: Encoder, encoder2: Encoder, eval_texts: tuple[str, ...]
) -> None:
    assert np.array_equal(encoder.embed(eval_texts), encoder2.embed(eval_texts))


def test_texts_sharing_a_length_bucket_do_not_affect_each_other(encoder: Encoder) -> None:
    # Two texts of different lengths in one bucket run together, padded to the bucket.
    short, longer = "ok", "The committee will meet on Friday to review the budget."
    assert encoder.padded_length(encoder.count_tokens(short)) == encoder.padded_length(
        encoder.count_tokens(longer)
    )
    pair = encoder.embed([short, longer])
    assert np.array_equal(pair[0], encoder.embed([short])[0])
    assert np.array_equal(pair[1], encoder.embed([longer])[0])


def test_embed_is_thread_safe(encoder2: Encoder, eval_texts: tuple[str, ...]) -> None:
    expected = encoder2.embed(eval_texts)
    results: dict[int, np.ndarray] = {}

    def work(k: int) -> None:
        part = list(eval_texts[k::4])
        results[k] = encoder2.embed(part)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k in range(4):
        assert np.array_equal(results[k], expected[k::4])


def test_loading_a_tampered_artifact_raises(
    tmp_path: Path, encoder_artifact: EncoderArtifact
) -> None:
    copy = tmp_path / "model.onnx"
    data = bytearray(encoder_artifact.onnx_path.read_bytes())
    data[-1] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="sha256"):
        Encoder.load(dataclasses.replace(encoder_artifact, onnx_path=copy))
    with pytest.raises(ArtifactError, match="sha256"):
        Encoder.load(dataclasses.replace(encoder_artifact, tokenizer_sha256="0" * 64))
