"""The content-addressed artifact store."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
import pytest

from zgpu.nlm.artifacts import ArtifactStore, recipe_key
from zgpu.nlm.errors import ArtifactError, NlmError


def test_put_names_the_file_by_its_sha256(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"model bytes", "onnx")
    assert sha == hashlib.sha256(b"model bytes").hexdigest()
    assert store.path_for(sha) == tmp_path / f"sha256-{sha}.onnx"
    assert store.read_verified(sha) == b"model bytes"
    assert store.put_bytes(b"model bytes", "onnx") == sha
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", f"sha256-{sha}.onnx"]


def test_a_corrupt_artifact_raises(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"original", "bin")
    store.path_for(sha).write_bytes(b"tampered")
    with pytest.raises(ArtifactError, match="corrupt") as info:
        store.read_verified(sha)
    assert isinstance(info.value, NlmError)
    assert info.value.code == "artifact_error"
    with pytest.raises(ArtifactError, match="corrupt"):
        store.verify(sha)
    # Putting the right bytes again repairs it.
    store.put_bytes(b"original", "bin")
    assert store.read_verified(sha) == b"original"


def test_unknown_and_malformed_hashes_raise(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    with pytest.raises(ArtifactError, match="not in"):
        store.path_for("0" * 64)
    with pytest.raises(ArtifactError, match="malformed"):
        store.path_for("../../etc/passwd")
    with pytest.raises(ArtifactError, match="suffix"):
        store.put_bytes(b"x", "../x")


def test_manifest_survives_a_new_store_object(tmp_path: Path) -> None:
    key = recipe_key({"weights": "abc", "builder": "1"})
    assert key == recipe_key({"builder": "1", "weights": "abc"})
    ArtifactStore(tmp_path).record(key, {"onnx": "a" * 64})
    assert ArtifactStore(tmp_path).lookup(key) == {"onnx": "a" * 64}
    assert ArtifactStore(tmp_path).lookup("other") is None


def test_cached_array_builds_once_and_reads_back(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> np.ndarray:
        calls.append(1)
        return np.arange(12, dtype=np.float32).reshape(3, 4)

    first = ArtifactStore(tmp_path).cached_array("labels:v1", build)
    second = ArtifactStore(tmp_path).cached_array("labels:v1", build)
    assert calls == [1]
    assert second.dtype == np.float32
    np.testing.assert_array_equal(first, second)
    npy = [p for p in tmp_path.iterdir() if p.suffix == ".npy"]
    assert len(npy) == 1
    assert npy[0].name == f"sha256-{hashlib.sha256(npy[0].read_bytes()).hexdigest()}.npy"
    # A corrupt file is rebuilt rather than returned.
    npy[0].write_bytes(b"garbage")
    third = ArtifactStore(tmp_path).cached_array("labels:v1", build)
    assert calls == [1, 1]
    np.testing.assert_array_equal(third, first)


def test_concurrent_stores_build_an_array_once(tmp_path: Path) -> None:
    calls: list[int] = []
    barrier = threading.Barrier(4)
    results: list[np.ndarray] = []

    def build() -> np.ndarray:
        calls.append(1)
        return np.ones(5, dtype=np.float32)

    def worker() -> None:
        store = ArtifactStore(tmp_path)  # its own lock file descriptor, as another process
        barrier.wait()
        results.append(store.cached_array("shared", build))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    assert len(results) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_a_manifest_of_unknown_format_raises(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"version": 99}', encoding="utf-8")
    with pytest.raises(ArtifactError, match="format"):
        ArtifactStore(tmp_path).lookup("k")
