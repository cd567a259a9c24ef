"""NATS decentralized-auth JWTs and nkeys: the operator, account and user claims the fabric uses.

A NATS JWT is ``base64url(header).base64url(claims).base64url(ed25519 signature)``, signed by
an nkey (Ed25519 key pair whose public key names the issuer). The server trusts an *operator*;
the operator signs an *account*; the account signs *users*, each user JWT carrying the subjects
that user may publish and subscribe to and an expiry. Servers check the chain and enforce the
permissions and the expiry (a connection is closed when its JWT expires), so issuing a user needs
no server reload and works across a cluster.

Only what the fabric needs is modelled here: one operator, one application account, one system
account, and users with allow-lists.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import nkeys  # type: ignore[import-untyped]

from zgpu.edge.errors import FabricError

_HEADER = {"typ": "JWT", "alg": "ed25519-nkey"}
_UNLIMITED = -1

ROLE_OPERATOR = "operator"
ROLE_ACCOUNT = "account"
ROLE_USER = "user"
_PREFIX = {
    ROLE_OPERATOR: nkeys.PREFIX_BYTE_OPERATOR,
    ROLE_ACCOUNT: nkeys.PREFIX_BYTE_ACCOUNT,
    ROLE_USER: nkeys.PREFIX_BYTE_USER,
}
_PUBLIC_FIRST = {ROLE_OPERATOR: "O", ROLE_ACCOUNT: "A", ROLE_USER: "U"}


class KeyPair:
    """An nkey: Ed25519 signing key with its NATS-encoded seed and public key.

    The seed is a secret: it is never included in ``repr`` and never logged.
    """

    def __init__(self, seed: str) -> None:
        """Raises :class:`FabricError` (``invalid_nkey``) if ``seed`` is not a valid nkey seed."""
        try:
            self._pair = nkeys.from_seed(bytearray(seed.encode("ascii")))
            public = self._pair.public_key
        except (nkeys.NkeysError, ValueError, UnicodeEncodeError) as exc:
            raise FabricError("invalid nkey seed", "invalid_nkey") from exc
        self._seed = seed
        self.public_key: str = public.decode("ascii")

    @classmethod
    def generate(cls, role: str) -> KeyPair:
        """A new random key pair for ``role`` (``operator``, ``account`` or ``user``)."""
        seed = nkeys.encode_seed(secrets.token_bytes(32), _PREFIX[role])
        return cls(seed.decode("ascii"))

    @property
    def seed(self) -> str:
        """The secret seed (``S...``)."""
        return self._seed

    def sign(self, data: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of ``data``."""
        return bytes(self._pair.sign(data))

    def sign_nonce(self, nonce: str) -> bytes:
        """What a NATS client sends in ``CONNECT``: base64 (standard) of the nonce's signature."""
        return base64.b64encode(self.sign(nonce.encode("ascii")))

    def __repr__(self) -> str:
        return f"KeyPair(public_key={self.public_key!r})"


