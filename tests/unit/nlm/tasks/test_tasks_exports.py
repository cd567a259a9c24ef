"""The public surfaces of ``zgpu.nlm.tasks`` and ``zgpu.nlm.iab`` are what ``__all__`` says."""

from __future__ import annotations

from types import ModuleType

import pytest

import zgpu.nlm.iab
import zgpu.nlm.tasks


@pytest.mark.parametrize("module", [zgpu.nlm.tasks, zgpu.nlm.iab])
def test_all_is_sorted_and_complete(module: ModuleType) -> None:
    exported = list(vars(module)["__all__"])
    assert exported == sorted(exported)
    public = {name for name in vars(module) if not name.startswith("_")}
    submodules = {name for name in public if isinstance(getattr(module, name), ModuleType)}
    assert set(exported) == public - submodules - {"annotations"}
