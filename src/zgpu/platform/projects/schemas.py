"""Project values: the deployment environments and name limits."""

from __future__ import annotations

from enum import StrEnum

PROJECT_NAME_MAX = 200
"""Longest project name, in characters."""


class Environment(StrEnum):
    """The stage a project serves; informational, it changes no behaviour yet."""

    DEVELOPMENT = "development"
    STAGING = "staging"
    PRODUCTION = "production"
