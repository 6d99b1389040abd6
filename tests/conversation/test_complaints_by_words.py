"""A complaint told in words, anywhere, reaches the complaint form with its words as the draft."""

import pytest

from tests.conversation.chat import Chat


async def complaints(db) -> list[tuple[str, str]]:
    return [tuple(row) for row in await db.fetch_all("SELECT kind, text FROM complaints")]


@pytest.mark.parametrize(
    "typed",
    [
        "petugasnya judes",
        "antre lama sekali",
        "saya dimintai uang waktu urus surat pindah",
        "mau komplain soal surat pindah yang lama banget",
    ],
)
async def test_a_complaint_typed_at_the_menu_becomes_the_draft(chat, db, typed):
    await chat.start()
    await chat.type(typed)
    assert "Pengaduan Bapak/Ibu:" in chat.text
    assert typed in chat.text
    assert "Persyaratan" not in chat.text  # never answered with a service
    assert chat.labels == ["Kirim", "Ubah", "Menu utama"]
    assert await complaints(db) == []  # nothing is sent before the person confirms
    await chat.choose("Kirim")
    assert await complaints(db) == [("complaint", typed)]


@pytest.mark.parametrize("typed", ["pengaduan", "komplain", "mau lapor", "mengadu", "Lapor!"])
async def test_naming_a_complaint_opens_the_form_without_a_draft(chat, db, typed):
    await chat.type(typed)
    assert "Silakan tulis pengaduan" in chat.text
    await chat.type("Loket tutup jam 10 padahal hari Senin")
    assert '"Loket tutup jam 10 padahal hari Senin"' in chat.text
    await chat.choose("Kirim")
    assert await complaints(db) == [("complaint", "Loket tutup jam 10 padahal hari Senin")]


async def test_the_draft_can_be_changed_before_it_is_sent(chat, db):
    await chat.type("petugasnya judes")
    await chat.choose("Ubah")
    assert "ketik ulang pengaduan" in chat.text
    await chat.type("Petugas loket membentak saya kemarin pukul 10")
    await chat.choose("Kirim")
    assert await complaints(db) == [("complaint", "Petugas loket membentak saya kemarin pukul 10")]


async def test_the_receipt_says_when_and_names_the_national_channel(chat):
    await chat.type("petugasnya judes")
    await chat.choose("Kirim")
    assert "paling lambat 5 hari kerja" in chat.text
    assert "SP4N-LAPOR! (lapor.go.id)" in chat.text
    # The answer time is the unit's to confirm: said once, with the phone to ask.
    assert chat.text.count("belum dikonfirmasi kantor; mohon pastikan ke (0541) 671505") == 1


async def test_moving_to_report_to_a_service_is_not_a_complaint(chat):
    await chat.type("baru pindah datang dari balikpapan lapor kemana")
    assert "Pengaduan Bapak/Ibu" not in chat.text
    assert "Silakan tulis pengaduan" not in chat.text


async def test_a_complaint_during_the_survey_keeps_the_survey(chat, db):
    await chat.type("survei")
    await chat.choose("Ya")
    await chat.type("ktp")
    await chat.type("antrinya lama banget tadi")
    assert "Pengaduan Bapak/Ibu:" in chat.text
    await chat.choose("Kirim")
    assert len(await complaints(db)) == 1
    await chat.type("survei")
    assert "Jenis kelamin" in chat.text


async def test_a_stale_send_button_sends_nothing(chat: Chat, db):
    await chat.type("petugasnya judes")
    send = chat.option("Kirim").id
    await chat.choose("Kirim")
    await chat.press(send)
    assert len(await complaints(db)) == 1
    assert "tidak berlaku" in chat.text


@pytest.mark.parametrize("typed", ["kirim", "1", "Kirim."])
async def test_the_draft_is_sent_by_typing_the_options_word_or_number(chat, db, typed):
    await chat.type("petugasnya judes")
    await chat.type(typed)
    assert await complaints(db) == [("complaint", "petugasnya judes")]


@pytest.mark.parametrize("answers_before", [[], ["laki", "30", "sma"]])
async def test_a_complaint_at_a_free_text_question_is_not_taken_as_an_answer(
    chat, db, answers_before
):
    # At the service question a search, and at Pekerjaan "Lainnya", would take any words.
    await chat.type("survei")
    await chat.choose("Ya")
    if answers_before:
        await chat.type("ktp")
    for typed in answers_before:
        await chat.type(typed)
    await chat.type("petugasnya judes sekali")
    assert "Pengaduan Bapak/Ibu:" in chat.text
    await chat.choose("Kirim")
    await chat.type("survei")
    assert ("Apa pekerjaan utama" if answers_before else "Layanan apa") in chat.text


async def test_at_the_behaviour_question_a_complaint_word_is_the_rating(chat, db):
    await chat.type("survei")
    await chat.choose("Ya")
    for typed in ["ktp", "laki", "30", "sma", "tani", "4", "4", "4", "4", "4", "4", "judes"]:
        await chat.type(typed)
    assert "Pengaduan Bapak/Ibu" not in chat.text
    assert "Pertanyaan 13 dari 15" in chat.text
