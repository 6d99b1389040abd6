"""Isolation between units: whatever an official of one unit asks, on the chat or the web desk,
no answer holds another unit's rows; the kabupaten reads every unit, and one unit's summary
holds only that unit's rows.

A database holds three units' rows, each with markers (complaint texts, suggestions, RTL
activities) that name their unit. Hypothesis picks a unit, a role and a request; every reply,
every exported file and every web page is searched for another unit's markers.

Each unit's desk is driven as the engine drives it: an `Engine` on the unit's scoped database
(as a one-unit deployment runs). The routing of one multi-unit engine between units is tested
with the engine itself, end to end, once the engine's routing is merged.
"""

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from skm_core.content import Content
from skm_core.conversation.engine import Engine
from skm_core.conversation.messages import Reply
from skm_core.desk.kabupaten import KabupatenDesk
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.complaints import add_complaint
from skm_core.storage.followup import add_plan
from skm_core.storage.officials import add_official, list_officials
from skm_core.storage.responses import insert_responses
from skm_core.storage.units import KABUPATEN
from tests.conversation.chat import Chat, Clock
from tests.desk.conftest import enrol
from tests.desk.units import UNITS, kabupaten_says, unit_content
from tests.web.conftest import PUBLIC_URL

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
ROLES = ("admin", "pejabat", "petugas")
CHAT_REQUESTS = (
    "/ringkasan",
    "/ringkasan bulan lalu",
    "/ekspor bulan lalu",
    "/aduan",
    "/rtl",
    "/pejabat",
    "/jadwal",
    "/jawab {other} Terima kasih",
    "/rtl sudah {plan}; Antrean sudah dipercepat",
    "/hapus {official}",
)
WEB_PAGES = (
    "/desk/ringkasan?periode=bulan lalu",
    "/desk/aduan",
    "/desk/rtl",
    "/desk/perintah/pejabat",
)


def markers(unit: str) -> tuple[str, ...]:
    tag = unit.upper().replace("-", "")
    return (f"ADUAN{tag}", f"SARAN{tag}", f"RTL{tag}")


@dataclass
class World:
    db: Database
    engines: dict[str, Engine]
    chats: dict[tuple[str, str], Chat]
    complaints: dict[str, int]
    official_ids: dict[str, set[int]]
    kabupaten: KabupatenDesk
    plans: dict[str, int] = field(default_factory=dict)


async def build_world(db: Database, content: Content, clock: Clock) -> World:
    engines: dict[str, Engine] = {}
    chats: dict[tuple[str, str], Chat] = {}
    complaints: dict[str, int] = {}
    official_ids: dict[str, set[int]] = {}
    plans: dict[str, int] = {}
    contents = {unit: unit_content(content, unit) for unit in UNITS}
    for unit in UNITS:
        scoped = db.for_unit(unit)
        admin_key = ("telegram", f"admin-{unit}")
        engine = Engine(
            scoped,
            contents[unit],
            clock=clock,
            admin_keys=frozenset({admin_key}),
            public_url=PUBLIC_URL,
        )
        await engine.register_admins({admin_key: f"chat-admin-{unit}"})
        engines[unit] = engine
        admin = Chat(engine, channel="telegram", user=f"admin-{unit}")
        chats[(unit, "admin")] = admin
        for role in ("pejabat", "petugas"):
            chats[(unit, role)] = await enrol(admin, engine, role, f"{role}-{unit}")
        aduan, saran, rtl = markers(unit)
        async with scoped.transaction() as tx:
            complaints[unit] = await add_complaint(
                tx, "telegram", f"warga-{unit}", f"chat-warga-{unit}", "complaint", aduan, NOW
            )
            await insert_responses(
                tx,
                [
                    SurveyResponse(
                        submitted_at=datetime(2026, 11, day, 10, tzinfo=WITA),
                        channel="telegram",
                        answers=(4, 3, 3, 4, 4, 4, 4, 3, 4),
                        service_id="kk",
                        suggestion=f"{saran} nomor {day}",
                    )
                    for day in range(1, 8)
                ],
            )
            plans[unit] = await add_plan(
                tx, date(2026, 11, 1), date(2026, 11, 30), "U3", rtl, "Desember 2026",
                date(2026, 12, 31), "Kasi Pelayanan", NOW, "pejabat",
            )  # fmt: skip
        official_ids[unit] = {o.id for o in await list_officials(scoped)}
    kabupaten_db = db.for_unit(KABUPATEN)
    async with kabupaten_db.transaction() as tx:
        await add_official(tx, "telegram", "bupati-org", "chat-org", "pejabat", NOW)
    desk = KabupatenDesk(db, contents, "Kabupaten Kutai Kartanegara", WITA)
    return World(db, engines, chats, complaints, official_ids, desk, plans)


