"""An export of a large period never holds up a conversation: its answers are read on a
connection of their own, in a worker thread, not on the one every conversation step uses."""

from skm_core.storage.database import Database


async def test_an_export_reads_the_answers_apart_from_the_conversations_connection(
    admin, engine, citizen, db, monkeypatch
):
    await citizen.type("survei")
    await citizen.choose("Ya")
    await citizen.choose("SKTM")
    await citizen.choose("Perempuan")
    await citizen.type("37")
    await citizen.choose("SMA")
    await citizen.choose("Wirausaha")
    for score in (4, 4, 3, 4, 3, 4, 4, 3, 4):
        await citizen.choose(f"{score} ·")
    await citizen.choose("Lewati")
    await citizen.choose("Kirim")
    assert "Terima kasih" in citizen.text
    through_main: list[str] = []
    fetch_all = Database.fetch_all

    async def watched(self, sql, params=()):
        through_main.append(sql)
        return await fetch_all(self, sql, params)

    monkeypatch.setattr(Database, "fetch_all", watched)
    await admin.type("/ekspor bulan ini")
    csv = next(
        r.attachment for r in admin.last if r.attachment and r.attachment.filename.endswith(".csv")
    )
    assert b"sktm" in csv.data.lower() or b"SKTM" in csv.data
    assert not [sql for sql in through_main if "u9, suggestion FROM survey_responses" in sql]
