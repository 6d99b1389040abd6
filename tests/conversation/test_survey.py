"""The citizen survey through the engine: every promise of the survey flow, one test each."""

from datetime import timedelta

import pytest

from skm_core.conversation import EventKind
from skm_core.conversation.engine import Engine
from skm_core.conversation.survey import SurveyPolicy
from skm_core.ikm.compute import Tally
from skm_core.storage.responses import tally_responses
from skm_core.storage.tickets import insert_ticket
from tests.conversation.chat import Chat

UNSUR_ANSWERS = ["4", "4", "3", "4", "4", "4", "4", "4", "4"]


async def stored(db) -> list[tuple[object, ...]]:
    return await db.fetch_all(
        "SELECT service_id, channel, respondent_key, ticket_id, ticketed, profile, suggestion,"
        " u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses"
    )


async def start_survey(chat: Chat) -> None:
    """Consent given and SKTM chosen: the first profile question is on screen."""
    await chat.type("survei")
    await chat.choose("Ya")
    await chat.choose("SKTM")


async def answer_profile_and_unsur(chat: Chat) -> None:
    """From the first profile question to the suggestion."""
    await chat.choose("Perempuan")
    await chat.type("41")
    await chat.choose("S1/D4")
    await chat.choose("PNS")
    for answer in UNSUR_ANSWERS:
        await chat.type(answer)


async def fill_to_review(chat: Chat, service_label: str | None = "SKTM") -> None:
    await chat.type("survei")
    await chat.choose("Ya, saya bersedia")
    if service_label:
        await chat.choose(service_label)
    await answer_profile_and_unsur(chat)
    await chat.type("Ruang tunggu perlu kipas angin")
    assert "Mohon periksa kembali" in chat.text


async def test_consent_names_what_is_stored_and_the_law(chat):
    await chat.type("survei")
    assert "Undang-Undang Nomor 27 Tahun 2022" in chat.text
    assert "anonim" in chat.text
    assert chat.labels == ["Ya, saya bersedia", "Tidak sekarang"]


async def test_happy_path_stores_one_response(chat, db):
    await fill_to_review(chat)
    assert "U3 Waktu Penyelesaian: 3 · Cepat" in chat.text
    await chat.choose("Kirim")
    assert "Terima kasih" in chat.text
    [row] = await stored(db)
    assert row[0] == "sktm"
    assert row[1] == "terminal"
    assert row[2] == "warga-1"  # the pseudonymous key the adapter passed, never a chat id
    assert (row[3], row[4]) == (None, 0)
    assert '"usia": 41' in str(row[5]) and '"jenis_kelamin": "p"' in str(row[5])
    assert row[6] == "Ruang tunggu perlu kipas angin"
    assert list(row[7:]) == [int(a) for a in UNSUR_ANSWERS]


async def test_answer_labels_begin_with_their_score_worst_first(engine):
    chat = Chat(engine, channel="telegram")
    await fill_to_review(chat)
    await chat.choose("Ubah jawaban")
    await chat.choose("9. U4")
    assert chat.labels[:4] == ["1 · Sangat mahal", "2 · Cukup mahal", "3 · Murah", "4 · Gratis"]


async def test_where_options_are_numbered_labels_carry_no_second_number(chat):
    await fill_to_review(chat)
    await chat.choose("Ubah jawaban")
    assert chat.labels[0] == "Layanan"
    await chat.choose("U4")
    assert chat.labels[:4] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]


async def test_typed_words_of_an_answer_work(chat, db):
    await chat.type("survei")
    await chat.type("ya")
    await chat.type("sktm (tidak mampu)")
    await chat.type("laki-laki")
    await chat.type("30")
    await chat.type("sma/sederajat")
    await chat.type("wirausaha")
    await chat.type("sangat sesuai")
    assert "Pertanyaan 7 dari 15" in chat.text


async def test_back_then_change_an_answer_from_the_review(chat, db):
    await start_survey(chat)
    await chat.choose("Laki-laki")
    await chat.choose("Kembali")
    assert "Jenis kelamin Bapak/Ibu?" in chat.text
    await answer_profile_and_unsur(chat)
    await chat.choose("Lewati")
    await chat.choose("Ubah jawaban")
    await chat.choose("U3")
    await chat.type("1")
    assert "Mohon periksa kembali" in chat.text  # straight back to the review
    assert "U3 Waktu Penyelesaian: 1 · Tidak cepat" in chat.text
    assert "Saran: (tidak ada)" in chat.text
    await chat.choose("Kirim")
    [row] = await stored(db)
    assert row[9] == 1
    assert row[6] is None


async def test_cancel_anywhere_stores_nothing(chat, db):
    await start_survey(chat)
    await chat.type("batal")
    assert "dibatalkan" in chat.text
    await chat.type("survei")
    assert "Apakah Bapak/Ibu bersedia" in chat.text  # a fresh survey, not the cancelled one
    assert await stored(db) == []


