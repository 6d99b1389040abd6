"""The Telegram channel: Telegram updates become engine events, replies become messages.

Nothing here decides what to say. Options become inline keyboards (callback data is the option
id, at most 64 bytes); a button press that leads to a single message edits the pressed message
in place, anything else is sent anew and the pressed message loses its now stale keyboard.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
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
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channel import dispatch, respond, send_all
from bot.log_privacy import error_outline, person_tag, update_kind
from bot.settings import Settings
from skm_core.content import Content
from skm_core.conversation import Attachment, Event, EventKind, Option, Reply
from skm_core.conversation.channels import profile_for
from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import slash_command
from skm_core.conversation.typed import whole_number
from skm_core.delivery.outbox import as_parts
from skm_core.delivery.sending import FailureKind, RetryLater, Undeliverable
from skm_core.pseudonym import Pseudonymizer

CHANNEL = "telegram"
log = logging.getLogger(__name__)

# What is answered, and how. The bot speaks with one person at a time: nothing in a group is
# answered. Service messages (a pin, an auto-delete timer, a chat background) are not written
# by the person and get no reply; a photo's or a document's caption is read as text.
PRIVATE = filters.ChatType.PRIVATE
TYPED = PRIVATE & filters.TEXT
CAPTIONED = PRIVATE & ~filters.TEXT & filters.CAPTION
SERVICE = filters.StatusUpdate.ALL
UNREADABLE = PRIVATE & ~filters.TEXT & ~filters.CAPTION & ~SERVICE


def chat_link(username: str) -> str:
    """The link that opens a chat with the bot."""
    return f"https://t.me/{username.lstrip('@')}"


def start_link(username: str) -> str:
    """The deep link that opens the bot's chat with a payload, {token} in place of it."""
    return chat_link(username) + "?start={token}"


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
    engine: Engine
    application: Application[Any, Any, Any, Any, Any, Any] | None = None
    start_link: str | None = None
    """Known once the Application is initialised and the bot's username with it."""
    name = CHANNEL
    profile = profile_for(CHANNEL)
    windowed = False

    # --- the channel's shape ----------------------------------------------------------------

    async def send(self, address: str, reply: Reply) -> list[str]:
        return await self._send(int(address), reply, None)

    # --- lifecycle ------------------------------------------------------------------------

    async def open(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """After the Application is initialised: the start link and the command menus."""
        self.start_link = start_link(application.bot.username)
        self.engine.register_channel(self)
        await self._set_command_menus(application)

    async def flush(self) -> int:
        return await self.engine.flush_outbox(CHANNEL, self.send_queued)

    async def send_queued(self, address: str, replies: list[Reply]) -> list[str]:
        return await send_all(self, address, replies)

    async def _set_command_menus(
        self, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> None:
        menu = self.content.texts.command_menu
        citizen = [BotCommand(name, text) for name, text in menu.citizen.items()]
        await application.bot.set_my_commands(citizen, scope=BotCommandScopeDefault())
        for official in await self.engine.officials():
            chat_id = whole_number(official.address, max_digits=20, signed=True)
            if official.channel == CHANNEL and chat_id is not None:
                await self.set_official_menu(chat_id, official.user_key)

    async def set_official_menu(self, chat_id: int, user_key: str) -> None:
        """Officials see their own commands in their chat's menu; citizens never see them."""
        roles = await self.engine.roles_of(CHANNEL, user_key)
        commands = self.content.texts.command_menu.for_roles(roles)
        try:
            await self._bot.set_my_commands(
                [BotCommand(name, text) for name, text in commands.items()],
                scope=BotCommandScopeChat(chat_id),
            )
        except (BadRequest, Forbidden) as exc:
            # Someone who has not opened a chat with the bot yet has no chat to scope to.
            log.warning("command menu for %s not set: %s", person_tag(user_key), exc)

    # --- updates -> events ------------------------------------------------------------------

    def _event(self, update: Update, kind: EventKind, value: str = "") -> Event:
        user = update.effective_user
        assert user is not None  # the handlers only accept updates from a user in a private chat
        user_key = self.pseudonyms.user_key(CHANNEL, str(user.id))
        chat = update.effective_chat
        address = str(chat.id) if chat is not None else ""
        return Event(CHANNEL, user_key, str(update.update_id), kind, value, address)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        payload = " ".join(context.args or [])
        await self._handle(update, self._event(update, EventKind.START, payload))

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        parsed = slash_command((message.text or "") if message else "")
        name = parsed[0] if parsed is not None else ""
        value = " ".join([name, *(context.args or [])])
        event = self._event(update, EventKind.COMMAND, value)
        await self._handle(update, event)
        if name == "daftar" and update.effective_chat is not None:
            await self.set_official_menu(update.effective_chat.id, event.user_key)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = message.text if message and message.text else ""
        await self._handle(update, self._event(update, EventKind.TEXT, text))

    async def on_caption(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        caption = message.caption if message and message.caption else ""
        await self._handle(update, self._event(update, EventKind.TEXT, caption))

    async def on_unreadable(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._handle(update, self._event(update, EventKind.UNREADABLE))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            # A button on a message forwarded into a group: not answered in the group.
            return
        pressed = query.message if isinstance(query.message, Message) else None
        event = self._event(update, EventKind.OPTION, query.data or "")
        await self._handle(update, event, pressed)

    # --- replies -> messages ----------------------------------------------------------------

    async def _handle(self, update: Update, event: Event, pressed: Message | None = None) -> None:
        replies = as_parts(await self.engine.handle(event))
        chat = update.effective_chat
        if chat is None or not replies:
            return
        if len(replies) > 1:
            await self._retire_buttons(pressed)
            pressed = None

        async def send(address: str, reply: Reply) -> list[str]:
            # A button press answered by one message edits the pressed message in place.
            return await self._send(int(address), reply, pressed)

        await respond(self.engine, self, str(chat.id), replies, send)

    async def _retire_buttons(self, pressed: Message | None) -> None:
        """The pressed message's buttons are stale once the answer comes as new messages."""
        if pressed is None or pressed.reply_markup is None:
            return
        try:
            await pressed.edit_reply_markup(reply_markup=None)
        except BadRequest as exc:
            log.info("removing old buttons failed: %s", exc)

    async def _send(self, chat_id: int, reply: Reply, pressed: Message | None) -> list[str]:
        """Send one reply, telling which failures pass and which do not."""
        try:
            if (
                pressed is None
                or reply.attachment is not None
                or not await self._edit(pressed, reply)
            ):
                await self._retire_buttons(pressed)
                await dispatch(
                    reply,
                    image=lambda a: self._photo(chat_id, a),
                    document=lambda a: self._document(chat_id, a),
                    text=lambda r: self._text(chat_id, r),
                )
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLater(str(exc), seconds) from exc
        except Forbidden as exc:
            raise Undeliverable(str(exc), FailureKind.BLOCKED) from exc
        except BadRequest as exc:
            raise Undeliverable(str(exc)) from exc
        except (TimedOut, NetworkError) as exc:
            raise RetryLater(str(exc)) from exc
        # Telegram reports nothing about a message later: no ids are worth keeping.
        return []

    async def _edit(self, pressed: Message, reply: Reply) -> bool:
        try:
            await pressed.edit_text(reply.text, reply_markup=keyboard(reply.options))
            return True
        except BadRequest as exc:
            # Too old to edit, no text to edit, or unchanged: say it anew instead.
            log.info("editing message %s failed: %s", pressed.message_id, exc)
            return False

    async def _photo(self, chat_id: int, attachment: Attachment) -> None:
        await self._bot.send_photo(
            chat_id, photo=attachment.data, caption=attachment.caption or None
        )

    async def _document(self, chat_id: int, attachment: Attachment) -> None:
        await self._bot.send_document(
            chat_id,
            document=attachment.data,
            filename=attachment.filename,
            caption=attachment.caption or None,
        )

    async def _text(self, chat_id: int, reply: Reply) -> None:
        await self._bot.send_message(chat_id, reply.text, reply_markup=keyboard(reply.options))

    @property
    def _bot(self) -> Any:
        if self.application is None:
            raise RuntimeError("no application")
        return self.application.bot

    # --- errors -------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never the update itself: it holds the person's ids, names and words.
        user = update.effective_user if isinstance(update, Update) else None
        who = person_tag(self.pseudonyms.user_key(CHANNEL, str(user.id))) if user else "-"
        log.error(
            "%s update from %s caused an error:\n%s",
            update_kind(update),
            who,
            error_outline(context.error),
        )
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(
                    update.effective_chat.id, self.content.texts.chat.error
                )
            except TelegramError as exc:
                log.error("could not tell %s about the error: %s", who, type(exc).__name__)


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(
    settings: Settings,
    content: Content,
    engine: Engine,
    pseudonyms: Pseudonymizer,
    request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> tuple[Application[Any, Any, Any, Any, Any, Any], TelegramChannel]:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    channel = TelegramChannel(settings, content, pseudonyms, engine)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .defaults(Defaults(tzinfo=engine.timezone))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    # No Updater: bot/run.py polls itself, confirming updates only once they are processed.
    application = builder.updater(None).build()
    channel.application = application
    menu = content.texts.command_menu
    known = [*menu.citizen, *menu.petugas, *menu.pejabat, *menu.admin, "menu", "daftar"]
    application.add_handler(CommandHandler("start", channel.on_start, filters=PRIVATE))
    commands = [c for c in dict.fromkeys(known) if c != "start"]
    application.add_handler(CommandHandler(commands, channel.on_command, filters=PRIVATE))
    application.add_handler(MessageHandler(TYPED, channel.on_text))
    application.add_handler(MessageHandler(CAPTIONED, channel.on_caption))
    application.add_handler(CallbackQueryHandler(channel.on_button))
    application.add_handler(MessageHandler(UNREADABLE, channel.on_unreadable))
    application.add_error_handler(channel.on_error)
    return application, channel
