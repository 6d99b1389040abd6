"""The web pages against a real engine and database, through ASGI, on one controllable clock."""

import re
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from bot.server import build_web_app
from bot.settings import Settings
from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.responses import insert_responses
from tests.conversation.chat import Chat, Clock
from tests.desk.conftest import enrol

PUBLIC_URL = "https://skm.example.go.id"
ADMIN = "admin-1"
WITA = ZoneInfo("Asia/Makassar")
NOVEMBER_ROWS: list[list[int | None]] = [
    [4, 4, 3, 4, 4, 4, 4, 4, 4],
    [3, 4, 2, 4, 3, 4, 4, 3, 4],
    [4, 3, None, 4, 4, 4, 3, 4, 4],
    [3, 3, 3, 3, 3, 3, 3, 3, 3],
]


def response(
    day: int, answers: Sequence[int | None], service: str = "kk", month: int = 11, **extra: str
) -> SurveyResponse:
    return SurveyResponse(
        submitted_at=datetime(2026, month, day, 10, 0, tzinfo=WITA),
        channel="telegram",
        answers=tuple(answers),
        service_id=service,
        profile={"jenis_kelamin": "p"},
        suggestion=extra.get("suggestion"),
    )


async def store(db: Database, responses: Sequence[SurveyResponse]) -> None:
    async with db.transaction() as tx:
        await insert_responses(tx, responses)


async def store_november(db: Database) -> None:
    rows = [
        response(d + 1, row, service="kk" if d % 2 else "ktp-el")
        for d, row in enumerate(NOVEMBER_ROWS)
    ]
    rows.append(response(20, [4] * 9, service="kk", suggestion="Antrean Pak Budi 0812 lambat"))
    await store(db, rows)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))


@pytest.fixture
def settings() -> Settings:
    return Settings(
        _env_file=None,
        skm_public_url=PUBLIC_URL,
        telegram_bot_username="skm_sangasanga_bot",
        whatsapp_business_number="6281234567890",
    )


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    return Engine(
        db,
        content,
        clock=clock,
        admin_keys=frozenset({("telegram", ADMIN)}),
        public_url=PUBLIC_URL,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine) -> Starlette:
    return build_web_app(settings, None, None, engine=engine)


def new_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(app) as c:
        yield c


@pytest.fixture
async def admin(engine: Engine) -> Chat:
    await engine.register_admins({("telegram", ADMIN): f"chat-{ADMIN}"})
    return Chat(engine, channel="telegram", user=ADMIN)


async def official(admin: Chat, engine: Engine, role: str, user: str) -> Chat:
    return await enrol(admin, engine, role, user)


def link_in(text: str) -> str:
    match = re.search(r"https://\S+/desk/masuk\?t=\S+", text)
    assert match, text
    return match.group(0)


def token_of(link: str) -> str:
    return link.split("?t=", 1)[1]


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, chat: Chat) -> str:
    """Ask the bot for a link as this person, follow it, and return the session's CSRF token."""
    await chat.type("/masuk")
    link = link_in(chat.text)
    form = await client.get(link)
    assert form.status_code == 200
    signed = await client.post("/desk/masuk", data={"t": token_of(link)})
    assert signed.status_code == 303, signed.text
    home = await client.get("/desk/")
    assert home.status_code == 200
    return csrf_in(home.text)
