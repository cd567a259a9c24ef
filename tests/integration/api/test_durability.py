"""Nothing a client saw succeed is lost: restarts keep keys, projects and logs, and a
``kill -9`` in the middle of a burst loses no log row, and no usage charge, of a request that
got its 200 (and bills none twice)."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.support.server import ZGPU, Credentials, ServerProcess, create_key, process_env
from zgpu.platform.billing import UsageCharge
from zgpu.platform.db import Database
from zgpu.platform.logs import RequestLog

BODY = {"model": "zlm-v1-iab-classify-cloud", "input": "Tips for training a puppy at home."}


def _logged_request_ids(server: ServerProcess) -> set[str]:
    url = server.database_url or f"sqlite:///{server.data_dir / 'zgpu.db'}"
    database = Database(url)
    try:
        with database.session() as session:
            return set(session.scalars(select(RequestLog.request_id)))
    finally:
        database.dispose()


def _billed_request_ids(server: ServerProcess) -> list[str]:
    url = server.database_url or f"sqlite:///{server.data_dir / 'zgpu.db'}"
    database = Database(url)
    try:
        with database.session() as session:
            return list(session.scalars(select(UsageCharge.request_id)))
    finally:
        database.dispose()


def _cli_json(server: ServerProcess, *args: str) -> list[dict[str, str]]:
    out = subprocess.run(
        [*ZGPU, *args, "--json"],
        env=process_env(server.data_dir, server.database_url),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return list(json.loads(out.stdout))


def _post(server: ServerProcess, creds: Credentials) -> httpx.Response:
    headers = {"x-api-key": creds.key, "x-project-id": creds.project_id}
    return httpx.post(f"{server.url}/v1/responses", json=BODY, headers=headers, timeout=60)


def test_restart_keeps_keys_projects_and_logs(tmp_path: Path, database_url: str | None) -> None:
    server = ServerProcess(tmp_path / "gw", database_url).start()
    creds = create_key(server.data_dir, database_url, name="survivor")
    first = _post(server, creds)
    assert first.status_code == 200
    server.stop()

    server = ServerProcess(server.data_dir, database_url, port=server.port).start()
    try:
        assert _post(server, creds).status_code == 200  # the key still works
        keys = _cli_json(server, "keys", "list")
        assert "survivor" in {k["name"] for k in keys}
        assert creds.key not in json.dumps(keys)  # masked, never the secret
        projects = _cli_json(server, "projects", "list")
        assert creds.project_id in {p["id"] for p in projects}
        assert first.headers["x-request-id"] in _logged_request_ids(server)
    finally:
        server.stop()


def test_kill_9_loses_no_logged_success(tmp_path: Path, database_url: str | None) -> None:
    server = ServerProcess(tmp_path / "gw", database_url).start()
    creds = create_key(server.data_dir, database_url)
    succeeded: list[str] = []
    lock = threading.Lock()

    def one(_: int) -> None:
        try:
            response = _post(server, creds)
        except httpx.HTTPError:
            return  # the connection died with the server: the client saw no success
        if response.status_code == 200:
            with lock:
                succeeded.append(response.headers["x-request-id"])

    with ThreadPoolExecutor(50) as pool:
        futures = [pool.submit(one, i) for i in range(50)]
        deadline = time.monotonic() + 60
        while len(succeeded) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        for future in futures:
            future.result()
    assert succeeded, "no request finished before the kill"

    server = ServerProcess(server.data_dir, database_url, port=server.port).start()
    try:
        logged = _logged_request_ids(server)
        assert set(succeeded) <= logged, set(succeeded) - logged
        billed = _billed_request_ids(server)
        assert set(succeeded) <= set(billed), set(succeeded) - set(billed)
        assert len(billed) == len(set(billed))  # each request's cost exactly once
    finally:
        server.stop()
    assert uuid.UUID(creds.project_id)
