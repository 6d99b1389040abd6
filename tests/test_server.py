"""The HTTP server on 127.0.0.1 as an attacker or a careless client would use it: forged,
oversized, slow and malformed requests are refused, and /health keeps answering."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn

from bot.server import (
    TELEGRAM_MAX_BODY,
    TELEGRAM_SECRET_HEADER,
    WHATSAPP_MAX_BODY,
    build_web_app,
    server_config,
)
from bot.settings import Settings
from bot.whatsapp.webhook import sign

APP_SECRET = "app-secret"
WEBHOOK_SECRET = "rahasia_123"
MAX_CONNECTIONS = 8
# Short limits keep the test quick; each wait below is bounded by `LIMIT`.
HEAD_SECONDS = 0.3
BODY_SECONDS = 0.3
LIMIT = 5.0


class FakeTelegram:
    bot = None

    def __init__(self) -> None:
        self.updates: list[Any] = []

    async def process_update(self, update: Any) -> None:
        self.updates.append(update)


@dataclass
class FakeWhatsApp:
    bodies: list[Any] = field(default_factory=list)

    async def accept(self, body: Any) -> int:
        self.bodies.append(body)
        return 1


@dataclass
class Served:
    port: int
    telegram: FakeTelegram
    whatsapp: FakeWhatsApp


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_webhook_url": "https://bot.example.invalid/telegram",
        "telegram_webhook_secret": WEBHOOK_SECRET,
        "whatsapp_app_secret": APP_SECRET,
        "skm_http_max_connections": MAX_CONNECTIONS,
        "skm_http_header_timeout_seconds": HEAD_SECONDS,
        "skm_http_body_timeout_seconds": BODY_SECONDS,
        "_env_file": None,
    }
    return Settings(**(values | overrides))


async def serve(config_settings: Settings) -> AsyncIterator[Served]:
    telegram, whatsapp = FakeTelegram(), FakeWhatsApp()
    app = build_web_app(config_settings, whatsapp, telegram)  # type: ignore[arg-type]
    config = server_config(app, config_settings)
    config.load()
    server = uvicorn.Server(config)
    server.lifespan = config.lifespan_class(config)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    await server.startup(sockets=[listener])
    try:
        yield Served(listener.getsockname()[1], telegram, whatsapp)
    finally:
        server.should_exit = True
        await server.shutdown(sockets=[listener])
        listener.close()


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async for running in serve(settings()):
        yield running


async def exchange(port: int, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """One request on its own connection; the status and the body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head + b"\r\n" + body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), LIMIT)
    finally:
        writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def post_head(path: str, length: int, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: bot", "Connection: close"]
    lines += [f"Content-Length: {length}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n").encode()


async def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    status, _ = await exchange(port, post_head(path, len(body), headers), body)
    return status


def update(update_id: int = 1) -> bytes:
    return json.dumps({"update_id": update_id}).encode()


async def health(port: int) -> int:
    head = b"GET /health HTTP/1.1\r\nHost: bot\r\nConnection: close\r\n"
    status, body = await exchange(port, head)
    assert json.loads(body)["status"] == "ok"
    return status


# --- the Telegram webhook cannot be forged ------------------------------------------------


async def test_an_update_with_the_secret_is_processed(served):
    headers = {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}
    assert await post(served.port, "/telegram", update(7), headers) == 200
    assert [u.update_id for u in served.telegram.updates] == [7]


@pytest.mark.parametrize("given", [None, "", "salah", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
async def test_a_forged_update_is_refused(served, given):
    headers = {} if given is None else {TELEGRAM_SECRET_HEADER: given}
    assert await post(served.port, "/telegram", update(), headers) == 403
    assert served.telegram.updates == []


async def test_a_route_built_without_a_secret_accepts_nothing():
    # Settings refuse this; the route must not rely on that alone.
    unsafe = settings().model_copy(update={"telegram_webhook_secret": None})
    async for running in serve(unsafe):
        for headers in ({}, {TELEGRAM_SECRET_HEADER: ""}):
            assert await post(running.port, "/telegram", update(), headers) == 403
        assert running.telegram.updates == []


# --- malformed bodies: a 4xx, never a 500 ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"\xff\xfe", b"[]", b"3", b'"x"', b"{}", b'{"update_id": "1"}',
     b"[" * 100_000],
)  # fmt: skip
async def test_a_telegram_body_that_is_not_an_update_is_a_400(served, body):
    headers = {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}
    assert await post(served.port, "/telegram", body, headers) == 400
    assert served.telegram.updates == []


@pytest.mark.parametrize(
    "body",
    [b'{"update_id": 1, "message": "x"}', b'{"update_id": 1, "message": {"text": 1}}',
     b'{"update_id": 1, "callback_query": []}'],
)  # fmt: skip
async def test_an_unreadable_update_is_confirmed_with_200_and_logged(served, body, caplog):
    # Telegram would send an update refused with 4xx again, holding back every one after it.
    headers = {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}
    assert await post(served.port, "/telegram", body, headers) == 200
    assert served.telegram.updates == []
    assert "Telegram update 1 could not be read" in caplog.text


@pytest.mark.parametrize("body", [b"", b"{", b"\xff", b"[" * 100_000])
async def test_a_signed_whatsapp_body_that_is_not_json_is_a_400(served, body):
    headers = {"X-Hub-Signature-256": sign(APP_SECRET, body)}
    assert await post(served.port, "/webhook/whatsapp", body, headers) == 400
    assert served.whatsapp.bodies == []


async def test_an_unsigned_or_missigned_whatsapp_body_is_a_401(served):
    body = b'{"entry": []}'
    assert await post(served.port, "/webhook/whatsapp", body, {}) == 401
    forged = {"X-Hub-Signature-256": sign("not-the-secret", body)}
    assert await post(served.port, "/webhook/whatsapp", body, forged) == 401
    signed = {"X-Hub-Signature-256": sign(APP_SECRET, body)}
    assert await post(served.port, "/webhook/whatsapp", body, signed) == 200
    assert served.whatsapp.bodies == [{"entry": []}]


# --- oversized bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cap"), [("/webhook/whatsapp", WHATSAPP_MAX_BODY), ("/telegram", TELEGRAM_MAX_BODY)]
)
async def test_a_declared_oversized_body_is_refused_before_it_is_sent(served, path, cap):
    # 200 MB declared and not a byte sent: the answer cannot have waited for the body.
    headers = {TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET}
    status, _ = await exchange(served.port, post_head(path, 200 * 1024 * 1024, headers))
    assert status == 413
    assert cap < 200 * 1024 * 1024


