"""The option id codec: every kind round-trips, nothing unknown decodes, nothing too long leaves."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm_core.conversation.option_ids import (
    MAX_BYTES,
    RESERVED_STEP_IDS,
    CaseChoice,
    ComplaintDraft,
    ComplaintStart,
    Destination,
    DraftAction,
    Go,
    HeldMessage,
    OptionId,
    OptionIdTooLong,
    Section,
    SectionChoice,
    ServiceChoice,
    ServicesPage,
    SurveyAct,
    SurveyAction,
    SurveyAnswer,
    SurveyEdit,
    SurveyPage,
    TicketPage,
    TicketService,
    UnitChoice,
    UnitsPage,
    Up,
    decode,
    encode,
)

ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
pages = st.integers(min_value=0, max_value=999)
nonces = st.from_regex(r"[0-9a-f]{6}", fullmatch=True)
steps = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,15}|U[1-9]", fullmatch=True).filter(
    lambda s: s not in RESERVED_STEP_IDS
) | st.sampled_from(["consent", "service"])
values = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)

options: st.SearchStrategy[OptionId] = st.one_of(
    st.builds(Go, st.sampled_from(Destination)),
    st.just(Up()),
    st.builds(ServicesPage, pages),
    st.builds(ServiceChoice, ids),
    st.builds(SectionChoice, ids, st.sampled_from(Section)),
    st.builds(CaseChoice, ids, st.integers(min_value=0, max_value=99)),
    st.builds(ComplaintStart, ids),
    st.builds(ComplaintDraft, st.sampled_from(DraftAction)),
    st.builds(TicketService, ids),
    st.builds(TicketPage, pages),
    st.builds(UnitChoice, ids),
    st.builds(UnitsPage, pages),
    st.builds(SurveyAnswer, nonces, steps, values),
    st.builds(SurveyAction, nonces, st.sampled_from(SurveyAct)),
    st.builds(SurveyPage, nonces, pages),
    st.builds(SurveyEdit, nonces, values),
    st.builds(HeldMessage, st.integers(min_value=0, max_value=10**17)),
)


@given(options)
def test_every_option_id_reads_back_as_itself(option: OptionId) -> None:
    assert decode(encode(option)) == option


@given(options)
def test_every_encoded_id_fits_telegram_callback_data(option: OptionId) -> None:
    assert len(encode(option).encode("utf-8")) <= MAX_BYTES


@given(st.text(max_size=80))
def test_any_text_decodes_to_an_option_or_nothing_and_never_raises(text: str) -> None:
    option = decode(text)
    if option is not None:
        assert encode(option) == text


@pytest.mark.parametrize(
    ("wire", "option"),
    [
        ("menu", Go(Destination.MENU)),
        ("survey", Go(Destination.SURVEY)),
        ("back", Up()),
        ("page:2", ServicesPage(2)),
        ("svc:kk", ServiceChoice("kk")),
        ("sec:kk:proc", SectionChoice("kk", Section.PROCEDURE)),
        ("case:kk:1", CaseChoice("kk", 1)),
        ("cmp:question", ComplaintStart("question")),
        ("cmpd:send", ComplaintDraft(DraftAction.SEND)),
        ("tkt:ktp", TicketService("ktp")),
        ("tkp:1", TicketPage(1)),
        ("unit:muara-jawa", UnitChoice("muara-jawa")),
        ("upg:2", UnitsPage(2)),
        ("units", Go(Destination.UNITS)),
        ("sv:ab12cd:consent:yes", SurveyAnswer("ab12cd", "consent", "yes")),
        ("sv:ab12cd:U3:4", SurveyAnswer("ab12cd", "U3", "4")),
        ("sv:ab12cd:back", SurveyAction("ab12cd", SurveyAct.PREVIOUS)),
        ("sv:ab12cd:change", SurveyAction("ab12cd", SurveyAct.CHANGE)),
        ("sv:ab12cd:page:1", SurveyPage("ab12cd", 1)),
        ("sv:ab12cd:edit:U3", SurveyEdit("ab12cd", "U3")),
        ("outbox:42", HeldMessage(42)),
    ],
)
def test_ids_sent_before_the_codec_read_as_they_always_meant(wire: str, option: OptionId) -> None:
    assert decode(wire) == option
    assert encode(option) == wire


@pytest.mark.parametrize(
    "wire",
    [
        "sv:ab12cd:restart",
        "sv:ab12cd:review:x",
        "sv:ab12cd:back:1",
        "sv:ab12cd:page:x",
        "sv:ab12cd:U3",
        "sec:kk:nowhere",
        "svc:",
        "svc:KK",
        "page:-1",
        "page:0001",
        "cmpd:burn",
        "case:kk:",
        "outbox:",
        "",
        "Menu",
    ],
)
def test_forged_or_mangled_ids_decode_to_nothing(wire: str) -> None:
    assert decode(wire) is None


def test_an_id_longer_than_telegram_allows_is_refused_when_encoded() -> None:
    answer = SurveyAnswer("ab12cd", "a" * 30, "b" * 30)
    with pytest.raises(OptionIdTooLong, match="64"):
        encode(answer)


def test_a_value_that_would_not_read_back_is_refused_when_encoded() -> None:
    with pytest.raises(ValueError, match="faithful"):
        encode(ServiceChoice("kk:proc"))
    with pytest.raises(ValueError, match="faithful"):
        encode(SurveyAnswer("ab12cd", "review", "x"))
