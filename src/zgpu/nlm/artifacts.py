"""A content-addressed store of model artifacts in one directory.

Layout::

    <root>/sha256-<hex>.<suffix>   one file per artifact, named by the sha256 of its bytes
    <root>/manifest.json           recipe key -> artifact hashes; array key -> hash
    <root>/.lock                   the file lock (fcntl) that serialises writers

Writes are atomic (a temporary file in ``<root>`` is renamed into place) and every
change to the manifest happens under an exclusive lock, so several processes may start
on the same directory at once: one builds, the others wait and then find the result.
Reads verify the sha256 of what they return.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zgpu.nlm.errors import ArtifactError

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX_RE = re.compile(r"^[a-z0-9]+$")
_MANIFEST = "manifest.json"
_MANIFEST_VERSION = 1
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file at ``path``; raises ``OSError`` if it cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def recipe_key(recipe: Mapping[str, Any]) -> str:
    """The hash of a build recipe: sha256 of its canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(recipe, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return sha256_bytes(canonical.encode("ascii"))


class ArtifactStore:
    """Artifacts by sha256 under ``root``, plus a manifest of what recipes produced.

    The store may be shared by threads and processes. ``locked()`` holds the exclusive
    lock (re-entrant within one store object) for a check-then-build sequence.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    # -- locking -----------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock: other threads and processes wait.

        Raises ``ArtifactError`` if the directory cannot be created or locked.
        """
        with self._thread_lock:
            if self._depth == 0:
                try:
                    self.root.mkdir(parents=True, exist_ok=True)
                    fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
                except OSError as exc:
                    raise ArtifactError(
                        f"cannot open the artifact store {self.root}: {exc}"
                    ) from exc
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError as exc:
                    os.close(fd)
                    raise ArtifactError(
                        f"cannot lock the artifact store {self.root}: {exc}"
                    ) from exc
                self._fd = fd
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None

    # -- artifacts ---------------------------------------------------------------------

    def put_bytes(self, data: bytes, suffix: str) -> str:
        """Store ``data`` as ``sha256-<hex>.<suffix>`` and return the hex sha256.

        Storing bytes that are already present is a no-op. Raises ``ArtifactError`` on a
        bad suffix or a write failure.
        """
        if not _SUFFIX_RE.match(suffix):
            raise ArtifactError(f"bad artifact suffix {suffix!r}")
        sha = sha256_bytes(data)
        target = self.root / f"sha256-{sha}.{suffix}"
        with self.locked():
            if target.exists() and sha256_file(target) == sha:
                return sha
            self._write_atomic(target, data)
        return sha

    def put_file(self, source: Path, suffix: str) -> str:
        """Copy the file at ``source`` into the store; returns its sha256."""
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise ArtifactError(f"cannot read {source}: {exc}") from exc
        return self.put_bytes(data, suffix)

    def path_for(self, sha256: str) -> Path:
        """The path of the artifact with this hash (not re-verified; see ``verify``).

        Raises ``ArtifactError`` if the hash is malformed or no such artifact is stored.
        """
        if not _SHA_RE.match(sha256):
            raise ArtifactError(f"malformed sha256 {sha256!r}", param="sha256")
        matches = sorted(self.root.glob(f"sha256-{sha256}.*"))
        if not matches:
            raise ArtifactError(f"artifact sha256-{sha256} is not in {self.root}", param="sha256")
        return matches[0]

    def read_verified(self, sha256: str) -> bytes:
        """The artifact's bytes, after checking that they hash to ``sha256``.

        Raises ``ArtifactError`` if it is missing, unreadable or corrupt.
        """
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ArtifactError(f"cannot read {path}: {exc}") from exc
        actual = sha256_bytes(data)
        if actual != sha256:
            raise ArtifactError(f"{path} is corrupt: its sha256 is {actual}", param="sha256")
        return data

    def verify(self, sha256: str) -> Path:
        """Check the stored file's hash and return its path; raises ``ArtifactError``."""
        path = self.path_for(sha256)
        actual = sha256_file(path)
        if actual != sha256:
            raise ArtifactError(f"{path} is corrupt: its sha256 is {actual}", param="sha256")
        return path

    # -- manifest ----------------------------------------------------------------------

    def lookup(self, key: str) -> dict[str, str] | None:
        """The entry recorded under recipe ``key`` (names -> sha256), or ``None``."""
        with self.locked():
            entry = self._read_manifest()["recipes"].get(key)
        return dict(entry) if entry is not None else None

    def record(self, key: str, entry: Mapping[str, str]) -> None:
        """Record ``entry`` (names -> sha256 of stored artifacts) under recipe ``key``."""
        with self.locked():
            manifest = self._read_manifest()
            manifest["recipes"][key] = dict(entry)
            self._write_manifest(manifest)

    def cached_array(self, key: str, build: Callable[[], NDArray[Any]]) -> NDArray[Any]:
        """The array stored under ``key``, building and storing it on first use.

        ``key`` should name everything the array depends on (for label embeddings: the
        encoder's sha256 and the labels' hash). The array is stored as ``.npy`` named by
        its sha256 and verified when read back. ``build`` runs under the store's lock, so
        concurrent callers build it once. Raises ``ArtifactError`` on a corrupt file.
        """
        with self.locked():
            sha = self._read_manifest()["arrays"].get(key)
            if sha is not None:
                try:
                    data = self.read_verified(sha)
                except ArtifactError:
                    sha = None  # missing or corrupt: rebuild below
                else:
                    return np.load(io.BytesIO(data), allow_pickle=False)  # type: ignore[no-any-return]
            array = np.asarray(build())
            buffer = io.BytesIO()
            np.save(buffer, array, allow_pickle=False)
            sha = self.put_bytes(buffer.getvalue(), "npy")
            manifest = self._read_manifest()
            manifest["arrays"][key] = sha
            self._write_manifest(manifest)
            return array

    # -- internals ---------------------------------------------------------------------

    def _read_manifest(self) -> dict[str, dict[str, Any]]:
        path = self.root / _MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"recipes": {}, "arrays": {}}
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"unreadable manifest {path}: {exc}") from exc
        if not isinstance(raw, dict) or raw.get("version") != _MANIFEST_VERSION:
            raise ArtifactError(f"manifest {path} has an unknown format")
        return {"recipes": dict(raw.get("recipes", {})), "arrays": dict(raw.get("arrays", {}))}

    def _write_manifest(self, manifest: Mapping[str, Mapping[str, Any]]) -> None:
        body = {"version": _MANIFEST_VERSION, **manifest}
        text = json.dumps(body, sort_keys=True, indent=2) + "\n"
        self._write_atomic(self.root / _MANIFEST, text.encode("utf-8"))

    def _write_atomic(self, target: Path, data: bytes) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=target.suffix)
            try:
                os.fchmod(fd, 0o644)  # artifacts are served to other nodes
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise ArtifactError(f"cannot write {target}: {exc}") from exc