async def test_declining_consent_returns_to_the_menu(chat, db):
    await chat.type("survei")
    await chat.type("tidak")
    assert "kapan saja melalui menu" in chat.text
    assert await stored(db) == []


async def test_resume_after_a_restart_at_the_same_question(db, content, clock):
    chat = Chat(Engine(db, content, clock=clock))
    await start_survey(chat)
    await chat.choose("Perempuan")
    question = chat.text
    restarted = Chat(Engine(db, content, clock=clock))
    await restarted.type("41")
    assert "pendidikan terakhir" in restarted.text
    assert "Berapa usia" in question


async def test_leaving_for_the_menu_keeps_the_draft(chat):
    await start_survey(chat)
    await chat.type("menu")
    await chat.type("syarat kk")
    await chat.choose("Menu utama")
    await chat.choose("Isi survei kepuasan")
    assert "Melanjutkan survei" in chat.text
    assert "Jenis kelamin" in chat.text


async def test_an_unfinished_survey_expires(chat, clock):
    await chat.type("survei")
    await chat.choose("Ya")
    clock.advance(hours=25)
    await chat.choose("SKTM")
    assert "melewati batas waktu 24 jam" in chat.text
    await chat.choose("Mulai survei baru")
    assert "Apakah Bapak/Ibu bersedia" in chat.text


@pytest.mark.parametrize(
    ("expiry", "later", "said"),
    [
        (timedelta(hours=2), timedelta(hours=3), "2 jam"),
        (timedelta(minutes=30), timedelta(hours=1), "0,5 jam"),
    ],
)
async def test_expiry_is_configurable(db, content, clock, expiry, later, said):
    chat = Chat(Engine(db, content, SurveyPolicy(expiry=expiry), clock=clock))
    await chat.type("survei")
    clock.advance(seconds=later.total_seconds())
    await chat.type("ya")
    assert f"batas waktu {said}" in chat.text


@pytest.mark.parametrize("typed", ["bagus", "😀", "x" * 10_000])
async def test_a_bad_typed_answer_asks_again_with_a_hint(chat, typed):
    await start_survey(chat)
    await chat.choose("Perempuan")
    await chat.type("41")
    await chat.choose("SMP")
    await chat.choose("PNS")
    await chat.type(typed)
    assert "belum kami kenali" in chat.text
    assert "Pertanyaan 6 dari 15" in chat.text


@pytest.mark.parametrize("typed", ["7", "0", "5.", "6)"])
async def test_a_number_that_is_no_score_is_asked_again_with_the_scale(chat, db, typed):
    await start_survey(chat)
    await chat.choose("Perempuan")
    await chat.type("41")
    await chat.choose("SMP")
    await chat.choose("PNS")
    await chat.type(typed)
    assert "angka 1 sampai 4: 1 = Tidak sesuai, 2 = Kurang sesuai" in chat.text
    assert "Pertanyaan 6 dari 15" in chat.text  # still U1: neither answered nor left
    await chat.type("3")
    assert "Pertanyaan 7 dari 15" in chat.text


@pytest.mark.parametrize("age", ["5", "150", "empat puluh", "-3"])
async def test_an_impossible_age_asks_again(chat, age):
    await start_survey(chat)
    await chat.choose("Perempuan")
    await chat.type(age)
    assert "antara 10 dan 120 tahun" in chat.text


async def test_a_button_from_an_earlier_question_changes_nothing(chat, db):
    await start_survey(chat)
    old_button = chat.option("Laki-laki").id
    await chat.choose("Perempuan")
    await chat.press(old_button)
    assert "pertanyaan sebelumnya" in chat.text
    assert "Berapa usia" in chat.text
    await chat.type("41")
    await chat.choose("S1/D4")
    await chat.choose("PNS")
    for answer in UNSUR_ANSWERS:
        await chat.type(answer)
    await chat.choose("Lewati")
    assert "2. Jenis kelamin: Perempuan" in chat.text


@pytest.mark.parametrize("forged", ["sv:zzzzzz:U1:4", "sv:", "sv:abc", "sv:abc:send"])
async def test_forged_survey_buttons_change_nothing(chat, db, forged):
    await chat.press(forged)
    assert "sudah tidak berlaku" in chat.text
    await chat.type("survei")
    await chat.press(forged)
    assert "pertanyaan sebelumnya" in chat.text
    assert await stored(db) == []


@pytest.mark.parametrize("forged", ["restart", "consent:maybe", "review:x", "send", "U1:4"])
async def test_a_forged_button_with_the_drafts_own_nonce_does_not_pass_consent(chat, db, forged):
    await chat.type("survei")
    nonce = chat.option("Ya").id.split(":")[1]
    await chat.press(f"sv:{nonce}:{forged}")
    assert "Apakah Bapak/Ibu bersedia" in chat.text
    assert chat.labels == ["Ya, saya bersedia", "Tidak sekarang"]
    await chat.choose("Ya")
    assert "layanan" in chat.text.lower()
    assert await stored(db) == []


