"""One officials' command as the desk's handlers receive it, and what they give back."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from skm_core.conversation.messages import Event, EventKind, Option, Reply, slash_command
from skm_core.conversation.screens import MENU
from skm_core.conversation.survey import StepContext
from skm_core.storage.database import Transaction

Later = Callable[[], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Call:
    tx: Transaction
    event: Event
    ctx: StepContext
    roles: frozenset[str]
    name: str
    args: str

    @property
    def actor(self) -> str:
        return self.event.user_key


@dataclass
class DeskResult:
    replies: list[Reply] = field(default_factory=list)
    later: Later | None = None
    """Work that only reads (summaries, exports), done after the transaction commits."""


def command_of(event: Event) -> tuple[str, str]:
    """(name, arguments) of a slash command, typed or sent as a command; ('', '') otherwise."""
    parsed = None
    if event.kind is EventKind.COMMAND:
        parsed = slash_command("/" + event.value.strip())
    elif event.kind is EventKind.TEXT:
        parsed = slash_command(event.value)
    if parsed is None:
        return "", ""
    name, rest = parsed
    return name.casefold(), rest


def text_reply(text: str, menu_label: str) -> list[Reply]:
    return [Reply(text, (Option(MENU, menu_label),))]


@contextmanager
def acting_for(tx: Transaction, unit_id: str) -> Iterator[Transaction]:
    """The transaction reading and writing another unit's rows for a moment: only for what is
    done for a unit on purpose (redeeming an invitation into it, wherever it is redeemed)."""
    previous = tx.unit
    tx.unit = unit_id
    try:
        yield tx
    finally:
        tx.unit = previous


Handler = Callable[[Call], Awaitable[DeskResult]]
REGISTER = "daftar"
"""Registering with an invitation: open to anyone, since the code is the permission."""


def answer_now(handler: Callable[[Call], Awaitable[list[Reply]]]) -> Handler:
    """A handler that answers at once, inside the transaction."""

    async def run(call: Call) -> DeskResult:
        return DeskResult(await handler(call))

    return run


class CommandTable:
    """A desk's commands: the roles that may give each, and what answers it; one reading of
    who may give what for every desk."""

    def __init__(
        self,
        commands: dict[str, tuple[frozenset[str], Handler]],
        register: Callable[[Call], Awaitable[list[Reply] | None]],
    ) -> None:
        self._commands = commands
        self._register = register

    def wants(self, event: Event) -> bool:
        name, _ = command_of(event)
        return name == REGISTER or name in self._commands

    def serves(self, event: Event, roles: frozenset[str]) -> bool:
        name, _ = command_of(event)
        if name == REGISTER:
            return True
        entry = self._commands.get(name)
        return entry is not None and bool(roles & entry[0])

    async def answer(self, call: Call) -> DeskResult | None:
        if call.name == REGISTER:
            replies = await self._register(call)
            return DeskResult(replies) if replies is not None else None
        entry = self._commands.get(call.name)
        return await entry[1](call) if entry is not None else None
