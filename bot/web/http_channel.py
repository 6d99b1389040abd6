"""What the website chat and the kiosk share: a channel that answers over HTTP.

A request's event goes to the engine and the replies `send` collects become the response;
what waits in the outbox for this person comes along. An event arrives with an id the browser
chose, so a retried request is handled once; its replies are kept for a while, so the retry
is answered as the first delivery was.
"""

import hashlib
import secrets
from collections import OrderedDict

from bot.channel import respond, send_all
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.engine import Engine

ANSWERS_KEPT = 512


def new_id() -> str:
    return secrets.token_urlsafe(18)


def visitor_key(channel: str, browser_id: str) -> str:
    """The engine's key for a browser: a hash of its random id, never the id itself (the id
    is what lets a browser speak as that visitor)."""
    return hashlib.sha256(f"{channel}:{browser_id}".encode()).hexdigest()[:32]


class HttpChannel:
    windowed = False

    def __init__(
        self, engine: Engine, name: str, profile: ChannelProfile, start_link: str | None
    ) -> None:
        self.engine = engine
        self.name = name
        self.profile = profile
        self.start_link = start_link
        self._bodies: dict[str, list[Reply]] = {}
        self._answered: OrderedDict[tuple[str, str], list[Reply]] = OrderedDict()
        engine.register_channel(self)

    def key(self, browser_id: str) -> str:
        return visitor_key(self.name, browser_id)

    async def send(self, address: str, reply: Reply) -> list[str]:
        self._bodies.setdefault(address, []).append(reply)
        return []

    async def request(
        self, browser_id: str, event_id: str, kind: EventKind, value: str
    ) -> list[Reply]:
        """One event from a browser; the replies for its response. A retried event gets the
        replies its first delivery got (while they are kept), and changes nothing."""
        key = self.key(browser_id)
        kept = self._answered.get((key, event_id))
        if kept is not None:
            return kept
        # Event ids are unique per channel: each browser's own ids are kept apart.
        event = Event(self.name, key, f"{key[:16]}:{event_id}", kind, value, key)
        await respond(self.engine, self, key, await self.engine.handle(event))
        await self.engine.flush_outbox(self.name, lambda a, r: send_all(self, a, r))
        replies = self._bodies.pop(key, [])
        self._answered[(key, event_id)] = replies
        while len(self._answered) > ANSWERS_KEPT:
            self._answered.popitem(last=False)
        return replies
