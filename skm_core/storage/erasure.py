"""Erasing what the unit holds about one person, on their request (UU PDP).

Their survey answers stay, unlinked and without their words, since the IKM of past periods
is the unit's record; everything else that names or reaches them goes.
"""

from dataclasses import dataclass

from skm_core.storage.database import Transaction


@dataclass(frozen=True)
class Erased:
    answers_unlinked: int
    conversations: int
    complaints: int
    official_roles: int
    queued_messages: int

    @property
    def anything(self) -> bool:
        return any(
            (
                self.answers_unlinked,
                self.conversations,
                self.complaints,
                self.official_roles,
                self.queued_messages,
            )
        )


async def erase_person(tx: Transaction, channel: str, user_key: str, address: str) -> Erased:
    """`user_key` is the person's pseudonym on `channel`, `address` their chat id or number."""
    person = (channel, user_key)
    answers = await tx.execute(
        "UPDATE survey_responses SET respondent_key = NULL, suggestion = NULL"
        " WHERE respondent_key = ? AND channel = ?",
        (user_key, channel),
    )
    conversations = await tx.execute(
        "DELETE FROM conversations WHERE channel = ? AND user_key = ?", person
    )
    await tx.execute("DELETE FROM contact_windows WHERE channel = ? AND user_key = ?", person)
    complaints = await tx.execute(
        "DELETE FROM complaints WHERE channel = ? AND user_key = ?", person
    )
    roles = await tx.execute("DELETE FROM officials WHERE channel = ? AND user_key = ?", person)
    # A report already queued for them is kept in the ledger, without its message.
    await tx.execute(
        "UPDATE report_deliveries SET outbox_id = NULL WHERE outbox_id IN"
        " (SELECT id FROM outbox WHERE channel = ? AND address = ?)",
        (channel, address),
    )
    queued = await tx.execute(
        "DELETE FROM outbox WHERE channel = ? AND address = ?", (channel, address)
    )
    return Erased(answers, conversations, complaints, roles, queued)
