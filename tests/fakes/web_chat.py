"""A whole channel in one module, the way the website chat or a kiosk would be one: it
answers over HTTP, so a request's replies are its response's body.

It implements bot/channel.py's Channel and nothing more: it registers with the engine, sends
one reply at a time through the shared `respond`, and lets the outbox send what a passing
failure stopped. Messages for a person who is not asking right now (an official's answer to
their complaint) wait in the outbox until that person's next request.
"""

import itertools

from bot.channel import respond, send_all
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.engine import Engine
from skm_core.delivery.sending import RetryLater

NAME = "webchat"
# Narrower than any chat app, so that a test sees the engine page for the registered limits.
PROFILE = ChannelProfile(max_options=6, max_text=700)
_requests = itertools.count(1)


class WebChat:
    name = NAME
    profile = PROFILE
    windowed = False
    start_link = "https://kecamatan.example/chat?t={token}"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.failing = False
        """While set, every send fails as a dropped connection would: a passing failure."""
        self._bodies: dict[str, list[Reply]] = {}
        engine.register_channel(self)

    async def send(self, address: str, reply: Reply) -> list[str]:
        if self.failing:
            raise RetryLater("the connection dropped")
        self._bodies.setdefault(address, []).append(reply)
        return []

    async def request(self, session: str, kind: EventKind, value: str = "") -> list[Reply]:
        """One HTTP request from a browser: the event in, the response's replies out."""
        event = Event(NAME, session, f"req-{next(_requests)}", kind, value, session)
        await respond(self.engine, self, session, await self.engine.handle(event))
        await self.engine.flush_outbox(NAME, lambda a, r: send_all(self, a, r))
        return self._bodies.pop(session, [])
