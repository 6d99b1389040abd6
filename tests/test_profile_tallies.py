"""The occupations people name under "Lainnya (sebutkan)" are tallied beside the option."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from skm_core.calendar.periods import month_of
from skm_core.ikm.responses import SurveyResponse
from skm_core.reports.summary import build_summary
from skm_core.storage.responses import insert_responses

WITA = ZoneInfo("Asia/Makassar")


async def test_specified_occupations_are_counted_by_their_words(db, content):
    day = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)

    def response(profile: dict[str, str | int]) -> SurveyResponse:
        return SurveyResponse(day, "telegram", (4,) * 9, profile=profile)

    async with db.transaction() as tx:
        await insert_responses(
            tx,
            [
                response({"pekerjaan": "lainnya", "pekerjaan_lainnya": "Sopir angkot"}),
                response({"pekerjaan": "lainnya", "pekerjaan_lainnya": "Sopir angkot"}),
                response({"pekerjaan": "lainnya", "pekerjaan_lainnya": "Guru honorer"}),
                response({"pekerjaan": "petani"}),
            ],
        )
    summary = await build_summary(db, content, month_of(date(2024, 6, 3)), day, WITA)
    assert summary.profile["pekerjaan"] == {"lainnya": 3, "petani": 1}
    assert summary.profile["pekerjaan_lainnya"] == {"Sopir angkot": 2, "Guru honorer": 1, "": 1}
