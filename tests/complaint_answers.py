"""A complaint answered as the desk and the delivery record it, for tests that need the
answer's time and not the way it travelled."""

from datetime import datetime

from skm_core.conversation.messages import Reply
from skm_core.storage.complaints import answer_complaint, answer_delivered
from skm_core.storage.database import Transaction
from skm_core.storage.outbox import enqueue


async def answered(
    tx: Transaction, complaint_id: int, answer: str, at: datetime, by: str = "camat"
) -> None:
    """The answer queued to the citizen and delivered at `at`: the complaint is answered then."""
    outbox_id = await enqueue(tx, "telegram", "0", [Reply(answer)], at)
    await answer_complaint(tx, complaint_id, answer, by, outbox_id)
    await answer_delivered(tx, outbox_id, at)
