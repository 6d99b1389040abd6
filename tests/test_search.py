"""The service search: accuracy on realistic questions, honesty when it is not sure."""

import json

import pytest

from bot.cli import main
from skm_core.search import ServiceSearch
from tests.evaluate_search import REQUIRED_ACCURACY, evaluate


@pytest.fixture(scope="module")
def search(content):
    return ServiceSearch(content.services, content.search, content.referrals)


def test_evaluation_set_covers_every_service_and_passes(content):
    import yaml

    from tests.evaluate_search import EVAL_FILE

    cases = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    assert len(cases) >= 80
    assert {c["expected"] for c in cases} == {s.id for s in content.services}
    result = evaluate()
    assert result.accuracy >= REQUIRED_ACCURACY, result.misses
    assert result.confident_wrong == 0, result.misses


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("surat miskin", "sktm"),
        ("kartu kuning", "ak1"),
        ("surat tanah", "skpt"),
        ("KTP digital", "ikd"),
        ("bikin KTP", "ktp-el"),
        ("kartukeluarga", "kk"),
        ("e-ktp", "ktp-el"),
        ("legalisr ijazah", "legalisir"),
    ],
)
def test_names_people_use_typos_and_glued_words(search, query, expected):
    result = search.search(query)
    assert result.confident
    assert result.best is not None
    assert result.best.service.id == expected


@pytest.mark.parametrize(
    "query",
    ["halo", "terima kasih", "akta kelahiran", "paspor", "pajak kendaraan", "surat", "syarat", ""],
)
def test_no_confident_answer_for_what_the_unit_does_not_serve(search, query):
    assert not search.search(query).confident


def test_unsure_queries_offer_the_closest_few(search):
    result = search.search("surat keterangan")
    assert not result.confident
    assert len(result.matches) >= 2


def test_matches_are_ranked_best_first(search):
    scores = [m.score for m in search.search("rekomendasi bantuan bansos").matches]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["😀" * 50, "x" * 10_000, "\x00\x01", "سلام"])
def test_odd_queries_do_not_fail(search, query):
    result = search.search(query)
    assert not result.confident
    assert result.referral is None


def test_cari_json_contract(skm_env, capsys):
    assert main(["cari", "syarat bikin kk", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found[0]["id"] == "kk"
    assert set(found[0]) == {"id", "name", "score"}
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)


def test_cari_text_when_nothing_matches(skm_env, capsys):
    assert main(["cari", "harga cabai"]) == 0
    assert "Tidak ada layanan yang cocok" in capsys.readouterr().out


def test_cari_shows_the_referral_the_bot_would_answer(skm_env, capsys):
    assert main(["cari", "akta lahir"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("rujukan  akta-kelahiran: Akta Kelahiran — Dinas Kependudukan")
