"""Who may use the fabric: the operator's keys, the privileged identity, per-node credentials.

NATS runs in *operator mode* (decentralized JWT auth, see :mod:`zgpu.edge.nats_jwt`). An
:class:`AuthDirectory` holds, with mode 0600::

    operator.seed   the operator nkey: servers trust its public key and its JWT
    account.seed    the application account: signs every user JWT
    system.seed     the system account (server events)
    gateway.creds   the privileged user of gateways and cloud workers (no expiry)

Servers get :meth:`AuthDirectory.server_config` (JWTs only, no secrets). A gateway issues each
edge node a short-lived user JWT whose permissions allow only that node's own subjects
(:func:`node_permissions`): subscribe to ``zgpu.v1.infer.node.<id>``, publish its announce and
heartbeats, and reply once to each request it received. A node generates its own key pair and
sends only the public key, so its seed never leaves the device; it renews the JWT through
``POST /v1/nodes/session`` before it expires, which a revoked node cannot do.

**Fabric URLs.** Everything that connects takes one string: comma-separated ``nats://`` URLs,
optionally followed by ``?creds=PATH`` naming a ``.creds`` file, e.g.
``nats://10.0.0.1:4222,nats://10.0.0.2:4222?creds=/var/lib/zgpu/nats-auth/gateway.creds``.
The gateway's account key is found beside that file. :func:`public_fabric_url` strips the
credentials before a URL is handed to nodes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from zgpu.edge.errors import FabricError
from zgpu.edge.nats_jwt import (
    ROLE_ACCOUNT,
    ROLE_OPERATOR,
    ROLE_USER,
    UNRESTRICTED,
    KeyPair,
    Permissions,
    account_jwt,
    creds_file_text,
    decode_claims,
    is_public_key,
    operator_jwt,
    parse_creds_file,
    user_jwt,
)
from zgpu.edge.subjects import infer_node, node_announce, node_heartbeat

NODE_CREDENTIAL_TTL_S = 3600
"""How long a node's NATS credentials live; nodes renew at about half of it."""

GATEWAY_CREDS = "gateway.creds"
_ACCOUNT_SEED = "account.seed"
_OPERATOR_SEED = "operator.seed"
_SYSTEM_SEED = "system.seed"


class FabricCredentials:
    """A NATS user identity for a client connection: a user JWT and the key that proves it.

    ``jwt`` may be replaced (:meth:`renew`) while a connection is open; the next (re)connect
    presents the new one. The seed is never logged nor shown in ``repr``.
    """

    def __init__(self, jwt: str, key: KeyPair) -> None:
        self._jwt = jwt
        self._key = key

    @classmethod
    def from_creds_file(cls, path: Path) -> FabricCredentials:
        """Read a ``.creds`` file.

        Raises:
            FabricError: ``invalid_credentials`` when it is unreadable or malformed.
        """
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise FabricError(
                f"cannot read NATS credentials {path}: {exc}", "invalid_credentials"
            ) from exc
        jwt, seed = parse_creds_file(text)
        return cls(jwt, KeyPair(seed))

    @property
    def jwt(self) -> str:
        """The current user JWT."""
        return self._jwt

    @property
    def public_key(self) -> str:
        """The user's public nkey (``U...``)."""
        return self._key.public_key

    @property
    def expires_at(self) -> int | None:
        """Unix seconds when the current JWT expires (``None``: never)."""
        exp = decode_claims(self._jwt).get("exp")
        return int(exp) if isinstance(exp, int | float) else None

    def renew(self, jwt: str) -> None:
        """Use ``jwt`` from the next connection on.

        Raises:
            FabricError: ``invalid_jwt`` if it is not for this key.
        """
        if decode_claims(jwt).get("sub") != self._key.public_key:
            raise FabricError("the new NATS JWT is for another key", "invalid_jwt")
        self._jwt = jwt

    def user_jwt(self) -> bytes:
        """What the client sends as ``jwt`` in ``CONNECT``."""
        return self._jwt.encode("ascii")

    def sign_nonce(self, nonce: str) -> bytes:
        """The signature of the server's nonce that proves the key."""
        return self._key.sign_nonce(nonce)

    def __repr__(self) -> str:
        return f"FabricCredentials(public_key={self.public_key!r})"


@dataclass(frozen=True, slots=True)
class NodeCredentials:
    """What a gateway gives a node: its user JWT, when it expires, and the seed only when the
    gateway had to generate the key pair (the node sent no public key)."""

    jwt: str
    expires_at: int
    seed: str | None = None


def node_permissions(node_id: str) -> Permissions:
    """Only the node's own subjects (``ValueError`` for an invalid id)."""
    return Permissions(
        publish=(node_announce(node_id), node_heartbeat(node_id)),
        subscribe=(infer_node(node_id),),
        reply=True,
    )


