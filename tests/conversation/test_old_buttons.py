"""Buttons and states from before an update: they work, or get a polite answer, never a crash."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skm_core.conversation import Event, EventKind
from skm_core.conversation.channels import profile_for
from skm_core.conversation.dialogue import Dialogue
from skm_core.conversation.state import DialogState
from skm_core.conversation.survey import StepContext
from skm_core.search import ServiceSearch
from skm_core.storage.conversations import save_state
from tests.conversation.chat import Chat

STARTED = "2024-06-03T00:30:00Z"
# A state as stored before option ids were typed: a survey at U3 and the service page under it.
STORED_SURVEY = (
    '{"screen":"survey","survey":{"nonce":"a1b2c3","started_at":"' + STARTED + '",'
    '"step":"U3","service_id":"sktm","profile":{"jenis_kelamin":"p","usia":41,'
    '"pendidikan":"s1","pekerjaan":"pns"},"answers":{"U1":4,"U2":3}}}'
)
STORED_SERVICE_PAGE = '{"screen":"service","service_id":"kk","section":"proc"}'


async def stored_state(chat: Chat, state: str) -> None:
    async with chat.engine.db.transaction() as tx:
        await save_state(tx, chat.channel, chat.user, state, chat.engine.clock())


async def test_an_answer_button_sent_before_the_update_still_answers(chat, content):
    await stored_state(chat, STORED_SURVEY)
    await chat.press("sv:a1b2c3:U3:4")
    assert content.survey.unsur_by_code("U4").question in chat.text


async def test_an_older_questions_button_in_a_stored_survey_changes_nothing(chat, content):
    await stored_state(chat, STORED_SURVEY)
    await chat.press("sv:a1b2c3:U1:1")
    assert "pertanyaan sebelumnya" in chat.text
    assert content.survey.unsur_by_code("U3").question in chat.text


@pytest.mark.parametrize(
    ("pressed", "shown"),
    [
        ("sec:kk:time", "Waktu"),
        ("back", "KARTU KELUARGA"),
        ("svc:sktm", "SURAT KETERANGAN TIDAK MAMPU"),
        ("page:0", "Silakan pilih layanan"),
    ],
)
async def test_information_buttons_sent_before_the_update_still_lead_there(chat, pressed, shown):
    await stored_state(chat, STORED_SERVICE_PAGE)
    await chat.press(pressed)
    assert shown.casefold() in chat.text.casefold()
    assert "tidak berlaku" not in chat.text


@pytest.mark.parametrize("pressed", ["cp:1", "svc:hapus", "sec:kk:peta", "case:kk:99", "tkt:kk"])
async def test_a_retired_or_unknown_button_gets_the_polite_stale_answer(chat, pressed):
    await stored_state(chat, STORED_SERVICE_PAGE)
    await chat.press(pressed)
    assert "sudah tidak berlaku" in chat.text
    assert chat.labels


STATES = [
    DialogState(),
    DialogState.from_json(STORED_SERVICE_PAGE),
    DialogState.from_json(STORED_SURVEY),
]


@settings(max_examples=300, deadline=None)
@given(
    state=st.sampled_from(STATES),
    pressed=st.one_of(
        st.text(max_size=70),
        st.from_regex(
            r"(sv|svc|sec|case|page|tkt|tkp|cmp|cmpd|outbox):[ -~]{0,40}", fullmatch=True
        ),
        st.from_regex(r"sv:a1b2c3:[A-Za-z0-9:_-]{0,40}", fullmatch=True),
    ),
)
def test_any_pressed_id_in_any_state_gets_an_answer(content, state, pressed):
    dialogue = Dialogue(content, ServiceSearch(content.services, content.search, content.referrals))
    ctx = StepContext(now=datetime(2024, 6, 3, 1, tzinfo=UTC), profile=profile_for("telegram"))
    event = Event("telegram", "warga-1", "e1", EventKind.OPTION, pressed)
    outcome = dialogue.step(state, event, ctx)
    assert outcome.replies
    assert outcome.replies[-1].text
    assert outcome.submissions == []
