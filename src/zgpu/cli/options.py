"""Options shared by several commands, and turning them into ``Settings``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from zgpu.config import Settings

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="ZGPU_DATA_DIR",
        show_envvar=False,
        help="Where the database and models live [env: ZGPU_DATA_DIR].",
    ),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def settings_from(**given: Any) -> Settings:
    """Settings from ``ZGPU_*`` variables, overridden by the options the user actually gave."""
    overrides = {name: value for name, value in given.items() if value is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise typer.BadParameter(problems) from None