def _write_secret(path: Path, text: str) -> None:
    """Create ``path`` with mode 0600 and ``text``, atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, path)


class AuthDirectory:
    """The fabric's trust root in one directory (see the module docstring).

    :meth:`load_or_create` generates the keys once; later calls read them back.
    """

    def __init__(self, root: Path, operator: KeyPair, account: KeyPair, system: KeyPair) -> None:
        self.root = root
        self._operator = operator
        self._account = account
        self._system = system

    @classmethod
    def load_or_create(cls, root: Path) -> AuthDirectory:
        """Read the keys under ``root``, generating any that are missing (mode 0600).

        Raises:
            FabricError: ``invalid_credentials`` when the directory or a key is unusable.
        """
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            keys = [
                cls._key(root / name, role)
                for name, role in (
                    (_OPERATOR_SEED, ROLE_OPERATOR),
                    (_ACCOUNT_SEED, ROLE_ACCOUNT),
                    (_SYSTEM_SEED, ROLE_ACCOUNT),
                )
            ]
            auth = cls(root, *keys)
            if not auth.gateway_creds_path.exists():
                user = KeyPair.generate(ROLE_USER)
                jwt = user_jwt(auth._account, user.public_key, "gateway", UNRESTRICTED, None)
                _write_secret(auth.gateway_creds_path, creds_file_text(jwt, user.seed))
        except OSError as exc:
            raise FabricError(
                f"cannot set up NATS keys in {root}: {exc}", "invalid_credentials"
            ) from exc
        return auth

    @staticmethod
    def _key(path: Path, role: str) -> KeyPair:
        if path.exists():
            return KeyPair(path.read_text(encoding="ascii").strip())
        key = KeyPair.generate(role)
        _write_secret(path, key.seed + "\n")
        return key

    @classmethod
    def beside(cls, creds_path: Path) -> AuthDirectory | None:
        """The directory holding ``creds_path`` if it holds the account key, else ``None``
        (a cloud worker's credentials may be copied alone; it cannot issue)."""
        root = creds_path.parent
        if not (root / _ACCOUNT_SEED).is_file():
            return None
        return cls.load_or_create(root)

    @property
    def gateway_creds_path(self) -> Path:
        """The privileged ``.creds`` file of gateways and cloud workers."""
        return self.root / GATEWAY_CREDS

    @property
    def account_public_key(self) -> str:
        """The application account every user belongs to."""
        return self._account.public_key

    def server_config(self, *, jetstream: bool) -> str:
        """The ``nats-server`` configuration lines that trust this operator (public JWTs only)."""
        account = account_jwt(self._operator, self._account.public_key, "zgpu", jetstream=jetstream)
        system = account_jwt(self._operator, self._system.public_key, "SYS", jetstream=False)
        return (
            f"operator: {operator_jwt(self._operator, self._system.public_key)}\n"
            f"system_account: {self._system.public_key}\n"
            "resolver: MEMORY\n"
            "resolver_preload: {\n"
            f"  {self._account.public_key}: {account}\n"
            f"  {self._system.public_key}: {system}\n"
            "}\n"
        )

    def issue_user(
        self, public_key: str, name: str, permissions: Permissions, ttl_s: int | None
    ) -> str:
        """A user JWT for ``public_key``; raises :class:`FabricError` (``invalid_nkey``)."""
        expires = int(time.time()) + ttl_s if ttl_s is not None else None
        return user_jwt(self._account, public_key, name, permissions, expires)

    def issue_node(
        self, node_id: str, public_key: str | None, ttl_s: int = NODE_CREDENTIAL_TTL_S
    ) -> NodeCredentials:
        """Credentials for node ``node_id`` limited to its own subjects, valid ``ttl_s``.

        Without ``public_key`` a key pair is generated and its seed returned with the JWT.

        Raises:
            FabricError: ``invalid_nkey`` for a malformed public key.
            ValueError: ``node_id`` is not a valid subject token.
        """
        seed = None
        if public_key is None:
            generated = KeyPair.generate(ROLE_USER)
            public_key, seed = generated.public_key, generated.seed
        expires = int(time.time()) + ttl_s
        jwt = user_jwt(self._account, public_key, node_id, node_permissions(node_id), expires)
        return NodeCredentials(jwt=jwt, expires_at=expires, seed=seed)


def split_fabric_url(url: str) -> tuple[list[str], Path | None]:
    """``(server URLs, credentials file)`` of a fabric URL (see the module docstring).

    Raises:
        FabricError: no server given, or two different credentials files.
    """
    servers: list[str] = []
    creds: set[str] = set()
    for part in (p.strip() for p in url.split(",")):
        if not part:
            continue
        pieces = urlsplit(part)
        creds.update(parse_qs(pieces.query).get("creds", []))
        servers.append(urlunsplit((pieces.scheme, pieces.netloc, pieces.path, "", "")))
    if not servers:
        raise FabricError("no NATS server URL given")
    if len(creds) > 1:
        raise FabricError("a fabric URL names more than one credentials file")
    return servers, (Path(creds.pop()) if creds else None)


def with_credentials(url: str, creds_path: Path) -> str:
    """``url`` that connects as the identity in ``creds_path``."""
    servers, _ = split_fabric_url(url)
    return ",".join(servers) + "?creds=" + quote(str(creds_path))


def public_fabric_url(url: str) -> str:
    """``url`` without credentials: what nodes are told to dial."""
    return ",".join(split_fabric_url(url)[0])


def credentials_in(url: str) -> FabricCredentials | None:
    """The identity a fabric URL names, or ``None``. Raises :class:`FabricError`."""
    _, path = split_fabric_url(url)
    return FabricCredentials.from_creds_file(path) if path is not None else None


def issue_node_credentials(
    fabric_url: str, node_id: str, public_key: str | None, ttl_s: int = NODE_CREDENTIAL_TTL_S
) -> NodeCredentials | None:
    """What the gateway at ``fabric_url`` issues node ``node_id`` at enrollment or session.

    ``None`` when the fabric runs without authentication (the URL names no credentials, or
    they are not beside an account key).

    Raises:
        FabricError: ``invalid_nkey`` for a malformed ``public_key``; ``invalid_credentials``
            when the keys cannot be read.
    """
    _, creds = split_fabric_url(fabric_url)
    if creds is None:
        return None
    auth = AuthDirectory.beside(creds)
    if auth is None:
        return None
    if public_key is not None and not is_public_key(public_key, ROLE_USER):
        raise FabricError("nats_public_key is not a NATS user public key", "invalid_nkey")
    return auth.issue_node(node_id, public_key, ttl_s)
