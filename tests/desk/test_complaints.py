"""Complaints and questions to a person: stored, forwarded to officials, answered back."""

from skm_core.conversation.messages import EventKind, Reply
from skm_core.delivery.sending import FailureKind, Undeliverable
from skm_core.storage.outbox import due_messages
from tests.conversation.chat import Chat
from tests.desk.conftest import enrol

COMPLAINT = "Antrean loket PATEN lama sekali pada hari Senin."


class Phones:
    """Every official's and citizen's chat; those in `refusing` refuse the bot."""

    def __init__(self) -> None:
        self.received: dict[str, list[str]] = {}
        self.refusing: dict[str, Undeliverable] = {}

    async def __call__(self, address: str, replies: list[Reply]) -> None:
        if address in self.refusing:
            raise self.refusing[address]
        self.received.setdefault(address, []).extend(r.text for r in replies)


async def complain(citizen) -> None:
    await citizen.type("menu")
    await citizen.choose("Kontak & pengaduan")
    await citizen.choose("Kirim pengaduan")
    await citizen.type(COMPLAINT)
    await citizen.choose("Kirim")


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
    # Queued is not sent: the official hears "sent" only once it is delivered.
    assert "sedang dikirim" in pejabat.text
    assert "telah terkirim" not in pejabat.text
    await pejabat.type("/jawab 1 jawaban kedua")
    assert "masih dalam pengiriman" in pejabat.text
    to_citizen = [
        m for m in await due_messages(db, "telegram", clock.now) if m.address == "chat-warga-7"
    ]
    assert "loket dibuka pukul 07.30" in to_citizen[0].replies[0].text
    phones = Phones()
    await engine.flush_outbox("telegram", phones)
    assert "loket dibuka pukul 07.30" in phones.received["chat-warga-7"][0]
    await engine.flush_outbox("telegram", phones)
    assert "Jawaban untuk #1 telah terkirim" in phones.received["chat-kasi"][-1]
    row = await db.fetch_one("SELECT address, answer IS NOT NULL FROM complaints WHERE id = 1")
    assert row == (None, 1)
    await pejabat.type("/jawab 1 jawaban ketiga")
    assert "tidak ditemukan atau sudah dijawab" in pejabat.text


async def test_an_answer_that_cannot_be_delivered_keeps_the_complaint_open(
    admin, engine, citizen, db
):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await complain(citizen)
    await pejabat.type("/jawab 1 Loket dibuka pukul 07.30.")
    phones = Phones()
    phones.refusing["chat-warga-7"] = Undeliverable("Forbidden", FailureKind.BLOCKED)
    await engine.flush_outbox("telegram", phones)
    await engine.flush_outbox("telegram", phones)
    assert "tidak dapat dikirim kepada warga" in phones.received["chat-kasi"][-1]
    await pejabat.type("/aduan")
    assert "#1 (pengaduan" in pejabat.text
    assert "TIDAK TERKIRIM: penerima memblokir bot" in pejabat.text
    # The citizen unblocks the bot; the answer is sent again and this time arrives.
    del phones.refusing["chat-warga-7"]
    await pejabat.type("/jawab 1 Loket dibuka pukul 07.30.")
    assert "sedang dikirim" in pejabat.text
    await engine.flush_outbox("telegram", phones)
    assert phones.received["chat-warga-7"][-1].endswith("Loket dibuka pukul 07.30.")
    await pejabat.type("/aduan")
    assert "Tidak ada pengaduan" in pejabat.text


async def test_the_outbox_keeps_no_address_or_text_once_delivered_or_given_up(
    admin, engine, citizen, db
):
    await enrol(admin, engine, "pejabat", "kasi")
    await complain(citizen)
    phones = Phones()
    phones.refusing["chat-kasi"] = Undeliverable("chat not found")
    await engine.flush_outbox("telegram", phones)
    await engine.flush_outbox("telegram", phones)  # the admins' notice of the failure
    assert "Antrean loket" in phones.received["chat-admin-1"][0]
    rows = await db.fetch_all("SELECT address, payload FROM outbox")
    assert rows and all(row == ("", "[]") for row in rows)
    dump = "\n".join(str(r) for r in await db.fetch_all("SELECT * FROM outbox"))
    assert "Antrean" not in dump and "chat-kasi" not in dump


async def test_a_pejabat_who_refuses_the_bot_is_flagged_and_admins_told_once(
    admin, engine, citizen, db, clock
):
    await enrol(admin, engine, "pejabat", "kasi")
    phones = Phones()
    phones.refusing["chat-kasi"] = Undeliverable("Forbidden: bot was blocked", FailureKind.BLOCKED)
    await complain(citizen)
    await complain(citizen)
    await engine.flush_outbox("telegram", phones)
    await engine.flush_outbox("telegram", phones)
    notices = [t for t in phones.received["chat-admin-1"] if "tidak dapat dikirim" in t]
    assert len(notices) == 1
    assert "pejabat penerima laporan [2]" in notices[0]
    await admin.type("/pejabat")
    assert "TIDAK DAPAT DIHUBUNGI: penerima memblokir bot" in admin.text
    # Unblocked: the next message arrives and the flag goes.
    del phones.refusing["chat-kasi"]
    await complain(citizen)
    clock.advance(minutes=1)
    await engine.flush_outbox("telegram", phones)
    await admin.type("/pejabat")
    assert "TIDAK DAPAT DIHUBUNGI" not in admin.text


async def test_an_unexpected_error_is_given_up_after_a_few_tries_and_shown(
    admin, engine, citizen, db, clock
):
    pejabat = await enrol(admin, engine, "pejabat", "kasi")
    await complain(citizen)
    await pejabat.type("/jawab 1 Loket dibuka pukul 07.30.")
    phones = Phones()
    phones.refusing["chat-warga-7"] = RuntimeError("a bug")  # type: ignore[assignment]
    for _ in range(20):
        await engine.flush_outbox("telegram", phones)
        clock.advance(hours=2)
    row = await db.fetch_one(
        "SELECT attempts, failed_at IS NOT NULL FROM outbox WHERE id ="
        " (SELECT answer_outbox_id FROM complaints WHERE id = 1)"
    )
    assert row == (5, 1)
    await pejabat.type("/aduan")
    assert "TIDAK TERKIRIM: pengiriman gagal berulang kali" in pejabat.text


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
