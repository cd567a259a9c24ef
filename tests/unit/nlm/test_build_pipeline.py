"""Building the encoder artifact: reproducible bytes, cache hits, bad sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zgpu.nlm.artifacts import ArtifactStore
from zgpu.nlm.build import EncoderArtifact, ModelSource, build_encoder
from zgpu.nlm.errors import ArtifactError


def test_rebuilding_from_scratch_gives_the_same_bytes(
    tmp_path: Path, encoder_artifact: EncoderArtifact
) -> None:
    fresh = build_encoder(ArtifactStore(tmp_path / "fresh"))
    assert fresh.onnx_sha256 == encoder_artifact.onnx_sha256
    assert fresh.tokenizer_sha256 == encoder_artifact.tokenizer_sha256
    assert fresh.recipe_key == encoder_artifact.recipe_key
    assert fresh.onnx_path.read_bytes() == encoder_artifact.onnx_path.read_bytes()
    assert fresh.onnx_path.name == f"sha256-{fresh.onnx_sha256}.onnx"


def test_second_build_is_a_cache_hit(
    artifact_store: ArtifactStore, encoder_artifact: EncoderArtifact
) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in artifact_store.root.iterdir()}
    stages: list[tuple[str, float]] = []
    again = build_encoder(artifact_store, progress=lambda s, f: stages.append((s, f)))
    assert again == encoder_artifact
    assert stages[-1] == ("encoder found in cache", 1.0)
    assert all("quantiz" not in stage for stage, _ in stages)
    after = {p.name: p.stat().st_mtime_ns for p in artifact_store.root.iterdir()}
    assert {k: v for k, v in after.items() if k != ".lock"} == {
        k: v for k, v in before.items() if k != ".lock"
    }


def test_an_entry_whose_file_vanished_is_rebuilt(
    tmp_path: Path, encoder_artifact: EncoderArtifact
) -> None:
    store = ArtifactStore(tmp_path / "store")
    store.put_file(encoder_artifact.tokenizer_path, "json")
    store.record(
        encoder_artifact.recipe_key,
        {"onnx": encoder_artifact.onnx_sha256, "tokenizer": encoder_artifact.tokenizer_sha256},
    )
    # The manifest names an onnx file the directory does not hold.
    rebuilt = build_encoder(store)
    assert rebuilt.onnx_sha256 == encoder_artifact.onnx_sha256
    assert store.verify(rebuilt.onnx_sha256) == rebuilt.onnx_path


def test_a_source_directory_without_weights_is_an_artifact_error(tmp_path: Path) -> None:
    shutil.copy(ModelSource.minilm().config, tmp_path / "config.json")
    with pytest.raises(ArtifactError, match=r"model\.safetensors"):
        ModelSource.from_dir(tmp_path)
