"""`/ready` beside `/health`: a process is given work only when its database answers and its
channels are configured and running; `/health` keeps saying only that it is alive."""

from typing import Any

import httpx
import pytest

from bot.health import ChannelState, Health
from bot.server import build_web_app
from bot.settings import Settings
from skm_core.conversation.engine import Engine


async def get(health: Health, engine: Engine | None, path: str) -> tuple[int, Any]:
    app = build_web_app(Settings(_env_file=None), None, None, health, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://skm.test") as client:
        response = await client.get(path)
    return response.status_code, response.json()


@pytest.fixture
def engine(db, content) -> Engine:
    return Engine(db, content)


def running(**channels: ChannelState) -> Health:
    health = Health()
    for name, state in channels.items():
        health.set(name, state, "token ditolak" if state is ChannelState.STOPPED else "")
    return health


async def test_ready_when_the_database_answers_and_channels_run(engine):
    health = running(telegram=ChannelState.OK, whatsapp=ChannelState.RETRYING)
    assert await get(health, engine, "/ready") == (200, {"ready": True, "problems": {}})


async def test_not_ready_when_the_database_is_unreachable(engine, db):
    await db.close()
    status, body = await get(running(telegram=ChannelState.OK), engine, "/ready")
    assert status == 503
    assert body["problems"]["database"].startswith("unreachable")
    # Alive all the same: /health does not send the process to be restarted for this.
    assert (await get(running(telegram=ChannelState.OK), engine, "/health"))[0] == 200


async def test_not_ready_without_a_channel_or_with_one_stopped(engine):
    status, body = await get(Health(), engine, "/ready")
    assert (status, body["problems"]) == (503, {"channels": "no channel configured"})
    health = running(telegram=ChannelState.OK, whatsapp=ChannelState.STOPPED)
    status, body = await get(health, engine, "/ready")
    assert (status, body["problems"]) == (503, {"whatsapp": "token ditolak"})


async def test_not_ready_while_a_channel_is_starting_or_without_a_database():
    status, body = await get(running(telegram=ChannelState.STARTING), None, "/ready")
    assert status == 503
    assert body["problems"] == {"database": "not opened", "telegram": "starting"}
