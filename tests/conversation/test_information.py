"""Service information in the conversation: menu, list, details, questions, and odd input."""

from collections import deque

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skm_core.content import Content
from skm_core.conversation import Event, EventKind
from skm_core.conversation.dialogue import Dialogue
from skm_core.conversation.engine import Engine
from skm_core.conversation.state import DialogState
from skm_core.conversation.survey import StepContext
from skm_core.search import ServiceSearch
from tests.conversation.chat import CHANNEL_PROFILES, Chat, Clock

MENU = [
    "Informasi layanan",
    "Isi survei kepuasan",
    "Alur pelayanan",
    "Kontak & pengaduan",
    "Bantuan",
]


async def test_start_greets_and_shows_the_menu(chat):
    await chat.start()
    assert "Selamat datang" in chat.text
    assert chat.labels == MENU


async def test_requirements_of_a_service_by_menu(chat):
    await chat.start()
    await chat.choose("Informasi layanan")
    await chat.choose("SKTM")
    assert "LEGALISASI SURAT KETERANGAN TIDAK MAMPU" in chat.text
    assert "Persyaratan:" in chat.text
    assert "1. SKTM asli" in chat.text
    assert (
        "belum dikonfirmasi kantor; mohon pastikan ke (0541) 671505" in chat.text
    )  # the content is not yet confirmed by the unit
    assert "Kembali" in chat.labels and "Menu utama" in chat.labels


@pytest.mark.parametrize("channel", sorted(CHANNEL_PROFILES))
def test_every_service_is_within_three_steps_of_the_menu(content: Content, channel: str):
    dialogue = Dialogue(content, ServiceSearch(content.services, content.search, content.referrals))
    ctx = StepContext(now=Clock().now, profile=CHANNEL_PROFILES[channel], channel=channel)
    reached: dict[str, int] = {}
    queue = deque([(DialogState(), 0)])
    seen = {DialogState().to_json()}
    while queue:
        state, depth = queue.popleft()
        if depth == 3:
            continue
        view = dialogue.screens.render(state, ctx.profile)
        for option in view.options:
            if option.id.startswith("sv:") or option.id == "survey":
                continue
            outcome = dialogue.step(
                state, Event(channel, "u", "e", EventKind.OPTION, option.id), ctx
            )
            new = outcome.state
            if new.screen == "service" and new.service_id:
                reached.setdefault(new.service_id, depth + 1)
            key = new.to_json()
            if key not in seen:
                seen.add(key)
                queue.append((new, depth + 1))
    assert set(reached) == {s.id for s in content.services}
    assert max(reached.values()) <= 3


async def test_whatsapp_pages_the_list_within_ten_options(engine):
    chat = Chat(engine, channel="whatsapp")
    await chat.start()
    await chat.choose("Informasi layanan")
    assert len(chat.options) <= 10
    assert "Halaman 1 dari 2" in chat.text
    await chat.choose("Berikutnya")
    assert "Legalisir Dokumen" in chat.labels
    assert len(chat.options) <= 10


async def test_long_texts_are_split_to_fit_the_channel(engine):
    chat = Chat(engine, channel="whatsapp")
    await chat.press("sec:ktp-el:legal")
    assert len(chat.last) >= 2
    assert all(len(reply.text) <= CHANNEL_PROFILES["whatsapp"].max_text for reply in chat.last)
    assert chat.last[-1].options and not chat.last[0].options


async def test_sections_and_back(chat):
    await chat.type("surat pindah")
    await chat.choose("Prosedur")
    assert "Prosedur:" in chat.text
    await chat.choose("Kembali")
    assert "Persyaratan:" in chat.text
    await chat.choose("Kembali")
    assert "Surat Keterangan Pindah" in chat.labels
    await chat.type("kembali")
    assert chat.labels == MENU


async def test_time_cost_product_and_place(chat):
    await chat.type("kartu kuning")
    await chat.choose("Waktu, biaya & produk")
    assert "Biaya:" in chat.text and "Produk layanan:" in chat.text
    await chat.choose("Tempat & jam layanan")
    assert "Jam layanan:" in chat.text and "Jumat" in chat.text


async def test_typed_number_and_typed_words_choose_options(chat):
    await chat.start()
    await chat.type("1")
    assert "Silakan pilih layanan" in chat.text
    await chat.type("menu utama")
    assert chat.labels == MENU
    await chat.type("alur pelayanan")
    assert "Portir" in chat.text and "± 58 menit" in chat.text


async def test_a_number_not_on_screen_says_which_numbers_are(chat):
    await chat.start()
    await chat.type("9")
    assert "Nomor 9 tidak ada dalam pilihan" in chat.text
    assert chat.labels == MENU


async def test_a_confident_question_goes_straight_to_the_service(chat):
    await chat.start()
    await chat.type("syarat ahli waris apa aja pak")
    assert "AHLI WARIS" in chat.text


