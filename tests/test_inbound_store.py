"""The store of inbound messages: one row per message id, due in order of arrival, and a
person's later messages wait while an earlier one waits for a retry; others' do not."""

from datetime import UTC, datetime, timedelta

from skm_core.storage.inbound import due_inbound, forget_inbound, retry_inbound, store_inbound

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


async def keep(db, message_id: str, sender: str) -> bool:
    async with db.transaction() as tx:
        return await store_inbound(tx, "whatsapp", message_id, sender, {"n": message_id}, NOW)


async def test_a_redelivery_is_kept_once(db):
    assert await keep(db, "wamid.1", "ani")
    assert not await keep(db, "wamid.1", "ani")
    assert [m.message_id for m in await due_inbound(db, "whatsapp", NOW)] == ["wamid.1"]


async def test_a_retry_holds_back_that_persons_later_messages_only(db):
    for message_id, sender in [("a1", "ani"), ("b1", "budi"), ("a2", "ani"), ("b2", "budi")]:
        await keep(db, message_id, sender)
    await retry_inbound(db, "whatsapp", "a1", NOW, "database is locked")
    assert [m.message_id for m in await due_inbound(db, "whatsapp", NOW)] == ["b1", "b2"]
    later = NOW + timedelta(minutes=1)
    assert [m.message_id for m in await due_inbound(db, "whatsapp", later)] == [
        "a1", "b1", "a2", "b2"
    ]  # fmt: skip
    await forget_inbound(db, "whatsapp", "a1")
    assert (await due_inbound(db, "whatsapp", NOW))[0].message_id == "b1"
