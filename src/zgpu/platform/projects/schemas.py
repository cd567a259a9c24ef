"""Project values: the deployment environments, edge policies and name limits."""

from __future__ import annotations

from enum import StrEnum

PROJECT_NAME_MAX = 200
"""Longest project name, in characters."""


class Environment(StrEnum):
    """The stage a project serves; informational, it changes no behaviour yet."""

    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"


class EdgePolicy(StrEnum):
    """Where a project's requests may run: ``any`` edge node, only nodes enrolled by the
    project's organization (``own_organization``), or never on an edge node (``cloud_only``)."""

    ANY = "any"
    OWN_ORGANIZATION = "own_organization"
    CLOUD_ONLY = "cloud_only"
