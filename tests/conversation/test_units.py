"""A citizen in a deployment of several units: how a unit is reached, kept and changed, and
that what is said and stored there is that unit's."""

import itertools
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.content import Content
from skm_core.conversation import EventKind
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from skm_core.storage.responses import tally_responses
from skm_core.storage.tickets import insert_ticket
from skm_core.tickets import poster_payload, unit_payload
from tests.conversation.chat import Chat, Clock
from tests.conversation.test_survey import answer_profile_and_unsur
from tests.conversation.units import three_units

_people = itertools.count()
CHOICE = ["Kecamatan Sangasanga", "Kecamatan Anggana", "Kecamatan Muara Jawa"]


def units_engine(db: Database, content: Content, clock: Clock) -> Engine:
    deployment = three_units(content)
    return Engine(db, deployment.units[0], clock=clock, deployment=deployment)


@pytest.fixture
def engine(db: Database, content: Content, clock: Clock) -> Engine:
    return units_engine(db, content, clock)


async def state_of(db: Database, user: str = "warga-1") -> str:
    [(state,)] = await db.fetch_all("SELECT state FROM conversations WHERE user_key = ?", (user,))
    return str(state)


async def test_a_new_citizen_is_asked_which_kecamatan(chat: Chat) -> None:
    await chat.start()
    assert "Selamat datang" in chat.text
    assert "Kabupaten Kutai Kartanegara" in chat.text
    assert "pilih kecamatan" in chat.text
    assert chat.labels == CHOICE


async def test_a_first_question_before_any_unit_gets_the_choice(chat: Chat) -> None:
    await chat.type("syarat kk")
    assert chat.labels == CHOICE


async def test_a_unit_is_picked_by_its_number(chat: Chat) -> None:
    await chat.start()
    await chat.type("2")
    assert "Selamat datang di layanan informasi Kecamatan Anggana" in chat.text
    assert "Ganti kecamatan" in chat.labels


async def test_a_unit_is_picked_by_its_button(chat: Chat) -> None:
    await chat.start()
    await chat.choose("Kecamatan Muara Jawa")
    assert "Kecamatan Muara Jawa" in chat.text


async def test_a_unit_is_picked_by_its_name_typed_with_a_typo(chat: Chat) -> None:
    await chat.start()
    await chat.type("kec angana")
    assert "Selamat datang di layanan informasi Kecamatan Anggana" in chat.text


async def test_words_naming_no_unit_are_answered_with_the_choice_again(chat: Chat) -> None:
    await chat.start()
    await chat.type("tenggarong")
    assert "belum mengenali kecamatan" in chat.text
    assert chat.labels == CHOICE
    await chat.type("9")
    assert chat.labels == CHOICE


@pytest.mark.parametrize("greeting", ["halo", "Menu", "/start"])
async def test_a_greeting_at_the_choice_is_welcomed_not_refused(chat: Chat, greeting: str) -> None:
    await chat.start()
    await chat.type(greeting)
    assert "Selamat datang" in chat.text
    assert "belum mengenali" not in chat.text
    assert chat.labels == CHOICE


async def test_a_deep_link_opens_its_unit_without_the_choice(chat: Chat) -> None:
    await chat.start(unit_payload("muara-jawa"))
    assert "Selamat datang di layanan informasi Kecamatan Muara Jawa" in chat.text
    assert "Informasi layanan" in chat.labels


async def test_a_units_poster_opens_its_survey(chat: Chat) -> None:
    await chat.start(poster_payload("anggana"))
    assert "Apakah Bapak/Ibu bersedia" in chat.text
    assert "Survei Kepuasan Masyarakat Kecamatan Anggana" in chat.text


async def test_a_ticket_opens_the_survey_of_the_unit_that_issued_it(
    chat: Chat, db: Database, clock: Clock
) -> None:
    async with db.for_unit("muara-jawa").transaction() as tx:
        await insert_ticket(
            tx, "t0k3n-mj", "skpt", clock.now, clock.now + timedelta(days=7), "petugas-1"
        )
    await chat.start("t0k3n-mj")
    assert "Survei Kepuasan Masyarakat Kecamatan Muara Jawa" in chat.text
    assert '"unit":"muara-jawa"' in await state_of(db)


async def test_a_ticket_nobody_issued_is_refused_with_the_choice(chat: Chat) -> None:
    await chat.start("no-such-ticket")
    assert "Tautan survei ini tidak dikenal" in chat.text
    assert chat.labels == CHOICE


