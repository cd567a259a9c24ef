from __future__ import annotations

import inspect

import zgpu.edge


def test_all_is_sorted_and_complete() -> None:
    exported = zgpu.edge.__all__
    assert exported == sorted(exported)
    public = {
        name
        for name, value in vars(zgpu.edge).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert set(exported) == public


def test_every_export_is_documented() -> None:
    for name in zgpu.edge.__all__:
        assert inspect.getdoc(getattr(zgpu.edge, name)), name
