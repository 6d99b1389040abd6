"""Two bot processes on one PostgreSQL database: nothing lost, nothing doubled.

Each "process" here is an engine with a pool of connections of its own, so the database sees
two independent clients, as it would two `skm run`s behind one load balancer. Every event is
delivered to both (a platform's redelivery reaching the other process), at the same moment.
"""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from skm_core.content import Content
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from skm_core.storage.deliveries import claim_delivery
from skm_core.storage.officials import add_official
from skm_core.storage.outbox import CLAIM, claim_due_messages, due_messages
from skm_core.storage.pg_migrations import PG_MIGRATIONS
from tests.conversation.chat import Chat, Clock
from tests.conversation.test_survey import fill_to_review
from tests.postgres_server import PostgresServer


@pytest.fixture
async def two(postgres: PostgresServer | str) -> AsyncIterator[tuple[Database, Database]]:
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    url = postgres.new_database()
    first, second = await asyncio.gather(Database.open(url), Database.open(url))
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


class TwoProcessChat(Chat):
    """A person whose every event reaches both processes at once."""

    def __init__(self, engines: tuple[Engine, Engine], user: str) -> None:
        super().__init__(engines[0], user=user)
        self.engines = engines
        self.answered: list[int] = []

    async def send(self, event: Event) -> list[Reply]:
        results = await asyncio.gather(*(e.handle(event) for e in self.engines))
        answered = [n for n, replies in enumerate(results) if replies]
        assert len(answered) == 1, "exactly one process answers an event"
        self.answered.append(answered[0])
        self.last = results[answered[0]]
        return self.last


async def test_surveys_through_two_processes_are_stored_once_each(two, content: Content):
    clock = Clock()
    engines = (Engine(two[0], content, clock=clock), Engine(two[1], content, clock=clock))
    people = [TwoProcessChat(engines, user=f"warga-{n}") for n in range(6)]

    async def survey(chat: TwoProcessChat) -> None:
        await fill_to_review(chat)
        await chat.choose("Kirim")
        assert "Terima kasih" in chat.text

    await asyncio.gather(*(survey(p) for p in people))
    for db in two:
        row = await db.fetch_one(
            "SELECT COUNT(*), COUNT(DISTINCT respondent_key) FROM survey_responses"
        )
        assert row == (6, 6)
    # Both processes did answer some of the steps: the work was really shared.
    assert {n for chat in people for n in chat.answered} == {0, 1}


async def test_the_shared_outbox_sends_each_message_once(two, content: Content):
    clock = Clock()
    engines = (Engine(two[0], content, clock=clock), Engine(two[1], content, clock=clock))
    for n in range(40):
        await engines[n % 2].queue_messages("telegram", f"chat-{n}", [Reply(f"pesan {n}")])
    sent: Counter[str] = Counter()

    async def send(address: str, replies: list[Reply]) -> None:
        await asyncio.sleep(0)  # the other process gets its turn in the middle of a send
        sent[address] += len(replies)

    async def drain(engine: Engine) -> int:
        total = 0
        while (count := await engine.flush_outbox("telegram", send)) > 0:
            total += count
        return total

    counts = await asyncio.gather(drain(engines[0]), drain(engines[1]))
    assert sum(counts) == 40
    assert sent == Counter({f"chat-{n}": 1 for n in range(40)})
    pending = await two[0].fetch_one("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
    assert pending == (0,)


async def test_a_scheduled_report_is_queued_by_one_process_only(two):
    now = Clock().now
    async with two[0].transaction() as tx:
        await add_official(tx, "telegram", "pejabat-1", "77", "pejabat", now, name="Camat")
    row = await two[0].fetch_one("SELECT id FROM officials")
    assert row is not None
    official = int(row[0])

    async def claim(db: Database) -> bool:
        async with db.transaction() as tx:
            return await claim_delivery(tx, "monthly", "2024-05", official, now)

    for _ in range(5):
        results = await asyncio.gather(claim(two[0]), claim(two[1]))
        assert results.count(True) <= 1
    rows = await two[1].fetch_all("SELECT official_id FROM report_deliveries")
    assert rows == [(official,)]


async def test_a_double_tap_reaching_both_processes_counts_once(two, content: Content):
    """Two events of one person at once (a double tap, each copy to another process): the
    steps are taken one after the other, so the second sees the survey already sent."""
    clock = Clock()
    engines = (Engine(two[0], content, clock=clock), Engine(two[1], content, clock=clock))
    for attempt in range(5):
        chat = Chat(engines[0], user=f"warga-{attempt}")
        await fill_to_review(chat)
        send = chat.option("Kirim").id
        await asyncio.gather(
            engines[0].handle(chat.event(EventKind.OPTION, send)),
            engines[1].handle(chat.event(EventKind.OPTION, send)),
        )
    row = await two[0].fetch_one("SELECT COUNT(*) FROM survey_responses")
    assert row == (5,)


async def test_processes_starting_together_migrate_once(two):
    rows = await two[0].fetch_all("SELECT version FROM schema_migrations ORDER BY version")
    assert rows == [(version,) for version, _, _ in PG_MIGRATIONS]


async def test_reading_the_due_messages_claims_none(two, content: Content):
    engine = Engine(two[0], content, clock=Clock())
    await engine.queue_messages("telegram", "chat-1", [Reply("pesan")])
    now = Clock().now
    assert len(await due_messages(two[0], "telegram", now)) == 1
    assert len(await claim_due_messages(two[1], "telegram", now)) == 1
    # Taken by the second process: neither finds it due again until the claim runs out.
    assert await claim_due_messages(two[0], "telegram", now) == []
    assert len(await claim_due_messages(two[0], "telegram", now + CLAIM)) == 1
