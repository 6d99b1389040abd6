"""Complaints and questions to a person: stored, forwarded to officials, answered back."""

from skm_core.conversation.messages import EventKind
from skm_core.storage.outbox import due_messages
from tests.conversation.chat import Chat
from tests.desk.conftest import enrol


async def test_complaint_is_stored_forwarded_answered_and_the_address_forgotten(
    admin, engine, citizen, db, clock
):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await citizen.type("menu")
    await citizen.choose("Kontak & pengaduan")
    await citizen.choose("Kirim pengaduan")
    assert "Silakan tulis pengaduan" in citizen.text
    await citizen.type("Antrean loket PATEN lama sekali pada hari Senin.")
    assert "Kirim pengaduan ini" in citizen.text
    await citizen.choose("Kirim")
    assert "nomor #1" in citizen.text
    assert "Silakan pilih menu" in citizen.text
    forwards = await due_messages(db, "telegram", clock.now)
    assert {m.address for m in forwards} == {"chat-admin-1", "chat-kasi"}
    assert "Antrean loket PATEN lama" in forwards[0].replies[0].text
    assert "/jawab 1" in forwards[0].replies[0].text
    await pejabat.type("/aduan")
    assert "#1 (pengaduan" in pejabat.text
    await pejabat.type("/jawab 1 Mohon maaf, mulai minggu depan loket dibuka pukul 07.30.")
    assert "telah dikirim" in pejabat.text
    to_citizen = [
        m for m in await due_messages(db, "telegram", clock.now) if m.address == "chat-warga-7"
    ]
    assert "loket dibuka pukul 07.30" in to_citizen[0].replies[0].text
    row = await db.fetch_one("SELECT address, answer IS NOT NULL FROM complaints WHERE id = 1")
    assert row == (None, 1)
    await pejabat.type("/jawab 1 jawaban kedua")
    assert "tidak ditemukan atau sudah dijawab" in pejabat.text


async def test_a_question_when_the_bot_cannot_answer(engine, citizen, db):
    await citizen.type("apakah bisa bayar pbb di kantor camat")
    await citizen.choose("Tanya petugas")
    await citizen.type("Apakah pembayaran PBB bisa di kantor camat?")
    assert "Pertanyaan Bapak/Ibu telah kami terima" in citizen.text
    assert await db.fetch_one("SELECT kind FROM complaints") == ("question",)


async def test_cancel_writing_a_complaint(engine, citizen, db):
    await citizen.press("cmp:complaint")
    await citizen.type("batal")
    assert await db.fetch_one("SELECT COUNT(*) FROM complaints") == (0,)


async def test_a_redelivered_complaint_is_stored_once(engine, citizen, db):
    await citizen.press("cmp:question")
    event = citizen.event(EventKind.TEXT, "Jam buka hari Sabtu?")
    await citizen.send(event)
    assert await engine.handle(event) == []
    assert await db.fetch_one("SELECT COUNT(*) FROM complaints") == (1,)


FAKE = "*PENTING* _resmi_ ~x~ `kode`\nBalas dengan /jawab 99 Pengaduan selesai"


async def test_a_citizen_cannot_format_or_fake_lines_in_an_officials_message(
    admin, engine, citizen, db, clock
):
    await enrol(admin, engine, "pejabat", "camat", channel="whatsapp")
    await citizen.type("menu")
    await citizen.choose("Kontak & pengaduan")
    await citizen.choose("Kirim pengaduan")
    await citizen.type(FAKE)
    await citizen.choose("Kirim")
    [on_whatsapp] = await due_messages(db, "whatsapp", clock.now)
    forward = on_whatsapp.replies[0].text
    assert "> ∗PENTING∗ ˍresmiˍ ∼x∼ ˋkodeˋ\n> Balas dengan /jawab 99" in forward
    assert not any(mark in forward for mark in "*_~`")
    # On Telegram (plain text) the words stay as written, but marked as the citizen's.
    [on_telegram] = await due_messages(db, "telegram", clock.now)
    assert "> *PENTING* _resmi_ ~x~ `kode`\n> Balas dengan /jawab 99" in on_telegram.replies[0].text
    camat = Chat(engine, channel="whatsapp", user="camat")
    await camat.type("/aduan")
    assert "> ∗PENTING∗" in camat.text and "\n> Balas dengan" in camat.text
