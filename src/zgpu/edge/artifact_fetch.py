"""Fetching model artifacts from the gateway, by sha256, verified before use.

A node that lacks its models' artifacts asks the gateway (``GET /v1/nodes/artifacts``) what
they are, downloads each missing one (``GET /v1/nodes/artifacts/{sha256}``) streamed to a
temporary file in its own artifact directory while hashing, and moves it into place
(``sha256-<hex>.<suffix>``, atomically) only if the hash matches; a mismatching file is deleted
and refused. The gateway's manifest is written last, so a directory never names an artifact it
does not hold; then :class:`~zgpu.nlm.runtime.Runtime` loads from it without building.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from zgpu.edge.errors import EdgeError

_SHA = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"^[a-z0-9]+$")
_MANIFEST = "manifest.json"

Progress = Callable[[str, int, int], None]
"""``progress(name, bytes_done, bytes_total)``, called as a download advances."""


class ArtifactFetchFailed(EdgeError):
    """An artifact could not be fetched: the gateway refused or failed, the file's sha256 did
    not match (code ``artifact_mismatch``), or it could not be written."""

    default_code = "artifact_fetch_failed"


@dataclass(frozen=True, slots=True)
class RemoteArtifact:
    """One artifact the gateway offers."""

    sha256: str
    suffix: str
    size: int

    @property
    def file_name(self) -> str:
        """Its name in an artifact directory."""
        return f"sha256-{self.sha256}.{self.suffix}"


class ArtifactFetcher:
    """Downloads artifacts from the gateway at ``server_url`` into ``artifact_dir``,
    authenticated by the node's ``credential``."""

    def __init__(
        self,
        server_url: str,
        credential: str,
        artifact_dir: Path,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: Progress | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self._server_url = server_url.rstrip("/")
        self._headers = {"authorization": f"Bearer {credential}"}
        self._dir = artifact_dir
        self._transport = transport
        self._progress = progress
        self._timeout_s = timeout_s

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self._server_url,
            headers=self._headers,
            transport=self._transport,
            timeout=self._timeout_s,
        )

    async def listing(self) -> tuple[list[RemoteArtifact], dict[str, Any]]:
        """What the gateway offers: its artifacts and its manifest.

        Raises:
            ArtifactFetchFailed: the gateway refused, failed or answered nonsense.
        """
        try:
            async with self._client() as client:
                response = await client.get("/v1/nodes/artifacts")
        except httpx.HTTPError as exc:
            raise ArtifactFetchFailed(f"cannot reach {self._server_url}: {exc}") from exc
        _check(response, "/v1/nodes/artifacts")
        try:
            body = response.json()
            artifacts = [
                RemoteArtifact(str(item["sha256"]), str(item["suffix"]), int(item["bytes"]))
                for item in body["data"]
            ]
            manifest = body["manifest"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ArtifactFetchFailed("the gateway's artifact list is malformed") from exc
        for artifact in artifacts:
            if not _SHA.match(artifact.sha256) or not _SUFFIX.match(artifact.suffix):
                raise ArtifactFetchFailed(f"the gateway offers a bad artifact name {artifact}")
        return artifacts, manifest if isinstance(manifest, dict) else {}

    async def fetch(self, sha256: str, suffix: str) -> Path:
        """Download one artifact into the directory and return its path; an artifact already
        there (same name) is kept without downloading.

        Raises:
            ArtifactFetchFailed: ``artifact_mismatch`` when the bytes do not hash to
                ``sha256`` (nothing is kept), or any download or write failure.
        """
        if not _SHA.match(sha256) or not _SUFFIX.match(suffix):
            raise ArtifactFetchFailed(f"bad artifact name {sha256}.{suffix}")
        target = self._dir / f"sha256-{sha256}.{suffix}"
        if target.is_file():
            return target
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=self._dir, prefix=".fetch-", suffix=f".{suffix}")
        except OSError as exc:
            raise ArtifactFetchFailed(f"cannot write into {self._dir}: {exc}") from exc
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                actual = await self._download(sha256, out)
                out.flush()
                os.fsync(out.fileno())
            if actual != sha256:
                raise ArtifactFetchFailed(
                    f"artifact {sha256} from the gateway hashes to {actual}: refused",
                    "artifact_mismatch",
                )
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except OSError as exc:
            raise ArtifactFetchFailed(f"cannot write {target}: {exc}") from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return target

    async def _download(self, sha256: str, out: Any) -> str:
        digest = hashlib.sha256()
        path = f"/v1/nodes/artifacts/{sha256}"
        try:
            async with self._client() as client, client.stream("GET", path) as response:
                if response.status_code != 200:
                    await response.aread()
                    _check(response, path)
                total = int(response.headers.get("content-length", 0))
                done = 0
                async for chunk in response.aiter_bytes(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    if self._progress is not None:
                        self._progress(sha256[:12], done, total)
        except httpx.HTTPError as exc:
            raise ArtifactFetchFailed(f"downloading {sha256} failed: {exc}") from exc
        return digest.hexdigest()

    async def sync(self) -> list[Path]:
        """Fetch every artifact the gateway offers that the directory lacks, then write the
        gateway's manifest (merged over the local one). Returns the paths downloaded.

        Raises:
            ArtifactFetchFailed: as :meth:`listing` and :meth:`fetch`.
        """
        artifacts, manifest = await self.listing()
        fetched = []
        for artifact in artifacts:
            if not (self._dir / artifact.file_name).is_file():
                fetched.append(await self.fetch(artifact.sha256, artifact.suffix))
        if manifest:
            self._merge_manifest(manifest)
        return fetched

    def _merge_manifest(self, remote: dict[str, Any]) -> None:
        path = self._dir / _MANIFEST
        try:
            local = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            local = {}
        merged: dict[str, Any] = dict(remote)
        if isinstance(local, dict) and local.get("version") == remote.get("version"):
            for section, entries in remote.items():
                if isinstance(entries, dict) and isinstance(local.get(section), dict):
                    merged[section] = {**local[section], **entries}
        text = json.dumps(merged, sort_keys=True, indent=2) + "\n"
        try:
            fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=".manifest-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as exc:
            raise ArtifactFetchFailed(f"cannot write {path}: {exc}") from exc


def _check(response: httpx.Response, path: str) -> None:
    if response.status_code == 200:
        return
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text[:200]
    raise ArtifactFetchFailed(f"{path}: HTTP {response.status_code}: {message}")
