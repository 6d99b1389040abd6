"""Telegram polling: passing faults are waited out, lasting ones stop the process with a reason,
and an update that cannot be read is confirmed and skipped."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.health import ChannelState, Health
from bot.polling import PollingStopped, PollPolicy, poll
from bot.settings import Settings
from skm_core.content import Content
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.offline_bot import offline_bot

CITIZEN = 6101
UNREADABLE = Path(__file__).parent / "data" / "telegram" / "unreadable.json"
REVOKED = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})


class FakeTime:
    """A clock that moves only when the poller waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
async def telegram(tmp_path: Path, content: Content) -> AsyncIterator[tuple[FakeBotApi, Any]]:
    settings = Settings(telegram_bot_token=TOKEN, skm_data_dir=tmp_path / "data", _env_file=None)
    api = FakeBotApi()
    async with offline_bot(settings, content, api) as (application, _, _):
        yield api, application


def revoke_after(api: FakeBotApi, application: Any, updates: int) -> None:
    """The token is revoked once `updates` updates were processed: polling then ends."""
    process = application.process_update
    seen = 0

    async def counting(update: Any) -> None:
        nonlocal seen
        await process(update)
        seen += 1
        if seen == updates:
            api.fail("getUpdates", *REVOKED)

    application.process_update = counting


async def test_rate_limits_server_errors_and_a_brief_conflict_are_waited_out(telegram):
    api, application = telegram
    api.fail("getUpdates", 429, {"ok": False, "error_code": 429, "description": "Too Many",
                                 "parameters": {"retry_after": 7}})  # fmt: skip
    api.fail("getUpdates", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    api.fail("getUpdates", 409, {"ok": False, "error_code": 409, "description": "Conflict"})
    api.push(api.text_update(CITIZEN, "/layanan"))
    revoke_after(api, application, 1)
    time = FakeTime()
    health = Health()
    with pytest.raises(PollingStopped, match="token"):
        await poll(application, health, PollPolicy(sleep=time.sleep, clock=time.clock))
    assert time.waits == [7.0, 2.0, 4.0]  # as Telegram said, then backing off
    assert "Silakan pilih layanan" in api.texts(CITIZEN)[-1]
    assert health.channels["telegram"] is ChannelState.STOPPED


async def test_a_conflict_that_lasts_stops_polling_with_its_reason(telegram):
    api, application = telegram
    for _ in range(30):
        api.fail("getUpdates", 409, {"ok": False, "error_code": 409, "description": "Conflict"})
    time = FakeTime()
    health = Health()
    with pytest.raises(PollingStopped, match="409"):
        await poll(application, health, PollPolicy(sleep=time.sleep, clock=time.clock))
    assert time.now >= 300
    assert len(time.waits) > 3
    assert health.report()["channels"]["telegram"] == {"state": "stopped", "reason": "conflict"}


async def test_an_unreadable_update_is_confirmed_and_the_next_is_served(telegram, caplog):
    api, application = telegram
    unreadable = json.loads(UNREADABLE.read_text(encoding="utf-8"))
    api.push({**unreadable, "update_id": 500})
    served = api.push(api.text_update(CITIZEN, "/layanan"))
    revoke_after(api, application, 1)
    time = FakeTime()
    with pytest.raises(PollingStopped):
        await poll(application, Health(), PollPolicy(sleep=time.sleep, clock=time.clock))
    assert "Silakan pilih layanan" in api.texts(CITIZEN)[-1]
    assert "update 500 could not be read" in caplog.text
    assert "halo" not in caplog.text  # logs never carry what people wrote
    # Both are confirmed: Telegram will not send the unreadable one again.
    [last_call] = [c.params for c in api.calls if c.method == "!getUpdates"]
    assert int(last_call["offset"]) == served["update_id"] + 1


async def test_one_persons_long_work_holds_up_nobody_else_and_their_own_stay_in_order(telegram):
    api, application = telegram
    slow, other = CITIZEN, CITIZEN + 1
    process = application.process_update
    release = asyncio.Event()
    done: dict[int, asyncio.Event] = {}
    order: list[int] = []

    async def watched(update: Any) -> None:
        if update.update_id == first["update_id"]:
            await release.wait()  # a large export, say
        await process(update)
        order.append(update.update_id)
        done.setdefault(update.update_id, asyncio.Event()).set()

    def finished(update: dict[str, Any]) -> asyncio.Event:
        return done.setdefault(update["update_id"], asyncio.Event())

    application.process_update = watched
    first = api.push(api.text_update(slow, "/layanan"))
    then = api.push(api.text_update(slow, "/bantuan"))
    meanwhile = api.push(api.text_update(other, "/layanan"))
    polling = asyncio.create_task(poll(application, Health(), PollPolicy()))
    await asyncio.wait_for(finished(meanwhile).wait(), timeout=20)
    assert order == [meanwhile["update_id"]]  # answered while the first person's work runs
    # Nothing of theirs is confirmed yet: Telegram still holds it, should the bot die now.
    assert first["update_id"] in {u["update_id"] for u in api.updates}
    release.set()
    await asyncio.wait_for(finished(then).wait(), timeout=20)
    polling.cancel()
    with pytest.raises(asyncio.CancelledError):
        await polling
    assert order == [meanwhile["update_id"], first["update_id"], then["update_id"]]
