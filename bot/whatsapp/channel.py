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

from bot.log_privacy import error_outline, person_tag
from bot.settings import Settings
from bot.whatsapp.graph import MAX_CAPTION, RE_ENGAGEMENT, GraphClient
from bot.whatsapp.render import message_content
from bot.whatsapp.webhook import Inbound, Kind, Status, read_update
from skm_core.content import Content
from skm_core.conversation import Event, EventKind, Option, Reply
from skm_core.conversation.engine import Engine
from skm_core.conversation.option_ids import HeldMessage, decode, encode
from skm_core.delivery import (
    FailureKind,
    OutsideWindow,
    RetryLater,
    Undeliverable,
    confirm_delivery,
    give_up,
)
from skm_core.outbox import QueuedMessage, as_parts
from skm_core.pseudonym import Pseudonymizer
from skm_core.storage.inbound import (
    StoredInbound,
    due_inbound,
    forget_inbound,
    retry_inbound,
    store_inbound,
)
from skm_core.storage.outbox import (
    hold,
    last_inbound,
    record_sent,
    release,
    reopen,
    sent_message,
)

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


def _one_line(text: str, limit: int = 200) -> str:
    """Template parameters allow no new lines, tabs or runs of spaces."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class WhatsAppChannel:
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
        engine.windowed_channels.add(CHANNEL)
        word = content.texts.whatsapp.start_word
        self._start = re.compile(rf"^\s*{re.escape(word)}\s+([A-Za-z0-9_-]{{8,64}})\s*$", re.I)
        if settings.whatsapp_business_number:
            number = settings.whatsapp_business_number.lstrip("+")
            prefilled = quote(f"{word} ")
            engine.start_links[CHANNEL] = f"https://wa.me/{number}?text={prefilled}{{token}}"

    def user_key(self, wa_id: str) -> str:
        return self.pseudonyms.user_key(CHANNEL, wa_id)

    # --- the webhook: stored first, answered after, processed from the store ---------------

    async def accept(self, body: Any) -> int:
        """Store a verified webhook post's messages and statuses; only then may it be answered.

        Raises when they cannot be stored (the database is locked for too long): the webhook
        then answers with an error, and Meta sends the post again."""
        messages, statuses = read_update(body, self.settings.whatsapp_phone_number_id)
        now = self.engine.clock()
        stored = 0
        async with self.engine.db.transaction() as tx:
            for inbound in messages:
                payload = {"message": inbound.to_json()}
                sender = self.user_key(inbound.wa_id)
                stored += await store_inbound(tx, CHANNEL, inbound.wamid, sender, payload, now)
            for status in statuses:
                # Statuses wait for nothing else: each is its own sequence.
                key = f"{STATUS_PREFIX}{status.wamid}:{status.status}"
                payload = {"status": status.to_json()}
                stored += await store_inbound(tx, CHANNEL, key, key, payload, now)
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
            due = await due_inbound(self.engine.db, CHANNEL, self.engine.clock(), limit=BATCH)
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
            attempts = await retry_inbound(
                self.engine.db, CHANNEL, item.message_id, self.engine.clock(), repr(exc)
            )
            if attempts >= MAX_INBOUND_ATTEMPTS:
                log.error(
                    "WhatsApp message from %s given up after %d attempts:\n%s",
                    person_tag(item.sender),
                    attempts,
                    error_outline(exc),
                )
                await forget_inbound(self.engine.db, CHANNEL, item.message_id)
            else:
                # Neither the wamid (it can encode the number) nor the error's message.
                log.warning(
                    "WhatsApp message from %s failed, retried later:\n%s",
                    person_tag(item.sender),
                    error_outline(exc),
                )
            return False
        await forget_inbound(self.engine.db, CHANNEL, item.message_id)
        return True

    async def process(self, body: Any) -> None:
        """Accept a post and process it at once (what the worker does, for one post)."""
        await self.accept(body)
        await self.work_off()

    async def on_status(self, status: Status) -> None:
        """A sent message's fate: delivered erases its text; failed is handled as it must be."""
        if status.status in ("delivered", "read"):
            await confirm_delivery(
                self.engine.db, self.content, CHANNEL, status.wamid, self.engine.clock()
            )
            return
        if status.status != "failed":
            return
        found = await sent_message(self.engine.db, CHANNEL, status.wamid)
        # Neither the wamid (it can encode the number) nor the number itself.
        who = person_tag(self.user_key(status.recipient))
        log.warning("WhatsApp message to %s failed: %s", who, status.error_codes)
        if found is None:
            return  # a direct reply: nothing is kept to send again
        message, part = found
        if RE_ENGAGEMENT in status.error_codes and await reopen(self.engine.db, message.id, part):
            # The window closed before it arrived: the template invites; the message waits.
            await self.invite(message)
            await hold(self.engine.db, message.id, self.engine.clock())
            return
        kind = FailureKind.BLOCKED if BLOCKED_CODES & set(status.error_codes) else None
        await give_up(
            self.engine.db,
            self.content,
            message,
            kind or FailureKind.UNDELIVERABLE,
            f"status failed {list(status.error_codes)}",
            self.engine.clock(),
        )

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
        """Answer now; what a passing failure stops goes to the outbox, to be retried.

        An image and the text after it go as two parts, so that a failure of the text
        repeats only the text."""
        parts = as_parts(replies)
        for number, part in enumerate(parts):
            try:
                ids = await self.deliver(wa_id, [part])
            except (RetryLater, OutsideWindow):
                # Passing, or the window closed while the message waited for a retry: the
                # outbox sends it later (inviting with the template if the window is shut).
                log.info("replying to a WhatsApp contact deferred")
                await self.engine.queue_messages(CHANNEL, wa_id, parts[number:])
                return
            except Undeliverable as exc:
                log.warning("replying to a WhatsApp contact failed: %s", exc)
                return
            await self._record(ids)

    async def _record(self, ids: list[str]) -> None:
        now = self.engine.clock()
        async with self.engine.db.transaction() as tx:
            for provider_id in ids:
                await record_sent(tx, CHANNEL, provider_id, None, 0, now)

    async def _released(self, inbound: Inbound) -> None:
        """A template's quick reply: the person opened the window; send what was held."""
        sent_at = (
            datetime.fromtimestamp(inbound.timestamp, UTC)
            if inbound.timestamp is not None
            else None
        )
        await self.engine.touch(CHANNEL, self.user_key(inbound.wa_id), sent_at)
        held = decode(inbound.value)
        released = isinstance(held, HeldMessage) and await release(
            self.engine.db, held.message_id, CHANNEL, inbound.wa_id
        )
        if not released:
            # Already sent (the button pressed twice) or gone: say so rather than nothing.
            words = self.content.texts
            menu = (Option("menu", words.chat.opt_menu),)
            await self.reply(inbound.wa_id, [Reply(words.whatsapp.nothing_held, menu)])
        await self.flush()

    # --- sending ----------------------------------------------------------------------------

    async def deliver(self, wa_id: str, replies: list[Reply]) -> list[str]:
        """Send; returns the wamids of the messages sent."""
        words = self.content.texts.whatsapp
        ids: list[str] = []
        for reply in replies:
            if reply.attachment is not None:
                a = reply.attachment
                media = await self.graph.upload(a.filename, a.data, _mime(a.filename))
                caption = a.caption[:MAX_CAPTION]
                if a.kind == "image":
                    content = {"type": "image", "image": {"id": media, "caption": caption}}
                else:
                    document = {"id": media, "filename": a.filename, "caption": caption}
                    content = {"type": "document", "document": document}
                ids.append(await self.graph.send(wa_id, content))
            if reply.text:
                ids.append(await self.graph.send(wa_id, message_content(reply, words)))
        return [i for i in ids if i]

    async def send_queued(self, address: str, replies: list[Reply]) -> list[str]:
        return await self.deliver(address, replies)

    async def is_open(self, address: str) -> bool:
        last = await last_inbound(self.engine.db, CHANNEL, self.user_key(address))
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