def is_public_key(text: str, role: str) -> bool:
    """Whether ``text`` is a well-formed public nkey of ``role``."""
    if len(text) != 56 or not text.startswith(_PUBLIC_FIRST[role]):
        return False
    try:
        raw = base64.b32decode(text)
    except ValueError:
        return False
    checksum = bytes(nkeys.crc16_checksum(raw[:-2]))
    return raw[0] == _PREFIX[role] and checksum == raw[-2:]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_jwt(
    signer: KeyPair, subject: str, name: str, nats: dict[str, Any], expires_at: int | None = None
) -> str:
    """Sign a NATS JWT v2 whose issuer is ``signer`` and subject the public key ``subject``."""
    claims: dict[str, Any] = {
        "jti": "",
        "iat": int(time.time()),
        "iss": signer.public_key,
        "name": name,
        "sub": subject,
        "nats": nats,
    }
    if expires_at is not None:
        claims["exp"] = expires_at
    digest = hashlib.sha256(json.dumps(claims, sort_keys=True).encode("utf-8")).digest()
    claims["jti"] = base64.b32encode(digest).rstrip(b"=").decode("ascii")
    header = _b64url(json.dumps(_HEADER, separators=(",", ":")).encode("utf-8"))
    body = _b64url(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    signature = _b64url(signer.sign(f"{header}.{body}".encode("ascii")))
    return f"{header}.{body}.{signature}"


def decode_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, without checking its signature (for reading ``exp`` and ``sub``).

    Raises:
        FabricError: ``invalid_jwt`` if ``token`` is not a JWT.
    """
    try:
        _, body, _ = token.split(".")
        claims = json.loads(_b64url_decode(body))
    except ValueError as exc:
        raise FabricError("malformed NATS JWT", "invalid_jwt") from exc
    if not isinstance(claims, dict):
        raise FabricError("malformed NATS JWT", "invalid_jwt")
    return claims


def operator_jwt(operator: KeyPair, system_account: str, name: str = "zgpu") -> str:
    """The self-signed operator JWT servers trust; names the system account."""
    nats = {"system_account": system_account, "type": "operator", "version": 2}
    return encode_jwt(operator, operator.public_key, name, nats)


def account_jwt(operator: KeyPair, account: str, name: str, *, jetstream: bool) -> str:
    """An account JWT signed by the operator, with no limits (and JetStream when asked)."""
    limits: dict[str, Any] = {
        "subs": _UNLIMITED,
        "data": _UNLIMITED,
        "payload": _UNLIMITED,
        "imports": _UNLIMITED,
        "exports": _UNLIMITED,
        "wildcards": True,
        "conn": _UNLIMITED,
        "leaf": _UNLIMITED,
    }
    if jetstream:
        limits |= {"mem_storage": _UNLIMITED, "disk_storage": _UNLIMITED}
        limits |= {"streams": _UNLIMITED, "consumer": _UNLIMITED}
    nats = {
        "limits": limits,
        "default_permissions": {"pub": {}, "sub": {}},
        "type": "account",
        "version": 2,
    }
    return encode_jwt(operator, account, name, nats)


@dataclass(frozen=True, slots=True)
class Permissions:
    """What a user may do. ``None`` for a list means unrestricted; ``reply`` lets the user
    publish one reply to each request it received (and nothing else on reply subjects)."""

    publish: tuple[str, ...] | None
    subscribe: tuple[str, ...] | None
    reply: bool = False

    def claim(self) -> dict[str, Any]:
        """The permission part of a user claim."""
        claim: dict[str, Any] = {}
        if self.publish is not None:
            claim["pub"] = {"allow": list(self.publish)}
        if self.subscribe is not None:
            claim["sub"] = {"allow": list(self.subscribe)}
        if self.reply:
            claim["resp"] = {"max": 1, "ttl": 0}
        return claim


UNRESTRICTED = Permissions(publish=None, subscribe=None)
"""The privileged identity of gateways and cloud workers."""


def user_jwt(
    account: KeyPair,
    user: str,
    name: str,
    permissions: Permissions,
    expires_at: int | None,
) -> str:
    """A user JWT signed by ``account`` for the public key ``user``.

    Raises:
        FabricError: ``invalid_nkey`` when ``user`` is not a user public key.
    """
    if not is_public_key(user, ROLE_USER):
        raise FabricError("not a NATS user public key", "invalid_nkey")
    nats = {
        **permissions.claim(),
        "subs": _UNLIMITED,
        "data": _UNLIMITED,
        "payload": _UNLIMITED,
        "type": "user",
        "version": 2,
    }
    return encode_jwt(account, user, name, nats, expires_at)


def creds_file_text(jwt: str, seed: str) -> str:
    """A ``.creds`` file (the format ``nats`` tools and clients read): user JWT and seed."""
    return (
        "-----BEGIN NATS USER JWT-----\n"
        f"{jwt}\n"
        "------END NATS USER JWT------\n\n"
        "************************* IMPORTANT *************************\n"
        "NKEY Seed printed below can be used to sign and prove identity.\n"
        "NKEYs are sensitive and should be treated as secrets.\n\n"
        "-----BEGIN USER NKEY SEED-----\n"
        f"{seed}\n"
        "------END USER NKEY SEED------\n"
    )


def parse_creds_file(text: str) -> tuple[str, str]:
    """``(jwt, seed)`` from the text of a ``.creds`` file.

    Raises:
        FabricError: ``invalid_credentials`` if either part is missing.
    """
    jwt = _block(text, "NATS USER JWT")
    seed = _block(text, "USER NKEY SEED")
    if jwt is None or seed is None:
        raise FabricError("not a NATS credentials file", "invalid_credentials")
    return jwt, seed


def _block(text: str, title: str) -> str | None:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if f"BEGIN {title}" in line and index + 1 < len(lines):
            return lines[index + 1].strip() or None
    return None