async def test_send_from_an_old_review_message_counts_once(chat, db):
    await fill_to_review(chat)
    send = chat.option("Kirim").id
    await chat.press(send)
    await chat.press(send)
    assert "sudah tidak berlaku" in chat.text
    assert len(await stored(db)) == 1


async def test_a_redelivered_send_counts_once(chat, db):
    await fill_to_review(chat)
    event = chat.event(EventKind.OPTION, chat.option("Kirim").id)
    await chat.send(event)
    assert await chat.engine.handle(event) == []
    assert len(await stored(db)) == 1


async def test_one_unticketed_survey_per_person_per_service_per_day(chat, db, clock):
    await fill_to_review(chat)
    await chat.choose("Kirim")
    await start_survey(chat)
    assert "sudah mengisi survei untuk layanan" in chat.text
    clock.advance(days=1)
    await fill_to_review(chat)
    await chat.choose("Kirim")
    assert len(await stored(db)) == 2


async def test_another_person_is_not_limited(engine, db):
    first = Chat(engine, user="warga-1")
    await fill_to_review(first)
    await first.choose("Kirim")
    other = Chat(engine, user="warga-2")
    await fill_to_review(other)
    await other.choose("Kirim")
    assert "Terima kasih" in other.text
    assert len(await stored(db)) == 2


async def issue_ticket(db, clock, token="t0k3n-abc", service="skpt", days=7) -> int:
    async with db.transaction() as tx:
        return await insert_ticket(
            tx, token, service, clock.now, clock.now + timedelta(days=days), "petugas-1"
        )


async def test_a_ticket_starts_the_survey_with_the_service_filled_in(chat, db, clock):
    ticket_id = await issue_ticket(db, clock)
    await chat.start("t0k3n-abc")
    assert "Apakah Bapak/Ibu bersedia" in chat.text
    await chat.choose("Ya")
    assert "Survei ini untuk layanan: SKPT (Surat Tanah)." in chat.text
    assert "Pertanyaan 1 dari 14" in chat.text
    await fill_after_service(chat)
    await chat.choose("Kirim")
    [row] = await stored(db)
    assert (row[0], row[3], row[4]) == ("skpt", ticket_id, 1)


async def fill_after_service(chat: Chat) -> None:
    await answer_profile_and_unsur(chat)
    await chat.choose("Lewati")


async def test_a_used_ticket_is_refused(engine, db, clock):
    await issue_ticket(db, clock)
    first = Chat(engine, user="warga-1")
    await first.start("t0k3n-abc")
    await first.choose("Ya")
    await fill_after_service(first)
    await first.choose("Kirim")
    second = Chat(engine, user="warga-2")
    await second.start("t0k3n-abc")
    assert "sudah digunakan" in second.text
    assert len(await stored(db)) == 1


async def test_one_ticket_on_two_phones_counts_once(engine, db, clock):
    await issue_ticket(db, clock)
    phones = [Chat(engine, user="hp-1"), Chat(engine, user="hp-2")]
    for phone in phones:
        await phone.start("t0k3n-abc")
        await phone.choose("Ya")
        await fill_after_service(phone)
    await phones[0].choose("Kirim")
    await phones[1].choose("Kirim")
    assert "sudah digunakan" in phones[1].text
    assert len(await stored(db)) == 1


async def test_an_expired_ticket_is_refused(chat, db, clock):
    await issue_ticket(db, clock, days=7)
    clock.advance(days=8)
    await chat.start("t0k3n-abc")
    assert "sudah tidak berlaku" in chat.text


async def test_an_unknown_ticket_is_refused(chat):
    await chat.start("tidak-ada")
    assert "tidak dikenal" in chat.text


async def test_unticketed_surveys_can_be_closed(db, content, clock):
    chat = Chat(Engine(db, content, SurveyPolicy(accept_unticketed=False), clock=clock))
    await chat.type("survei")
    assert "tiket yang diberikan petugas" in chat.text


async def test_stored_answers_feed_the_ikm(chat, db):
    await fill_to_review(chat)
    await chat.choose("Kirim")
    tally = await tally_responses(db)
    assert tally == Tally.from_answers([[int(a) for a in UNSUR_ANSWERS]])


async def test_whatsapp_survey_fits_ten_options_everywhere(engine):
    chat = Chat(engine, channel="whatsapp")
    await chat.type("survei")
    await chat.choose("Ya")
    assert len(chat.options) <= 10
    while "Legalisir Dokumen" not in chat.labels:
        await chat.choose("Berikutnya")
        assert len(chat.options) <= 10
    await chat.choose("Legalisir")
    await fill_after_service(chat)
    await chat.choose("Ubah jawaban")
    assert len(chat.options) <= 10


async def test_a_question_in_the_middle_of_the_survey_is_answered_and_the_draft_kept(chat):
    await start_survey(chat)
    await chat.type("syarat surat ahli waris apa aja")
    assert "AHLI WARIS" in chat.text
    assert "tetap tersimpan" in chat.text
    await chat.type("survei")
    assert "Jenis kelamin" in chat.text
