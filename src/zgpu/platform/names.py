"""Display names (organizations, projects, keys): trimmed, non-empty, bounded."""

from __future__ import annotations

from zgpu.platform.errors import InvalidArgument


def clean_name(value: str, *, param: str, max_length: int) -> str:
    """``value`` stripped of surrounding space.

    Raises ``InvalidArgument`` (naming ``param``) when it is empty or longer than ``max_length``.
    """
    cleaned = value.strip()
    if not cleaned:
        raise InvalidArgument(f"{param} must not be empty", param=param)
    if len(cleaned) > max_length:
        raise InvalidArgument(f"{param} is longer than {max_length} characters", param=param)
    return cleaned
