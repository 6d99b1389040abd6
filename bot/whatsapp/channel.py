"""The WhatsApp channel: webhook messages become engine events, replies become Graph messages.

Messages are processed once by their wamid (the engine's event id), since WhatsApp redelivers.
Messages queued for officials (scheduled reports) honour the 24-hour window: outside it an
approved template goes instead, and its quick reply releases the held message.
"""

import asyncio
import logging
import re
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from bot.channel import dispatch, respond, send_all
from bot.log_privacy import error_outline, person_tag
from bot.settings import Settings
from bot.whatsapp.graph import MAX_CAPTION, PROFILE, RE_ENGAGEMENT, GraphClient
from bot.whatsapp.render import message_content
from bot.whatsapp.webhook import Inbound, Kind, Status, read_update
from skm_core.content import Content
from skm_core.conversation import Attachment, Event, EventKind, Option, Reply
from skm_core.conversation.engine import Engine
from skm_core.conversation.option_ids import HeldMessage, decode, encode
from skm_core.delivery.mailroom import Incoming, StoredInbound
from skm_core.delivery.outbox import QueuedMessage
from skm_core.delivery.sending import FailureKind, Undeliverable
from skm_core.pseudonym import Pseudonymizer

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
# Leave a margin so that a message queued at 23:59 does not arrive after the window closes.
WINDOW_MARGIN = timedelta(minutes=10)
STATUS_PREFIX = "status:"
BATCH = 100
PEOPLE_AT_ONCE = 16
WORKER_TICK_SECONDS = 1.0
"""How often stored messages waiting for a retry are looked at, when no post wakes the worker."""
MAX_INBOUND_ATTEMPTS = 8
# 131026: the number cannot receive (not on WhatsApp, old app, or it blocked the business).
BLOCKED_CODES = {131026}
_MIME = {"png": "image/png", "pdf": "application/pdf", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}  # fmt: skip
log = logging.getLogger(__name__)


def _mime(filename: str) -> str:
    return _MIME.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def chat_link(number: str, text: str) -> str:
    """A link that opens a chat with the business number, the text typed in for the person."""
    return f"https://wa.me/{number.lstrip('+')}?text={quote(text)}"


