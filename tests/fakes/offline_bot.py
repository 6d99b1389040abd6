"""The bot's Telegram application on the fake Bot API, opened as `skm run` opens it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.telegram_app import TelegramChannel, build_application
from skm_core.content import Content
from tests.fakes.bot_api import FakeBotApi, FakeRequest


@asynccontextmanager
async def offline_bot(
    settings: Settings,
    content: Content,
    api: FakeBotApi,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> AsyncIterator[tuple[Any, TelegramChannel, Runtime]]:
    """(application, channel, runtime), with no polling: updates go in by process_update."""
    runtime = await open_runtime(settings, content)
    try:
        application, channel = build_application(
            settings,
            content,
            runtime.engine,
            runtime.pseudonyms,
            request=FakeRequest(api),
            rate_limiter=rate_limiter,
        )
        await application.initialize()
        try:
            await channel.open(application)
            yield application, channel, runtime
        finally:
            await application.shutdown()
    finally:
        await runtime.close()
