"""`skm doctor`: the configuration checked against the chat apps with read-only calls (here
the fakes on 127.0.0.1), and each problem said in plain words, with a non-zero exit."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.cli import main
from tests.fakes.bot_api import TOKEN, FakeBotApi, serve_bot_api
from tests.fakes.graph_api import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeGraphApi, serve_graph_api


@dataclass
class Apis:
    telegram: FakeBotApi
    graph: FakeGraphApi


@pytest.fixture
def apis(skm_env, monkeypatch) -> Iterator[Apis]:
    telegram, graph = FakeBotApi(), FakeGraphApi()
    with serve_bot_api(telegram) as bot_url, serve_graph_api(graph) as graph_url:
        for name, value in {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_url,
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": "rahasia-aplikasi",
            "WHATSAPP_VERIFY_TOKEN": "rahasia-verifikasi",
            "WHATSAPP_API_BASE_URL": graph_url,
        }.items():
            monkeypatch.setenv(name, value)
        yield Apis(telegram, graph)


def doctor(capsys) -> tuple[int, str]:
    code = main(["doctor"])
    return code, capsys.readouterr().out


def test_a_sound_configuration_is_said_to_be_so(apis, capsys):
    code, out = doctor(capsys)
    assert code == 0, out
    assert "@SkmSangasangaTestBot" in out
    assert "+62 541 000000 (Kecamatan Sangasanga)" in out
    assert "database: sqlite" in out
    assert out.rstrip().endswith("no problem found")
    # Read-only: nothing was sent, no webhook set or removed.
    assert [c.method for c in apis.telegram.calls] == ["getMe", "getWebhookInfo"]
    assert apis.graph.messages == []


def test_a_refused_telegram_token_is_named(apis, capsys):
    apis.telegram.fail(
        "getMe", 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
    )
    code, out = doctor(capsys)
    assert code == 1
    assert "PROBLEM  Telegram: the token is refused (TELEGRAM_BOT_TOKEN)" in out


def test_a_webhook_of_another_deployment_and_its_failures_are_told(apis, capsys):
    apis.telegram.webhook_url = "https://lain.example.org/telegram"
    apis.telegram.webhook_error = "Wrong response from the webhook: 502 Bad Gateway"
    code, out = doctor(capsys)
    assert code == 1
    assert "a webhook is set (https://lain.example.org/telegram) but TELEGRAM_WEBHOOK_URL" in out
    assert "the last delivery to the webhook failed: Wrong response" in out


def test_a_wrong_whatsapp_token_or_phone_number_id_is_named(apis, capsys, monkeypatch):
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "999")
    code, out = doctor(capsys)
    assert code == 1
    assert "WHATSAPP_PHONE_NUMBER_ID 999 is not a phone number this token can use" in out
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAA-kedaluwarsa")
    code, out = doctor(capsys)
    assert "the access token is refused (WHATSAPP_ACCESS_TOKEN)" in out


def test_missing_whatsapp_settings_are_listed(apis, capsys, monkeypatch):
    monkeypatch.delenv("WHATSAPP_APP_SECRET")
    code, out = doctor(capsys)
    assert code == 1
    assert "WhatsApp: WHATSAPP_APP_SECRET not set (all four are needed)" in out


def test_no_chat_app_configured_is_not_a_problem(skm_env, capsys):
    code, out = doctor(capsys)
    assert code == 0
    assert "Telegram: not configured" in out and "WhatsApp: not configured" in out
