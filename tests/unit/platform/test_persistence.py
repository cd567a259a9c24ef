"""What one Database object wrote, a new one (a restarted process) reads back."""

from __future__ import annotations

from zgpu.platform.accounts import create_organization
from zgpu.platform.db import Database
from zgpu.platform.keys import KeyAuthenticator, create_key, list_keys
from zgpu.platform.logs import RequestLogEntry, RequestLogWriter, list_logs
from zgpu.platform.projects import create_project, get_project


async def test_restart_keeps_projects_keys_and_logs(db: Database, migrated_url: str) -> None:
    with db.session() as session:
        organization = create_organization(session, "Acme")
        project = create_project(session, organization.id, "Search", "staging")
        key = create_key(session, project.id, "Backend")
    writer = RequestLogWriter(db)
    await writer.start()
    await writer.record(
        RequestLogEntry(
            request_id="req_1",
            project_id=project.id,
            api_key_id=key.id,
            model="zlm-v1-iab-classify-cloud",
            status=200,
            latency_ms=8.25,
            input_tokens=42,
            output_tokens=7,
            route="edge",
            served_by="node-7",
        )
    )
    await writer.stop()
    db.dispose()

    restarted = Database(migrated_url)
    auth = KeyAuthenticator(restarted, cache_ttl_s=1)
    try:
        with restarted.session() as session:
            assert get_project(session, project.id).environment == "staging"
            assert [k.masked for k in list_keys(session, project.id)] == [key.masked]
            (log,) = list_logs(session, project.id)
        assert (log.request_id, log.api_key_id, log.route, log.served_by) == (
            "req_1",
            key.id,
            "edge",
            "node-7",
        )
        assert (log.latency_ms, log.input_tokens, log.output_tokens) == (8.25, 42, 7)
        assert (await auth.authenticate(key.secret)).key_id == key.id
    finally:
        await auth.aclose()
        restarted.dispose()
