import pytest

from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from tests.conversation.chat import Chat, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    return Engine(db, content, clock=clock)


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
