"""Faults: every update delivered twice, and hostile input in the middle of a survey.

The benchmark's own fault run (`python -m bench.kill`) kills the real process; these are the
faults fast enough for the test suite.
"""

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.settings import Settings
from skm_core.clean_text import clean_text
from skm_core.content import Content
from skm_core.conversation import Event, EventKind, Reply
from skm_core.conversation.channels import profile_for
from skm_core.conversation.engine import Engine
from skm_core.storage import Database
from skm_core.tickets import POSTER_PAYLOAD
from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.fakes.offline_bot import offline_bot

CITIZEN = 7301
THANKS = "Terima kasih, penilaian"
ALREADY_TODAY = "sudah mengisi survei untuk layanan"
STORED_ROWS = "SELECT COUNT(*) FROM survey_responses"

# --- every update delivered twice, through the Telegram application ---------------------------

# A visit as a citizen makes it: a look at the services, then a whole survey. Under 30 messages,
# so the shipped rate limiter (30 a second, after a burst of 30) never makes the test wait.
VISIT: list[tuple[str, str]] = [
    ("type", "/start"),
    ("press", "Informasi layanan"),
    ("press", "Kartu Keluarga"),
    ("type", "syarat bikin ktp"),
    ("type", "/survei"),
    ("press", "Ya, saya bersedia"),
    ("press", "SKTM"),
    ("press", "Perempuan"),
    ("type", "37"),
    ("press", "SMA/Sederajat"),
    ("press", "Wirausaha"),
    *[("press", f"{score} ·") for score in (4, 4, 3, 4, 3, 4, 4, 3, 4)],
    ("press", "Lewati"),
    ("press", "Kirim"),
]


@dataclass
class TelegramBot:
    api: FakeBotApi
    application: Any
    db: Database

    def update(self, kind: str, value: str) -> dict[str, Any]:
        if kind == "type":
            return self.api.text_update(CITIZEN, value)
        for label, data in self.api.buttons(CITIZEN):
            if label.startswith(value):
                return self.api.button_update(CITIZEN, data)
        raise AssertionError(f"no button {value!r} in {self.api.buttons(CITIZEN)}")

    async def deliver(self, update: dict[str, Any]) -> None:
        from telegram import Update

        await self.application.process_update(Update.de_json(update, self.application.bot))

    def answers(self) -> list[str]:
        return self.api.texts(CITIZEN)


@pytest.fixture
async def telegram(tmp_path: Path, content: Content) -> AsyncIterator[TelegramBot]:
    settings = Settings(telegram_bot_token=TOKEN, skm_data_dir=tmp_path / "data", _env_file=None)
    api = FakeBotApi()
    async with offline_bot(settings, content, api) as (application, _, runtime):
        yield TelegramBot(api, application, runtime.db)


async def stored_rows(db: Database) -> int:
    row = await db.fetch_one(STORED_ROWS)
    return int(row[0]) if row else 0


async def test_every_update_delivered_twice_at_once_is_answered_and_counted_once(telegram):
    for kind, value in VISIT:
        update = telegram.update(kind, value)
        await telegram.deliver(update)
        await telegram.deliver(update)
    assert len(telegram.answers()) == len(VISIT)
    assert sum(THANKS in text for text in telegram.answers()) == 1
    assert await stored_rows(telegram.db) == 1


async def test_updates_redelivered_late_and_replayed_change_nothing(telegram):
    delivered: list[dict[str, Any]] = []
    for kind, value in VISIT:
        update = telegram.update(kind, value)
        await telegram.deliver(update)
        if delivered:
            await telegram.deliver(delivered[-1])  # the one before, after this one
        delivered.append(update)
    answered = list(telegram.answers())
    for update in delivered:  # a whole backlog delivered again, as after a lost offset
        await telegram.deliver(update)
    assert telegram.answers() == answered
    assert len(answered) == len(VISIT)
    assert sum(THANKS in text for text in answered) == 1
    assert await stored_rows(telegram.db) == 1


# --- the engine under hostile input, in the middle of a survey ---------------------------------

