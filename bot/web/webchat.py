"""The website chat: the whole bot on the unit's own site, as a page and as a widget.

A channel that answers over HTTP: a request's event goes to the engine, and the replies
`send` collects become the response (an HTML page for the form that works without
JavaScript, JSON for the widget). Messages for a person who is not asking (an official's
answer to their complaint) wait in the outbox until their next request.

A browser is known by a random id it keeps (a cookie for the page, the widget's own
storage for the widget); the engine sees only a hash of it (bot/web/http_channel.py).
"""

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.http_guard import BodyRefused, read_capped
from bot.web.http_channel import HttpChannel, new_id
from bot.web.site import STATIC_DIR, Site
from skm_core.conversation import EventKind, Reply
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.engine import Engine

NAME = "webchat"
# A page shows as many buttons as a WhatsApp list; long answers read better in parts.
PROFILE = ChannelProfile(max_options=10, max_text=2000)
COOKIE = "skm_chat"
COOKIE_DAYS = 180
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
MAX_BODY = 8 * 1024
MAX_VALUE_CHARS = 2000
WIDGET_FILE = STATIC_DIR / "widget.js"


@dataclass
class RateLimit:
    """At most `per_minute` events per client in any sliding minute, on the engine's clock."""

    per_minute: int
    clock: Callable[[], datetime]
    _seen: dict[str, list[datetime]] = field(default_factory=dict)

    def allow(self, client: str) -> bool:
        now = self.clock()
        recent = [t for t in self._seen.get(client, []) if now - t < timedelta(minutes=1)]
        if len(recent) >= self.per_minute:
            self._seen[client] = recent
            return False
        recent.append(now)
        self._seen[client] = recent
        if len(self._seen) > 10_000:
            # Forget clients that have been quiet for a minute, so the table stays small.
            self._seen = {k: v for k, v in self._seen.items() if now - v[-1] < timedelta(minutes=1)}
        return True


def web_chat_channel(engine: Engine, public_url: str | None) -> HttpChannel:
    link = f"{public_url}/chat?t={{token}}" if public_url else None
    return HttpChannel(engine, NAME, PROFILE, link)


def _reply_json(reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "teks": reply.text,
        "pilihan": [{"id": o.id, "label": o.label} for o in reply.options],
    }
    if reply.attachment is not None:
        body["lampiran"] = {
            "jenis": reply.attachment.kind,
            "nama": reply.attachment.filename,
            "data": base64.b64encode(reply.attachment.data).decode("ascii"),
        }
    return body


def _image_uri(reply: Reply) -> str:
    attachment = reply.attachment
    if attachment is None or attachment.kind != "image":
        return ""
    kind = "svg+xml" if attachment.filename.endswith(".svg") else "png"
    return f"data:image/{kind};base64," + base64.b64encode(attachment.data).decode("ascii")


def _origin_of(url: str | None) -> str:
    match = re.match(r"https?://[^/]+", url or "")
    return match.group(0) if match else ""


