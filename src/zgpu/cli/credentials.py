"""Stored sign-ins: one session per server URL in ``~/.config/zgpu/credentials.json`` (0600).

The file holds session cookies, which are as good as a password until they expire, so it is
created with mode 0600 in a 0700 directory and rewritten atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


def credentials_path() -> Path:
    """Where stored sign-ins live (under the user's home)."""
    return Path.home() / ".config" / "zgpu" / "credentials.json"


@dataclass
class ServerLogin:
    """A session on one server, and the organization commands act in there."""

    session: str
    csrf: str
    email: str
    organization_id: str | None = None


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"current": None, "servers": {}}
    data: dict[str, Any] = json.loads(path.read_text())
    data.setdefault("servers", {})
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".credentials-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def normalize_server(url: str) -> str:
    """A server URL without a trailing slash."""
    return url.rstrip("/")


def current_server(path: Path | None = None) -> str | None:
    """The server of the last ``zgpu login``, if it is still signed in."""
    data = _load(path or credentials_path())
    current = data.get("current")
    return current if isinstance(current, str) and current in data["servers"] else None


def load_login(server: str, path: Path | None = None) -> ServerLogin | None:
    """The stored session for ``server``, if any."""
    entry = _load(path or credentials_path())["servers"].get(normalize_server(server))
    return ServerLogin(**entry) if entry else None


def save_login(server: str, login: ServerLogin, path: Path | None = None) -> None:
    """Store ``login`` for ``server`` and make it the current server."""
    target = path or credentials_path()
    data = _load(target)
    data["servers"][normalize_server(server)] = asdict(login)
    data["current"] = normalize_server(server)
    _save(target, data)


def forget_login(server: str, path: Path | None = None) -> bool:
    """Remove the stored session for ``server``; returns whether there was one."""
    target = path or credentials_path()
    data = _load(target)
    removed = data["servers"].pop(normalize_server(server), None) is not None
    if data.get("current") == normalize_server(server):
        data["current"] = next(iter(data["servers"]), None)
    _save(target, data)
    return removed
