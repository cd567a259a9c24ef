"""First-run setup: creates working defaults once, even when processes race."""

from __future__ import annotations

import threading

from zgpu.platform.accounts import create_organization, list_organizations
from zgpu.platform.bootstrap import FirstRun, ensure_first_run
from zgpu.platform.db import Database
from zgpu.platform.keys import KeyAuthenticator, list_keys
from zgpu.platform.projects import Environment, list_projects


async def test_first_run_creates_a_working_key_once(db: Database) -> None:
    first = ensure_first_run(db)
    assert first is not None
    assert first.organization.name == "Default organization"
    assert first.project.name == "Default project"
    assert first.project.environment == Environment.DEVELOPMENT
    assert first.key.project_id == first.project.id
    auth = KeyAuthenticator(db, cache_ttl_s=0)
    try:
        assert (await auth.authenticate(first.key.secret)).project_id == first.project.id
    finally:
        await auth.aclose()
    assert ensure_first_run(db) is None
    with db.session() as session:
        assert len(list_organizations(session)) == 1
        assert [k.name for k in list_keys(session, first.project.id)] == ["Default key"]


def test_existing_organizations_mean_no_defaults(db: Database) -> None:
    with db.session() as session:
        create_organization(session, "Acme")
    assert ensure_first_run(db) is None
    with db.session() as session:
        assert list_projects(session) == []


def test_racing_processes_create_one_set_of_defaults(db: Database, migrated_url: str) -> None:
    racers = 4
    barrier = threading.Barrier(racers)
    results: list[FirstRun | None] = []
    errors: list[BaseException] = []

    def start() -> None:
        process_db = Database(migrated_url)  # its own engine, as another process would have
        try:
            barrier.wait()
            results.append(ensure_first_run(process_db))
        except BaseException as exc:
            errors.append(exc)
        finally:
            process_db.dispose()

    threads = [threading.Thread(target=start) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(result is not None for result in results) == 1
    with db.session() as session:
        assert len(list_organizations(session)) == 1
        assert len(list_projects(session)) == 1
