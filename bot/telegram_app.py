"""The Telegram channel: Telegram updates become engine events, replies become messages.

Nothing here decides what to say. Options become inline keyboards (callback data is the option
id, at most 64 bytes); a button press that leads to a single message edits the pressed message
in place, anything else is sent anew and the pressed message loses its now stale keyboard.
"""

import logging
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.settings import Settings
from skm_core.content import Content
from skm_core.conversation import Event, EventKind, Option, Reply
from skm_core.conversation.engine import Engine
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage import Database

CHANNEL = "telegram"
log = logging.getLogger(__name__)
PRIVATE = filters.ChatType.PRIVATE


def keyboard(options: Sequence[Option]) -> InlineKeyboardMarkup | None:
    if not options:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(o.label, callback_data=o.id)] for o in options]
    )


@dataclass
class TelegramChannel:
    """Translation between Telegram and the engine; one per Application."""

    settings: Settings
    content: Content
    pseudonyms: Pseudonymizer
    engine: Engine | None = None
    db: Database | None = None
    application: Application[Any, Any, Any, Any, Any, Any] | None = None

    # --- lifecycle ------------------------------------------------------------------------

    async def open(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.db = await Database.open(self.settings.database_path)
        admins = frozenset(
            (CHANNEL, self.pseudonyms.user_key(CHANNEL, str(user_id)))
            for user_id in self.settings.admin_telegram_ids
        )
        self.engine = Engine(
            self.db,
            self.content,
            self.settings.survey_policy(),
            admin_keys=admins,
            ticket_validity=self.settings.ticket_validity,
        )
        await self.engine.forget_old_events()
        username = application.bot.username
        self.engine.start_links[CHANNEL] = f"https://t.me/{username}?start={{token}}"
        await self._set_command_menus(application)

    async def close(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if self.db is not None:
            await self.db.close()

    async def _set_command_menus(
        self, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> None:
        menu = self.content.texts.command_menu
        citizen = [BotCommand(name, text) for name, text in menu.citizen.items()]
        official = citizen + [BotCommand(name, text) for name, text in menu.official.items()]
        await application.bot.set_my_commands(citizen, scope=BotCommandScopeDefault())
        for user_id in self.settings.admin_telegram_ids:
            try:
                await application.bot.set_my_commands(official, scope=BotCommandScopeChat(user_id))
            except (BadRequest, Forbidden) as exc:
                # An admin who has not opened a chat with the bot yet has no chat to scope to.
                log.warning("command menu for admin %s not set: %s", user_id, exc)

    # --- updates -> events ------------------------------------------------------------------

    def _event(self, update: Update, kind: EventKind, value: str = "") -> Event:
        user = update.effective_user
        assert user is not None  # the handlers only accept updates from a user in a private chat
        user_key = self.pseudonyms.user_key(CHANNEL, str(user.id))
        return Event(CHANNEL, user_key, str(update.update_id), kind, value)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = " ".join(context.args or [])
        await self._handle(update, self._event(update, EventKind.START, payload))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = (message.text or "") if message else ""
        name = text.split(" ", 1)[0].lstrip("/").split("@", 1)[0]
        value = " ".join([name, *(context.args or [])])
        await self._handle(update, self._event(update, EventKind.COMMAND, value))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = message.text if message and message.text else ""
        await self._handle(update, self._event(update, EventKind.TEXT, text))

    async def on_unreadable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, self._event(update, EventKind.UNREADABLE))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        pressed = query.message if isinstance(query.message, Message) else None
        event = self._event(update, EventKind.OPTION, query.data or "")
        await self._handle(update, event, pressed)

    # --- replies -> messages ----------------------------------------------------------------

    async def _handle(self, update: Update, event: Event, pressed: Message | None = None) -> None:
        if self.engine is None:
            raise RuntimeError("the channel is not open")
        replies = await self.engine.handle(event)
        chat = update.effective_chat
        if chat is None or not replies:
            return
        await self.deliver(chat.id, replies, pressed)

    async def deliver(self, chat_id: int, replies: list[Reply], pressed: Message | None) -> None:
        if pressed is not None and len(replies) == 1 and replies[0].attachment is None:
            reply = replies[0]
            try:
                await pressed.edit_text(reply.text, reply_markup=keyboard(reply.options))
                return
            except BadRequest as exc:
                # Too old to edit, no text to edit, or unchanged: say it anew instead.
                log.info("editing message %s failed: %s", pressed.message_id, exc)
        if pressed is not None and pressed.reply_markup is not None:
            try:
                await pressed.edit_reply_markup(reply_markup=None)
            except BadRequest as exc:
                log.info("removing old buttons failed: %s", exc)
        bot = self._bot
        for reply in replies:
            if reply.attachment is not None:
                attachment = reply.attachment
                if attachment.kind == "image":
                    await bot.send_photo(
                        chat_id, photo=attachment.data, caption=attachment.caption or None
                    )
                else:
                    await bot.send_document(
                        chat_id,
                        document=attachment.data,
                        filename=attachment.filename,
                        caption=attachment.caption or None,
                    )
            await bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply.options))

    @property
    def _bot(self) -> Any:
        if self.application is None:
            raise RuntimeError("no application")
        return self.application.bot

    # --- errors -------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        trace = "".join(traceback.format_exception(error)) if error else ""
        described = update.to_dict() if isinstance(update, Update) else repr(update)
        log.error("update %s caused an error:\n%s", described, trace)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(
                    update.effective_chat.id, self.content.texts.chat.error
                )
            except TelegramError as exc:
                log.error("could not tell the person about the error: %s", exc)


def build_application(
    settings: Settings, content: Content, request: BaseRequest | None = None
) -> tuple[Application[Any, Any, Any, Any, Any, Any], TelegramChannel]:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    pseudonyms = Pseudonymizer(load_or_create_key(settings.pseudonym_key_path))
    channel = TelegramChannel(settings, content, pseudonyms)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .defaults(Defaults(tzinfo=settings.timezone))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(channel.open)
        .post_shutdown(channel.close)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    channel.application = application
    citizen_commands = list(content.texts.command_menu.citizen)
    official_commands = list(content.texts.command_menu.official)
    application.add_handler(CommandHandler("start", channel.on_start, filters=PRIVATE))
    commands = [c for c in [*citizen_commands, *official_commands, "menu"] if c != "start"]
    application.add_handler(CommandHandler(commands, channel.on_command, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT, channel.on_text))
    application.add_handler(CallbackQueryHandler(channel.on_button))
    application.add_handler(MessageHandler(PRIVATE & ~filters.TEXT, channel.on_unreadable))
    application.add_error_handler(channel.on_error)
    return application, channel


def run_telegram(settings: Settings, content: Content) -> int:
    application, _ = build_application(settings, content)
    allowed = [Update.MESSAGE, Update.CALLBACK_QUERY]
    if settings.telegram_webhook_url:
        application.run_webhook(
            listen=settings.skm_http_host,
            port=settings.skm_http_port,
            url_path=settings.telegram_webhook_path,
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret.get_secret_value()
            if settings.telegram_webhook_secret
            else None,
            allowed_updates=allowed,
        )
    else:
        application.run_polling(allowed_updates=allowed)
    return 0
