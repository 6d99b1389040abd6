"""Updates per second through the bot's Telegram application, against a bare replying handler.

Citizens take turns, one update each, so a thousand conversations are open at once as they
are at a busy counter. The bare handler then gets exactly the same updates.
"""

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any, cast

from bench.citizens import Action, visit
from bench.fake_api import TrackingBotApi
from bench.offline import Feeder, bare_application, skm_application, update_for
from skm_core.content import Content
from skm_core.conversation import Event, Reply
from skm_core.conversation.engine import Engine

FIRST_CHAT = 10_000_000


@dataclass(frozen=True)
class Throughput:
    updates: int
    updates_per_s: float
    bare_updates_per_s: float
    as_the_bot_updates_per_s: float
    """The bare handler making the bot's Bot API calls (answer, edit, keyboards)."""
    engine_seconds: float
    """Of the bot's time, the part spent in Engine.handle."""
    rate_limited_updates: int
    rate_limited_updates_per_s: float

    @property
    def engine_us_per_update(self) -> float:
        return self.engine_seconds / self.updates * 1e6

    @property
    def ratio(self) -> float:
        return self.updates_per_s / self.bare_updates_per_s


def _turns(scripts: list[list[Action]]) -> list[tuple[int, Action]]:
    """(citizen, action) in the order they arrive: everyone's first action, then the second."""
    longest = max(len(s) for s in scripts)
    return [
        (citizen, script[step])
        for step in range(longest)
        for citizen, script in enumerate(scripts)
        if step < len(script)
    ]


class TimedEngine:
    """The channel's engine, with the time spent in `handle` added up."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.seconds = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    async def handle(self, event: Event) -> list[Reply]:
        started = perf_counter()
        try:
            return await self._engine.handle(event)
        finally:
            self.seconds += perf_counter() - started


@dataclass
class Feeders:
    bot: Feeder
    bare: Feeder
    as_the_bot: Feeder
    engine: TimedEngine


async def _feed_in_rounds(
    feeders: Feeders, api: TrackingBotApi, scripts: list[list[Action]]
) -> None:
    """Each round of turns goes to the bot, then the same updates to both bare handlers.

    Alternating round by round, rather than one whole run after another, exposes all three
    to the same moments of the machine, so a busy neighbour skews no ratio.
    """
    turns = _turns(scripts)
    for start in range(0, len(turns), len(scripts)):
        fed = []
        for citizen, action in turns[start : start + len(scripts)]:
            update = update_for(api, FIRST_CHAT + citizen, action)
            await feeders.bot.feed(update)
            fed.append(update)
        for update in fed:
            await feeders.bare.feed(update)
        for update in fed:
            await feeders.as_the_bot.feed(update)


async def _side_by_side(data_dir: Path, content: Content, citizens: int) -> Feeders:
    api = TrackingBotApi(keep_calls=False)
    scripts = [visit(c, content) for c in range(citizens)]
    async with (
        skm_application(data_dir, content, api) as (application, channel),
        bare_application(TrackingBotApi(keep_calls=False)) as bare,
        bare_application(TrackingBotApi(keep_calls=False), as_the_bot=True) as as_the_bot,
    ):
        timed = TimedEngine(channel.engine)
        channel.engine = cast(Engine, timed)
        feeders = Feeders(Feeder(application), Feeder(bare), Feeder(as_the_bot), timed)
        await _feed_in_rounds(feeders, api, scripts)
    _check_all_finished(data_dir, citizens)
    return feeders


async def _rate_limited(data_dir: Path, content: Content, citizens: int) -> Feeder:
    """The bot as shipped, with AIORateLimiter; a few citizens are enough to meet its limit."""
    api = TrackingBotApi(keep_calls=False)
    scripts = [visit(c, content) for c in range(citizens)]
    async with skm_application(data_dir, content, api, shipped_limiter=True) as (application, _):
        feeder = Feeder(application)
        for citizen, action in _turns(scripts):
            await feeder.feed(update_for(api, FIRST_CHAT + citizen, action))
    _check_all_finished(data_dir, citizens)
    return feeder


def _check_all_finished(data_dir: Path, citizens: int) -> None:
    """A run that stored fewer surveys than citizens measured something else: refuse it."""
    with closing(sqlite3.connect(data_dir / "skm.sqlite3")) as db:
        (stored,) = db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()
    if stored != citizens:
        raise RuntimeError(f"{citizens} citizens finished a survey but {stored} were stored")


async def measure(
    work_dir: Path, content: Content, citizens: int, limited_citizens: int
) -> Throughput:
    feeders = await _side_by_side(work_dir / "throughput", content, citizens)
    limited = await _rate_limited(work_dir / "limited", content, limited_citizens)
    return Throughput(
        updates=feeders.bot.fed,
        updates_per_s=feeders.bot.per_second,
        bare_updates_per_s=feeders.bare.per_second,
        as_the_bot_updates_per_s=feeders.as_the_bot.per_second,
        engine_seconds=feeders.engine.seconds,
        rate_limited_updates=limited.fed,
        rate_limited_updates_per_s=limited.per_second,
    )
