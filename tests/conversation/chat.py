"""A person talking to the engine, for tests: typed text, chosen options, fresh event ids."""

import itertools
from datetime import UTC, datetime, timedelta

from bot.whatsapp.graph import PROFILE as WHATSAPP
from skm_core.conversation import Event, EventKind, Option, Reply
from skm_core.conversation.channels import PROFILES, ChannelProfile
from skm_core.conversation.engine import Engine

CHANNEL_PROFILES: dict[str, ChannelProfile] = {**PROFILES, "whatsapp": WHATSAPP}
"""Every chat app's limits: those the core knows, and WhatsApp's from its adapter."""

_ids = itertools.count(1)


class Clock:
    def __init__(self, start: datetime = datetime(2024, 6, 3, 1, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Chat:
    def __init__(self, engine: Engine, channel: str = "terminal", user: str = "warga-1") -> None:
        self.engine = engine
        self.channel = channel
        self.user = user
        self.last: list[Reply] = []

    def event(self, kind: EventKind, value: str = "", event_id: str | None = None) -> Event:
        event_id = event_id or f"e{next(_ids)}"
        return Event(self.channel, self.user, event_id, kind, value, f"chat-{self.user}")

    async def send(self, event: Event) -> list[Reply]:
        replies = await self.engine.handle(event)
        if replies:
            self.last = replies
        return replies

    async def start(self, payload: str = "") -> list[Reply]:
        return await self.send(self.event(EventKind.START, payload))

    async def type(self, text: str) -> list[Reply]:
        return await self.send(self.event(EventKind.TEXT, text))

    async def command(self, name: str) -> list[Reply]:
        return await self.send(self.event(EventKind.COMMAND, name))

    async def choose(self, label: str) -> list[Reply]:
        """Press the button with this label on the last message."""
        return await self.send(self.event(EventKind.OPTION, self.option(label).id))

    async def press(self, option_id: str) -> list[Reply]:
        return await self.send(self.event(EventKind.OPTION, option_id))

    @property
    def options(self) -> tuple[Option, ...]:
        return self.last[-1].options if self.last else ()

    @property
    def labels(self) -> list[str]:
        return [o.label for o in self.options]

    def option(self, label: str) -> Option:
        for option in self.options:
            if option.label == label or option.label.startswith(label):
                return option
        raise AssertionError(f"no option {label!r} in {self.labels}")

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.last)
