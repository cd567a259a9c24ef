"""Every NATS subject and queue group of the fabric, in one place.

Subjects are versioned (``zgpu.v1.``) so that a later protocol can run beside this one during a
rolling upgrade. Layout::

    zgpu.v1.infer.cloud            inference for the cloud worker pool (queue group "cloud")
    zgpu.v1.infer.node.<node_id>   inference addressed to one edge node (chosen by the router)
    zgpu.v1.node.announce.<id>     a node's NodeAnnounce (hardware, position, models)
    zgpu.v1.node.heartbeat.<id>    a node's NodeHeartbeat (load, service times), every second

Node ids become subject tokens, so they are restricted to ``[A-Za-z0-9_-]``; that also keeps a
node's credentials expressible as "may only use subjects ending in its own id".
"""

from __future__ import annotations

import re

PREFIX = "zgpu.v1"
"""Root of every subject of this protocol version."""

INFER_CLOUD = f"{PREFIX}.infer.cloud"
"""Inference requests for any cloud worker; carries :class:`~zgpu.edge.messages.InferRequest`."""

CLOUD_QUEUE_GROUP = "cloud"
"""Queue group of the cloud workers: each request goes to exactly one of them."""

_NODE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def is_valid_node_id(node_id: str) -> bool:
    """Whether ``node_id`` can be used as a subject token (``[A-Za-z0-9_-]``, 1 to 128 chars)."""
    return _NODE_ID.fullmatch(node_id) is not None


def infer_node(node_id: str) -> str:
    """The inference subject of one edge node.

    Raises:
        ValueError: ``node_id`` is not a valid subject token (see :func:`is_valid_node_id`).
    """
    if not is_valid_node_id(node_id):
        raise ValueError(f"invalid node id {node_id!r}: use 1-128 of [A-Za-z0-9_-]")
    return f"{PREFIX}.infer.node.{node_id}"


NODE_QUEUE_GROUP = "node"
"""Queue group of an edge node's own subject (its slots share one subject, see ``Worker``)."""

NODE_ANNOUNCE_ALL = f"{PREFIX}.node.announce.*"
"""Wildcard a gateway's registry subscribes to for every node's announce."""

NODE_HEARTBEAT_ALL = f"{PREFIX}.node.heartbeat.*"
"""Wildcard a gateway's registry subscribes to for every node's heartbeat."""


def node_announce(node_id: str) -> str:
    """The subject a node announces itself on. Raises ``ValueError`` for an invalid id."""
    return _node_subject("node.announce", node_id)


def node_heartbeat(node_id: str) -> str:
    """The subject a node heartbeats on. Raises ``ValueError`` for an invalid id."""
    return _node_subject("node.heartbeat", node_id)


def node_id_of(subject: str) -> str | None:
    """The node id a per-node subject ends in, or ``None`` if it is not a valid one."""
    token = subject.rsplit(".", 1)[-1]
    return token if is_valid_node_id(token) else None


def node_permissions(node_id: str) -> tuple[list[str], list[str]]:
    """What a node's NATS credentials allow: (publish subjects, subscribe subjects).

    A node publishes its announce and heartbeats and answers requests (replies go to
    ``_INBOX.>``); it subscribes only to its own inference subject.
    """
    return (
        [node_announce(node_id), node_heartbeat(node_id), "_INBOX.>"],
        [infer_node(node_id)],
    )


def _node_subject(kind: str, node_id: str) -> str:
    if not is_valid_node_id(node_id):
        raise ValueError(f"invalid node id {node_id!r}: use 1-128 of [A-Za-z0-9_-]")
    return f"{PREFIX}.{kind}.{node_id}"
