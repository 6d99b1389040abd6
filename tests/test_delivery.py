"""The outbox: queued messages are sent once, passing failures retried with backoff."""

from datetime import UTC, datetime, timedelta

from skm_core.conversation.messages import Attachment, Reply
from skm_core.delivery.outbox import backoff
from skm_core.delivery.sending import RetryLater, Undeliverable, flush_outbox
from skm_core.storage.outbox import due_messages, enqueue

NOW = datetime(2026, 11, 30, 0, 5, tzinfo=UTC)


class Channel:
    """A sender that fails as it is told to, and remembers what reached the person."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.received: list[tuple[str, str]] = []

    async def __call__(self, address: str, replies: list[Reply]) -> None:
        if self.failures:
            raise self.failures.pop(0)
        for reply in replies:
            name = reply.attachment.filename if reply.attachment else ""
            self.received.append((address, reply.text or f"[{name}]"))


async def queue(db, replies: list[Reply]) -> int:
    async with db.transaction() as tx:
        return await enqueue(tx, "telegram", "42", replies, NOW)


async def test_sent_once(db):
    await queue(db, [Reply("Ringkasan")])
    channel = Channel()
    assert await flush_outbox(db, "telegram", channel, NOW) == 1
    assert await flush_outbox(db, "telegram", channel, NOW) == 0
    assert channel.received == [("42", "Ringkasan")]


async def test_rate_limited_waits_as_told_then_sends_once(db):
    await queue(db, [Reply("Ringkasan")])
    channel = Channel(RetryLater("429 Too Many Requests", after_seconds=30))
    assert await flush_outbox(db, "telegram", channel, NOW) == 0
    assert await flush_outbox(db, "telegram", channel, NOW + timedelta(seconds=29)) == 0
    assert await flush_outbox(db, "telegram", channel, NOW + timedelta(seconds=30)) == 1
    assert channel.received == [("42", "Ringkasan")]


async def test_server_errors_back_off_exponentially(db):
    await queue(db, [Reply("Ringkasan")])
    channel = Channel(RetryLater("502"), RetryLater("timed out"), RuntimeError("bug"))
    moment = NOW
    for attempt in (1, 2, 3):
        assert await flush_outbox(db, "telegram", channel, moment) == 0
        moment += backoff(attempt)
    assert await flush_outbox(db, "telegram", channel, moment) == 1
    assert channel.received == [("42", "Ringkasan")]
    assert backoff(1) == timedelta(seconds=15)
    assert backoff(20) == timedelta(hours=1)


async def test_undeliverable_is_given_up_not_retried(db):
    await queue(db, [Reply("Ringkasan")])
    channel = Channel(Undeliverable("bot was blocked by the user"))
    await flush_outbox(db, "telegram", channel, NOW)
    assert await due_messages(db, "telegram", NOW + timedelta(days=1)) == []
    row = await db.fetch_one("SELECT failed_at IS NOT NULL, last_error FROM outbox")
    assert row == (1, "bot was blocked by the user")


async def test_a_failure_between_parts_resends_neither(db):
    chart = Attachment("image", "ikm.png", b"\x89PNG", "IKM")
    await queue(db, [Reply("Laporan terjadwal"), Reply("Ringkasan", attachment=chart)])
    channel = Channel()
    original = channel.__call__

    calls = 0

    async def flaky(address: str, replies: list[Reply]) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the text after the chart fails once
            raise RetryLater("502")
        await original(address, replies)

    await flush_outbox(db, "telegram", flaky, NOW)
    await flush_outbox(db, "telegram", flaky, NOW + timedelta(minutes=1))
    assert channel.received == [
        ("42", "Laporan terjadwal"),
        ("42", "[ikm.png]"),
        ("42", "Ringkasan"),
    ]


async def test_two_rounds_at_once_send_each_part_once(db, content):
    import asyncio

    from skm_core.conversation.engine import Engine

    await queue(db, [Reply("Laporan"), Reply("Ringkasan")])
    engine = Engine(db, content, clock=lambda: NOW)
    received: list[str] = []
    first_part_started = asyncio.Event()
    go_on = asyncio.Event()

    async def slow_channel(address: str, replies: list[Reply]) -> None:
        # The first send waits, as a slow Graph API call does, while the second round starts.
        first_part_started.set()
        await go_on.wait()
        received.extend(r.text for r in replies)

    async def second_round() -> int:
        await first_part_started.wait()
        return await engine.flush_outbox("telegram", slow_channel)

    rounds = asyncio.gather(engine.flush_outbox("telegram", slow_channel), second_round())
    await first_part_started.wait()
    go_on.set()
    assert sorted(await rounds) == [0, 1]
    assert received == ["Laporan", "Ringkasan"]
