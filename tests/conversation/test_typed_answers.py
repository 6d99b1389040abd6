"""Typed answers in the survey, through the engine: words, abbreviations, numbers and ages."""

import json
from datetime import UTC, datetime

import pytest

from skm_core.conversation import Event, EventKind
from skm_core.conversation.channels import profile_for
from skm_core.conversation.dialogue import Dialogue
from skm_core.conversation.state import DialogState, Screen
from skm_core.conversation.survey import StepContext, SurveyDraft
from skm_core.search import ServiceSearch
from tests.conversation.chat import Chat


async def consent(chat: Chat) -> None:
    await chat.type("survei")
    await chat.choose("Ya")


async def profile_row(db) -> dict[str, object]:
    [(profile,)] = await db.fetch_all("SELECT profile FROM survey_responses")
    return json.loads(profile)


async def test_a_service_typed_in_words_answers_the_service_question(chat):
    await consent(chat)
    await chat.type("ktp")
    assert "Pertanyaan 2 dari 15" in chat.text
    assert "Jenis kelamin" in chat.text


async def test_an_uncertain_service_offers_the_closest_as_options(chat):
    await consent(chat)
    await chat.type("surat keterangan")
    assert "Layanan mana yang Bapak/Ibu maksud?" in chat.text
    offered = [label for label in chat.labels if label not in ("Kembali", "Batal")]
    assert 1 < len(offered) <= 5
    await chat.type("1")
    assert "Jenis kelamin" in chat.text


async def test_abbreviations_and_ages_with_words_are_answers(chat):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("pr")
    await chat.type("41 tahun")
    await chat.type("sma")
    assert "Apa pekerjaan utama" in chat.text


async def test_an_ambiguous_reply_is_asked_back_with_the_candidates(chat):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("laki")
    await chat.type("30")
    await chat.type("sederajat")
    assert "SD/Sederajat, SMP/Sederajat atau SMA/Sederajat" in chat.text
    assert "Apa pendidikan terakhir" in chat.text


async def test_a_number_beyond_the_answers_is_never_back(chat):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("3")  # two answers, then "Kembali" and "Batal"
    assert "Nomor 3 tidak ada pada pilihan" in chat.text
    assert "Jenis kelamin" in chat.text


async def test_other_occupation_is_stored_as_lainnya_with_the_words(chat, db):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("laki")
    await chat.type("30")
    await chat.type("smk")
    await chat.choose("Lainnya")
    assert "Sebutkan pekerjaan" in chat.text
    await chat.type("Sopir  angkot")
    for _ in range(9):
        await chat.type("4")
    await chat.choose("Lewati")
    assert "Pekerjaan: Lainnya: Sopir angkot" in chat.text
    await chat.choose("Kirim")
    profile = await profile_row(db)
    assert profile["pekerjaan"] == "lainnya"
    assert profile["pekerjaan_lainnya"] == "Sopir angkot"


async def test_an_occupation_not_in_the_list_is_taken_in_the_persons_words(chat):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("laki")
    await chat.type("30")
    await chat.type("smk")
    await chat.type("guru honorer")
    assert "Pertanyaan 6 dari 15" in chat.text


async def test_choosing_a_listed_occupation_after_lainnya_forgets_the_words(chat):
    await consent(chat)
    await chat.type("ktp")
    await chat.type("laki")
    await chat.type("30")
    await chat.type("smk")
    await chat.type("guru honorer")
    await chat.type("kembali")
    await chat.type("tani")
    assert "Pertanyaan 6 dari 15" in chat.text
    draft = (await chat.engine.db.fetch_all("SELECT state FROM conversations"))[0][0]
    assert "guru honorer" not in draft


@pytest.mark.parametrize("channel", ["telegram", "whatsapp", "terminal"])
async def test_typed_answers_work_the_same_on_every_channel(engine, db, channel):
    chat = Chat(engine, channel=channel, user=f"warga-{channel}")
    await consent(chat)
    for typed in ["ktp", "cewek", "41 thn", "smk"]:
        await chat.type(typed)
    assert "Apa pekerjaan utama" in chat.text
    assert profile_for(channel).max_options is None or len(chat.options) <= 10
    for typed in ["tani", "sgt sesuai", "gampang", "cepet", "gratis", "sesuai", "paham"]:
        await chat.type(typed)
    for typed in ["ramah", "dikelola dengan baik", "bagus", "lewati"]:
        await chat.type(typed)
    await chat.type("kirim")
    profile = await profile_row(db)
    assert profile == {"jenis_kelamin": "p", "usia": 41, "pendidikan": "sma", "pekerjaan": "petani"}
    [answers] = await db.fetch_all(
        "SELECT u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM survey_responses"
    )
    assert tuple(answers) == (4, 3, 3, 4, 3, 3, 3, 4, 3)


@pytest.mark.parametrize("typed", ["1", "lewati", "Lewati."])
async def test_the_skip_option_is_typed_by_its_number_or_word(chat, db, typed):
    await consent(chat)
    for answer in ["ktp", "laki", "30", "sma", "tani", *["4"] * 9]:
        await chat.type(answer)
    await chat.type(typed)
    assert "Saran: (tidak ada)" in chat.text


def test_a_stored_draft_waiting_for_words_the_content_no_longer_asks_for(content):
    now = datetime(2024, 6, 3, tzinfo=UTC)
    draft = SurveyDraft(nonce="abc123", started_at=now, step="jenis_kelamin", specifying=True)
    dialogue = Dialogue(content, ServiceSearch(content.services, content.search))
    ctx = StepContext(now=now, profile=profile_for("telegram"))
    event = Event("telegram", "w", "e1", EventKind.TEXT, "laki")
    after = dialogue.step(DialogState(screen=Screen.SURVEY, survey=draft), event, ctx)
    assert after.state.survey is not None
    assert after.state.survey.profile == {"jenis_kelamin": "l"}