def _one_line(text: str, limit: int = 200) -> str:
    """Template parameters allow no new lines, tabs or runs of spaces."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class WhatsAppChannel:
    name = CHANNEL
    profile = PROFILE
    windowed = True
    """People may be written to only within 24 hours of their last message."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        engine: Engine,
        pseudonyms: Pseudonymizer,
        graph: GraphClient,
    ) -> None:
        self.settings = settings
        self.content = content
        self.engine = engine
        self.pseudonyms = pseudonyms
        self.graph = graph
        self._wake = asyncio.Event()
        self._stopping = False
        self._worker: asyncio.Task[None] | None = None
        self._slots = asyncio.Semaphore(PEOPLE_AT_ONCE)
        word = content.texts.whatsapp.start_word
        self._start = re.compile(rf"^\s*{re.escape(word)}\s+([A-Za-z0-9_-]{{8,64}})\s*$", re.I)
        number = settings.whatsapp_business_number
        self.start_link = chat_link(number, f"{word} ") + "{token}" if number else None
        engine.register_channel(self)

    def user_key(self, wa_id: str) -> str:
        return self.pseudonyms.user_key(CHANNEL, wa_id)

    # --- the webhook: stored first, answered after, processed from the store ---------------

    async def accept(self, body: Any) -> int:
        """Store a verified webhook post's messages and statuses; only then may it be answered.

        Raises when they cannot be stored (the database is locked for too long): the webhook
        then answers with an error, and Meta sends the post again."""
        messages, statuses = read_update(body, self.settings.whatsapp_phone_number_id)
        items = [
            Incoming(m.wamid, self.user_key(m.wa_id), {"message": m.to_json()}) for m in messages
        ]
        for status in statuses:
            # Statuses wait for nothing else: each is its own sequence.
            key = f"{STATUS_PREFIX}{status.wamid}:{status.status}"
            items.append(Incoming(key, key, {"status": status.to_json()}))
        stored = await self.engine.mail.keep(CHANNEL, items)
        self._wake.set()
        return stored

    def start(self) -> None:
        """Process what is stored, now (what a stop or a crash left) and as posts arrive."""
        self._worker = asyncio.create_task(self._work())

    async def drain(self) -> None:
        """At shutdown: finish the message being processed; the rest stays stored."""
        self._stopping = True
        self._wake.set()
        if self._worker is not None:
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _work(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.work_off()
            except Exception:
                log.exception("processing stored WhatsApp messages failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=WORKER_TICK_SECONDS)

    async def work_off(self) -> int:
        """Process every stored item that is due; returns how many. One person's messages in
        order of arrival, different people's alongside, so one long piece of work (an export)
        holds up nobody else."""
        done = 0
        while not self._stopping:
            due = await self.engine.mail.due(CHANNEL, limit=BATCH)
            by_sender: dict[str, list[StoredInbound]] = {}
            for item in due:
                by_sender.setdefault(item.sender, []).append(item)
            counts = await asyncio.gather(*(self._work_for(items) for items in by_sender.values()))
            done += sum(counts)
            if sum(counts) == 0 or len(due) < BATCH:
                break
        return done

    async def _work_for(self, items: list[StoredInbound]) -> int:
        """One person's messages in order; one that fails holds back the rest."""
        processed = 0
        async with self._slots:
            for item in items:
                if self._stopping or not await self._process_stored(item):
                    break
                processed += 1
        return processed

    async def _process_stored(self, item: StoredInbound) -> bool:
        try:
            if "status" in item.payload:
                await self.on_status(Status.from_json(item.payload["status"]))
            else:
                await self.handle(Inbound.from_json(item.payload["message"]))
        except Exception as exc:
            attempts = await self.engine.mail.retry(CHANNEL, item.message_id, repr(exc))
            if attempts >= MAX_INBOUND_ATTEMPTS:
                log.error(
                    "WhatsApp message from %s given up after %d attempts:\n%s",
                    person_tag(item.sender),
                    attempts,
                    error_outline(exc),
                )
                await self.engine.mail.forget(CHANNEL, item.message_id)
            else:
                # Neither the wamid (it can encode the number) nor the error's message.
                log.warning(
                    "WhatsApp message from %s failed, retried later:\n%s",
                    person_tag(item.sender),
                    error_outline(exc),
                )
            return False
        await self.engine.mail.forget(CHANNEL, item.message_id)
        return True

    async def process(self, body: Any) -> None:
        """Accept a post and process it at once (what the worker does, for one post)."""
        await self.accept(body)
        await self.work_off()

    async def on_status(self, status: Status) -> None:
        """A sent message's fate: delivered erases its text; failed is handled as it must be."""
        if status.status in ("delivered", "read"):
            await self.engine.mail.delivered(CHANNEL, status.wamid)
            return
        if status.status != "failed":
            return
        found = await self.engine.mail.sent_message(CHANNEL, status.wamid)
        # Neither the wamid (it can encode the number) nor the number itself.
        who = person_tag(self.user_key(status.recipient))
        log.warning("WhatsApp message to %s failed: %s", who, status.error_codes)
        if found is None:
            return  # a direct reply: nothing is kept to send again
        message, part = found
        mail = self.engine.mail
        if RE_ENGAGEMENT in status.error_codes and await mail.reopen(message.id, part):
            # The window closed before it arrived: the template invites; the message waits.
            await self.invite(message)
            await mail.hold(message.id)
            return
        kind = FailureKind.BLOCKED if BLOCKED_CODES & set(status.error_codes) else None
        detail = f"status failed {list(status.error_codes)}"
        await mail.give_up(message, kind or FailureKind.UNDELIVERABLE, detail)

    def event_for(self, inbound: Inbound) -> Event | None:
        key = self.user_key(inbound.wa_id)
        sent_at = (
            datetime.fromtimestamp(inbound.timestamp, UTC)
            if inbound.timestamp is not None
            else None
        )

        def event(kind: EventKind, value: str = "") -> Event:
            return Event(CHANNEL, key, inbound.wamid, kind, value, inbound.wa_id, sent_at)

        if inbound.kind is Kind.TEXT:
            ticket = self._start.match(inbound.value)
            if ticket:
                return event(EventKind.START, ticket[1])
            return event(EventKind.TEXT, inbound.value)
        if inbound.kind in (Kind.BUTTON_REPLY, Kind.LIST_REPLY):
            return event(EventKind.OPTION, inbound.value)
        if inbound.kind is Kind.WELCOME:
            return event(EventKind.START)
        if inbound.kind is Kind.QUICK_REPLY:
            return None
        return event(EventKind.UNREADABLE)

    async def handle(self, inbound: Inbound) -> None:
        event = self.event_for(inbound)
        if event is None:
            await self._released(inbound)
            return
        replies = await self.engine.handle(event)
        await self.reply(inbound.wa_id, replies)

    async def reply(self, wa_id: str, replies: list[Reply]) -> None:
        """Answer now; what a passing failure stops goes to the outbox, to be retried (with
        the template's invitation if the window shut meanwhile)."""

        async def send(address: str, reply: Reply) -> list[str]:
            ids = await self.send(address, reply)
            await self.engine.mail.record_sent(CHANNEL, ids)
            return ids

        try:
            await respond(self.engine, self, wa_id, replies, send)
        except Undeliverable as exc:
            log.warning("replying to a WhatsApp contact failed: %s", exc)

    async def _released(self, inbound: Inbound) -> None:
        """A template's quick reply: the person opened the window; send what was held."""
        sent_at = (
            datetime.fromtimestamp(inbound.timestamp, UTC)
            if inbound.timestamp is not None
            else None
        )
        await self.engine.touch(CHANNEL, self.user_key(inbound.wa_id), sent_at)
        held = decode(inbound.value)
        released = isinstance(held, HeldMessage) and await self.engine.mail.release(
            held.message_id, CHANNEL, inbound.wa_id
        )
        if not released:
            # Already sent (the button pressed twice) or gone: say so rather than nothing.
            words = self.content.texts
            menu = (Option("menu", words.chat.opt_menu),)
            await self.reply(inbound.wa_id, [Reply(words.whatsapp.nothing_held, menu)])
        await self.flush()

    # --- sending ----------------------------------------------------------------------------

    async def send(self, address: str, reply: Reply) -> list[str]:
        """Send one reply; returns the wamids of the messages sent."""
        words = self.content.texts.whatsapp
        return await dispatch(
            reply,
            image=lambda a: self._media(address, a, "image"),
            document=lambda a: self._media(address, a, "document"),
            text=lambda r: self.graph.send(address, message_content(r, words)),
        )

    async def _media(self, address: str, a: Attachment, kind: str) -> str:
        media = await self.graph.upload(a.filename, a.data, _mime(a.filename))
        caption = a.caption[:MAX_CAPTION]
        if kind == "image":
            return await self.graph.send(
                address, {"type": "image", "image": {"id": media, "caption": caption}}
            )
        document = {"id": media, "filename": a.filename, "caption": caption}
        return await self.graph.send(address, {"type": "document", "document": document})

    async def send_queued(self, address: str, replies: list[Reply]) -> list[str]:
        return await send_all(self, address, replies)

    async def is_open(self, address: str) -> bool:
        last = await self.engine.mail.last_inbound(CHANNEL, self.user_key(address))
        now = self.engine.clock()
        return last is not None and now - last < WINDOW - WINDOW_MARGIN

    async def invite(self, message: QueuedMessage) -> None:
        """The approved utility template; its quick reply brings the held message."""
        intro = next((r.text for r in message.replies if r.text), "")
        template = {
            "type": "template",
            "template": {
                "name": self.settings.whatsapp_template_name,
                "language": {"code": self.settings.whatsapp_template_language},
                "components": [
                    {"type": "body", "parameters": [{"type": "text", "text": _one_line(intro)}]},
                    {
                        "type": "button",
                        "sub_type": "quick_reply",
                        "index": "0",
                        "parameters": [
                            {"type": "payload", "payload": encode(HeldMessage(message.id))}
                        ],
                    },
                ],
            },
        }
        await self.graph.send(message.address, template)

    async def flush(self) -> int:
        # Statuses tell later whether a message arrived: its text is kept until they do.
        return await self.engine.flush_outbox(
            CHANNEL, self.send_queued, window=self, erase_on_send=False
        )