def reply_texts(replies: Sequence[Reply]) -> list[str]:
    """Every text an official is given: the messages, and what every file holds."""
    found = []
    for reply in replies:
        found.append(reply.text)
        attachment = reply.attachment
        if attachment is None:
            continue
        data = attachment.data
        if data[:2] == b"PK":  # a workbook: its sheets are XML inside a zip
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                found += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        elif data[:4] == b"%PDF":  # its text is in compressed streams, in subset fonts
            found += [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        else:
            found.append(data.decode("utf-8", "replace"))
    return found


def foreign_markers(texts: Sequence[str], own: str | None) -> list[str]:
    return [
        marker
        for unit in UNITS
        if unit != own
        for marker in markers(unit)
        if any(marker in text for text in texts)
    ]


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def world(db: Database, content: Content, clock: Clock) -> World:
    return await build_world(db, content, clock)


def other_unit(unit: str, pick: int) -> str:
    others = [u for u in UNITS if u != unit]
    return others[pick % len(others)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    unit=st.sampled_from(sorted(UNITS)),
    role=st.sampled_from(ROLES),
    request=st.sampled_from(CHAT_REQUESTS),
    pick=st.integers(0, 1),
)
async def test_no_chat_answer_to_a_units_official_holds_another_units_rows(
    world, unit, role, request, pick
):
    elsewhere = other_unit(unit, pick)
    chat = world.chats[(unit, role)]
    asked = request.format(
        other=world.complaints[elsewhere],
        plan=world.plans[elsewhere],
        official=min(world.official_ids[elsewhere]),
    )
    replies = await chat.type(asked)
    texts = reply_texts(replies)
    assert foreign_markers(texts, unit) == []
    # Nor did anything asked in one unit change another's rows.
    assert await untouched(world, elsewhere)
    listed = {int(n) for text in texts for n in re.findall(r"\[(\d+)\]", text)}
    if request == "/pejabat" and role == "admin":
        assert listed and listed <= world.official_ids[unit]


async def untouched(world: World, unit: str) -> bool:
    complaint = await world.db.fetch_one(
        "SELECT answered_at FROM complaints WHERE id = ?", (world.complaints[unit],)
    )
    plan = await world.db.fetch_one(
        "SELECT status FROM follow_up_plans WHERE id = ?", (world.plans[unit],)
    )
    officials = await world.db.fetch_all("SELECT id FROM officials WHERE unit_id = ?", (unit,))
    return (
        complaint == (None,)
        and plan == ("planned",)
        and {int(r[0]) for r in officials} == world.official_ids[unit]
    )


async def test_a_units_official_sees_their_own_units_rows(world):
    for unit in UNITS:
        aduan, saran, rtl = markers(unit)
        pejabat = world.chats[(unit, "pejabat")]
        assert aduan in "\n".join(reply_texts(await pejabat.type("/aduan")))
        assert rtl in "\n".join(reply_texts(await pejabat.type("/rtl")))
        assert saran in "\n".join(reply_texts(await pejabat.type("/ringkasan bulan lalu")))
        exported = reply_texts(await pejabat.type("/ekspor bulan lalu"))
        # The CSV, the workbook and the PDF each hold the unit's own suggestions.
        assert sum(saran in text for text in exported) >= 3


async def test_another_units_complaint_is_not_found_by_its_number(world):
    number = world.complaints["anggana"]
    pejabat = world.chats[("sangasanga", "pejabat")]
    await pejabat.type(f"/jawab {number} Sudah kami tindak lanjuti")
    assert f"Pengaduan #{number} tidak ditemukan" in pejabat.text
    # Anggana's complaint is still waiting for Anggana's answer.
    anggana = world.chats[("anggana", "pejabat")]
    await anggana.type("/aduan")
    assert markers("anggana")[0] in anggana.text


KABUPATEN_REQUESTS = (
    "/ringkasan {unit} bulan lalu",
    "/ekspor {unit} bulan lalu",
    "/ringkasan bulan lalu",
    "/ekspor bulan lalu",
    "/pejabat",
    "/jadwal",
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    unit=st.sampled_from(sorted(UNITS)),
    role=st.sampled_from(("admin", "pejabat")),
    request=st.sampled_from(KABUPATEN_REQUESTS),
)
async def test_the_kabupaten_reads_one_unit_with_only_its_rows_and_all_units_as_figures(
    world, unit, role, request
):
    asked = request.format(unit=unit)
    replies = await kabupaten_says(world.db, world.kabupaten, asked, NOW, roles=frozenset({role}))
    texts = reply_texts(replies)
    if "{unit}" in request:
        assert foreign_markers(texts, unit) == []
        if request.startswith("/ringkasan"):
            assert markers(unit)[1] in "\n".join(texts)
    else:
        # The side-by-side holds figures, never a complaint, a suggestion or a plan's text.
        assert foreign_markers(texts, None) == []