class WebChatPages:
    def __init__(self, site: Site) -> None:
        self.site = site
        settings = site.settings
        self.channel = web_chat_channel(site.engine, settings.public_url)
        self.limit = RateLimit(settings.skm_webchat_rate_per_minute, site.clock)
        self.origins = settings.webchat_origins | {_origin_of(settings.public_url)} - {""}

    def _client(self, request: Request) -> str:
        return request.client.host if request.client else "-"

    def _page(
        self,
        request: Request,
        browser_id: str,
        replies: list[Reply],
        status: int = 200,
        notice: str = "",
    ) -> Response:
        response = self.site.render(
            request,
            "chat.html",
            {
                "replies": [(r, _image_uri(r)) for r in replies],
                "event_id": new_id(),
                "ticket": request.query_params.get("t", "")[:64],
                "notice": notice,
            },
            status=status,
            headers={"Cache-Control": "no-store"},
        )
        response.set_cookie(
            COOKIE,
            browser_id,
            max_age=COOKIE_DAYS * 86400,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    def _browser_id(self, request: Request) -> str:
        given = request.cookies.get(COOKIE, "")
        return given if ID_PATTERN.fullmatch(given) else new_id()

    async def chat_page(self, request: Request) -> Response:
        return self._page(request, self._browser_id(request), [])

    async def chat_post(self, request: Request) -> Response:
        browser_id = self._browser_id(request)
        if not self.limit.allow(self._client(request)):
            return self._page(request, browser_id, [], 429, self.site.say("chat_too_fast"))
        try:
            body = await read_capped(
                request, MAX_BODY, self.site.settings.skm_http_body_timeout_seconds
            )
        except BodyRefused as refused:
            return self._page(request, browser_id, [], refused.status, refused.reason)
        form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
        event = _form_event(form)
        if event is None:
            return self._page(request, browser_id, [], 400, self.site.say("chat_bad_request"))
        replies = await self.channel.request(browser_id, *event)
        return self._page(request, browser_id, replies)

    def _refusal(self, request: Request) -> Response:
        # The refusal itself is readable by the refused page, so its widget can say why
        # instead of retrying; nothing else is.
        origin = request.headers.get("origin", "")
        return JSONResponse(
            {"galat": self.site.say("chat_origin_refused")},
            403,
            {"Access-Control-Allow-Origin": origin, "Vary": "Origin"} if origin else {},
        )

    def _cors(self, request: Request) -> dict[str, str] | None:
        """Headers for a cross-origin caller; None when its origin is not allowed."""
        origin = request.headers.get("origin")
        if origin is None:
            return {}
        if origin not in self.origins:
            return None
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        }

    async def api_preflight(self, request: Request) -> Response:
        headers = self._cors(request)
        if headers is None:
            return self._refusal(request)
        return Response(status_code=204, headers=headers)

    async def api_post(self, request: Request) -> Response:
        headers = self._cors(request)
        if headers is None:
            return self._refusal(request)
        if not self.limit.allow(self._client(request)):
            return JSONResponse({"galat": self.site.say("chat_too_fast")}, 429, headers)
        try:
            body = await read_capped(
                request, MAX_BODY, self.site.settings.skm_http_body_timeout_seconds
            )
            event = _json_event(body)
        except BodyRefused as refused:
            return JSONResponse({"galat": refused.reason}, refused.status, headers)
        if event is None:
            return JSONResponse({"galat": self.site.say("chat_bad_request")}, 400, headers)
        browser_id, kind, event_id, value = event
        replies = await self.channel.request(browser_id, event_id, kind, value)
        return JSONResponse({"balasan": [_reply_json(r) for r in replies]}, headers=headers)

    async def widget(self, request: Request) -> Response:
        # Served from here, not /static: the widget learns the server from its own address.
        return Response(
            WIDGET_FILE.read_text(encoding="utf-8"),
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"},
        )


_KINDS = {"start": EventKind.START, "text": EventKind.TEXT, "option": EventKind.OPTION}


def _form_event(form: dict[str, str]) -> tuple[str, EventKind, str] | None:
    """(event id, kind, value) from the page's form: a chosen button, typed text, or start."""
    event_id = str(form.get("acara", ""))
    if not ID_PATTERN.fullmatch(event_id):
        return None
    for field_name, kind in (("pilih", EventKind.OPTION), ("mulai", EventKind.START)):
        if field_name in form:
            return event_id, kind, str(form[field_name])[:MAX_VALUE_CHARS]
    text = str(form.get("teks", "")).strip()
    if not text:
        return None
    return event_id, EventKind.TEXT, text[:MAX_VALUE_CHARS]


def _json_event(body: bytes) -> tuple[str, EventKind, str, str] | None:
    """(browser id, kind, event id, value) from the widget's JSON; None when it is not one."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    browser_id, event_id = data.get("klien"), data.get("acara")
    kind, value = _KINDS.get(str(data.get("jenis"))), data.get("nilai", "")
    if not (isinstance(browser_id, str) and ID_PATTERN.fullmatch(browser_id)):
        return None
    if not (isinstance(event_id, str) and ID_PATTERN.fullmatch(event_id)):
        return None
    if kind is None or not isinstance(value, str):
        return None
    if kind is EventKind.TEXT and not value.strip():
        return None
    return browser_id, kind, event_id, value[:MAX_VALUE_CHARS]


def webchat_routes(site: Site) -> list[BaseRoute]:
    pages = WebChatPages(site)
    return [
        Route("/chat", pages.chat_page, methods=["GET"]),
        Route("/chat", pages.chat_post, methods=["POST"]),
        Route("/chat/api", pages.api_post, methods=["POST"]),
        Route("/chat/api", pages.api_preflight, methods=["OPTIONS"]),
        Route("/chat/widget.js", pages.widget, methods=["GET"]),
    ]
