"""content/report.yaml: every word of the exports, validated strictly like the rest of content."""

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from skm_core.content import shipped_content_dir
from skm_core.content.report_texts import ReportTexts


def shipped() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (shipped_content_dir() / "report.yaml").read_text(encoding="utf-8")
    )
    return data


def test_the_shipped_wording_is_valid():
    ReportTexts.model_validate(shipped())


def test_an_unknown_key_is_refused():
    data = shipped()
    data["pdf"]["section_metode"] = "Metode"
    with pytest.raises(ValidationError, match="section_metode"):
        ReportTexts.model_validate(data)


def test_a_sheet_name_excel_cannot_open_is_refused():
    data = shipped()
    data["xlsx"]["sheet_ikm"] = "Perhitungan Indeks Kepuasan Masyarakat"
    with pytest.raises(ValidationError, match="at most 31"):
        ReportTexts.model_validate(data)
    data["xlsx"]["sheet_ikm"] = "IKM 2026/11"
    with pytest.raises(ValidationError, match="cannot contain"):
        ReportTexts.model_validate(data)


def test_every_plan_status_needs_a_word():
    data = shipped()
    del data["status"]["not_done"]
    with pytest.raises(ValidationError, match="not_done"):
        ReportTexts.model_validate(data)


def test_number_bands_must_ascend():
    data = shipped()
    data["number_bands"] = [20, 40, 30]
    with pytest.raises(ValidationError, match="ascending"):
        ReportTexts.model_validate(data)


def test_a_placeholder_the_report_does_not_fill_is_refused_naming_the_field():
    data = shipped()
    data["document"]["conclusion"] = "IKM {ikm} pada {tanggal}"
    with pytest.raises(ValidationError, match=r"document\.conclusion[\s\S]*\['tanggal'\]"):
        ReportTexts.model_validate(data)


def test_a_text_without_placeholders_may_not_use_braces():
    data = shipped()
    data["document"]["chapter_1"] = "BAB I {judul"
    with pytest.raises(ValidationError, match="invalid braces"):
        ReportTexts.model_validate(data)


def test_a_placeholder_in_a_list_is_checked_too():
    data = shipped()
    data["document"]["kop"].append("{kepala}")
    with pytest.raises(ValidationError, match="kepala"):
        ReportTexts.model_validate(data)


def test_content_check_names_the_file_and_the_field(tmp_path, capsys):
    import shutil

    from bot.cli import main

    folder = tmp_path / "content"
    shutil.copytree(shipped_content_dir(), folder)
    report = folder / "report.yaml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("{respondents} responden, Indeks", "{x} Indeks"),
        encoding="utf-8",
    )
    assert main(["content", "check", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "report.yaml [document.conclusion]: Value error, unknown placeholder(s) ['x']" in err


def test_a_logo_that_is_not_there_fails_the_content_check(tmp_path, capsys):
    import shutil

    from bot.cli import main

    folder = tmp_path / "content"
    shutil.copytree(shipped_content_dir(), folder)
    report = folder / "report.yaml"
    text = report.read_text(encoding="utf-8").replace('logo: ""', "logo: logo-kukar.png")
    report.write_text(text, encoding="utf-8")
    assert main(["content", "check", str(folder)]) == 1
    assert "report.yaml [document.logo]: no file 'logo-kukar.png'" in capsys.readouterr().err
    (folder / "logo-kukar.png").write_bytes(b"\x89PNG")
    assert main(["content", "check", str(folder)]) == 0


@pytest.mark.parametrize(
    ("section", "field", "text"),
    [
        ("pdf", "ikm_line", "IKM {nilai}"),
        ("infographic", "grade", "Mutu {mutu}"),
        ("pdf", "interval_title", "Interval {x}"),
    ],
)
def test_every_report_template_is_checked(section, field, text):
    data = shipped()
    data[section][field] = text
    with pytest.raises(ValidationError, match=rf"{section}\.{field}[\s\S]*unknown placeholder"):
        ReportTexts.model_validate(data)
