"""The WhatsApp channel: webhook messages become engine events, replies become Graph messages.

Messages are processed once by their wamid (the engine's event id), since WhatsApp redelivers.
Messages queued for officials (scheduled reports) honour the 24-hour window: outside it an
approved template goes instead, and its quick reply releases the held message.
"""

import asyncio
import logging
import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from bot.log_privacy import error_outline, person_tag
from bot.settings import Settings
from bot.whatsapp.graph import MAX_CAPTION, GraphClient
from bot.whatsapp.render import message_content
from bot.whatsapp.webhook import Inbound, Status, read_update
from skm_core.content import Content
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.engine import Engine
from skm_core.conversation.option_ids import HeldMessage, decode, encode
from skm_core.delivery import RetryLater
from skm_core.outbox import QueuedMessage
from skm_core.pseudonym import Pseudonymizer
from skm_core.storage.outbox import last_inbound, release

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)
# Leave a margin so that a message queued at 23:59 does not arrive after the window closes.
WINDOW_MARGIN = timedelta(minutes=10)
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
        self._tasks: set[asyncio.Task[None]] = set()
        engine.windowed_channels.add(CHANNEL)
        word = content.texts.whatsapp.start_word
        self._start = re.compile(rf"^\s*{re.escape(word)}\s+([A-Za-z0-9_-]{{8,64}})\s*$", re.I)
        if settings.whatsapp_business_number:
            number = settings.whatsapp_business_number.lstrip("+")
            prefilled = quote(f"{word} ")
            engine.start_links[CHANNEL] = f"https://wa.me/{number}?text={prefilled}{{token}}"

    def user_key(self, wa_id: str) -> str:
        return self.pseudonyms.user_key(CHANNEL, wa_id)

    # --- the webhook ----------------------------------------------------------------------

    def accept(self, body: Any) -> None:
        """Take a verified webhook post: answer 200 at once, process it after."""
        task = asyncio.create_task(self.process(body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for the posts being processed (at shutdown)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def process(self, body: Any) -> None:
        messages, statuses = read_update(body)
        for inbound in messages:
            try:
                await self.handle(inbound)
            except Exception as exc:
                # Neither the wamid (it can encode the number) nor the error's message.
                who = person_tag(self.user_key(inbound.wa_id))
                log.error("WhatsApp message from %s failed:\n%s", who, error_outline(exc))
        for status in statuses:
            self._note_status(status)

    def _note_status(self, status: Status) -> None:
        if status.status == "failed":
            who = person_tag(self.user_key(status.recipient))
            log.warning("WhatsApp message to %s failed: %s", who, status.error_codes)

    def event_for(self, inbound: Inbound) -> Event | None:
        key = self.user_key(inbound.wa_id)

        def event(kind: EventKind, value: str = "") -> Event:
            return Event(CHANNEL, key, inbound.wamid, kind, value, inbound.wa_id)

        if inbound.kind == "text":
            ticket = self._start.match(inbound.value)
            if ticket:
                return event(EventKind.START, ticket[1])
            return event(EventKind.TEXT, inbound.value)
        if inbound.kind in ("button_reply", "list_reply"):
            return event(EventKind.OPTION, inbound.value)
        if inbound.kind == "quick_reply":
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
        """Answer now; what a passing failure stops goes to the outbox, to be retried."""
        for number, reply in enumerate(replies):
            try:
                await self.deliver(wa_id, [reply])
            except RetryLater as exc:
                log.info("replying to a WhatsApp contact deferred: %s", exc)
                await self.engine.queue_messages(CHANNEL, wa_id, replies[number:])
                return

    async def _released(self, inbound: Inbound) -> None:
        """A template's quick reply: the person opened the window; send what was held."""
        await self.engine.touch(CHANNEL, self.user_key(inbound.wa_id))
        held = decode(inbound.value)
        if isinstance(held, HeldMessage):
            await release(self.engine.db, held.message_id, CHANNEL, inbound.wa_id)
        await self.flush()

    # --- sending ----------------------------------------------------------------------------

    async def deliver(self, wa_id: str, replies: list[Reply]) -> None:
        words = self.content.texts.whatsapp
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
                await self.graph.send(wa_id, content)
            if reply.text:
                await self.graph.send(wa_id, message_content(reply, words))

    async def send_queued(self, address: str, replies: list[Reply]) -> None:
        await self.deliver(address, replies)

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
        return await self.engine.flush_outbox(CHANNEL, self.send_queued, window=self)
