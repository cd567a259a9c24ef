"""The joint static encoder: the projection fit, its rows, and cosines in the joint space."""

from __future__ import annotations

import numpy as np
import pytest
from tokenizers import Tokenizer

from zgpu.nlm.build import EncoderArtifact
from zgpu.nlm.static import JointEncoder, StaticEncoder, fit_projection, joint_label_embeddings

TEXTS = ["A man is eating food.", "", "ok 😂", "The court ruled against the merger."]


@pytest.fixture(scope="module")
def static(encoder_artifact: EncoderArtifact) -> StaticEncoder:
    tokenizer = Tokenizer.from_file(str(encoder_artifact.tokenizer_path))
    table = np.random.default_rng(7).standard_normal((tokenizer.get_vocab_size(True), 16))
    return StaticEncoder(tokenizer, table.astype(np.float32))


@pytest.fixture(scope="module")
def projection() -> np.ndarray:
    return np.random.default_rng(3).standard_normal((16, 24)).astype(np.float32)


def test_the_fit_recovers_a_linear_map() -> None:
    rng = np.random.default_rng(0)
    source = rng.standard_normal((500, 8)).astype(np.float32)
    true_map = rng.standard_normal((8, 5)).astype(np.float32)
    fitted = fit_projection(source, source @ true_map, ridge=1e-6)
    assert fitted.shape == (8, 5)
    assert fitted.dtype == np.float32
    assert np.allclose(fitted, true_map, atol=1e-3)
    shrunk = fit_projection(source, source @ true_map, ridge=1e4)
    assert np.linalg.norm(shrunk) < np.linalg.norm(fitted)  # the ridge pulls towards zero


def test_the_fit_refuses_unpaired_rows_and_a_bad_ridge() -> None:
    with pytest.raises(ValueError, match="paired"):
        fit_projection(np.zeros((3, 2), np.float32), np.zeros((4, 2), np.float32))
    with pytest.raises(ValueError, match="ridge"):
        fit_projection(np.ones((3, 2), np.float32), np.ones((3, 2), np.float32), ridge=0.0)


def test_rows_are_the_static_row_beside_its_unit_projection(
    static: StaticEncoder, projection: np.ndarray
) -> None:
    joint = JointEncoder(static, projection)
    rows = joint.embed(TEXTS)
    assert rows.shape == (4, 16 + 24)
    assert joint.dim == 40
    plain = static.embed(TEXTS)
    half = np.float32(1 / np.sqrt(2))
    assert np.allclose(rows[:, :16], plain * half, atol=1e-7)
    projected = plain[[0, 2, 3]] @ projection
    projected /= np.linalg.norm(projected, axis=1, keepdims=True)
    assert np.allclose(rows[[0, 2, 3], 16:], projected * half, atol=1e-6)
    assert np.allclose(np.linalg.norm(rows[[0, 2, 3]], axis=1), 1.0, atol=1e-6)
    assert not rows[1].any()  # no word piece: the zero vector
    for i, text in enumerate(TEXTS):  # the same bytes alone and in a batch
        assert joint.embed([text])[0].tobytes() == rows[i].tobytes()
    assert joint.count_tokens(TEXTS[0]) == static.count_tokens(TEXTS[0])
    assert joint.truncate(TEXTS[3], 3) == static.truncate(TEXTS[3], 3)
    with pytest.raises(TypeError):
        joint.embed("one string")


def test_a_joint_cosine_is_the_mean_of_both_cosines(
    static: StaticEncoder, projection: np.ndarray
) -> None:
    rng = np.random.default_rng(5)
    static_labels = rng.standard_normal((6, 16)).astype(np.float32)
    full_labels = rng.standard_normal((6, 24)).astype(np.float32)
    labels = joint_label_embeddings(static_labels, full_labels)
    assert np.allclose(np.linalg.norm(labels, axis=1), 1.0, atol=1e-6)
    document = JointEncoder(static, projection).embed([TEXTS[3]])[0]
    s = static.embed([TEXTS[3]])[0]
    p = s @ projection
    p /= np.linalg.norm(p)

    def cosines(rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        return np.asarray(unit @ vector)

    expected = (cosines(static_labels, s) + cosines(full_labels, p)) / 2
    assert np.allclose(labels @ document, expected, atol=1e-5)
    with pytest.raises(ValueError, match="label rows"):
        joint_label_embeddings(static_labels, full_labels[:5])


def test_projections_that_do_not_fit_are_refused(static: StaticEncoder) -> None:
    with pytest.raises(ValueError, match="rows"):
        JointEncoder(static, np.zeros((15, 4), np.float32))
    bad = np.zeros((16, 4), np.float32)
    bad[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN"):
        JointEncoder(static, bad)
