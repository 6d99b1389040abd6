"""The CSV export: Excel-friendly in Indonesia, and importable back with `skm import`."""

from pathlib import Path

from skm_core.ikm.answer_files import read_answer_file
from skm_core.ikm.importing import iter_responses
from skm_core.reports.csv_export import answers_csv
from tests.reports.sample_data import SECRET_KEY_PREFIX, WITA

HEADER = (
    "no;tanggal;layanan;kanal;tiket;jenis_kelamin;usia;pendidikan;pekerjaan;"
    "U1;U2;U3;U4;U5;U6;U7;U8;U9;saran;versi_kuesioner"
)


def lines(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").split("\r\n")


async def test_utf8_with_bom_semicolons_and_the_exact_header(records, content):
    data = answers_csv(records, content, WITA)
    assert data.startswith(b"\xef\xbb\xbf")
    assert lines(data)[0] == HEADER


async def test_one_line_per_response_in_local_time_with_option_ids(records, content):
    first = lines(answers_csv(records, content, WITA))[1]
    # Stored 2026-11-02 08:15:07 WITA (00:15 UTC): shown in the unit's time, to the minute.
    assert first == (
        "1;2026-11-02 08:15;kk;whatsapp;ya;l;34;sma;wirausaha;4;4;3;4;4;4;4;4;4;"
        "Pelayanan cepat dan ramah;"  # the sample rows record no questionnaire version
    )


async def test_missing_values_are_empty_cells(records, content):
    no_service = lines(answers_csv(records, content, WITA))[7]
    assert no_service == "7;2026-11-20 13:20;;whatsapp;tidak;p;;;;4;4;3;4;4;4;4;4;4;;"


async def test_no_respondent_key_is_exported(records, content):
    assert SECRET_KEY_PREFIX.encode() not in answers_csv(records, content, WITA)


async def test_a_suggestion_that_looks_like_a_formula_is_kept_as_text(records, content):
    data = answers_csv(records, content, WITA).decode("utf-8-sig")
    assert ";\"'=HYPERLINK(" in data
    assert ";=HYPERLINK" not in data


async def test_the_export_imports_back_as_the_same_responses(records, content, tmp_path: Path):
    path = tmp_path / "ekspor.csv"
    path.write_bytes(answers_csv(records, content, WITA))
    imported = list(iter_responses(path, read_answer_file(path), content, WITA, order="unit"))
    assert len(imported) == len(records)
    for record, response in zip(records, imported, strict=True):
        assert response.submitted_at == record.submitted_at.replace(second=0)
        assert response.service_id == record.service_id
        assert dict(response.profile) == record.profile
        assert response.answers == record.answers
        assert response.suggestion == record.suggestion


async def test_a_period_without_responses_is_the_header_alone(content):
    assert lines(answers_csv([], content, WITA)) == [HEADER, ""]
