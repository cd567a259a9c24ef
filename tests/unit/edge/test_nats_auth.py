"""The fabric's trust root, node credential claims and fabric URLs."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from zgpu.edge.errors import FabricError
from zgpu.edge.nats_auth import (
    AuthDirectory,
    FabricCredentials,
    issue_node_credentials,
    public_fabric_url,
    split_fabric_url,
    with_credentials,
)
from zgpu.edge.nats_jwt import (
    ROLE_USER,
    KeyPair,
    creds_file_text,
    decode_claims,
    is_public_key,
    parse_creds_file,
)


def test_keys_are_created_once_private_and_read_back(tmp_path: Path) -> None:
    first = AuthDirectory.load_or_create(tmp_path / "auth")
    again = AuthDirectory.load_or_create(tmp_path / "auth")
    assert first.account_public_key == again.account_public_key
    for path in (tmp_path / "auth").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    config = first.server_config(jetstream=False)
    assert first.account_public_key in config
    assert "SA" not in config.split()  # no seed in what servers are given
    for seed_file in (tmp_path / "auth").glob("*.seed"):
        assert seed_file.read_text().strip() not in config


def test_node_jwt_allows_only_the_nodes_own_subjects(tmp_path: Path) -> None:
    auth = AuthDirectory.load_or_create(tmp_path)
    key = KeyPair.generate(ROLE_USER)
    issued = auth.issue_node("n0123", key.public_key, ttl_s=60)
    claims = decode_claims(issued.jwt)
    assert claims["sub"] == key.public_key
    assert claims["iss"] == auth.account_public_key
    assert 55 <= claims["exp"] - time.time() <= 61
    assert issued.seed is None
    nats = claims["nats"]
    assert nats["pub"] == {"allow": ["zgpu.v1.node.announce.n0123", "zgpu.v1.node.heartbeat.n0123"]}
    assert nats["sub"] == {"allow": ["zgpu.v1.infer.node.n0123"]}
    assert nats["resp"]["max"] == 1
    generated = auth.issue_node("n0123", None)
    assert generated.seed is not None
    assert decode_claims(generated.jwt)["sub"] == KeyPair(generated.seed).public_key


def test_issuing_needs_the_account_key_beside_the_url_credentials(tmp_path: Path) -> None:
    auth = AuthDirectory.load_or_create(tmp_path / "auth")
    url = with_credentials("nats://127.0.0.1:4222", auth.gateway_creds_path)
    key = KeyPair.generate(ROLE_USER)
    issued = issue_node_credentials(url, "n1", key.public_key)
    assert issued is not None
    assert decode_claims(issued.jwt)["iss"] == auth.account_public_key
    assert issue_node_credentials("nats://127.0.0.1:4222", "n1", key.public_key) is None
    copied = tmp_path / "worker" / "gateway.creds"
    copied.parent.mkdir()
    copied.write_text(auth.gateway_creds_path.read_text())
    assert issue_node_credentials(with_credentials("nats://h:1", copied), "n1", None) is None
    with pytest.raises(FabricError) as caught:
        issue_node_credentials(url, "n1", "U" + "A" * 55)
    assert caught.value.code == "invalid_nkey"


def test_fabric_urls_carry_credentials_that_nodes_never_see(tmp_path: Path) -> None:
    url = with_credentials("nats://a:4222, nats://b:4223", tmp_path / "gateway.creds")
    servers, creds = split_fabric_url(url)
    assert servers == ["nats://a:4222", "nats://b:4223"]
    assert creds == tmp_path / "gateway.creds"
    assert public_fabric_url(url) == "nats://a:4222,nats://b:4223"
    assert split_fabric_url("nats://a:4222") == (["nats://a:4222"], None)
    with pytest.raises(FabricError):
        split_fabric_url(" , ")
    with pytest.raises(FabricError):
        split_fabric_url("nats://a:1?creds=/x,nats://b:2?creds=/y")


def test_credentials_round_trip_and_renew_only_for_the_same_key(tmp_path: Path) -> None:
    auth = AuthDirectory.load_or_create(tmp_path)
    credentials = FabricCredentials.from_creds_file(auth.gateway_creds_path)
    assert credentials.expires_at is None
    assert is_public_key(credentials.public_key, ROLE_USER)
    _, gateway_seed = parse_creds_file(auth.gateway_creds_path.read_text())
    assert gateway_seed not in repr(credentials)
    key = KeyPair.generate(ROLE_USER)
    jwt, seed = parse_creds_file(creds_file_text("a.b.c", key.seed))
    assert (jwt, seed) == ("a.b.c", key.seed)
    node = FabricCredentials(auth.issue_node("n1", key.public_key, 60).jwt, key)
    node.renew(auth.issue_node("n1", key.public_key, 600).jwt)
    assert node.expires_at is not None
    assert node.expires_at > time.time() + 500
    other = KeyPair.generate(ROLE_USER)
    with pytest.raises(FabricError):
        node.renew(auth.issue_node("n1", other.public_key, 600).jwt)
    with pytest.raises(FabricError):
        parse_creds_file("nothing here")
