"""The web side of the one HTTP server: the public results site and the officials' desk.

Pages are rendered on the server (Jinja2 templates beside this package, own CSS, no
JavaScript); every number and text comes from skm_core, as in the chats.
"""

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from bot.settings import Settings
from bot.web.desk import desk_routes
from bot.web.public import public_routes
from bot.web.site import STATIC_DIR, Site
from skm_core.conversation.engine import Engine


def web_routes(settings: Settings, engine: Engine) -> list[BaseRoute]:
    # The engine's clock: tests move one clock for the chats and the pages alike.
    site = Site(settings, engine, engine.clock)
    return [
        *public_routes(site),
        Mount("/desk", routes=desk_routes(site)),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
