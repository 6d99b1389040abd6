"""The survey kiosk at the counter: paired once by a petugas, the engine's own survey by
touch, back to its start with nothing kept of a survey left half-way, retries counted once."""

import html
import re

import httpx
import pytest

from bot.web.http_channel import visitor_key
from bot.web.kiosk import NAME
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from tests.conversation.chat import Chat
from tests.web.conftest import official

BUTTON = re.compile(r'name="pilih" value="([^"]+)"[^>]*>(.*?)</button>', re.S)


def code_in(text: str) -> str:
    match = re.search(r"\b([0-9]{6})\b", text)
    assert match, text
    return match.group(1)


class Tablet:
    """A person at the kiosk: each touch posts the page's form."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.html = ""
        self.last: dict[str, str] = {}

    def field(self, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]+)"', self.html)
        assert match, f"no {name} on the page"
        return match.group(1)

    async def home(self) -> None:
        page = await self.client.get("/kiosk")
        assert page.status_code == 200
        self.html = page.text

    async def post(self, fields: dict[str, str]) -> httpx.Response:
        self.last = {"acara": self.field("acara"), "sesi": self.field("sesi"), **fields}
        page = await self.client.post("/kiosk", data=self.last)
        self.html = page.text
        return page

    async def start(self) -> None:
        await self.home()
        assert (await self.post({"mulai": "1"})).status_code == 200

    def buttons(self) -> list[tuple[str, str]]:
        return [
            (value, html.unescape(re.sub(r"<[^>]+>", "", label)).strip())
            for value, label in BUTTON.findall(self.html)
        ]

    async def touch(self, label: str) -> None:
        chosen = [v for v, text in self.buttons() if label in text]
        assert chosen, f"no button {label!r} in {self.buttons()}"
        await self.post({"pilih": html.unescape(chosen[0])})

    async def answer(self, words: str) -> None:
        """Touch the button that says it, or type it where the question wants typing."""
        if any(words in text for _, text in self.buttons()):
            await self.touch(words)
        else:
            await self.type(words)

    async def type(self, text: str) -> None:
        await self.post({"teks": text})

    @property
    def question(self) -> str:
        found = re.findall(r'class="kiosk-question"[^>]*>([^<]*)<', self.html)
        return html.unescape(" ".join(found))


@pytest.fixture
async def petugas(admin: Chat, engine: Engine) -> Chat:
    return await official(admin, engine, "petugas", "loket-1")


@pytest.fixture
async def tablet(client: httpx.AsyncClient, petugas: Chat) -> Tablet:
    await petugas.type("/kiosk")
    paired = await client.post("/kiosk/pasang", data={"kode": code_in(petugas.text)})
    assert paired.status_code == 303
    return Tablet(client)


async def test_unpaired_it_shows_only_how_to_pair(client):
    page = await client.get("/kiosk")
    assert "Kios ini belum dipasangkan" in page.text
    assert "/kiosk" in page.text and 'name="mulai"' not in page.text
    refused = await client.post("/kiosk", data={"acara": "a" * 10, "sesi": "b" * 10, "mulai": "1"})
    assert refused.status_code == 403


async def test_a_code_pairs_once(client, petugas: Chat):
    await petugas.type("/kiosk")
    code = code_in(petugas.text)
    assert "berlaku satu kali" in petugas.text
    assert (await client.post("/kiosk/pasang", data={"kode": code})).status_code == 303
    assert "Mulai survei" in (await client.get("/kiosk")).text
    other = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with other:
        again = await other.post("/kiosk/pasang", data={"kode": code})
        assert again.status_code == 400 and "tidak berlaku" in again.text


async def test_a_citizen_cannot_get_a_pairing_code(engine: Engine):
    citizen = Chat(engine, channel="telegram", user="warga-9")
    await citizen.type("/kiosk")
    assert not re.search(r"\b[0-9]{6}\b", citizen.text)


async def survey_until_review(tablet: Tablet, service: str | None = "Kartu Keluarga") -> None:
    await tablet.start()
    await tablet.touch("Ya, saya bersedia")
    if service is not None:
        await tablet.touch(service)
    for words in ("Perempuan", "41", "S1", "PNS"):
        await tablet.answer(words)
    for _ in range(9):
        faces = re.findall(r'src="/static/face-([1-4]).svg"', tablet.html)
        assert faces == ["1", "2", "3", "4"]
        await tablet.touch("4 ·")
    await tablet.answer("Lewati")
    assert "Mohon periksa kembali" in tablet.question


async def stored(db: Database) -> list[tuple[object, ...]]:
    rows = await db.fetch_all("SELECT channel, service_id, ticket_id FROM survey_responses")
    return [tuple(r) for r in rows]


async def test_a_survey_finished_by_touch_is_a_kiosk_answer(tablet: Tablet, db: Database):
    await survey_until_review(tablet)
    await tablet.touch("Kirim")
    assert "Terima kasih" in tablet.question
    # Back to the start screen: the page says so, and the next person starts afresh.
    assert 'http-equiv="refresh"' in tablet.html and "url=/kiosk" in tablet.html
    assert await stored(db) == [(NAME, "kk", None)]
    assert await db.fetch_all("SELECT 1 FROM conversations WHERE channel = ?", (NAME,)) == []


async def test_a_ticket_left_by_the_petugas_counts_as_that_visits(
    tablet: Tablet, petugas: Chat, db: Database
):
    await petugas.type("/kiosk kk")
    assert "Kios survei siap untuk layanan" in petugas.text
    # The service is the ticket's: the survey does not ask for it.
    await survey_until_review(tablet, service=None)
    await tablet.touch("Kirim")
    rows = await stored(db)
    assert len(rows) == 1 and rows[0][:2] == (NAME, "kk") and rows[0][2] is not None


async def test_a_petugas_without_a_kiosk_is_told_so(petugas: Chat):
    await petugas.type("/kiosk kk")
    assert "Belum ada kios survei" in petugas.text


async def test_an_abandoned_survey_is_discarded(tablet: Tablet, db: Database):
    await tablet.start()
    await tablet.touch("Ya, saya bersedia")
    await tablet.touch("Kartu Keluarga")
    session = tablet.field("sesi")
    # A minute without a touch: the page leaves for the start screen.
    assert f'content="60;url=/kiosk?buang={session}"' in tablet.html
    assert len(await db.fetch_all("SELECT 1 FROM conversations WHERE channel = ?", (NAME,))) == 1
    page = await tablet.client.get(f"/kiosk?buang={session}")
    assert "Mulai survei" in page.text
    assert await db.fetch_all("SELECT 1 FROM conversations WHERE channel = ?", (NAME,)) == []
    assert await stored(db) == []


async def test_the_next_person_starts_afresh(tablet: Tablet):
    await tablet.start()
    first = tablet.field("sesi")
    await tablet.touch("Ya, saya bersedia")
    await tablet.start()
    assert tablet.field("sesi") != first
    assert "Survei ini mengukur kepuasan" in tablet.question


async def test_a_retried_touch_is_counted_once(tablet: Tablet, db: Database):
    await survey_until_review(tablet)
    await tablet.touch("Kirim")
    thanks = tablet.html
    again = await tablet.client.post("/kiosk", data=tablet.last)
    assert "Terima kasih" in html.unescape(again.text)
    assert "Terima kasih" in thanks
    assert len(await stored(db)) == 1


async def test_every_answer_has_its_own_event_id(tablet: Tablet):
    await tablet.start()
    first = tablet.field("acara")
    await tablet.touch("Ya, saya bersedia")
    assert tablet.field("acara") != first


async def test_the_survey_can_be_read_aloud_in_indonesian(tablet: Tablet):
    await tablet.start()
    assert 'class="kiosk-read"' in tablet.html and 'data-lang="id-ID"' in tablet.html
    assert '<script src="/static/kiosk.js"' in tablet.html
    script = await tablet.client.get("/static/kiosk.js")
    assert "speechSynthesis" in script.text


async def test_the_kiosk_asks_no_personal_data(tablet: Tablet, db: Database):
    await survey_until_review(tablet)
    await tablet.touch("Kirim")
    keys = await db.fetch_all("SELECT respondent_key FROM survey_responses")
    # A survey is its own visitor: a hash of a random id, nothing of the person.
    assert len(str(keys[0][0])) == 32
    assert visitor_key(NAME, "x") != visitor_key("webchat", "x")