async def test_an_uncertain_question_offers_the_closest(chat):
    await chat.type("surat keterangan")
    assert "belum yakin" in chat.text
    assert "Daftar layanan" in chat.labels
    assert len(chat.options) >= 3


async def test_an_unknown_question_says_so_and_offers_a_person(chat):
    await chat.type("berapa harga cabai hari ini")
    assert "belum menemukan layanan" in chat.text
    assert chat.labels == ["Daftar layanan", "Tanya petugas", "Menu utama"]


async def test_contacts_and_complaint_channels(chat):
    await chat.start()
    await chat.choose("Kontak & pengaduan")
    assert "(0541) 671505" in chat.text
    assert "sangasanga@kutaikartanegarakab.go.id" in chat.text
    assert "SP4N-LAPOR!" in chat.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("menu", "Silakan pilih menu"),
        ("/menu", "Silakan pilih menu"),
        ("MENU", "Silakan pilih menu"),
        ("bantuan", "Cara menggunakan"),
        ("/bantuan@SkmSangasangaBot", "Cara menggunakan"),
        ("batal", "tidak ada yang sedang berjalan"),
        ("survei", "Apakah Bapak/Ibu bersedia"),
        ("layanan", "Silakan pilih layanan"),
        ("halo", "Selamat datang"),
    ],
)
@pytest.mark.parametrize("channel", ["telegram", "whatsapp", "terminal"])
async def test_command_words_work_on_every_channel(engine, channel, typed, expected):
    chat = Chat(engine, channel=channel)
    await chat.type(typed)
    assert expected in chat.text


async def test_commands_as_commands(chat):
    await chat.command("layanan")
    assert "Silakan pilih layanan" in chat.text


async def test_a_repeated_event_is_answered_once_and_changes_nothing(chat, engine):
    event = chat.event(EventKind.TEXT, "1")
    first = await chat.send(event)
    assert "Silakan pilih layanan" in first[0].text
    assert await engine.handle(event) == []
    await chat.type("1")  # the state is still the list, where 1 is the first service
    assert "KARTU KELUARGA" in chat.text


@pytest.mark.parametrize("forged", ["svc:paspor", "sec:kk:xyz", "page:x", "garbage", "", "x" * 500])
async def test_stale_or_forged_options_are_answered_politely(chat, forged):
    await chat.press(forged)
    assert "sudah tidak berlaku" in chat.text
    assert chat.labels == MENU


async def test_an_old_button_still_navigates(chat):
    await chat.type("kk")
    old_section = chat.option("Prosedur").id
    await chat.type("menu")
    await chat.press(old_section)
    assert "Prosedur:" in chat.text


async def test_state_survives_a_restart(db, content, clock):
    first = Chat(Engine(db, content, clock=clock))
    await first.start()
    await first.type("1")
    again = Chat(Engine(db, content, clock=clock))
    await again.type("2")
    assert "KTP" in again.text


odd_inputs = [
    "😀🙏🏽",
    "x" * 10_000,
    "سلام عليكم",
    "\u202eטקסט",
    "a\x00b",
    "   ",
    "\n\n",
    "0",
    "-1",
    "99999999999999999999",
    "/",
    "/unknown",
    "1.",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("text", odd_inputs)
async def test_odd_input_gets_a_reply_with_options(chat, text):
    replies = await chat.type(text)
    assert replies
    assert replies[-1].options


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.tuples(st.just(EventKind.TEXT), st.text(max_size=300)),
            st.tuples(
                st.just(EventKind.OPTION),
                st.sampled_from(
                    [
                        "menu",
                        "back",
                        "info",
                        "flow",
                        "contacts",
                        "help",
                        "survey",
                        "page:1",
                        "svc:kk",
                        "sec:kk:proc",
                        "sv:000000:U1:4",
                        "sv:x",
                        "svc:",
                        "page:99",
                    ]
                ),
            ),
            st.tuples(
                st.just(EventKind.COMMAND),
                st.sampled_from(["start", "menu", "batal", "survei", "x"]),
            ),
            st.tuples(st.just(EventKind.START), st.text(max_size=80)),
        ),
        max_size=12,
    )
)
async def test_any_sequence_of_events_gets_answers_and_never_raises(
    content, tmp_path_factory, events
):
    from skm_core.storage import Database

    async with await Database.open(tmp_path_factory.mktemp("db") / "skm.sqlite3") as db:
        chat = Chat(Engine(db, content, clock=Clock()), channel="whatsapp")
        for kind, value in events:
            replies = await chat.send(chat.event(kind, value))
            assert replies
            assert replies[-1].options
            assert all(len(r.text) <= CHANNEL_PROFILES["whatsapp"].max_text for r in replies)
            assert len(replies[-1].options) <= 10
