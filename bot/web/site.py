"""What every web page shares: settings, the engine (content in force, database), templates."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.settings import Settings
from bot.telegram_app import chat_link as telegram_chat_link
from bot.whatsapp.channel import chat_link as whatsapp_chat_link
from skm_core.calendar.dates import local_datetime_text
from skm_core.content.loader import Content
from skm_core.conversation.engine import Engine
from skm_core.ikm.compute import round_half_up
from skm_core.ikm.report import id_number

HERE = Path(__file__).parent
TEMPLATE_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
MAX_FORM_BYTES = 64 * 1024
# Pages load nothing from elsewhere and run no script; no other site may frame them, and no
# address (a sign-in link's token) leaves in a Referer.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def number(value: Fraction | float | int | None, places: int = 2) -> str:
    """A figure in Indonesian style (decimal comma); '-' when there is none.

    Exact values (fractions) are rounded half up as the IKM engine does; figures from a
    snapshot are already rounded and only formatted.
    """
    if value is None:
        return "-"
    if isinstance(value, Fraction):
        return id_number(round_half_up(value, places))
    exponent = Decimal(1).scaleb(-places)
    return id_number(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["angka"] = number
    return env


@dataclass
class Site:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    env: Environment = field(default_factory=_environment)

    @property
    def content(self) -> Content:
        return self.engine.content

    def say(self, key: str, **values: object) -> str:
        """A message of the web pages, from content/texts.yaml (web.messages)."""
        return self.content.texts.web.messages[key].format(**values)

    def when(self, moment: datetime) -> str:
        return local_datetime_text(moment, self.engine.timezone, self.content.texts)

    def bot_links(self) -> dict[str, str]:
        """Links that open a chat with the bot, per chat app that is configured."""
        links = {}
        username = self.settings.telegram_bot_username
        if username:
            links["Telegram"] = telegram_chat_link(username)
        number = self.settings.whatsapp_business_number
        if number:
            links["WhatsApp"] = whatsapp_chat_link(number, self.content.texts.commands.menu[0])
        return links

    def render(
        self,
        request: Request,
        name: str,
        values: Mapping[str, Any],
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        page = self.env.get_template(name).render(
            unit=self.content.unit, w=self.content.texts.web.labels, request=request, **values
        )
        return HTMLResponse(page, status_code=status, headers=PAGE_HEADERS | dict(headers or {}))
