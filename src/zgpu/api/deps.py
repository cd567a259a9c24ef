"""Dependencies a handler states in its signature."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from zgpu.api.gateway import Gateway


def get_gateway(request: Request) -> Gateway:
    """The gateway services the lifespan put on ``app.state``."""
    return cast(Gateway, request.app.state.gateway)


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
