"""Each platform package exports exactly its public names, each documented."""

from __future__ import annotations

import importlib
import inspect

import pytest

EXPORTS = {
    "zgpu.platform": [
        "Conflict",
        "FirstRun",
        "InvalidArgument",
        "InvalidKey",
        "NotFound",
        "PlatformError",
        "ProjectForbidden",
        "StorageError",
        "ensure_first_run",
    ],
    "zgpu.platform.db": [
        "Base",
        "Database",
        "UTCDateTime",
        "current_revision",
        "head_revision",
        "upgrade_to_head",
        "utc_now",
    ],
    "zgpu.platform.accounts": [
        "Organization",
        "create_organization",
        "get_organization",
        "list_organizations",
    ],
    "zgpu.platform.projects": [
        "Environment",
        "Project",
        "archive_project",
        "create_project",
        "get_project",
        "list_projects",
    ],
    "zgpu.platform.keys": [
        "KEY_PREFIX",
        "ApiKey",
        "AuthenticatedKey",
        "CreatedKey",
        "KeyAuthenticator",
        "KeyInfo",
        "KeyStatus",
        "create_key",
        "get_key",
        "list_keys",
        "revoke_key",
    ],
    "zgpu.platform.logs": [
        "RequestLog",
        "RequestLogEntry",
        "RequestLogWriter",
        "Route",
        "list_logs",
    ],
}


@pytest.mark.parametrize("package", sorted(EXPORTS))
def test_exports_are_exactly_the_public_names(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__all__ == EXPORTS[package]
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{package}.{name} has no docstring"
