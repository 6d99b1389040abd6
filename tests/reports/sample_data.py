"""A month of survey data as a kecamatan would have it, stored through the real storage layer."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import month_of
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.complaints import add_complaint
from skm_core.storage.database import Transaction
from skm_core.storage.followup import add_plan, record_realisation
from skm_core.storage.responses import insert_responses
from skm_core.storage.tickets import insert_ticket

WITA = ZoneInfo("Asia/Makassar")
PERIOD = month_of(date(2026, 11, 1))
NOW = datetime(2026, 12, 5, 10, 3, tzinfo=UTC)
SECRET_KEY_PREFIX = "kunci-rahasia-"
"""Respondent keys that no export may contain."""

# (local day and time, service, profile, answers U1..U9, suggestion)
NOVEMBER = [
    (
        (2, 8, 15),
        "kk",
        {"jenis_kelamin": "l", "usia": 34, "pendidikan": "sma", "pekerjaan": "wirausaha"},
        (4, 4, 3, 4, 4, 4, 4, 4, 4),
        "Pelayanan cepat dan ramah",
    ),
    (
        (2, 9, 40),
        "kk",
        {"jenis_kelamin": "p", "usia": 19, "pendidikan": "smp", "pekerjaan": "lainnya"},
        (3, 3, 2, 4, 3, 3, 4, 3, 3),
        "Antrean; mohon ditambah kursi.\nTerima kasih",
    ),
    (
        (5, 10, 5),
        "sktm",
        {"jenis_kelamin": "p", "usia": 51, "pendidikan": "sd", "pekerjaan": "lainnya"},
        (3, 3, 3, 4, 3, 4, 4, 3, 3),
        None,
    ),
    (
        (9, 11, 30),
        "ktp-el",
        {"jenis_kelamin": "l", "usia": 27, "pendidikan": "s1", "pekerjaan": "swasta"},
        (4, 3, 3, 4, 4, 4, 4, None, 3),
        '=HYPERLINK("http://contoh.invalid","klik")',
    ),
    (
        (12, 14, 0),
        "ktp-el",
        {"jenis_kelamin": "p", "usia": 42, "pendidikan": "d3", "pekerjaan": "pns"},
        (4, 4, 4, 4, 4, 4, 4, 4, 4),
        None,
    ),
    (
        (16, 8, 5),
        "legalisir",
        {"jenis_kelamin": "l", "usia": 63, "pendidikan": "sma", "pekerjaan": "lainnya"},
        (3, 2, 2, 4, 3, 3, 3, 3, 2),
        "Ruang tunggu perlu kipas angin",
    ),
    (
        (20, 13, 20),
        None,
        {"jenis_kelamin": "p"},
        (4, 4, 3, 4, 4, 4, 4, 4, 4),
        None,
    ),
    (
        (30, 23, 50),
        "kk",
        {"jenis_kelamin": "l", "usia": 38, "pendidikan": "s2", "pekerjaan": "tni"},
        (4, 3, 3, 4, 4, 4, 4, 4, 3),
        "Petugas sangat membantu — terima kasih “Pak Camat”",
    ),
]

OCTOBER = [
    ((14, 9, 0), "kk", {"jenis_kelamin": "l"}, (3, 3, 3, 4, 3, 3, 3, 3, 3), None),
    ((21, 10, 0), "sktm", {"jenis_kelamin": "p"}, (4, 3, 3, 4, 3, 4, 4, 3, 3), None),
]

TICKETS_ISSUED = 11


def _response(
    year: int, month: int, index: int, row: tuple[Any, ...], ticket: int | None
) -> SurveyResponse:
    (day, hour, minute), service, profile, answers, suggestion = row
    return SurveyResponse(
        submitted_at=datetime(year, month, day, hour, minute, 7, tzinfo=WITA),
        channel="telegram" if index % 2 else "whatsapp",
        answers=answers,
        service_id=service,
        respondent_key=f"{SECRET_KEY_PREFIX}{month}-{index}",
        ticket_id=ticket,
        profile=profile,
        suggestion=suggestion,
    )


async def _tickets(db: Database) -> list[int]:
    issued = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        return [
            await insert_ticket(
                tx,
                f"token-{n}",
                "kk",
                issued + timedelta(hours=n),
                issued + timedelta(days=3),
                "petugas",
            )
            for n in range(TICKETS_ISSUED)
        ]


async def fill_database(db: Database) -> None:
    """October and November 2026 responses, follow-up plans and an open complaint."""
    tickets = await _tickets(db)
    november = [
        _response(2026, 11, i, row, tickets[i] if i < 3 else None) for i, row in enumerate(NOVEMBER)
    ]
    october = [_response(2026, 10, i, row, None) for i, row in enumerate(OCTOBER)]
    async with db.transaction() as tx:
        await insert_responses(tx, october + november)
        await _plans(tx)
        await add_complaint(tx, "telegram", "warga-x", "alamat-x", "complaint", "Antrean lama", NOW)


async def _plans(tx: Transaction) -> None:
    first, last = PERIOD.first, PERIOD.last
    await add_plan(
        tx, first, last, "U2", "Membuat SOP Portir Pelayanan", "Januari 2027",
        date(2027, 1, 31), "Sekretaris Camat dan Kasi Pelayanan Umum", NOW, "camat",
    )  # fmt: skip
    await add_plan(
        tx, first, last, "U3", "Penambahan petugas di bagian front office PATEN",
        "Semester 1 2027", date(2027, 6, 30), "Camat dan Sekretaris Camat", NOW, "camat",
    )  # fmt: skip
    done = await add_plan(
        tx, first, last, "U3", "Pelatihan petugas PATEN (service excellent)",
        "Desember 2026", date(2026, 12, 31), "Kasi Pelayanan Umum", NOW, "camat",
    )  # fmt: skip
    await record_realisation(
        tx, done, "done", "Petugas mengikuti pelatihan service excellent",
        "Keterbatasan anggaran", NOW, "camat",
    )  # fmt: skip
    october = month_of(date(2026, 10, 1))
    await add_plan(
        tx, october.first, october.last, "U9", "Menambah kursi ruang tunggu",
        "November 2026", date(2026, 11, 30), "Kasubbag Umum", NOW, "camat",
    )  # fmt: skip
