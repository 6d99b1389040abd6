"""The terminal channel: the whole bot in a terminal, numbered options, on the same engine.

It reads plain lines from standard input whether or not that is a terminal, so scripts and
tests can drive it; the prompt is shown only to a person at a terminal.
"""

import asyncio
import uuid
from itertools import count
from typing import TextIO

from bot.channel import send_all
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.channels import profile_for
from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import slash_command
from skm_core.delivery.sending import RetryLater

CHANNEL = "terminal"


def render(replies: list[Reply]) -> str:
    """Replies as lines; answers are numbered, navigation ("Kembali") is typed as a word."""
    blocks: list[str] = []
    for reply in replies:
        lines = [reply.text]
        if reply.attachment is not None:
            lines.append(f"[{reply.attachment.kind}: {reply.attachment.filename}]")
        numbers = count(1)
        lines += [
            f"  · {option.label}" if option.navigation else f"  {next(numbers)}. {option.label}"
            for option in reply.options
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class TerminalChat:
    """A channel for one person at a terminal: it answers at once and cannot fail, so it has
    nothing to queue; messages queued for this person are printed between their lines."""

    name = CHANNEL
    profile = profile_for(CHANNEL)
    windowed = False
    start_link: str | None = None
    """No link opens a terminal: a ticket is typed as "/start TOKEN"."""

    def __init__(self, engine: Engine, user_key: str, stdin: TextIO, stdout: TextIO) -> None:
        self.engine = engine
        self.user_key = user_key
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty()
        engine.register_channel(self)

    async def send(self, address: str, reply: Reply) -> list[str]:
        """Messages for this person (an official's answer to their complaint) are printed
        here; those for someone else chatting on the same database wait for their turn."""
        if address != self.user_key:
            raise RetryLater("for another person at a terminal", after_seconds=5)
        self._print([reply])
        return []

    def _event(self, kind: EventKind, value: str = "") -> Event:
        # The terminal has no chat id: the person is reached by their key, in this terminal.
        return Event(CHANNEL, self.user_key, uuid.uuid4().hex, kind, value, self.user_key)

    def _line_event(self, text: str) -> Event:
        # "/start TOKEN" opens a ticket's survey, as a deep link does on a chat app.
        command = slash_command(text)
        if command is not None and command[0] == "start":
            return self._event(EventKind.START, command[1])
        return self._event(EventKind.TEXT, text)

    async def _say(self, event: Event) -> None:
        replies = await self.engine.handle(event)
        if replies:
            self._print(replies)
        await self.engine.flush_outbox(
            CHANNEL, lambda address, replies: send_all(self, address, replies)
        )

    def _print(self, replies: list[Reply]) -> None:
        self.stdout.write(render(replies) + "\n\n")
        self.stdout.flush()

    async def run(self) -> None:
        await self._say(self._event(EventKind.START))
        while True:
            if self.interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                return
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            await self._say(self._line_event(text))
