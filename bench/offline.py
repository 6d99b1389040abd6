"""The real Telegram application and a bare one, both on an offline bot, fed update by update."""

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

from bench.citizens import Action
from bench.fake_api import TrackingBotApi, button_data
from bot.settings import Settings
from bot.telegram_app import TelegramChannel
from skm_core.content import Content
from tests.fakes.bot_api import TOKEN, FakeRequest
from tests.fakes.offline_bot import offline_bot

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Update_ = dict[str, Any]


class PassThroughLimiter(BaseRateLimiter[None]):
    """Sends at once. Telegram's 30 messages/s would otherwise be all a run measures."""

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        return await callback(*args, **kwargs)


@contextlib.asynccontextmanager
async def skm_application(
    data_dir: Path,
    content: Content,
    api: TrackingBotApi,
    shipped_limiter: bool = False,
    database_url: str | None = None,
) -> AsyncIterator[tuple[AnyApplication, TelegramChannel]]:
    """The bot's own Application and channel, opened as `skm run` opens them, minus polling;
    on PostgreSQL when `database_url` is given."""
    settings = Settings(
        telegram_bot_token=TOKEN,
        skm_data_dir=data_dir,
        skm_database_url=database_url,
        _env_file=None,
    )
    limiter = None if shipped_limiter else PassThroughLimiter()
    async with offline_bot(settings, content, api, limiter) as (application, channel, _):
        yield application, channel


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, "ok")


# A survey question as the bot shows it: a few lines and six buttons.
QUESTION = "Pertanyaan 7 dari 15\n\n" + "Bagaimana pendapat Bapak/Ibu tentang pelayanan ini? " * 3
KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton(f"{n} · Sangat sesuai", callback_data=f"sv:ab12cd:U1:{n}")]
        for n in range(1, 7)
    ]
)


async def _reply_as_the_bot(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Bot API calls the bot makes, with no engine: a button is answered and edited."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await query.answer()
        await query.message.edit_text(QUESTION, reply_markup=KEYBOARD)
    elif update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, QUESTION, reply_markup=KEYBOARD)


@contextlib.asynccontextmanager
async def bare_application(
    api: TrackingBotApi, as_the_bot: bool = False
) -> AsyncIterator[AnyApplication]:
    """A handler that only replies, on a bot built like the real one's.

    `as_the_bot` makes the reply the bot's own kind of Bot API calls, to tell the cost of the
    engine from the cost of answering buttons and sending keyboards.
    """
    reply = _reply_as_the_bot if as_the_bot else _reply
    timezone = ZoneInfo("Asia/Makassar")  # as the real bot's Defaults for the shipped unit
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(FakeRequest(api))
        .get_updates_request(FakeRequest(api))
        .defaults(Defaults(tzinfo=timezone))
        .rate_limiter(PassThroughLimiter())
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, reply))
    application.add_handler(CallbackQueryHandler(reply))
    await application.initialize()
    try:
        yield application
    finally:
        await application.shutdown()


class Feeder:
    """Feeds updates to an application one at a time, timing only the application's work."""

    def __init__(self, application: AnyApplication) -> None:
        self.application = application
        self.elapsed = 0.0
        self.fed = 0

    async def feed(self, update: Update_) -> None:
        started = perf_counter()
        await self.application.process_update(Update.de_json(update, self.application.bot))
        self.elapsed += perf_counter() - started
        self.fed += 1

    @property
    def per_second(self) -> float:
        return self.fed / self.elapsed if self.elapsed else 0.0


def update_for(api: TrackingBotApi, chat_id: int, action: Action) -> Update_:
    """The update a person's action makes, pressing buttons of the last message that has them."""
    if action.kind == "type":
        return api.text_update(chat_id, action.value)
    message = api.last_with_buttons(chat_id)
    data = button_data(message, action.value)
    if message is None or data is None:
        raise RuntimeError(f"chat {chat_id}: no button {action.value!r} on the last message")
    return api.button_update(chat_id, data, message)
