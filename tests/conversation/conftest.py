import pytest

from skm_core.conversation.engine import Engine
from tests.conversation.chat import Chat


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
