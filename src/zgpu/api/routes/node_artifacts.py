"""``/v1/nodes/artifacts``: model artifacts for edge nodes, by sha256.

``GET /v1/nodes/artifacts`` lists what this gateway's models are made of: every stored artifact
(``sha256``, ``suffix``, ``bytes``) and the store's manifest, so a node can rebuild the same
model directory without building anything. ``GET /v1/nodes/artifacts/{sha256}`` streams one
artifact; the node verifies the hash before use. Both need the node's credential
(``Authorization: Bearer zgpu-node-...``); a revoked node gets 401.

Include the router built by :func:`router_for` with the gateway's model directory.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel

from zgpu.api.errors import error_responses
from zgpu.api.management.routes_nodes import EnrollmentDep
from zgpu.nlm.artifacts import ArtifactStore
from zgpu.nlm.errors import ArtifactError
from zgpu.platform.errors import NotFound, StorageError, Unauthenticated
from zgpu.platform.nodes import authenticate_node

ARTIFACT_SHA_HEADER = "x-zerogpu-artifact-sha256"
ARTIFACT_SUFFIX_HEADER = "x-zerogpu-artifact-suffix"
_STORED = re.compile(r"^sha256-([0-9a-f]{64})\.([a-z0-9]+)$")
_MISSING_CREDENTIAL = "A node credential is required: Authorization: Bearer zgpu-node-..."


class ArtifactObject(BaseModel):
    """One stored artifact."""

    object: str = "node.artifact"
    sha256: str
    suffix: str
    bytes: int


class ArtifactList(BaseModel):
    """Every stored artifact and the manifest that names what each is for."""

    object: str = "list"
    data: list[ArtifactObject]
    manifest: dict[str, Any]


async def require_node(request: Request, enrollment: EnrollmentDep) -> str:
    """The id of the node whose credential is in ``Authorization``; raises ``Unauthenticated``
    (also for a revoked node). Needs ``app.state.edge_enrollment``."""
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise Unauthenticated(_MISSING_CREDENTIAL, code="invalid_node_credential")

    def check() -> str:
        with enrollment.database.session() as session:
            return authenticate_node(session, credential.strip()).id

    return await asyncio.to_thread(check)


NodeDep = Annotated[str, Depends(require_node)]


def _listing(root: Path) -> ArtifactList:
    data = []
    for path in sorted(root.glob("sha256-*.*")):
        match = _STORED.fullmatch(path.name)
        if match is not None and path.is_file():
            data.append(
                ArtifactObject(
                    sha256=match.group(1), suffix=match.group(2), bytes=path.stat().st_size
                )
            )
    try:
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        manifest = {}
    except (OSError, ValueError) as exc:
        raise StorageError(f"the artifact manifest cannot be read: {exc}") from exc
    return ArtifactList(data=data, manifest=manifest if isinstance(manifest, dict) else {})


def router_for(model_dir: Path) -> APIRouter:
    """The artifact routes, serving the :class:`~zgpu.nlm.artifacts.ArtifactStore` at
    ``model_dir``."""
    router = APIRouter(prefix="/v1/nodes/artifacts", tags=["nodes"])
    store = ArtifactStore(model_dir)

    @router.get(
        "",
        operation_id="listNodeArtifacts",
        summary="List the model artifacts nodes can fetch",
        response_model=ArtifactList,
        responses=error_responses(401),
    )
    async def list_artifacts(node_id: NodeDep) -> ArtifactList:
        """Every artifact in the gateway's store, with the manifest."""
        return await asyncio.to_thread(_listing, model_dir)

    @router.get(
        "/{sha256}",
        operation_id="getNodeArtifact",
        summary="Download one model artifact by sha256",
        response_class=FileResponse,
        responses={
            200: {"content": {"application/octet-stream": {}}},
            **error_responses(401, 404),
        },
    )
    async def get_artifact(
        node_id: NodeDep,
        sha256: Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")],
    ) -> FileResponse:
        """The artifact's bytes; 404 when this gateway does not hold it."""
        try:
            path = store.path_for(sha256)
        except ArtifactError as exc:
            raise NotFound(f"artifact {sha256} not found", param="sha256") from exc
        suffix = path.name.rsplit(".", 1)[-1]
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=path.name,
            headers={ARTIFACT_SHA_HEADER: sha256, ARTIFACT_SUFFIX_HEADER: suffix},
        )

    return router
