"""What citizens write is cleaned before it is kept: control characters, and length."""

from skm_core.clean_text import clean_text
from tests.conversation.chat import Chat
from tests.conversation.test_survey import answer_profile_and_unsur, start_survey
from tests.test_clean_text import BAD


async def test_a_suggestion_is_cleaned_where_it_is_given(chat, db):
    await start_survey(chat)
    await answer_profile_and_unsur(chat)
    await chat.type(BAD)
    await chat.choose("Kirim")
    [(suggestion,)] = await db.fetch_all("SELECT suggestion FROM survey_responses")
    assert suggestion == clean_text(BAD)


async def test_a_suggestion_of_only_control_characters_is_asked_again(chat, db):
    await start_survey(chat)
    await answer_profile_and_unsur(chat)
    await chat.type("\x00\x01\x02")
    assert "Apakah ada saran" in chat.text
    await chat.choose("Lewati")
    await chat.choose("Kirim")
    assert await db.fetch_all("SELECT suggestion FROM survey_responses") == [(None,)]


async def test_a_complaint_is_cleaned_where_it_is_given(engine, db):
    citizen = Chat(engine, user="warga-9")
    await citizen.type("menu")
    await citizen.choose("Kontak")
    await citizen.choose("Kirim pengaduan")
    await citizen.type(BAD)
    await citizen.choose("Kirim")
    [(text,)] = await db.fetch_all("SELECT text FROM complaints")
    assert text == clean_text(BAD).strip()
