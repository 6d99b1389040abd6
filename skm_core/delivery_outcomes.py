"""What a delivery, or its failure, changes where officials look.

An answer to a complaint counts as sent only once it is delivered: then the complaint is
answered and the official who answered is told; if it fails, the complaint stays open with
the reason, shown in /aduan, and can be answered again. An official whom messages no longer
reach is flagged in /pejabat, and the admins are told once.
"""

from datetime import datetime

from skm_core.content.loader import Content
from skm_core.conversation.messages import Option, Reply
from skm_core.outbox import QueuedMessage
from skm_core.storage.complaints import answer_delivered, answer_undelivered
from skm_core.storage.database import Transaction
from skm_core.storage.officials import (
    clear_unreachable,
    flag_unreachable,
    officials_by_key,
    officials_with_role,
)
from skm_core.storage.outbox import enqueue, mark_failed, mark_sent


async def _tell(tx: Transaction, content: Content, user_key: str, text: str, now: datetime) -> None:
    """A word to an official on each chat app they use, with the way back to the menu."""
    menu = (Option("menu", content.texts.chat.opt_menu),)
    for official in {
        (o.channel, o.address): o for o in await officials_by_key(tx, None, user_key)
    }.values():
        if official.address:
            await enqueue(tx, official.channel, official.address, [Reply(text, menu)], now)


async def delivered(
    tx: Transaction, content: Content | None, message: QueuedMessage, now: datetime, erase: bool
) -> None:
    await mark_sent(tx, message.id, now, erase)
    await clear_unreachable(tx, message.channel, message.address)
    answered = await answer_delivered(tx, message.id, now, forget_address=erase)
    if content is None:
        return
    t = content.texts.officials
    for complaint_id, by in answered:
        await _tell(tx, content, by, t.answer_sent.format(id=complaint_id), now)


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
        admins = await officials_with_role(tx, ("admin",))
        for admin in {a.user_key for a in admins if a.user_key not in unreachable}:
            await _tell(tx, content, admin, notice, now)