ODD_TEXTS = [
    "😀🙏🏽👨‍👩‍👧",
    "سلام عليكم، ما هي المتطلبات؟",
    "\u202eשלום\u202c 4",
    "\u200f4\u200e",
    "a\x00b",
    "\x00",
    "\ufeff1",
    "４",  # a full-width digit
    "1️⃣",
    "\r\n\t",
    "' OR 1=1; --",
    "{nonce}",
    "%s %(x)s {0}",
]
STEPS = [
    "consent",
    "service",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    *[f"U{i}" for i in range(1, 10)],
    "suggestion",
    "review",
    "change",
    "edit",
    "page",
    "back",
    "send",
    "skip",
    "x",
]
VALUES = ["", "1", "4", "5", "0", "-1", "yes", "no", "kk", "l", "999999999", "../..", "U3"]
PLAIN_OPTIONS = ["menu", "back", "info", "survey", "svc:kk", "sec:kk:proc", "page:99", "cp:x"]
NEXT_PAGE = "Berikutnya"
BACK = "Kembali"
MAX_STEPS_TO_FINISH = 80


long_texts = st.text(min_size=1, max_size=12).map(lambda s: (s * 10_000)[:10_000])
hostile_texts = st.one_of(
    st.text(max_size=300), st.sampled_from(ODD_TEXTS), long_texts, st.just("x" * 10_000)
)
_users = itertools.count(1)


@dataclass
class Citizen:
    """One person in one example; remembers what it was shown, to press it again later."""

    engine: Engine
    channel: str
    user: str
    last: list[Reply] = field(default_factory=list)
    seen_ids: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    thanked: int = 0
    finished: bool = False

    async def send(self, kind: EventKind, value: str = "") -> list[Reply]:
        event = Event(self.channel, self.user, f"{self.user}-{len(self.events)}", kind, value)
        self.events.append(event)
        replies = await self.engine.handle(event)
        check_replies(replies, self.channel)
        self.last = replies
        self.seen_ids += [o.id for r in replies for o in r.options]
        self.thanked += sum(THANKS in r.text for r in replies)
        self.finished = self.finished or any(
            THANKS in r.text or ALREADY_TODAY in r.text for r in replies
        )
        return replies

    async def redeliver(self, event: Event) -> None:
        assert await self.engine.handle(event) == []

    def option(self, label: str) -> str | None:
        options = self.last[-1].options if self.last else ()
        for option in options:
            if option.label.startswith(label):
                return option.id
        return None

    async def follow_script(self) -> None:
        """One step towards a finished survey, from whatever the citizen sees now."""
        for label in SCRIPT:
            chosen = self.option(label)
            if chosen is not None:
                await self.send(EventKind.OPTION, chosen)
                return
        text = "\n".join(r.text for r in self.last)
        back = self.option(BACK)
        if "Berapa usia" in text:
            await self.send(EventKind.TEXT, "41")
        elif (turn := self.option(NEXT_PAGE)) is not None:
            await self.send(EventKind.OPTION, turn)
        elif back is not None and back.startswith("sv:"):
            # Only the list of answers to change has no answer to press: back to the review.
            await self.send(EventKind.OPTION, back)
        else:
            await self.send(EventKind.COMMAND, "survei")


# The first of these labels on screen is pressed: the survey's answers, then its navigation.
SCRIPT = [
    "Ya, saya bersedia",
    "SKTM",
    "Perempuan",
    "SMA/Sederajat",
    "Wirausaha",
    "4 ·",
    # Where the channel numbers options (the terminal), the labels carry no score.
    "Gratis",
    "Dikelola dengan baik",
    "Sangat",
    "Lewati",
    "Kirim",
]


def check_replies(replies: list[Reply], channel: str) -> None:
    """Every input gets an answer that fits the channel and offers a way on."""
    profile = profile_for(channel)
    assert replies
    assert replies[-1].options
    assert all(len(r.text) <= profile.max_text for r in replies)
    for reply in replies:
        assert profile.max_options is None or len(reply.options) <= profile.max_options
        assert all(len(o.id.encode()) <= 64 for o in reply.options)


def nonce_of(citizen: Citizen) -> str:
    for option_id in reversed(citizen.seen_ids):
        if option_id.startswith("sv:"):
            return option_id.split(":")[1]
    return "000000"


