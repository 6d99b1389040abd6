"""The one HTTP server of a bot process: /health, the WhatsApp webhook, the Telegram webhook,
and, given the engine, the public site and the officials' desk (bot/web)."""

import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.health import Health, readiness
from bot.http_guard import (
    ACCEPT_BACKLOG,
    BodyRefused,
    connection_cap,
    guarded_protocol,
    read_capped,
)
from bot.polling import process_raw
from bot.settings import Settings
from bot.web import web_routes
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.webhook import SIGNATURE_HEADER, signature_valid
from skm_core.conversation.engine import Engine

log = logging.getLogger(__name__)
WHATSAPP_PATH = "/webhook/whatsapp"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Meta documents webhook payloads of up to 3 MB; a Telegram update is a few kilobytes.
WHATSAPP_MAX_BODY = 3 * 1024 * 1024
TELEGRAM_MAX_BODY = 1024 * 1024
MAX_HEAD_BYTES = 16 * 1024
KEEP_ALIVE_SECONDS = 5


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def _refusal(refused: BodyRefused) -> Response:
    # Closing the connection stops a client that would go on sending what is not read.
    return PlainTextResponse(
        refused.reason, status_code=refused.status, headers={"Connection": "close"}
    )


def server_config(app: Starlette, settings: Settings) -> uvicorn.Config:
    """uvicorn with bounded heads, bodies, idle time and connections, and no access log
    (a verification request carries its token in the query string)."""
    cap = connection_cap(settings.skm_http_max_connections)
    return uvicorn.Config(
        app,
        host=settings.skm_http_host,
        port=settings.skm_http_port,
        http=guarded_protocol(settings.skm_http_header_timeout_seconds, cap),
        # The protocol holds connections to `cap`, closing the longest idle one (or the new
        # one when all are busy); uvicorn's own bound on requests in progress is a backstop.
        limit_concurrency=cap + 1,
        backlog=ACCEPT_BACKLOG,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        access_log=False,
        log_level="info",
    )


@dataclass
class _Hooks:
    """The bot's own endpoints: its health and the chat apps' webhooks."""

    settings: Settings
    whatsapp: WhatsAppChannel | None
    telegram: Any | None
    states: Health
    engine: Engine | None = None

    @property
    def body_timeout(self) -> float:
        return self.settings.skm_http_body_timeout_seconds

    async def health_check(self, request: Request) -> Response:
        return JSONResponse(self.states.report())

    async def ready_check(self, request: Request) -> Response:
        verdict = await readiness(self.states, self.engine.ping if self.engine else None)
        return JSONResponse(verdict, status_code=200 if verdict["ready"] else 503)

    async def whatsapp_verify(self, request: Request) -> Response:
        params = request.query_params
        token = _secret(self.settings.whatsapp_verify_token)
        given = params.get("hub.verify_token", "")
        if (
            params.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(given.encode(), token.encode())
        ):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def whatsapp_post(self, request: Request) -> Response:
        try:
            body = await read_capped(request, WHATSAPP_MAX_BODY, self.body_timeout)
        except BodyRefused as refused:
            return _refusal(refused)
        secret = _secret(self.settings.whatsapp_app_secret)
        if self.whatsapp is None or not signature_valid(
            secret, body, request.headers.get(SIGNATURE_HEADER)
        ):
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            return PlainTextResponse("invalid JSON", status_code=400)
        try:
            await self.whatsapp.accept(payload)
        except Exception as exc:
            # Not stored, so not acknowledged: Meta sends the post again later.
            log.error("a WhatsApp post could not be stored (%s); refused", type(exc).__name__)
            return PlainTextResponse("try again", status_code=503)
        return PlainTextResponse("ok")

    async def telegram_post(self, request: Request) -> Response:
        expected = _secret(self.settings.telegram_webhook_secret)
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        # No secret configured means no webhook accepted: Settings refuses that configuration,
        # and the route stays closed should it be built without one.
        if (
            self.telegram is None
            or not expected
            or not hmac.compare_digest(given.encode(), expected.encode())
        ):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            raw = json.loads(await read_capped(request, TELEGRAM_MAX_BODY, self.body_timeout))
            if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
                raise TypeError("not an update")
        except BodyRefused as refused:
            return _refusal(refused)
        except (ValueError, TypeError, RecursionError):
            # A 500 would make Telegram send the same unusable body again and again.
            log.warning("refused a Telegram webhook body that is not an update")
            return PlainTextResponse("not an update", status_code=400)
        # Processed before answering: Telegram sends the update again if the bot dies first.
        # One it cannot read or handle is confirmed all the same (logged inside), or Telegram
        # would send it again and again, holding back every update after it.
        await process_raw(self.telegram, raw)
        return PlainTextResponse("ok")


def build_web_app(
    settings: Settings,
    whatsapp: WhatsAppChannel | None,
    telegram: Any | None,
    health: Health | None = None,
    engine: Engine | None = None,
) -> Starlette:
    """`telegram` is the PTB Application when Telegram runs with a webhook, else None."""
    hooks = _Hooks(settings, whatsapp, telegram, health or Health(), engine)
    routes: list[BaseRoute] = [
        Route("/health", hooks.health_check, methods=["GET"]),
        Route("/ready", hooks.ready_check, methods=["GET"]),
        Route(WHATSAPP_PATH, hooks.whatsapp_verify, methods=["GET"]),
        Route(WHATSAPP_PATH, hooks.whatsapp_post, methods=["POST"]),
    ]
    if telegram is not None:
        path = "/" + settings.telegram_webhook_path.strip("/")
        routes.append(Route(path, hooks.telegram_post, methods=["POST"]))
    if engine is not None:
        routes += web_routes(settings, engine)
    return Starlette(routes=routes)
