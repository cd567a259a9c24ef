"""Serve the built dashboard (``zgpu.web.DIST_DIR``) at ``/`` next to the API.

``/assets/*`` are content-hashed files, cached for a year. Any other ``GET`` that no API route
answered and that accepts HTML (a browser's ``text/html``, or ``*/*`` as curl sends) gets
``index.html``, so deep links like ``/logs?status=5xx`` work on reload. API paths, and callers
asking only for JSON, keep the API's JSON 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

_API_PREFIXES: Final = (
    "/v1/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/docs",
    "/redoc",
)

_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>ZeroGPU</title>
<body style="font-family:system-ui;margin:3rem;max-width:40rem">
<h1>ZeroGPU</h1><p>The API is running. The dashboard has not been built in this installation:
run <code>scripts/build-web.sh</code> (needs Node.js 20+ and npm), then reload.</p>
<p>API reference: <a href="/docs">/docs</a></p></body>"""


class _ImmutableAssets(StaticFiles):
    """Static files whose names carry a content hash: cache them for a year."""

    async def get_response(self, path: str, scope: dict) -> Response:  # type: ignore[type-arg,override]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def mount_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the app built into ``dist`` at ``/``; register this after every API route."""
    index = dist / "index.html"
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", _ImmutableAssets(directory=assets), name="dashboard-assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def page(path: str, request: Request) -> Response:
        full = "/" + path
        accept = request.headers.get("accept", "*/*")
        wants_page = "text/html" in accept or "*/*" in accept
        if full.startswith(_API_PREFIXES) or not wants_page:
            # The API's own 404 envelope, exactly as if this route did not exist.
            raise HTTPException(status_code=404, detail="Not Found")
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT)
        # index.html names the current hashed assets: never cache it.
        return FileResponse(index, headers={"cache-control": "no-cache"})
