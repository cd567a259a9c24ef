"""The built dashboard: ``dist/`` is produced from ``web/`` by ``scripts/build-web.sh``
(Vite), shipped inside the package and served by the gateway at ``/``."""

from __future__ import annotations

from pathlib import Path

DIST_DIR = Path(__file__).resolve().parent / "dist"
"""Where the built single-page app lives (``index.html`` + ``assets/``)."""
