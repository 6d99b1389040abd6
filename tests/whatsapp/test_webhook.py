"""Reading what Meta posts: one fixture per update kind, and the signature check."""

import json
from pathlib import Path
from typing import Any

import pytest

from bot.whatsapp.webhook import Inbound, read_update, sign, signature_valid
from tests.fakes.graph_api import PHONE_NUMBER_ID

FIXTURES = Path(__file__).parent.parent / "data" / "whatsapp"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("name", "kind", "value"),
    [
        ("text", "text", "syarat bikin kk apa aja"),
        ("button_reply", "button_reply", "menu"),
        ("list_reply", "list_reply", "svc:sktm"),
        ("quick_reply", "quick_reply", "outbox:7"),
        ("image", "other", ""),
        ("request_welcome", "welcome", ""),
    ],
)
def test_each_message_kind(name, kind, value):
    [message], statuses = read_update(fixture(name), PHONE_NUMBER_ID)
    assert (message.kind, message.value, message.wa_id) == (kind, value, "6281311112222")
    assert message.wamid.startswith("wamid.")
    assert message.timestamp is not None and message.timestamp > 1_700_000_000
    assert statuses == []


@pytest.mark.parametrize(
    "name",
    ["reaction", "reaction_removed", "deleted", "edit", "system", "group", "other_number"],
)
def test_what_is_not_a_message_to_answer_is_left_out(name):
    assert read_update(fixture(name), PHONE_NUMBER_ID) == ([], [])


def test_a_message_to_the_configured_number_is_read():
    body = fixture("other_number")
    assert read_update(body, "9988776655443")[0] != []


def test_a_message_round_trips_through_its_stored_form():
    [message], _ = read_update(fixture("text"))
    assert Inbound.from_json(json.loads(json.dumps(message.to_json()))) == message


@pytest.mark.parametrize(
    ("name", "status", "codes"),
    [("status_delivered", "delivered", ()), ("status_undeliverable", "failed", (131026,))],
)
def test_delivery_statuses(name, status, codes):
    messages, [read] = read_update(fixture(name), PHONE_NUMBER_ID)
    assert messages == []
    assert (read.wamid, read.status, read.error_codes) == ("wamid.out.1", status, codes)


def test_statuses_are_read_for_their_errors():
    messages, [status] = read_update(fixture("status"))
    assert messages == []
    assert (status.status, status.error_codes) == ("failed", (131047,))


@pytest.mark.parametrize(
    "body",
    [None, [], "x", {"entry": "x"}, {"entry": [{"changes": [{"field": "messages", "value": 3}]}]},
     {"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"type": "text"}]}}]}]}],
)  # fmt: skip
def test_odd_bodies_are_skipped_not_crashed_on(body):
    assert read_update(body) == ([], [])


def test_signature():
    body = json.dumps(fixture("text")).encode()
    header = sign("app-secret", body)
    assert signature_valid("app-secret", body, header)
    assert not signature_valid("other-secret", body, header)
    assert not signature_valid("app-secret", body + b" ", header)
    assert not signature_valid("app-secret", body, None)
    assert not signature_valid("app-secret", body, header.removeprefix("sha256="))
