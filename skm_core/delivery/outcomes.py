"""What a delivery, or its failure, changes where officials look.

An answer to a complaint counts as sent only once it is delivered (on WhatsApp, once its
status says so): then the complaint is answered and the official who answered is told; if
it fails, the complaint stays open with the reason, shown in /aduan, and can be answered
again. An official whom messages no longer reach is flagged in /pejabat, and the admins are
told once.
"""

from datetime import datetime

from skm_core.content.loader import Content
from skm_core.conversation.messages import Option, Reply
from skm_core.delivery.outbox import QueuedMessage
from skm_core.storage.complaints import (
    answer_delivered,
    answer_undelivered,
    unconfirmed_answers,
)
from skm_core.storage.database import Transaction
from skm_core.storage.officials import (
    clear_unreachable,
    flag_unreachable,
    officials_by_key,
    officials_with_role,
)
from skm_core.storage.outbox import enqueue, erase_message, mark_failed, mark_sent


async def _tell(tx: Transaction, content: Content, user_key: str, text: str, now: datetime) -> None:
    """A word to an official on each chat app they use, with the way back to the menu."""
    menu = (Option("menu", content.texts.chat.opt_menu),)
    for official in {
        (o.channel, o.address): o for o in await officials_by_key(tx, None, user_key)
    }.values():
        if official.address:
            await enqueue(tx, official.channel, official.address, [Reply(text, menu)], now)


async def delivered(
    tx: Transaction,
    content: Content | None,
    message: QueuedMessage,
    now: datetime,
    confirmed: bool,
) -> None:
    """A message sent. `confirmed` is False on a channel that reports delivery later
    (WhatsApp's statuses): its text is then kept, and "sent" is said, on `confirmed_later`."""
    await mark_sent(tx, message.id, now, erase=confirmed)
    await clear_unreachable(tx, message.channel, message.address)
    if confirmed:
        await _arrived(tx, content, message.id, now)


async def confirmed_later(
    tx: Transaction, content: Content | None, outbox_id: int, now: datetime
) -> None:
    """The channel says the message arrived: what was kept for a failure is erased."""
    await erase_message(tx, outbox_id, now)
    await _arrived(tx, content, outbox_id, now)


async def _arrived(tx: Transaction, content: Content | None, outbox_id: int, now: datetime) -> None:
    answered = await answer_delivered(tx, outbox_id, now)
    if content is None:
        return
    t = content.texts.officials
    for complaint_id, by in answered:
        await _tell(tx, content, by, t.answer_sent.format(id=complaint_id), now)


async def settle_unconfirmed(
    tx: Transaction, content: Content | None, sent_before: datetime, now: datetime
) -> None:
    """Answers whose delivery was never reported either way: a failure is reported within
    hours, so after as long they are taken as delivered (and their text erased)."""
    for outbox_id in await unconfirmed_answers(tx, sent_before):
        await confirmed_later(tx, content, outbox_id, now)


async def undelivered(
    tx: Transaction,
    content: Content | None,
    message: QueuedMessage,
    kind: str,
    detail: str,
    now: datetime,
) -> None:
    """A message given up: erased, and its failure put where officials see it."""
    await mark_failed(tx, message.id, now, detail)
    reopened = await answer_undelivered(tx, message.id, kind)
    flagged = await flag_unreachable(tx, message.channel, message.address, kind, now)
    if content is None:
        return
    t = content.texts.officials
    reason = t.delivery_reason(kind)
    for complaint_id, by in reopened:
        await _tell(tx, content, by, t.answer_failed.format(id=complaint_id, reason=reason), now)
    if not flagged:
        return
    unreachable = {o.user_key for o in flagged}
    for official in flagged:
        notice = t.unreachable_notice.format(
            role=t.role_name(official.role),
            id=official.id,
            channel=official.channel,
            reason=reason,
        )
        admins = await officials_with_role(tx, ("admin",), unit=official.unit)
        for admin in {a.user_key for a in admins if a.user_key not in unreachable}:
            await _tell(tx, content, admin, notice, now)
