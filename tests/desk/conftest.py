import pytest

from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from tests.conversation.chat import Chat, Clock

ADMIN = "admin-1"


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    return Engine(db, content, clock=clock, admin_keys=frozenset({("telegram", ADMIN)}))


@pytest.fixture
async def admin(engine: Engine) -> Chat:
    # As the channel does at start-up for the admins named in the settings.
    await engine.register_admins({("telegram", ADMIN): f"chat-{ADMIN}"})
    return Chat(engine, channel="telegram", user=ADMIN)


@pytest.fixture
def citizen(engine: Engine) -> Chat:
    return Chat(engine, channel="telegram", user="warga-7")


async def enrol(
    admin: Chat, engine: Engine, role: str, user: str, channel: str = "telegram"
) -> Chat:
    """An official invited by the admin who registers with the code."""
    await admin.type(f"/undang {role}")
    code = admin.text.split("/daftar ", 1)[1].split()[0]
    official = Chat(engine, channel=channel, user=user)
    await official.type(f"/daftar {code}")
    assert "terdaftar sebagai" in official.text
    return official
