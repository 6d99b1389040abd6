"""A realistic semester of a kecamatan's survey, stored through the real storage layer.

Semester II 2024 with 180 responses over the 16 services, suggestions, complaints, the RTL of the
period and of the semester before it (with its realisation), and a few answers in Semester I.
The answers come from a seeded generator, so every run stores the same data.
"""

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import semester_of
from skm_core.content import Content
from skm_core.ikm.responses import SurveyResponse
from skm_core.storage import Database
from skm_core.storage.complaints import add_complaint
from skm_core.storage.followup import add_plan, record_realisation
from skm_core.storage.responses import insert_responses
from tests.complaint_answers import answered

WITA = ZoneInfo("Asia/Makassar")
SEMESTER = semester_of(date(2024, 9, 1))
EARLIER = SEMESTER.previous()
RESPONSES = 180
NOW = datetime(2025, 1, 10, 2, 0, tzinfo=UTC)

SUGGESTIONS = (
    "Mohon antrean dipercepat",
    "Ruang tunggu perlu kursi tambahan",
    "Petugas ramah dan membantu",
    "Persyaratan mohon diumumkan di papan informasi",
    "Terima kasih, pelayanan baik",
)
# The unit's own 2023 result, from its report (Tabel 1): NRR per unsur and IKM 97,72.
UNIT_2023_NRR = "3,88; 3,88; 3,86; 3,99; 3,89; 3,89; 3,9; 3,99; 3,9"


def _answers(rng: random.Random) -> tuple[int | None, ...]:
    row: list[int | None] = [rng.choices((2, 3, 4), weights=(1, 5, 6))[0] for _ in range(9)]
    if rng.random() < 0.05:
        row[7] = None  # U8: not everyone has complained, so some leave it blank
    return tuple(row)


def _profile(rng: random.Random, content: Content) -> dict[str, str | int]:
    profile: dict[str, str | int] = {}
    for question in content.survey.profile:
        if question.kind == "number":
            profile[question.id] = rng.randint(18, 70)
        else:
            profile[question.id] = rng.choice(question.options).id
    return profile


def semester_responses(content: Content, count: int = RESPONSES) -> list[SurveyResponse]:
    rng = random.Random(14)
    days = SEMESTER.days
    services = [s.id for s in content.services]
    responses = []
    for index in range(count):
        day = SEMESTER.first + timedelta(days=rng.randrange(days))
        moment = datetime(day.year, day.month, day.day, rng.randint(8, 14), rng.randint(0, 59))
        suggestion = rng.choice(SUGGESTIONS) if rng.random() < 0.3 else None
        responses.append(
            SurveyResponse(
                submitted_at=moment.replace(tzinfo=WITA),
                channel=rng.choice(("telegram", "whatsapp", "whatsapp", "import")),
                answers=_answers(rng),
                service_id=rng.choice(services[:6]) if rng.random() < 0.9 else rng.choice(services),
                respondent_key=f"warga-{index}",
                profile=_profile(rng, content),
                suggestion=suggestion,
            )
        )
    return responses


def earlier_responses() -> list[SurveyResponse]:
    return [
        SurveyResponse(
            submitted_at=datetime(2024, 3, day, 9, 0, tzinfo=WITA),
            channel="telegram",
            answers=(3, 3, 3, 4, 3, 3, 4, 3, 3),
            service_id="kk",
        )
        for day in range(1, 21)
    ]


async def fill_semester(path: Path, content: Content) -> None:
    async with await Database.open(path) as db, db.transaction() as tx:
        await insert_responses(tx, earlier_responses() + semester_responses(content))
        await add_plan(
            tx, EARLIER.first, EARLIER.last, "U3", "Pelatihan petugas PATEN (service excellent)",
            "Semester II 2024", date(2024, 12, 15), "Kasi Pelayanan Umum", NOW, "camat",
        )  # fmt: skip
        done = await add_plan(
            tx, EARLIER.first, EARLIER.last, "U2", "Membuat SOP Portir Pelayanan",
            "Agustus 2024", date(2024, 8, 31), "Sekretaris Camat", NOW, "camat",
        )  # fmt: skip
        await record_realisation(
            tx, done, "done", "SOP Portir ditetapkan dan dipasang di loket (foto terlampir)",
            None, NOW, "camat",
        )  # fmt: skip
        await add_plan(
            tx, SEMESTER.first, SEMESTER.last, "U3", "Penambahan petugas front office PATEN",
            "Semester I 2025", date(2025, 6, 30), "Camat dan Sekretaris Camat", NOW, "camat",
        )  # fmt: skip
        received = datetime(2024, 8, 5, 1, 0, tzinfo=UTC)
        for hours in (2, 5, 30):
            complaint = await add_complaint(
                tx, "whatsapp", "warga-a", "alamat", "complaint", "Antrean lama", received
            )
            await answered(tx, complaint, "Terima kasih", received + timedelta(hours=hours))
        await add_complaint(tx, "telegram", "warga-b", "alamat", "complaint", "Parkir", received)
