"""The website chat: the whole bot over HTTP, as a page without JavaScript and as the
widget's JSON; retries counted once, other sites refused unless allowed, a rate limit."""

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.applications import Starlette

from bot.server import build_web_app
from bot.settings import Settings
from bot.web.http_channel import visitor_key
from bot.web.webchat import NAME
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from skm_core.storage.responses import tally_responses
from tests.conversation.chat import Chat, Clock
from tests.web.conftest import ADMIN, PUBLIC_URL, new_client, official

ALLOWED = "https://kecamatan-sangasanga.example.go.id"
RATE = 12


@pytest.fixture
def app(engine: Engine) -> Starlette:
    chat_settings = Settings(
        _env_file=None,
        skm_public_url=PUBLIC_URL,
        skm_webchat_origins=f"{ALLOWED}, http://127.0.0.1:9",
        skm_webchat_rate_per_minute=RATE,
    )
    return build_web_app(chat_settings, None, None, engine=engine)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(app) as c:
        yield c


PACE = {"seconds": 6}
"""A person's time between two taps: within the rate limit."""


class Page:
    """A person using /chat in a browser without JavaScript: every action posts a form."""

    def __init__(self, client: httpx.AsyncClient, clock: Clock) -> None:
        self.client = client
        self.clock = clock
        self.html = ""

    async def open(self) -> None:
        page = await self.client.get("/chat")
        assert page.status_code == 200
        self.html = page.text
        await self._post({"mulai": ""})

    def _event_id(self) -> str:
        match = re.search(r'name="acara" value="([^"]+)"', self.html)
        assert match, "no event id on the page"
        return match.group(1)

    async def _post(self, fields: dict[str, str]) -> None:
        self.clock.advance(**PACE)
        page = await self.client.post("/chat", data={"acara": self._event_id(), **fields})
        assert page.status_code == 200, page.text
        self.html = page.text

    async def type(self, text: str) -> None:
        await self._post({"teks": text})

    async def choose(self, label: str) -> None:
        buttons = re.findall(r'name="pilih" value="([^"]+)"[^>]*>([^<]+)<', self.html)
        chosen = [value for value, text in buttons if html.unescape(text).startswith(label)]
        assert chosen, f"no button {label!r} in {[html.unescape(t) for _, t in buttons]}"
        await self._post({"pilih": html.unescape(chosen[-1])})

    @property
    def text(self) -> str:
        return html.unescape(" ".join(re.findall(r'class="reply-text">([^<]*)<', self.html)))


class Widget:
    """The widget on another site: JSON events with their own ids, its own browser id."""

    def __init__(
        self, client: httpx.AsyncClient, clock: Clock | None = None, origin: str = ALLOWED
    ) -> None:
        self.client = client
        self.clock = clock
        self.origin = origin
        self.browser = "widget-browser-1"
        self.count = 0
        self.replies: list[dict[str, Any]] = []

    async def post(self, kind: str, value: str = "", event_id: str = "") -> httpx.Response:
        self.count += 1
        if self.clock is not None:
            self.clock.advance(**PACE)
        event = {
            "klien": self.browser,
            "acara": event_id or f"event-{self.count:04d}",
            "jenis": kind,
            "nilai": value,
        }
        answer = await self.client.post("/chat/api", json=event, headers={"Origin": self.origin})
        if answer.status_code == 200:
            self.replies = answer.json()["balasan"]
        return answer

    async def choose(self, label: str) -> httpx.Response:
        options = [o for r in self.replies for o in r["pilihan"] if o["label"].startswith(label)]
        assert options, label
        return await self.post("option", options[-1]["id"])

    @property
    def text(self) -> str:
        return "\n\n".join(r["teks"] for r in self.replies)


async def test_the_page_without_javascript_gives_a_services_requirements(client, clock):
    page = Page(client, clock)
    await page.open()
    assert "Informasi layanan" in page.html
    await page.choose("Informasi layanan")
    while "SKTM" not in page.html:
        await page.choose("Berikutnya")
    await page.choose("SKTM")
    assert "Persyaratan:" in page.text


async def test_the_chat_answers_a_question_as_the_telegram_bot_does(client, clock, engine):
    widget = Widget(client, clock)
    assert (await widget.post("text", "syarat sktm")).status_code == 200
    telegram = Chat(engine, channel="telegram", user="warga-tg")
    await telegram.type("syarat sktm")
    assert "Persyaratan:" in widget.text
    assert widget.text == telegram.text


async def test_a_survey_on_the_page_is_stored_as_a_website_chat_answer(client, clock, db: Database):
    page = Page(client, clock)
    await page.open()
    await page.type("survei")
    await page.choose("Ya, saya bersedia")
    await page.type("SKTM")
    await page.choose("Perempuan")
    for answer in ("41", "S1", "PNS", *["4"] * 9, "Ruang tunggu nyaman"):
        await page.type(answer)
    assert "Mohon periksa kembali" in page.text
    await page.choose("Kirim")
    assert "Terima kasih" in page.text
    rows = await db.fetch_all("SELECT channel, respondent_key FROM survey_responses")
    browser = client.cookies["skm_chat"]
    assert [tuple(r) for r in rows] == [(NAME, visitor_key(NAME, browser))]
    # The browser's id itself, which lets it speak as this visitor, is never stored.
    assert browser not in json.dumps([tuple(r) for r in rows])


