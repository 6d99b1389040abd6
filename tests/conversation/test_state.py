"""A stored conversation state that no longer validates (after an upgrade) is never thrown
away in silence: what still validates is kept, the rest is logged, and a person whose
unfinished survey could not be carried over is told."""

import json

from hypothesis import given
from hypothesis import strategies as st

from skm_core.conversation.state import DialogState


async def store(db, user: str, state: dict[str, object]) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO conversations (channel, user_key, state, updated_at)"
            " VALUES ('terminal', ?, ?, '2026-11-30T00:00:00Z')",
            (user, json.dumps(state)),
        )


async def test_an_unfinished_survey_that_no_longer_validates_is_ended_with_a_word(
    engine, chat, db, caplog
):
    await store(db, chat.user, {"screen": "survey", "survey": {"step": "u3", "answers": "x"}})
    await chat.type("menu")
    assert "tidak dapat dilanjutkan setelah pembaruan sistem" in chat.last[0].text
    assert "Silakan pilih menu" in chat.text
    assert "no longer validated; left out: survey" in caplog.text
    await chat.type("menu")  # said once: the state stored now validates
    assert "pembaruan sistem" not in chat.text


async def test_what_still_validates_is_kept(engine, chat, db, clock, caplog):
    await chat.type("survei")
    await chat.choose("Ya")
    stored = await db.fetch_one("SELECT state FROM conversations")
    state = json.loads(stored[0])
    state["screen"] = "a-screen-of-an-older-version"
    async with db.transaction() as tx:
        await tx.execute("UPDATE conversations SET state = ?", (json.dumps(state),))
    await chat.type("survei")
    assert "Melanjutkan survei" in chat.text  # the survey was carried over
    assert "pembaruan sistem" not in chat.text
    assert "left out: screen" in caplog.text


@given(st.dictionaries(st.sampled_from(["screen", "page", "survey", "matches", "x"]),
                       st.one_of(st.none(), st.integers(), st.text(max_size=5),
                                 st.lists(st.integers(), max_size=2))))  # fmt: skip
def test_restoring_any_stored_shape_never_fails(data):
    state, dropped = DialogState.restore(json.dumps(data))
    assert isinstance(state, DialogState)
    assert dropped <= {*data, "(all)"}
    assert DialogState.restore(state.to_json()) == (state, frozenset())
