"""Organizations and projects: creation rules, listing, lookups and archiving."""

from __future__ import annotations

import uuid

import pytest

from zgpu.platform.accounts import create_organization, get_organization, list_organizations
from zgpu.platform.db import Database
from zgpu.platform.errors import Conflict, InvalidArgument, NotFound
from zgpu.platform.projects import (
    Environment,
    archive_project,
    create_project,
    get_project,
    list_projects,
    restore_project,
    update_project,
)


def test_organizations_are_created_and_listed_oldest_first(db: Database) -> None:
    with db.session() as session:
        first = create_organization(session, "  Acme  ")
        second = create_organization(session, "Globex")
    assert first.name == "Acme"
    assert first.created_at.tzinfo is not None
    with db.session() as session:
        listed = list_organizations(session)
        assert [o.id for o in listed] == [first.id, second.id]
        assert get_organization(session, second.id).name == "Globex"
        with pytest.raises(NotFound):
            get_organization(session, uuid.uuid4())


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_names_are_refused(db: Database, name: str) -> None:
    with pytest.raises(InvalidArgument) as caught, db.session() as session:
        create_organization(session, name)
    assert caught.value.param == "name"


def test_projects_belong_to_an_organization(db: Database) -> None:
    with db.session() as session:
        acme = create_organization(session, "Acme")
        globex = create_organization(session, "Globex")
        search = create_project(session, acme.id, "Search", "production")
        create_project(session, globex.id, "Search")
    assert search.environment == Environment.PRODUCTION
    assert search.archived is False
    with db.session() as session:
        assert [p.id for p in list_projects(session, acme.id)] == [search.id]
        assert len(list_projects(session)) == 2
        assert get_project(session, search.id).organization_id == acme.id
        with pytest.raises(NotFound):
            get_project(session, uuid.uuid4())


def test_project_needs_an_existing_organization_and_a_known_environment(db: Database) -> None:
    with pytest.raises(NotFound), db.session() as session:
        create_project(session, uuid.uuid4(), "Search")
    with db.session() as session:
        acme = create_organization(session, "Acme")
    with pytest.raises(InvalidArgument) as caught, db.session() as session:
        create_project(session, acme.id, "Search", "qa")
    assert caught.value.param == "environment"


def test_live_project_names_are_unique_per_organization(db: Database) -> None:
    with db.session() as session:
        acme = create_organization(session, "Acme")
        first = create_project(session, acme.id, "Search")
    with pytest.raises(Conflict), db.session() as session:
        create_project(session, acme.id, "Search")
    with db.session() as session:
        archived = archive_project(session, first.id)
        again = archive_project(session, first.id)
        assert archived.archived_at == again.archived_at
    with db.session() as session:
        renewed = create_project(session, acme.id, "Search")
    assert renewed.id != first.id


def test_unique_index_holds_even_when_the_precheck_is_bypassed(db: Database) -> None:
    # Two writers can both pass the existence check; the partial unique index decides.
    from zgpu.platform.projects.models import Project
    from zgpu.platform.projects.repository import ProjectRepository

    with db.session() as session:
        acme = create_organization(session, "Acme")
        create_project(session, acme.id, "Search")
    with pytest.raises(Conflict), db.session() as session:
        ProjectRepository(session).add(Project(organization_id=acme.id, name="Search"))
    with db.session() as session:
        assert len(list_projects(session, acme.id)) == 1


def test_failed_unit_of_work_leaves_nothing_behind(db: Database) -> None:
    def create_both() -> None:
        with db.session() as session:
            create_organization(session, "Acme")
            create_project(session, uuid.uuid4(), "Search")

    with pytest.raises(NotFound):
        create_both()
    with db.session() as session:
        assert list_organizations(session) == []


def test_rename_change_environment_and_restore(db: Database) -> None:
    with db.session() as session:
        org = create_organization(session, "Acme")
        web = create_project(session, org.id, "Web")
        create_project(session, org.id, "Api")
    with pytest.raises(Conflict), db.session() as session:
        update_project(session, web.id, name="Api")
    with pytest.raises(InvalidArgument), db.session() as session:
        update_project(session, web.id, environment="qa")
    with db.session() as session:
        changed = update_project(session, web.id, name="Site", environment="production")
        assert (changed.name, changed.environment) == ("Site", "production")
        archive_project(session, web.id)
        create_project(session, org.id, "Site")
    with pytest.raises(Conflict), db.session() as session:
        restore_project(session, web.id)
    with db.session() as session:
        update_project(session, web.id, name="Site (old)")
        assert restore_project(session, web.id).archived_at is None