async def test_a_complaint_through_the_widget(client, clock, db: Database):
    widget = Widget(client, clock)
    await widget.post("start")
    await widget.post("text", "petugasnya judes")
    await widget.choose("Kirim")
    assert "telah kami terima dengan nomor #1" in widget.text
    rows = await db.fetch_all("SELECT channel, kind, text FROM complaints")
    assert [tuple(r) for r in rows] == [(NAME, "complaint", "petugasnya judes")]


async def test_a_retried_event_is_counted_once_and_answered_alike(client, clock, db: Database):
    widget = Widget(client, clock)
    await widget.post("text", "survei")
    await widget.choose("Ya, saya bersedia")
    await widget.post("text", "SKTM")
    await widget.choose("Perempuan")
    for answer in ("41", "S1", "PNS", *["4"] * 9, "-"):
        await widget.post("text", answer)
    send = next(o for r in widget.replies for o in r["pilihan"] if o["label"] == "Kirim")
    first = await widget.post("option", send["id"], event_id="the-last-tap")
    again = await widget.post("option", send["id"], event_id="the-last-tap")
    assert first.json() == again.json()
    assert "Terima kasih" in widget.text
    assert (await tally_responses(db)).respondents == 1


async def test_a_reposted_page_is_counted_once(client, clock, db: Database):
    page = Page(client, clock)
    await page.open()
    await page.type("petugasnya judes")
    event = re.search(r'name="acara" value="([^"]+)"', page.html)
    assert event
    send = re.search(r'name="pilih" value="([^"]+)"[^>]*>Kirim<', page.html)
    assert send
    for _ in range(2):  # the browser's "resend the form?" after a dropped answer
        answer = await client.post("/chat", data={"acara": event.group(1), "pilih": send.group(1)})
        assert "nomor #1" in html.unescape(answer.text)
    assert len(await db.fetch_all("SELECT id FROM complaints")) == 1


async def test_other_sites_are_refused_unless_allowed(client, clock):
    refused = Widget(client, None, origin="https://situs-lain.example")
    answer = await refused.post("start")
    assert answer.status_code == 403
    assert "tidak dapat digunakan dari situs tersebut" in answer.json()["galat"]
    # Only the refusal is readable there, so the widget says why instead of retrying.
    assert answer.headers["access-control-allow-origin"] == "https://situs-lain.example"
    preflight = {"Origin": "https://situs-lain.example", "Access-Control-Request-Method": "POST"}
    assert (await client.options("/chat/api", headers=preflight)).status_code == 403
    allowed = await client.options("/chat/api", headers=preflight | {"Origin": ALLOWED})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    answer = await Widget(client, clock).post("start")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == ALLOWED
    # The server's own pages may always use it.
    assert (await Widget(client, None, origin=PUBLIC_URL).post("start")).status_code == 200


async def test_the_rate_limit_bites_per_client_and_lets_go_after_a_minute(
    client, clock: Clock, db: Database
):
    widget = Widget(client)
    for _ in range(RATE):
        assert (await widget.post("text", "menu")).status_code == 200
    too_fast = await widget.post("text", "petugasnya judes")
    assert too_fast.status_code == 429
    assert "terlalu cepat" in too_fast.json()["galat"]
    page = await client.post("/chat", data={"acara": "page-event-1", "teks": "menu"})
    assert page.status_code == 429 and "terlalu cepat" in page.text
    clock.advance(minutes=1)
    assert (await widget.post("text", "menu")).status_code == 200


async def test_the_widget_script_is_served(client):
    script = await client.get("/chat/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/chat/api" in script.text


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"klien": "widget-browser-1", "acara": "x", "jenis": "text", "nilai": "hi"}',
        b'{"klien": "short", "acara": "event-0001", "jenis": "text", "nilai": "hi"}',
        b'{"klien": "widget-browser-1", "acara": "event-0001", "jenis": "photo"}',
        b'{"klien": "widget-browser-1", "acara": "event-0001", "jenis": "text", "nilai": " "}',
        b'{"klien": "widget-browser-1", "acara": "event-0001", "jenis": "text", "nilai": 4}',
    ],
)
async def test_a_malformed_event_gets_an_indonesian_refusal(client, body: bytes):
    answer = await client.post("/chat/api", content=body)
    assert answer.status_code == 400
    assert "tidak dapat dibaca" in answer.json()["galat"]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(["acara", "teks", "pilih", "mulai", "lain"]),
        st.text(max_size=80),
        max_size=4,
    )
)
async def test_any_form_is_answered_without_a_crash(app, fields: dict[str, str]):
    async with new_client(app) as c:
        answer = await c.post("/chat", data=fields)
    assert answer.status_code in (200, 400, 429)
    assert "<html" in answer.text


async def test_a_ticket_link_opens_the_chat_on_that_visits_survey(client, clock, engine):
    assert engine.start_links[NAME] == f"{PUBLIC_URL}/chat?t={{token}}"
    await engine.register_admins({("telegram", ADMIN): f"chat-{ADMIN}"})
    admin = Chat(engine, channel="telegram", user=ADMIN)
    petugas = await official(admin, engine, "petugas", "loket-1")
    await petugas.type("/tiket kk")
    link = re.search(rf"{re.escape(PUBLIC_URL)}/chat\?t=(\S+)", petugas.text)
    assert link, petugas.text
    page = await client.get(f"/chat?t={link.group(1)}")
    assert f'name="mulai" value="{link.group(1)}"' in page.text
    event = re.search(r'name="acara" value="([^"]+)"', page.text)
    assert event
    answer = await client.post("/chat", data={"acara": event.group(1), "mulai": link.group(1)})
    assert "Survei ini mengukur kepuasan" in html.unescape(answer.text)