async def test_a_chunked_oversized_body_is_refused_while_it_is_read(served):
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    head = b"POST /webhook/whatsapp HTTP/1.1\r\nHost: bot\r\nTransfer-Encoding: chunked\r\n\r\n"
    writer.write(head)
    chunk = b"x" * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    sent = 0

    async def send_forever() -> None:
        nonlocal sent
        while True:
            writer.write(framed)
            await writer.drain()
            sent += len(chunk)

    sending = asyncio.create_task(send_forever())
    try:
        answer = await asyncio.wait_for(reader.readline(), LIMIT)
    finally:
        sending.cancel()
        writer.close()
    assert answer.split()[1] == b"413"
    # Refused near the cap, not after the 200 MB a client could send.
    assert sent < WHATSAPP_MAX_BODY + 16 * 1024 * 1024
    assert served.whatsapp.bodies == []


# --- slow clients -----------------------------------------------------------------------------


async def test_a_body_that_stops_coming_is_refused_in_time(served):
    head = post_head("/webhook/whatsapp", 1000, {"X-Hub-Signature-256": "sha256=00"})
    status, _ = await exchange(served.port, head, b"x" * 10)
    assert status == 408


async def test_a_connection_that_never_finishes_its_head_is_closed(served):
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(b"GET /health HTTP/1.1\r\nHost: bo")
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), LIMIT) == b""
    writer.close()


async def test_health_answers_while_many_slow_clients_hold_connections(served):
    slow = []
    for _ in range(MAX_CONNECTIONS * 4):
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: bo")
        slow.append((reader, writer))
    try:
        for _ in range(3):
            assert await asyncio.wait_for(health(served.port), LIMIT) == 200
        # Every slow connection ends: pushed out by newer ones, or at the head timeout.
        for reader, _ in slow:
            assert await asyncio.wait_for(reader.read(), LIMIT) == b""
    finally:
        for _, writer in slow:
            writer.close()


async def test_a_kept_alive_connection_cannot_trickle_its_next_head(served):
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(b"GET /health HTTP/1.1\r\nHost: bot\r\n\r\n")
    first = await asyncio.wait_for(reader.readuntil(b'"channels":{}}'), LIMIT)
    assert first.startswith(b"HTTP/1.1 200")
    writer.write(b"GET /health HTTP/1.1\r\n")
    assert await asyncio.wait_for(reader.read(), LIMIT) == b""
    writer.close()
