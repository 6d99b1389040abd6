"""Content for the units of a kabupaten: one folder per unit beside the shared files.

A folder with a kabupaten.yaml is a deployment of several units; any other folder is one unit,
as it always was. Every problem is reported at once, each naming its file and field.
"""

import shutil
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.cli import main
from skm_core.content import (
    ContentError,
    load_content,
    load_deployment,
    load_unit,
    shipped_content_dir,
    shipped_kabupaten_dir,
)
from skm_core.content.confirmation import to_confirm
from skm_core.content.models import DEFAULT_UNIT_ID, Unit
from skm_core.conversation.screens import Screens

SHIPPED_TEXTS = yaml.safe_load((shipped_content_dir() / "texts.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kabupaten():
    return load_deployment(shipped_kabupaten_dir())


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the shipped content, whose kabupaten/ folder is the example of three units."""
    shutil.copytree(shipped_content_dir(), tmp_path / "content")
    return tmp_path / "content" / "kabupaten"


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems(directory: Path) -> list[tuple[str, str, str]]:
    """(file relative to the example's content folder, field, reason) of every problem."""
    with pytest.raises(ContentError) as err:
        load_deployment(directory)
    base = directory.parent
    return [(str(i.file.relative_to(base)), i.field, i.reason) for i in err.value.issues]


# --- the shipped example --------------------------------------------------------------------


def test_the_shipped_kabupaten_holds_three_units_in_the_listed_order(kabupaten):
    assert kabupaten.unit_ids == ("sangasanga", "anggana", "muara-jawa")
    assert not kabupaten.single
    region = kabupaten.region
    assert region.name == "Kabupaten Kutai Kartanegara"
    assert region.short_name == "Kutai Kartanegara"
    assert region.province == "Kalimantan Timur"
    assert region.timezone == "Asia/Makassar"
    assert region.organisation.startswith("Bagian Organisasi")
    assert all(c.unit.timezone == region.timezone for c in kabupaten.units)


def test_each_unit_has_its_own_name_office_and_services(kabupaten):
    names = {c.unit.id: (c.unit.name, c.unit.short_name) for c in kabupaten.units}
    assert names == {
        "sangasanga": ("Kecamatan Sangasanga", "Kantor Camat Sangasanga"),
        "anggana": ("Kecamatan Anggana", "Kantor Camat Anggana"),
        "muara-jawa": ("Kecamatan Muara Jawa", "Kantor Camat Muara Jawa"),
    }
    for content in kabupaten.units:
        office = content.unit.short_name
        kk = content.service("kk")
        assert kk is not None and office in kk.where_when
        others = [c.unit.short_name for c in kabupaten.units if c is not content]
        for service in content.services:
            assert not any(other in service.where_when for other in others)
    sangasanga, anggana, _ = kabupaten.units
    assert sangasanga.services is not anggana.services
    # Anggana is made of desa: its services ask for the desa's letters, not a kelurahan's.
    sktm = anggana.service("sktm")
    assert sktm is not None and "dari desa" in " ".join(sktm.requirements)


def test_the_neighbours_facts_await_their_offices_confirmation(kabupaten):
    for unit_id in ("anggana", "muara-jawa"):
        content = kabupaten.unit(unit_id)
        assert content is not None
        assert not content.unit.confirmed_by_unit
        assert {"phone", "email", "service_standard_decree"} <= set(content.unit.unconfirmed_fields)
        assert all(not s.confirmed_by_unit and s.sources for s in content.services)
        # Sangasanga's list of services is the model, not a source of what each requires.
        unsourced = {i.file for i in to_confirm(content) if i.reason == "unsourced"}
        assert "layanan/rekom-bantuan.yaml" in unsourced


def test_the_units_share_the_questionnaire_search_and_report_words(kabupaten):
    first, *others = kabupaten.units
    for content in others:
        assert content.survey is first.survey
        assert content.search is first.search
        assert content.report == first.report
        assert content.referrals == first.referrals


def test_an_override_changes_that_units_texts_only(kabupaten):
    shared = load_content(shipped_content_dir()).texts
    sangasanga, anggana, muara_jawa = kabupaten.units
    assert sangasanga.texts == shared
    assert "Kantor Camat Anggana" in anggana.texts.chat.unconfirmed
    assert "Kantor Camat Anggana" not in muara_jawa.texts.chat.unconfirmed
    assert anggana.texts.chat.unconfirmed != shared.chat.unconfirmed
    # Everything the override leaves alone is the shared wording.
    assert anggana.texts.chat.welcome == shared.chat.welcome
    assert anggana.texts.survey == shared.survey
    assert anggana.texts.web.labels["requirements"] == shared.web.labels["requirements"]


def test_load_unit_gives_one_unit_of_the_folder():
    anggana = load_unit(shipped_kabupaten_dir(), "anggana")
    assert anggana.unit.name == "Kecamatan Anggana"
    assert load_unit(shipped_content_dir(), "sangasanga").unit.id == "sangasanga"


def test_load_unit_of_an_unknown_id_names_the_known_ones():
    with pytest.raises(ContentError) as err:
        load_unit(shipped_kabupaten_dir(), "tenggarong")
    [issue] = err.value.issues
    assert issue.file.name == "kabupaten.yaml"
    assert "'tenggarong'" in issue.reason
    assert "sangasanga, anggana, muara-jawa" in issue.reason


# --- the single-unit layout keeps working -------------------------------------------------------


def test_todays_layout_is_a_deployment_of_one_unit():
    deployment = load_deployment(shipped_content_dir())
    assert deployment.single
    assert deployment.region is None
    assert deployment.unit_ids == ("sangasanga",)
    assert deployment.unit("sangasanga") == load_content(shipped_content_dir())
    assert deployment.unit("anggana") is None


def test_a_unit_file_without_an_id_is_still_a_unit(tmp_path):
    shutil.copytree(shipped_content_dir(), tmp_path / "content")
    unit = tmp_path / "content" / "unit.yaml"
    edit_yaml(unit, lambda data: data.pop("id"))
    content = load_content(tmp_path / "content")
    assert content.unit.id == DEFAULT_UNIT_ID
    assert load_deployment(tmp_path / "content").unit_ids == (DEFAULT_UNIT_ID,)


def test_load_content_refuses_a_folder_of_several_units():
    with pytest.raises(ContentError) as err:
        load_content(shipped_kabupaten_dir())
    [issue] = err.value.issues
    assert (issue.file.name, issue.field) == ("kabupaten.yaml", "units")
    assert "load_deployment" in issue.reason and "--unit" in issue.reason


@given(st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=45))
def test_a_unit_id_is_a_short_lowercase_slug(unit_id):
    data = yaml.safe_load((shipped_content_dir() / "unit.yaml").read_text(encoding="utf-8"))
    data["id"] = unit_id
    slug = unit_id[0] != "-" and 2 <= len(unit_id) <= 40
    if slug:
        assert Unit.model_validate(data).id == unit_id
    else:
        with pytest.raises(ValidationError):
            Unit.model_validate(data)


# --- what is refused, each naming file and field ------------------------------------------------


def test_an_unknown_key_or_a_missing_field_of_the_kabupaten_is_refused(example):
    def change(data):
        data["fax"] = "123"
        del data["organisation"]

    edit_yaml(example / "kabupaten.yaml", change)
    found = {(file, field) for file, field, _ in problems(example)}
    assert found == {
        ("kabupaten/kabupaten.yaml", "fax"),
        ("kabupaten/kabupaten.yaml", "organisation"),
    }


def test_a_unit_listed_twice_is_refused(example):
    edit_yaml(
        example / "kabupaten.yaml",
        lambda data: data["units"].append({"id": "anggana", "path": "muara-jawa"}),
    )
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/kabupaten.yaml", "units.3.id")
    assert "units.1" in reason


def test_a_listed_folder_that_is_missing_is_refused(example):
    shutil.rmtree(example / "muara-jawa")
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/kabupaten.yaml", "units.2.path")
    assert "no folder" in reason


def test_a_missing_shared_folder_is_refused(example):
    edit_yaml(example / "kabupaten.yaml", lambda data: data.update(shared="bersama"))
    assert ("kabupaten/kabupaten.yaml", "shared") in {(f, d) for f, d, _ in problems(example)}


def test_a_unit_file_whose_id_differs_from_the_listing_is_refused(example):
    edit_yaml(example / "anggana" / "unit.yaml", lambda data: data.update(id="sanga"))
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/anggana/unit.yaml", "id")
    assert "'sanga'" in reason and "'anggana'" in reason


def test_a_unit_in_another_timezone_is_refused(example):
    edit_yaml(
        example / "muara-jawa" / "unit.yaml", lambda data: data.update(timezone="Asia/Jakarta")
    )
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/muara-jawa/unit.yaml", "timezone")
    assert "Asia/Makassar" in reason


def test_an_unknown_timezone_of_the_kabupaten_is_refused(example):
    edit_yaml(example / "kabupaten.yaml", lambda data: data.update(timezone="Asia/Kukar"))
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/kabupaten.yaml", "timezone")
    assert "unknown IANA timezone" in reason


def test_a_unit_of_another_kabupaten_is_refused(example):
    edit_yaml(example / "anggana" / "unit.yaml", lambda data: data.update(regency="Kota Samarinda"))
    [(file, field, _)] = problems(example)
    assert (file, field) == ("kabupaten/anggana/unit.yaml", "regency")


def test_an_override_of_a_text_that_does_not_exist_is_refused(example):
    edit_yaml(
        example / "anggana" / "overrides.yaml",
        lambda data: data["texts"]["chat"].update(salam="Halo"),
    )
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/anggana/overrides.yaml", "texts.chat.salam")
    assert "no such text" in reason


def test_an_override_with_a_placeholder_the_code_does_not_fill_is_refused(example):
    edit_yaml(
        example / "anggana" / "overrides.yaml",
        lambda data: data["texts"]["chat"].update(welcome="Selamat datang di {kecamatan}."),
    )
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("kabupaten/anggana/overrides.yaml", "texts.chat.welcome")
    assert "{kecamatan}" in reason and "{unit}" in reason


def test_an_override_of_the_wrong_shape_is_refused(example):
    edit_yaml(
        example / "muara-jawa" / "overrides.yaml",
        lambda data: data["texts"].update(chat="Halo"),
    )
    [(file, field, _)] = problems(example)
    assert (file, field) == ("kabupaten/muara-jawa/overrides.yaml", "texts.chat")


def test_an_unknown_key_in_the_overrides_is_refused(example):
    edit_yaml(example / "anggana" / "overrides.yaml", lambda data: data.update(survey={}))
    [(file, field, _)] = problems(example)
    assert (file, field) == ("kabupaten/anggana/overrides.yaml", "survey")


def test_a_shared_file_in_a_units_folder_is_refused_not_ignored(example):
    shutil.copy(example.parent / "texts.yaml", example / "anggana" / "texts.yaml")
    [(file, _, reason)] = problems(example)
    assert file == "kabupaten/anggana/texts.yaml"
    assert "overrides.yaml" in reason


def test_a_referral_to_a_service_a_unit_lacks_names_the_unit(example):
    (example / "muara-jawa" / "layanan" / "kematian.yaml").unlink()
    [(file, field, reason)] = problems(example)
    assert (file, field) == ("rujukan.yaml", "referrals.akta-kematian.related_service")
    assert "'muara-jawa'" in reason


def test_every_problem_of_every_unit_is_reported_at_once(example):
    edit_yaml(example / "anggana" / "unit.yaml", lambda data: data.update(id="sanga"))
    edit_yaml(example / "muara-jawa" / "layanan" / "kk.yaml", lambda data: data.update(cost=""))
    edit_yaml(
        example / "muara-jawa" / "overrides.yaml",
        lambda data: data["texts"]["chat"].update(salam="Halo"),
    )
    edit_yaml(example.parent / "survey.yaml", lambda data: data.update(title=""))
    found = {(file, field) for file, field, _ in problems(example)}
    assert found == {
        ("kabupaten/anggana/unit.yaml", "id"),
        ("kabupaten/muara-jawa/layanan/kk.yaml", "cost"),
        ("kabupaten/muara-jawa/overrides.yaml", "texts.chat.salam"),
        ("survey.yaml", "title"),
    }


def test_the_reports_logo_beside_the_shared_files_is_found_from_every_unit(example):
    (example.parent / "logo.png").write_bytes(b"\x89PNG")
    edit_yaml(example.parent / "report.yaml", lambda data: data["document"].update(logo="logo.png"))
    for content in load_deployment(example).units:
        assert (content.directory / content.report.document.logo).read_bytes() == b"\x89PNG"


# --- overrides as a property ------------------------------------------------------------------


def _plain_texts(node: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _plain_texts(value, (*path, key))
    elif isinstance(node, str) and "{" not in node:
        yield path


PLAIN_TEXTS = sorted(
    p for section in ("chat", "survey") for p in _plain_texts(SHIPPED_TEXTS[section], (section,))
)


@settings(max_examples=8, deadline=None)
@given(
    st.sampled_from(PLAIN_TEXTS),
    st.text(alphabet=string.ascii_letters + " .,", min_size=1, max_size=40).filter(str.strip),
)
def test_any_text_overridden_for_one_unit_is_that_units_alone(path, wording):
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(shipped_content_dir(), Path(tmp) / "content")
        example = Path(tmp) / "content" / "kabupaten"
        override: dict[str, Any] = {path[-1]: wording}
        for key in reversed(path[:-1]):
            override = {key: override}
        (example / "muara-jawa" / "overrides.yaml").write_text(
            yaml.safe_dump({"texts": override}, allow_unicode=True), encoding="utf-8"
        )
        units = {c.unit.id: c.texts.model_dump() for c in load_deployment(example).units}

    def at(texts: dict[str, Any]) -> Any:
        for key in path:
            texts = texts[key]
        return texts

    assert at(units["muara-jawa"]) == wording.strip()
    assert at(units["sangasanga"]) == at(SHIPPED_TEXTS)
    # The override replaces Muara Jawa's shipped overrides: its other texts are the shared ones.
    assert units["muara-jawa"]["web"] == units["sangasanga"]["web"]


# --- `skm content check` ------------------------------------------------------------------------


def test_content_check_of_a_broken_kabupaten_names_file_and_field(skm_env, example, capsys):
    edit_yaml(example / "anggana" / "unit.yaml", lambda data: data.update(timezone="Asia/Jakarta"))
    edit_yaml(
        example / "muara-jawa" / "overrides.yaml",
        lambda data: data["texts"]["chat"].update(salam="Halo"),
    )
    assert main(["content", "check", str(example)]) == 1
    err = capsys.readouterr().err
    assert f"{example / 'anggana' / 'unit.yaml'} [timezone]:" in err
    assert f"{example / 'muara-jawa' / 'overrides.yaml'} [texts.chat.salam]:" in err
    assert f"2 problem(s) in {example}" in err


def test_content_check_of_a_kabupaten_checks_every_unit(skm_env, capsys):
    assert main(["content", "check", str(shipped_kabupaten_dir())]) == 0
    out = capsys.readouterr().out
    assert "Kabupaten Kutai Kartanegara: 3 unit (sangasanga, anggana, muara-jawa)." in out
    for folder in ("anggana", "muara-jawa"):
        assert f"Konten di {shipped_kabupaten_dir() / folder} valid: 16 layanan" in out


def test_content_check_lists_what_each_unit_must_confirm(skm_env, capsys):
    assert main(["content", "check", "--unconfirmed", str(shipped_kabupaten_dir())]) == 0
    out = capsys.readouterr().out
    anggana = out[out.index(f"Konten di {shipped_kabupaten_dir() / 'anggana'}") :]
    anggana = anggana[: anggana.index("Konten di ", 1)]
    assert "• unit.yaml — Kecamatan Anggana\n  belum dikonfirmasi unit: address," in anggana
    assert "• layanan/kk.yaml — Pelayanan Pembuatan Kartu Keluarga" in anggana
    assert "Kecamatan Sangasanga" not in anggana


def test_content_check_without_a_folder_also_checks_the_shipped_kabupaten(skm_env, capsys):
    assert main(["content", "check"]) == 0
    out = capsys.readouterr().out
    assert f"Konten di {shipped_content_dir()} valid" in out
    assert f"Konten di {shipped_kabupaten_dir() / 'muara-jawa'} valid" in out


def test_content_check_of_another_folder_checks_that_folder_alone(skm_env, example, capsys):
    assert main(["content", "check", str(example.parent)]) == 0
    assert "Kabupaten" not in capsys.readouterr().out


@pytest.mark.parametrize("unit_id", ["anggana", "muara-jawa"])
def test_a_neighbours_contacts_and_flow_send_citizens_to_the_office(kabupaten, unit_id):
    content = kabupaten.unit(unit_id)
    screens = Screens(content)
    office = content.unit.short_name
    contacts = screens.contacts().text
    assert "Telepon: belum tersedia" in contacts
    assert "E-mail: belum tersedia" in contacts
    assert "Situs web Pemerintah Kabupaten Kutai Kartanegara: https://kukarkab.go.id" in contacts
    assert f"mohon pastikan langsung kepada petugas {office}" in contacts
    flow = screens.flow().text
    assert "belum dikonfirmasi" in flow and "menit" not in flow
    assert "None" not in contacts + flow and "{" not in contacts + flow
