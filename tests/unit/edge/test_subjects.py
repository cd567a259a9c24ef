from __future__ import annotations

import pytest

from zgpu.edge import subjects


def test_cloud_subject_is_versioned() -> None:
    assert subjects.INFER_CLOUD == "zgpu.v1.infer.cloud"
    assert subjects.CLOUD_QUEUE_GROUP == "cloud"


def test_node_subject() -> None:
    assert subjects.infer_node("node-42_a") == "zgpu.v1.infer.node.node-42_a"


@pytest.mark.parametrize("node_id", ["", "a.b", "a*", "a>", "a b", "x" * 129])
def test_node_ids_that_would_break_subjects_are_refused(node_id: str) -> None:
    assert not subjects.is_valid_node_id(node_id)
    with pytest.raises(ValueError, match="invalid node id"):
        subjects.infer_node(node_id)