async def test_the_unit_is_kept_for_the_conversation(chat: Chat) -> None:
    await chat.start(unit_payload("anggana"))
    await chat.type("menu")
    await chat.choose("Kontak & pengaduan")
    assert "Kantor Camat Anggana" in chat.text
    await chat.start()
    assert "Kecamatan Anggana" in chat.text
    assert "Informasi layanan" in chat.labels


@pytest.mark.parametrize("word", ["ganti kecamatan", "Kecamatan lain"])
async def test_a_word_changes_the_unit(chat: Chat, word: str) -> None:
    await chat.start(unit_payload("anggana"))
    await chat.type(word)
    assert chat.labels == CHOICE
    await chat.type("muara jawa")
    assert "Kecamatan Muara Jawa" in chat.text


async def test_the_menus_option_changes_the_unit(chat: Chat) -> None:
    await chat.start(unit_payload("anggana"))
    await chat.choose("Ganti kecamatan")
    assert chat.labels == CHOICE
    await chat.choose("Kecamatan Sangasanga")
    assert "Kecamatan Sangasanga" in chat.text


async def test_a_restart_keeps_the_chosen_unit(
    db: Database, content: Content, clock: Clock
) -> None:
    await Chat(units_engine(db, content, clock)).start(unit_payload("muara-jawa"))
    again = Chat(units_engine(db, content, clock))
    await again.type("menu")
    await again.choose("Kontak & pengaduan")
    assert "Kantor Camat Muara Jawa" in again.text


async def test_a_survey_finished_in_a_unit_is_stored_as_that_units(
    chat: Chat, db: Database
) -> None:
    await chat.start(unit_payload("anggana"))
    await chat.type("survei")
    await chat.choose("Ya, saya bersedia")
    await chat.choose("SKTM")
    await answer_profile_and_unsur(chat)
    await chat.choose("Lewati")
    await chat.choose("Kirim")
    assert "Terima kasih" in chat.text
    assert (await tally_responses(db.for_unit("anggana"))).respondents == 1
    assert (await tally_responses(db.for_unit("sangasanga"))).respondents == 0
    assert (await tally_responses(db.for_unit("muara-jawa"))).respondents == 0
    rows = await db.fetch_all("SELECT unit_id, service_id FROM survey_responses")
    assert rows == [("anggana", "sktm")]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200))
async def test_any_text_at_the_choice_is_answered_in_indonesian(engine: Engine, text: str) -> None:
    # A new person each time: an earlier example may have picked a unit.
    chat = Chat(engine, user=f"warga-acak-{next(_people)}")
    await chat.start()
    assert chat.labels == CHOICE
    replies = await chat.send(chat.event(EventKind.TEXT, text))
    assert replies
    said = chat.text
    assert "Bapak/Ibu" in said
    assert "Kecamatan" in said or "kecamatan" in said
    assert chat.labels == CHOICE or "Ganti kecamatan" in chat.labels


async def test_with_one_unit_there_is_no_choice_and_no_change_word(
    db: Database, content: Content, clock: Clock
) -> None:
    chat = Chat(Engine(db, content, clock=clock))
    await chat.start()
    assert "Selamat datang di layanan informasi Kecamatan Sangasanga" in chat.text
    assert "Ganti kecamatan" not in chat.labels
    await chat.type("ganti kecamatan")
    assert "pilih kecamatan" not in chat.text
    await chat.start(unit_payload("anggana"))
    assert "Tautan survei ini tidak dikenal" in chat.text
    assert '"unit"' not in await state_of(db)


async def test_the_plain_poster_opens_the_survey_once_a_unit_is_picked(chat: Chat) -> None:
    """The counter's poster of a deployment of several units names none: the person picks
    their kecamatan (paging or a typo on the way keeps the purpose), then the survey opens."""
    await chat.start(poster_payload(None))
    assert chat.labels[:3] == CHOICE
    await chat.type("muara jwa")
    assert "Apakah Bapak/Ibu bersedia" in chat.text
    assert "Survei Kepuasan Masyarakat Kecamatan Muara Jawa" in chat.text


async def test_a_link_without_a_unit_opens_the_menu_once_a_unit_is_picked(chat: Chat) -> None:
    await chat.start()
    await chat.choose("Kecamatan Anggana")
    assert "Apakah Bapak/Ibu bersedia" not in chat.text
    assert "Ganti kecamatan" in chat.labels
