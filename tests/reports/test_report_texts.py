"""content/report.yaml: every word of the exports, validated strictly like the rest of content."""

import pytest
import yaml
from pydantic import ValidationError

from skm_core.content import shipped_content_dir
from skm_core.content.report_texts import ReportTexts


def shipped() -> dict:
    return yaml.safe_load((shipped_content_dir() / "report.yaml").read_text(encoding="utf-8"))


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
