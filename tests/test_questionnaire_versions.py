"""Each response records the questionnaire version it answered; a period says which it holds."""

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from skm_core.calendar.periods import month_of
from skm_core.content import ContentError, load_content, shipped_content_dir
from skm_core.conversation.engine import Engine
from skm_core.ikm.responses import SurveyResponse
from skm_core.reports.csv_export import answers_csv
from skm_core.reports.summary import build_summary
from skm_core.reports.summary_text import summary_text
from skm_core.storage.responses import answer_records, insert_responses, questionnaire_versions
from tests.conversation.chat import Chat

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(shipped_content_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_changed_wording_without_a_new_version_is_refused(content_copy):
    edit(
        content_copy / "survey.yaml",
        "answers: [Buruk, Cukup, Baik, Sangat baik]",
        "answers: [Buruk, Sedang, Baik, Sangat baik]",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert (
        "survey.yaml [fingerprint]: Value error, the wording or options are not those of"
        " version '2'" in str(err.value)
    )


def test_a_new_version_with_its_fingerprint_is_accepted(content_copy):
    survey = content_copy / "survey.yaml"
    edit(
        survey,
        "answers: [Buruk, Cukup, Baik, Sangat baik]",
        "answers: [Buruk, Sedang, Baik, Sangat baik]",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    fingerprint = str(err.value).rsplit("fingerprint: ", 1)[1].split()[0]
    old = load_content(shipped_content_dir()).survey.fingerprint
    edit(survey, 'version: "2"', 'version: "3"')
    edit(survey, f"fingerprint: {old}", f"fingerprint: {fingerprint}")
    edit(survey, "earlier_versions:\n", f'earlier_versions:\n  "2": {old}\n')
    assert load_content(content_copy).survey.version == "3"


def test_a_version_is_never_reused_for_other_wording(content_copy):
    edit(content_copy / "survey.yaml", 'version: "2"', 'version: "1"')
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "[earlier_versions]" in str(err.value) and "'1' was used before" in str(err.value)


def test_aliases_are_not_wording(content_copy):
    edit(content_copy / "survey.yaml", "aliases: [tentara, abri]", "aliases: [tentara]")
    assert load_content(content_copy).survey.version == "2"


async def test_the_survey_records_the_version(db, content):
    chat = Chat(Engine(db, content))
    for typed in ["survei", "ya", "ktp", "pr", "41", "sma", "tani", *["4"] * 9, "lewati"]:
        await chat.type(typed)
    await chat.choose("Kirim")
    assert await db.fetch_all("SELECT questionnaire_version FROM survey_responses") == [("2",)]


async def test_a_period_counts_its_versions_and_the_summary_names_them(db, content):
    day = datetime(2024, 6, 3, 2, 0, tzinfo=UTC)

    def response(version: str | None) -> SurveyResponse:
        return SurveyResponse(day, "import", (4,) * 9, questionnaire_version=version)

    async with db.transaction() as tx:
        await insert_responses(tx, [response("1"), response("2"), response("2"), response(None)])
    june = month_of(date(2024, 6, 3))
    start, end = june.utc_bounds(WITA)
    assert await questionnaire_versions(db, start, end) == {None: 1, "1": 1, "2": 2}
    summary = await build_summary(db, content, june, day, WITA)
    assert summary.versions == {None: 1, "1": 1, "2": 2}
    exported = answers_csv(await answer_records(db, start, end), content, WITA).decode("utf-8-sig")
    assert [line.rsplit(";", 1)[1] for line in exported.splitlines()] == [
        "versi_kuesioner",
        "1",
        "2",
        "2",
        "",
    ]
    assert (
        "Versi kuesioner: tidak tercatat (1 responden), 1 (1 responden), 2 (2 responden)."
        in summary_text(summary, content)
    )
