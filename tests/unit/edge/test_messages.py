from __future__ import annotations

import orjson
import pytest

from zgpu.edge import (
    InferReply,
    InferRequest,
    MalformedMessage,
    decode_reply,
    decode_request,
    encode,
)
from zgpu.edge.messages import deadline_after, unix_ms_now


def request() -> InferRequest:
    return InferRequest(
        request_id="r1",
        model="zlm-v1-summary-cloud",
        text="héllo",
        max_output_tokens=5,
        deadline_unix_ms=1_700_000_000_000,
    )


def test_request_round_trips() -> None:
    data = encode(request())
    assert orjson.loads(data)["v"] == 1
    assert decode_request(data) == request()


def test_reply_round_trips() -> None:
    reply = InferReply(
        request_id="r1",
        ok=False,
        worker_id="w",
        error_code="context_length_exceeded",
        error_message="too long",
        error_param="input",
        service_ms=1.5,
    )
    assert decode_reply(encode(reply)) == reply


def test_unknown_fields_are_ignored_within_a_version() -> None:
    raw = orjson.loads(encode(request())) | {"priority": 3}
    assert decode_request(orjson.dumps(raw)) == request()


@pytest.mark.parametrize(
    ("data", "mentions"),
    [
        (b"{", "not valid JSON"),
        (b"\xff", "not valid JSON"),
        (b'"text"', "JSON object"),
        (b'{"v": 2}', "v"),
        (orjson.dumps({"v": 1, "request_id": "r", "model": "m", "text": "t"}), "deadline_unix_ms"),
        (
            orjson.dumps(
                {"request_id": "r", "model": "m", "text": "t", "deadline_unix_ms": 1, "v": 1}
                | {"max_output_tokens": 0}
            ),
            "max_output_tokens",
        ),
    ],
)
def test_bad_requests_are_malformed(data: bytes, mentions: str) -> None:
    with pytest.raises(MalformedMessage) as caught:
        decode_request(data)
    assert mentions in caught.value.message
    assert caught.value.code == "malformed_message"


def test_deadline_after_is_in_the_future() -> None:
    now = unix_ms_now()
    assert now + 1_900 <= deadline_after(2.0) <= unix_ms_now() + 2_000
