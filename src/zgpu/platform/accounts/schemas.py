"""Limits on organization values, shared by the service and the storage model."""

from __future__ import annotations

ORGANIZATION_NAME_MAX = 200
"""Longest organization name, in characters."""
