"""Edge nodes: one-time enrollment tokens, node records and credentials, revocation,
verification outcomes (reputation, quarantine) and each project's edge policy."""

from zgpu.platform.nodes.models import EnrollmentToken, Node
from zgpu.platform.nodes.schemas import (
    CreatedToken,
    EnrolledNode,
    NodeInfo,
    NodeState,
    NodeTrust,
    ReputationRule,
    TokenInfo,
    TokenStatus,
)
from zgpu.platform.nodes.service import (
    authenticate_node,
    create_token,
    enroll,
    get_edge_policy,
    get_node,
    list_nodes,
    list_tokens,
    note_seen,
    record_check,
    reinstate_node,
    revoke_node,
    set_edge_policy,
)
from zgpu.platform.nodes.trust import NodeTrustStore
from zgpu.platform.projects.schemas import EdgePolicy

__all__ = [
    "CreatedToken",
    "EdgePolicy",
    "EnrolledNode",
    "EnrollmentToken",
    "Node",
    "NodeInfo",
    "NodeState",
    "NodeTrust",
    "NodeTrustStore",
    "ReputationRule",
    "TokenInfo",
    "TokenStatus",
    "authenticate_node",
    "create_token",
    "enroll",
    "get_edge_policy",
    "get_node",
    "list_nodes",
    "list_tokens",
    "note_seen",
    "record_check",
    "reinstate_node",
    "revoke_node",
    "set_edge_policy",
]
