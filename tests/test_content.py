"""The shipped content is valid, and broken content is reported by file, field and reason."""

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from skm_core.content import ContentError, load_content, shipped_content_dir
from skm_core.problems import Problem


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(shipped_content_dir(), target)
    return target


def test_questionnaire_has_the_nine_unsur_in_the_units_order(content):
    names = [u.name for u in content.survey.unsur]
    assert names[0] == "Persyaratan"
    assert names[2] == "Waktu Penyelesaian"
    assert names[7].startswith("Penanganan Pengaduan")
    assert names[8] == "Sarana dan Prasarana"


def test_answer_labels_are_worst_first(content):
    biaya = content.survey.unsur_by_code("U4")
    assert biaya.answers == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    pengaduan = content.survey.unsur_by_code("U8")
    assert pengaduan.answers[-1] == "Dikelola dengan baik"


def test_profile_questions(content):
    assert [q.id for q in content.survey.profile] == [
        "jenis_kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
    ]


def test_every_file_problem_has_wording(content):
    assert set(content.texts.cli.errors) == set(Problem)


def test_unit_timezone_is_wita(content):
    assert content.unit.timezone == "Asia/Makassar"


def test_a_wrong_value_names_file_and_field(content_copy):
    survey = content_copy / "survey.yaml"
    survey.write_text(
        survey.read_text(encoding="utf-8").replace(
            "answers: [Buruk, Cukup, Baik, Sangat baik]", "answers: [Buruk, Baik]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = err.value.issues
    assert issue.file == survey
    assert issue.field == "unsur.8.answers"
    assert "at least 4" in issue.reason


def test_an_unknown_key_is_refused(content_copy):
    unit = content_copy / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8") + "fax: 123\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert [(i.file.name, i.field) for i in err.value.issues] == [("unit.yaml", "fax")]


def test_yaml_syntax_error_names_the_line(content_copy):
    texts = content_copy / "texts.yaml"
    lines = texts.read_text(encoding="utf-8").splitlines()
    lines[3] = "  A: [Sangat Baik"
    texts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = err.value.issues
    assert issue.file == texts
    assert issue.line is not None
    assert f"texts.yaml:{issue.line}" in str(issue)


def test_every_problem_is_reported_not_just_the_first(content_copy):
    (content_copy / "unit.yaml").write_text("name: X\n", encoding="utf-8")
    (content_copy / "survey.yaml").unlink()
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    files = {i.file.name for i in err.value.issues}
    assert {"unit.yaml", "survey.yaml"} <= files
    assert any(i.field == "timezone" for i in err.value.issues)


def test_unknown_timezone_is_refused(content_copy):
    unit = content_copy / "unit.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace("Asia/Makassar", "Asia/Sangasanga"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="unknown IANA timezone"):
        load_content(content_copy)


def test_content_check_command(skm_env, content_copy, capsys):
    assert main(["content", "check", str(content_copy)]) == 0
    assert "valid" in capsys.readouterr().out
    (content_copy / "texts.yaml").write_text("performance: {}\n", encoding="utf-8")
    assert main(["content", "check", str(content_copy)]) == 1
    err = capsys.readouterr().err
    assert "texts.yaml" in err
    assert "cli" in err


def test_content_check_of_a_missing_folder(skm_env, tmp_path, capsys):
    assert main(["content", "check", str(tmp_path / "nowhere")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_referral_to_an_unknown_service_names_file_and_field(content_copy):
    referrals = content_copy / "rujukan.yaml"
    referrals.write_text(
        referrals.read_text(encoding="utf-8").replace(
            "related_service: kematian", "related_service: akta"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "rujukan.yaml [referrals.akta-kematian.related_service]: no service 'akta'" in str(
        err.value
    )


def test_unconfirmed_lists_the_units_to_do_per_file(content_copy, capsys):
    kk = content_copy / "layanan" / "kk.yaml"
    kk.write_text(
        kk.read_text(encoding="utf-8").replace(
            "confirmed_by_unit: false", "confirmed_by_unit: true"
        ),
        encoding="utf-8",
    )
    assert main(["content", "check", "--unconfirmed", str(content_copy)]) == 0
    out = capsys.readouterr().out
    assert (
        "• unit.yaml — Kecamatan Sangasanga\n  belum dikonfirmasi unit: opening_hours,"
        " complaint_channels, complaint_answer_days"
    ) in out
    assert "layanan/kk.yaml" not in out  # confirmed, and sourced beyond the decree
    assert (
        "• layanan/ktp-el.yaml — Pelayanan Rekam dan Cetak E-KTP\n  belum dikonfirmasi unit:"
        " requirements, cases, procedure"
    ) in out
    # Sourced by the decree alone: the decree names the service, not what it requires.
    assert (
        "layanan/rekom-bantuan.yaml — Pelayanan Rekomendasi Permohonan Bantuan\n  belum ada" in out
    )
    assert "rujukan.yaml#domisili" in out


def test_without_unconfirmed_the_check_lists_nothing_to_confirm(content_copy, capsys):
    assert main(["content", "check", str(content_copy)]) == 0
    assert "perlu dikonfirmasi" not in capsys.readouterr().out


def test_a_word_naming_two_answers_is_refused(content_copy):
    survey = content_copy / "survey.yaml"
    survey.write_text(
        survey.read_text(encoding="utf-8").replace(
            "aliases: [tentara, abri]", "aliases: [tentara, abri, polisi]"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert "survey.yaml [profile.3]" in str(err.value)
    assert "'polisi' names two different answers" in str(err.value)


def test_a_placeholder_the_code_does_not_fill_is_refused_at_check(content_copy, skm_env, capsys):
    texts = content_copy / "texts.yaml"
    original = texts.read_text(encoding="utf-8")
    assert "{name}" in original.split("report_intro:", 1)[1].split("\n", 1)[0]
    intro = original.split("report_intro:", 1)[1].split("\n", 1)[0]
    texts.write_text(original.replace(intro, intro.replace("{name}", "{nama}")), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = err.value.issues
    assert (issue.file, issue.field) == (texts, "officials.report_intro")
    assert "{nama}" in issue.reason and "{name}" in issue.reason
    assert main(["content", "check", str(content_copy)]) != 0
    assert "officials.report_intro" in capsys.readouterr().err


def test_a_lone_brace_in_a_text_is_refused(content_copy):
    texts = content_copy / "texts.yaml"
    original = texts.read_text(encoding="utf-8")
    texts.write_text(
        original.replace('answer_usage: "Gunakan:', 'answer_usage: "{Gunakan:'), encoding="utf-8"
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert [i.field for i in err.value.issues] == ["officials.answer_usage"]


@pytest.mark.parametrize("reserved", ["review", "back", "page", "consent", "change"])
def test_a_profile_question_named_like_a_survey_step_is_refused(
    skm_env, content_copy, capsys, reserved
):
    survey = content_copy / "survey.yaml"
    text = survey.read_text(encoding="utf-8").replace("- id: usia", f"- id: {reserved}")
    survey.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = [i for i in err.value.issues if i.field == "profile.1.id"]
    assert issue.file == survey
    assert "survey uses for its own steps" in issue.reason
    assert main(["content", "check", str(content_copy)]) == 1
    assert "profile.1.id" in capsys.readouterr().err


def test_a_profile_answer_whose_button_id_would_pass_64_bytes_is_refused(content_copy):
    survey = content_copy / "survey.yaml"
    long_question = "pendidikan_terakhir_yang_selesai"
    long_option = "sekolah_menengah_atas_sederajat1"
    text = survey.read_text(encoding="utf-8")
    text = text.replace("- id: pendidikan", f"- id: {long_question}")
    text = text.replace("- id: sma", f"- id: {long_option}", 1)
    survey.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = [i for i in err.value.issues if i.field == "profile.2"]
    assert issue.file == survey
    assert long_option in issue.reason
    assert "too long" in issue.reason


def test_a_profile_question_named_where_another_keeps_its_own_words_is_refused(content_copy):
    survey = content_copy / "survey.yaml"
    text = survey.read_text(encoding="utf-8").replace("- id: usia", "- id: pekerjaan_lainnya")
    survey.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = [i for i in err.value.issues if i.field == "profile"]
    assert issue.file == survey
    assert "'pekerjaan_lainnya'" in issue.reason


def test_the_caveat_may_name_only_the_phone_as_that_is_all_the_code_fills(content_copy):
    texts = content_copy / "texts.yaml"
    texts.write_text(
        texts.read_text(encoding="utf-8").replace(
            "mohon pastikan ke {phone}.", "mohon pastikan ke {unit} di {phone}."
        ),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    [issue] = err.value.issues
    assert issue.field == "chat.unconfirmed"
    assert "{unit}" in issue.reason


def test_a_unit_may_leave_its_e_mail_empty_but_not_wrong(content_copy):
    unit = content_copy / "unit.yaml"
    text = unit.read_text(encoding="utf-8")
    unit.write_text(
        text.replace("email: sangasanga@kutaikartanegarakab.go.id", 'email: ""'), encoding="utf-8"
    )
    assert load_content(content_copy).unit.email == ""
    unit.write_text(
        text.replace("email: sangasanga@kutaikartanegarakab.go.id", "email: kantor camat"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="not an e-mail address"):
        load_content(content_copy)
