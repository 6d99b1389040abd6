"""Telegram long polling that confirms an update only once it is processed and never dies
in silence.

PTB's own Updater confirms a batch as soon as it is fetched, and `Bot.get_updates` parses a
batch all or nothing, so one update the library cannot read would fail every fetch, before
and after every restart. Here the raw batch is read, each update is parsed and processed on
its own, and the offset moves past an update once it is processed (or found unreadable, which
is logged): a crash means a redelivery, which the engine recognises by the update id.

Faults that pass (a rate limit, a network or server error, another instance for a while) are
retried with backoff and shown in /health; faults that do not (a refused token, a conflict
that lasts) raise `PollingStopped`, so the process stops with a clear message and a non-zero
exit for a supervisor or a person to see.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.health import ChannelState, Health
from bot.telegram_app import ALLOWED_UPDATES, CHANNEL

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class PollingStopped(Exception):
    """A fault that no retry mends: the channel cannot serve anyone."""


@dataclass
class PollPolicy:
    timeout: int = 30
    """Seconds Telegram holds a getUpdates open when there is nothing to deliver."""
    first_backoff: float = 1.0
    max_backoff: float = 60.0
    conflict_limit: float = 300.0
    """Seconds of 409 (another instance polls, or a webhook is set) before giving up."""
    sleep: Sleep = field(default=asyncio.sleep)
    clock: Callable[[], float] = field(default=time.monotonic)

    def backoff(self, failures: int) -> float:
        return float(min(self.first_backoff * 2 ** min(failures - 1, 16), self.max_backoff))


def retry_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class Fault:
    """What one failed call means: wait this long, or stop."""

    def __init__(self, policy: PollPolicy, health: Health) -> None:
        self.policy = policy
        self.health = health
        self.failures = 0
        self.conflict_since: float | None = None

    def passed(self) -> None:
        self.failures = 0
        self.conflict_since = None
        self.health.set(CHANNEL, ChannelState.OK)

    def wait_after(self, exc: Exception, doing: str) -> float:
        """Seconds to wait before trying again; raises PollingStopped when waiting cannot help."""
        if isinstance(exc, InvalidToken | Forbidden):
            self.health.set(CHANNEL, ChannelState.STOPPED, "token refused")
            raise PollingStopped(
                f"Telegram refused the bot token while {doing} ({exc}); check TELEGRAM_BOT_TOKEN"
            ) from exc
        self.failures += 1
        if isinstance(exc, RetryAfter):
            self.health.set(CHANNEL, ChannelState.RETRYING, "rate limited")
            return retry_seconds(exc)
        if isinstance(exc, Conflict):
            now = self.policy.clock()
            if self.conflict_since is None:
                self.conflict_since = now
            if now - self.conflict_since >= self.policy.conflict_limit:
                self.health.set(CHANNEL, ChannelState.STOPPED, "conflict")
                raise PollingStopped(
                    f"Telegram answered 409 Conflict for {self.policy.conflict_limit:.0f} s while"
                    f" {doing}: another process polls with this token, or a webhook is set"
                ) from exc
            self.health.set(CHANNEL, ChannelState.RETRYING, "conflict")
        else:
            self.health.set(CHANNEL, ChannelState.RETRYING, "unreachable")
        return self.policy.backoff(self.failures)


async def until_done(step: Callable[[], Awaitable[Any]], fault: Fault, doing: str) -> Any:
    """Run a call to Telegram until it passes; a refused token stops at once."""
    while True:
        try:
            result = await step()
        except TelegramError as exc:
            wait = fault.wait_after(exc, doing)
            log.warning(
                "Telegram: %s failed (%s); trying again in %.0f s", doing, type(exc).__name__, wait
            )
            await fault.policy.sleep(wait)
            continue
        fault.passed()
        return result


async def fetch(bot: Any, offset: int | None, hold_seconds: int) -> list[Any]:
    """One raw getUpdates: the same call `Bot.get_updates` makes, without its parsing."""
    data = {"offset": offset, "timeout": hold_seconds, "allowed_updates": ALLOWED_UPDATES}
    result = await bot._post("getUpdates", data, read_timeout=hold_seconds + 10)
    return result if isinstance(result, list) else []


async def process_raw(application: Any, raw: Any) -> None:
    """Process one update; one that cannot be read or handled is logged and skipped."""
    update_id = raw.get("update_id") if isinstance(raw, dict) else None
    try:
        update = Update.de_json(raw, application.bot)
    except Exception as exc:
        log.error(
            "Telegram update %s could not be read (%s); confirmed and skipped",
            update_id,
            type(exc).__name__,
        )
        return
    try:
        await application.process_update(update)
    except Exception as exc:
        log.error(
            "Telegram update %s could not be handled (%s); confirmed and skipped",
            update_id,
            type(exc).__name__,
        )


def _person(raw: Any) -> Any:
    """Whose update it is: one person's updates are processed in order, others' alongside."""
    if isinstance(raw, dict):
        for kind in ("message", "callback_query"):
            body = raw.get(kind)
            sender = body.get("from") if isinstance(body, dict) else None
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                return sender["id"]
    return ("update", id(raw))


async def _after(previous: "asyncio.Task[None] | None", application: Any, raw: Any) -> None:
    if previous is not None:
        await asyncio.gather(previous, return_exceptions=True)
    await process_raw(application, raw)


class InFlight:
    """Updates being processed. Telegram is told an update is confirmed only once every update
    before it is processed too, so one person's long work (an export of a large period) holds
    up neither other people nor the polling, and a crash loses nothing."""

    def __init__(self, application: Any, limit: int) -> None:
        self.application = application
        self.limit = limit
        self.running: dict[int, asyncio.Task[None]] = {}
        self.last_of: dict[Any, asyncio.Task[None]] = {}
        self.seen_below: int | None = None
        """Every update below this id was taken (processed or being processed)."""

    @property
    def offset(self) -> int | None:
        return min(self.running) if self.running else self.seen_below

    def take(self, raw: Any) -> bool:
        """Start processing an update unless it is already taken; True if it was new."""
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int):
            return False
        if update_id in self.running or (
            self.seen_below is not None and update_id < self.seen_below
        ):
            return False  # Telegram sends again what is not yet confirmed
        person = _person(raw)
        task = asyncio.create_task(_after(self.last_of.get(person), self.application, raw))
        self.running[update_id] = task
        self.last_of[person] = task
        task.add_done_callback(lambda done: self._finished(update_id, person, done))
        self.seen_below = max(self.seen_below or 0, update_id + 1)
        return True

    def _finished(self, update_id: int, person: Any, task: "asyncio.Task[None]") -> None:
        self.running.pop(update_id, None)
        if self.last_of.get(person) is task:
            del self.last_of[person]

    async def wait(self, at_most: float | None) -> None:
        """Until one update is processed, or `at_most` seconds pass."""
        if self.running:
            await asyncio.wait(
                list(self.running.values()), timeout=at_most, return_when=asyncio.FIRST_COMPLETED
            )

    async def finish(self) -> None:
        """At a stop: what was begun is processed to its end."""
        while self.running:
            await asyncio.gather(*self.running.values(), return_exceptions=True)


PAUSE_WHILE_BUSY = 0.5
"""Seconds between fetches while updates are still being processed (Telegram answers at once
then, sending the unconfirmed ones again)."""
MAX_IN_FLIGHT = 64


async def poll(application: Any, health: Health, policy: PollPolicy | None = None) -> None:
    """Poll until a fault that no retry mends; then raise PollingStopped."""
    policy = policy or PollPolicy()
    fault = Fault(policy, health)
    flight = InFlight(application, MAX_IN_FLIGHT)
    try:
        while True:
            if len(flight.running) >= flight.limit:
                await flight.wait(None)
                continue
            hold = 0 if flight.running else policy.timeout

            async def step(offset: int | None = flight.offset, hold: int = hold) -> list[Any]:
                return await fetch(application.bot, offset, hold)

            batch = await until_done(step, fault, "polling for updates")
            fresh = sum(flight.take(raw) for raw in batch)
            if flight.running and not fresh:
                await flight.wait(PAUSE_WHILE_BUSY)
            else:
                await asyncio.sleep(0)  # let what was taken begin
    finally:
        await flight.finish()
