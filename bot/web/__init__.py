"""The web side of the one HTTP server: the public results site and the officials' desk.

Pages are rendered on the server (Jinja2 templates beside this package, own CSS, no
JavaScript); every number and text comes from skm_core, as in the chats.
"""

import logging

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bot.settings import Settings
from bot.web.desk import desk_routes
from bot.web.kiosk import kiosk_routes
from bot.web.public import public_routes
from bot.web.site import STATIC_DIR, Site
from bot.web.webchat import webchat_routes
from skm_core.conversation.engine import Engine
from skm_core.desk.web import SIGN_IN_PATH


class _HideSignInTokens(logging.Filter):
    """The access log shows the path of each request: never a sign-in link's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            path = str(args[2])
            if path.startswith(SIGN_IN_PATH) and "?" in path:
                args[2] = path.split("?", 1)[0] + "?t=…"
                record.args = tuple(args)
        return True


_hide_tokens = _HideSignInTokens()


def web_routes(settings: Settings, engine: Engine) -> list[BaseRoute]:
    access = logging.getLogger("uvicorn.access")
    if _hide_tokens not in access.filters:
        access.addFilter(_hide_tokens)
    # The engine's clock: tests move one clock for the chats and the pages alike.
    site = Site(settings, engine, engine.clock)
    return [
        *public_routes(site),
        *webchat_routes(site),
        *kiosk_routes(site),
        Mount("/desk", routes=desk_routes(site)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
