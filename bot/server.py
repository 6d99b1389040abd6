"""The one HTTP server of a bot process: /health, the WhatsApp webhook, the Telegram webhook,
and, given the engine, the public site and the officials' desk (bot/web)."""

import hmac
import json
import logging
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update

from bot.settings import Settings
from bot.web import web_routes
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.webhook import SIGNATURE_HEADER, signature_valid
from skm_core.conversation.engine import Engine

log = logging.getLogger(__name__)
WHATSAPP_PATH = "/webhook/whatsapp"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _secret(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


def build_web_app(
    settings: Settings,
    whatsapp: WhatsAppChannel | None,
    telegram: Any | None,
    engine: Engine | None = None,
) -> Starlette:
    """`telegram` is the PTB Application when Telegram runs with a webhook, else None."""

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def whatsapp_verify(request: Request) -> Response:
        params = request.query_params
        token = _secret(settings.whatsapp_verify_token)
        given = params.get("hub.verify_token", "")
        if (
            params.get("hub.mode") == "subscribe"
            and token
            and hmac.compare_digest(given.encode(), token.encode())
        ):
            return PlainTextResponse(params.get("hub.challenge", ""))
        return PlainTextResponse("forbidden", status_code=403)

    async def whatsapp_post(request: Request) -> Response:
        body = await request.body()
        secret = _secret(settings.whatsapp_app_secret)
        if whatsapp is None or not signature_valid(
            secret, body, request.headers.get(SIGNATURE_HEADER)
        ):
            return PlainTextResponse("invalid signature", status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return PlainTextResponse("invalid JSON", status_code=400)
        whatsapp.accept(payload)
        return PlainTextResponse("ok")

    async def telegram_post(request: Request) -> Response:
        expected = _secret(settings.telegram_webhook_secret)
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if telegram is None or (
            expected and not hmac.compare_digest(given.encode(), expected.encode())
        ):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            update = Update.de_json(await request.json(), telegram.bot)
        except ValueError:
            return PlainTextResponse("invalid JSON", status_code=400)
        # Processed before answering: Telegram sends the update again if the bot dies first.
        await telegram.process_update(update)
        return PlainTextResponse("ok")

    routes: list[BaseRoute] = [
        Route("/health", health, methods=["GET"]),
        Route(WHATSAPP_PATH, whatsapp_verify, methods=["GET"]),
        Route(WHATSAPP_PATH, whatsapp_post, methods=["POST"]),
    ]
    if telegram is not None:
        path = "/" + settings.telegram_webhook_path.strip("/")
        routes.append(Route(path, telegram_post, methods=["POST"]))
    if engine is not None:
        routes += web_routes(settings, engine)
    return Starlette(routes=routes)