async def hostile_event(citizen: Citizen, data: st.DataObject, commands: list[str]) -> None:
    kind = data.draw(
        st.sampled_from(["text", "stale", "forged", "plain", "command", "start", "unreadable"])
    )
    if kind == "text":
        await citizen.send(EventKind.TEXT, data.draw(hostile_texts))
    elif kind == "stale" and citizen.seen_ids:
        await citizen.send(EventKind.OPTION, data.draw(st.sampled_from(citizen.seen_ids)))
    elif kind == "forged":
        step, value = data.draw(st.sampled_from(STEPS)), data.draw(st.sampled_from(VALUES))
        await citizen.send(EventKind.OPTION, f"sv:{nonce_of(citizen)}:{step}:{value}")
    elif kind == "command":
        await citizen.send(EventKind.COMMAND, data.draw(st.sampled_from(commands)))
    elif kind == "start":
        payload = data.draw(st.one_of(st.sampled_from([POSTER_PAYLOAD, "", "x" * 100]), st.text()))
        await citizen.send(EventKind.START, payload)
    elif kind == "unreadable":
        await citizen.send(EventKind.UNREADABLE)
    else:
        await citizen.send(EventKind.OPTION, data.draw(st.sampled_from(PLAIN_OPTIONS)))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_hostile_input_mid_survey_is_answered_and_never_counted_twice(
    db: Database, content: Content, data: st.DataObject
) -> None:
    engine = Engine(db, content)
    channel = data.draw(st.sampled_from(["telegram", "whatsapp", "terminal"]))
    citizen = Citizen(engine, channel, f"fuzz-{next(_users)}")
    menu = content.texts.command_menu
    commands = [*menu.citizen, *menu.petugas, *menu.pejabat, *menu.admin, "menu", "x y z"]
    for _ in range(data.draw(st.integers(0, 12), label="answers before the attack")):
        await citizen.follow_script()
    for _ in range(data.draw(st.integers(1, 12), label="hostile events")):
        if citizen.events and data.draw(st.booleans(), label="redeliver an earlier event") is True:
            await citizen.redeliver(data.draw(st.sampled_from(citizen.events)))
        await hostile_event(citizen, data, commands)
    for _ in range(MAX_STEPS_TO_FINISH):
        if citizen.finished:
            break
        await citizen.follow_script()
    # A survey can always be finished after any of this, and is stored exactly once.
    assert citizen.finished
    for event in citizen.events:
        await citizen.redeliver(event)
    rows = await db.fetch_one(
        "SELECT COUNT(*) FROM survey_responses WHERE respondent_key = ?", (citizen.user,)
    )
    assert rows is not None and rows[0] == citizen.thanked
    assert citizen.thanked <= 1  # the daily limit: one survey per service per person per day


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=hostile_texts)
async def test_any_suggestion_is_stored_as_typed_cleaned_and_within_its_limit(
    db: Database, content: Content, typed: str
) -> None:
    # Led by a word, so that "2" or "menu" is a suggestion and not an option or a command.
    suggestion = f"Saran {typed}"
    citizen = Citizen(Engine(db, content), "telegram", f"saran-{next(_users)}")
    for _ in range(MAX_STEPS_TO_FINISH):
        if citizen.option("Lewati") is not None:
            break
        await citizen.follow_script()
    await citizen.send(EventKind.TEXT, suggestion)
    for _ in range(MAX_STEPS_TO_FINISH):
        if citizen.finished:
            break
        await citizen.follow_script()
    row = await db.fetch_one(
        "SELECT suggestion FROM survey_responses WHERE respondent_key = ?", (citizen.user,)
    )
    assert row is not None
    assert row[0] == clean_text(suggestion.strip(), 1000).strip()


@pytest.mark.parametrize(
    ("answers", "typed"),
    [
        (0, "\u19da"),  # NEW TAI LUE THAM DIGIT ONE, on the menu
        (4, "\U00010a40"),  # KHAROSTHI DIGIT ONE, as the age
        (7, "\u19da"),  # as the answer to U1
        (7, "0" * 4301),  # a longer number than int() reads, as the answer to U1
    ],
)
async def test_typed_digits_that_int_would_refuse_get_an_answer(
    db: Database, content: Content, answers: int, typed: str
) -> None:
    citizen = Citizen(Engine(db, content), "telegram", f"digits-{next(_users)}")
    for _ in range(answers):
        await citizen.follow_script()
    await citizen.send(EventKind.TEXT, typed)
