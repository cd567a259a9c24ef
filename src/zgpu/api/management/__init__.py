"""The management API: accounts, organizations, projects, API keys, admin keys, billing and
edge nodes (operators' routes, and the enrollment routes nodes call).

``management_routers()`` lists the routers to include in the gateway app. Authentication is
``auth``; the dependencies routes declare (caller, organization, project) are in ``deps``.
"""

from __future__ import annotations

from fastapi import APIRouter

from zgpu.api.management import (
    routes_admin_keys,
    routes_api_keys,
    routes_auth,
    routes_billing,
    routes_logs,
    routes_nodes,
    routes_org_nodes,
    routes_organizations,
    routes_projects,
    routes_usage,
)

__all__ = ["management_routers"]


def management_routers() -> list[APIRouter]:
    """Every management router, in the order they should be included."""
    return [
        routes_auth.router,
        routes_organizations.router,
        routes_projects.router,
        routes_api_keys.router,
        routes_admin_keys.router,
        routes_logs.router,
        routes_usage.router,
        routes_billing.billing_router,
        routes_org_nodes.router,
        routes_nodes.router,
    ]
