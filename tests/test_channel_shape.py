"""A new channel is one module: the fake website chat (tests/fakes/web_chat.py) carries the
whole conversation through the channel protocol, with its own limits and start link."""

import pytest

from skm_core.conversation import EventKind, Option, Reply
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from skm_core.storage.responses import tally_responses
from tests.conversation.chat import Clock
from tests.fakes.web_chat import NAME, PROFILE, WebChat


class Visitor:
    """A person in a browser: each action is one request, the page shows its response."""

    def __init__(self, channel: WebChat, session: str = "sesi-1") -> None:
        self.channel = channel
        self.session = session
        self.page: list[Reply] = []

    async def _do(self, kind: EventKind, value: str = "") -> list[Reply]:
        self.page = await self.channel.request(self.session, kind, value)
        return self.page

    async def open(self) -> list[Reply]:
        return await self._do(EventKind.START)

    async def type(self, text: str) -> list[Reply]:
        return await self._do(EventKind.TEXT, text)

    async def choose(self, label: str) -> list[Reply]:
        return await self._do(EventKind.OPTION, self.option(label).id)

    def option(self, label: str) -> Option:
        options = self.page[-1].options if self.page else ()
        for option in options:
            if option.label.startswith(label):
                return option
        raise AssertionError(f"no option {label!r} in {[o.label for o in options]}")

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.page)


@pytest.fixture
def visitor(engine: Engine) -> Visitor:
    return Visitor(WebChat(engine))


def fits(page: list[Reply]) -> bool:
    limit = PROFILE.max_options or 0
    return all(len(r.options) <= limit and len(r.text) <= PROFILE.max_text for r in page)


async def test_information_within_the_channels_own_limits(visitor: Visitor):
    await visitor.open()
    assert fits(visitor.page)
    await visitor.choose("Informasi layanan")
    # Sixteen services on a channel that shows six options a page: paged for it.
    assert fits(visitor.page)
    while not any(o.label.startswith("SKTM") for o in visitor.page[-1].options):
        await visitor.choose("Berikutnya")
        assert fits(visitor.page)
    await visitor.choose("SKTM")
    assert "Persyaratan:" in visitor.text
    assert fits(visitor.page)


async def test_a_survey_is_stored_under_the_channel(visitor: Visitor, db: Database):
    await visitor.type("survei")
    await visitor.choose("Ya, saya bersedia")
    await visitor.type("SKTM")
    await visitor.choose("Perempuan")
    await visitor.type("41")
    await visitor.type("S1")
    await visitor.type("PNS")
    for _ in range(9):
        await visitor.type("4")
    await visitor.type("Ruang tunggu nyaman")
    assert "Mohon periksa kembali" in visitor.text
    await visitor.choose("Kirim")
    assert "Terima kasih" in visitor.text
    assert (await tally_responses(db)).respondents == 1
    rows = await db.fetch_all("SELECT channel, respondent_key FROM survey_responses")
    assert [tuple(r) for r in rows] == [(NAME, "sesi-1")]


async def test_a_complaint_is_received_on_the_channel(visitor: Visitor, db: Database):
    await visitor.open()
    await visitor.type("petugasnya judes")
    await visitor.choose("Kirim")
    assert "telah kami terima dengan nomor #1" in visitor.text
    rows = await db.fetch_all("SELECT channel, kind, text FROM complaints")
    assert [tuple(r) for r in rows] == [(NAME, "complaint", "petugasnya judes")]


async def test_what_a_passing_failure_stops_is_sent_on_the_next_request(
    visitor: Visitor, clock: Clock
):
    visitor.channel.failing = True
    assert await visitor.open() == []
    visitor.channel.failing = False
    clock.advance(minutes=1)  # past the outbox's first backoff
    page = await visitor.type("menu")
    # The menu the failed request decided comes first, then the answer to this one.
    assert len(page) >= 2
    assert page[0].options and page[-1].options
    assert any(o.label == "Informasi layanan" for o in page[0].options)


async def test_the_start_link_is_the_registered_one(engine: Engine, visitor: Visitor):
    assert engine.start_links[NAME] == "https://kecamatan.example/chat?t={token}"
    assert engine.profile(NAME) == PROFILE
