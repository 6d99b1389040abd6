"""The public site and the open data: only what an official published, as it was published."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import Tally, compute_ikm
from skm_core.storage.history import add_published_result
from tests.web.conftest import NOVEMBER_ROWS, official, response, store, store_november

NOVEMBER = "2026-11-01..2026-11-30"
NOVEMBER_ALL_ROWS: list[list[int | None]] = [*NOVEMBER_ROWS, [4] * 9]


async def publish_november(admin, engine) -> None:
    pejabat = await official(admin, engine, "pejabat", "camat")
    await pejabat.type("/publikasi november 2026")
    assert "telah dipublikasikan" in pejabat.text


async def test_nothing_is_public_before_an_official_publishes(client, db):
    await store_november(db)
    page = await client.get("/")
    assert page.status_code == 200
    assert "Belum ada hasil survei yang dipublikasikan" in page.text
    assert (await client.get("/api/hasil")).status_code == 404
    assert (await client.get(f"/api/hasil?periode={NOVEMBER}")).status_code == 404


async def test_open_data_json_has_the_published_numbers(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    data = (await client.get("/api/hasil")).json()
    expected = compute_ikm(Tally.from_answers(NOVEMBER_ALL_ROWS))
    assert data["unit"] == "Kecamatan Sangasanga"
    assert data["periode"] == {
        "dari": "2026-11-01",
        "sampai": "2026-11-30",
        "nama": "November 2026",
        "jenis": "month",
    }
    assert data["responden"] == 5
    assert data["ikm"] == float(expected.ikm_shown)
    assert data["mutu"] == expected.grade.value
    assert data["nrr"] == {c: float(expected.nrr_shown(c, 4)) for c in UNSUR_CODES}
    services = {s["id"]: s for s in data["layanan"]}
    assert services["kk"]["responden"] == 3 and services["ktp-el"]["responden"] == 2
    assert all(s["sampel_kecil"] for s in data["layanan"])
    # A small sample shows its IKM but gets no grade, as in the report.
    assert all(s["ikm"] is not None and s["mutu"] is None for s in data["layanan"])
    assert {"id", "nama", "responden", "ikm"} <= set(services["kk"])


async def test_periode_takes_the_words_of_ringkasan(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    for words in ("bulan lalu", "november 2026", NOVEMBER):
        answer = await client.get("/api/hasil", params={"periode": words})
        assert answer.status_code == 200, words
        assert answer.json()["periode"]["dari"] == "2026-11-01"
    assert (await client.get("/api/hasil", params={"periode": "bulan ini"})).status_code == 404
    unknown = await client.get("/api/hasil", params={"periode": "kemarin dulu"})
    assert unknown.status_code == 400
    assert "tidak dikenali" in unknown.json()["galat"]


async def test_csv_carries_the_same_numbers(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    data = (await client.get("/api/hasil")).json()
    answer = await client.get("/api/hasil.csv", params={"periode": "november 2026"})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    total = next(r for r in rows if r[0] == "total")
    assert (int(total[3]), float(total[5]), total[6]) == (5, data["ikm"], data["mutu"])
    unsur = {r[1]: float(r[4]) for r in rows if r[0] == "unsur"}
    assert unsur == data["nrr"]
    layanan = {r[1]: int(r[3]) for r in rows if r[0] == "layanan"}
    assert layanan == {s["id"]: s["responden"] for s in data["layanan"]}


async def test_a_later_import_does_not_change_what_was_published(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    before = (await client.get("/api/hasil")).json()
    await store(db, [response(25, [1] * 9) for _ in range(5)])
    assert (await client.get("/api/hasil")).json() == before
    page = await client.get("/hasil")
    assert before["periode"]["nama"] in page.text


async def test_a_withdrawn_period_shows_its_reason(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    from tests.web.conftest import sign_in

    csrf = await sign_in(client, admin)
    withdrawn = await client.post(
        "/desk/publikasi/tarik",
        data={
            "csrf": csrf,
            "periode": "november 2026",
            "alasan": "Data impor ganda, dihitung ulang",
        },
    )
    assert "telah ditarik" in withdrawn.text
    gone = await client.get("/api/hasil", params={"periode": "november 2026"})
    assert gone.status_code == 410
    assert gone.json()["alasan"] == "Data impor ganda, dihitung ulang"
    page = await client.get("/hasil", params={"periode": "november 2026"})
    assert "Data impor ganda, dihitung ulang" in page.text
    assert "ditarik" in (await client.get("/")).text


async def test_the_results_page_shows_everything_and_nobody(client, db, admin, engine):
    await store_november(db)
    await publish_november(admin, engine)
    page = (await client.get("/")).text
    assert '<html lang="id">' in page
    for shown in ("IKM", "Mutu pelayanan", "Responden", "U1", "Persyaratan", "terendah",
                  "Kartu Keluarga", "sampel kecil", "<svg", "Perkembangan IKM",
                  "Rencana tindak lanjut", "/api/hasil.csv"):  # fmt: skip
        assert shown in page, shown
    # Suggestions are people's words: never on the public page, nor in the open data.
    assert "Budi" not in page
    assert "Budi" not in (await client.get("/api/hasil")).text


async def test_the_trend_takes_every_published_period_of_the_kind(client, db, admin, engine):
    await store_november(db)
    await store(db, [response(3, [3] * 9, month=10)])
    pejabat = await official(admin, engine, "pejabat", "camat")
    await pejabat.type("/publikasi oktober 2026")
    await pejabat.type("/publikasi november 2026")
    page = (await client.get("/")).text
    trend = page.split("Perkembangan IKM", 1)[1]
    assert "Oktober 2026" in trend and "November 2026" in trend
    assert "75,00" in trend  # October: every answer 3


async def test_the_trend_starts_with_the_results_the_unit_published_before(
    client, db, admin, engine
):
    nrr = {code: Decimal("3.9") for code in UNSUR_CODES}
    async with db.transaction() as tx:
        await add_published_result(
            tx,
            date(2023, 7, 1),
            date(2023, 11, 20),
            150,
            nrr,
            Decimal("97.72"),
            "laporan",
            datetime(2026, 12, 1, tzinfo=UTC),
        )
    await store_november(db)
    await publish_november(admin, engine)
    trend = (await client.get("/")).text.split("Perkembangan IKM", 1)[1]
    assert "97,72" in trend and "November 2026" in trend
    assert trend.index("97,72") < trend.index("November 2026")


async def test_service_pages_show_the_content_the_bot_serves(client, content):
    listing = await client.get("/layanan")
    assert listing.status_code == 200
    for service in content.services:
        assert f'href="/layanan/{service.id}"' in listing.text
    kk = content.service("kk")
    page = (await client.get("/layanan/kk")).text
    assert kk.name in page and kk.cost in page
    assert all(step in page for step in kk.procedure)
    assert (await client.get("/layanan/tidak-ada")).status_code == 404


async def test_contacts_and_chat_links_with_qr_codes(client, content):
    page = (await client.get("/kontak")).text
    assert content.unit.phone in page
    assert all(c.name in page for c in content.unit.complaint_channels)
    assert "https://t.me/skm_sangasanga_bot" in page
    assert "https://wa.me/6281234567890" in page
    qr = await client.get("/qr/telegram.svg")
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") or b"<svg" in qr.content
    assert (await client.get("/qr/unknown.svg")).status_code == 404


async def test_static_files_are_served_by_the_project(client):
    css = await client.get("/static/site.css")
    assert css.status_code == 200
    assert "@media print" in css.text
    page = (await client.get("/")).text
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "cdn" not in page.casefold()
    assert "<script" not in page


async def test_publishing_needs_data_and_happens_once(admin, engine, db):
    pejabat = await official(admin, engine, "pejabat", "camat")
    await pejabat.type("/publikasi november 2026")
    assert "Belum ada jawaban survei yang lengkap" in pejabat.text
    await store_november(db)
    await pejabat.type("/publikasi november 2026")
    assert "telah dipublikasikan" in pejabat.text
    await pejabat.type("/publikasi november 2026")
    assert "sudah dipublikasikan sebelumnya" in pejabat.text
    await pejabat.type("/publikasi")
    assert "Gunakan: /publikasi" in pejabat.text
    rows = await db.fetch_all("SELECT action, detail FROM audit_log WHERE action LIKE 'results%'")
    assert rows == [("results.publish", "month:2026-11-01..2026-11-30")]


async def test_petugas_and_citizens_cannot_publish(admin, engine, db):
    await store_november(db)
    petugas = await official(admin, engine, "petugas", "loket-1")
    await petugas.type("/publikasi november 2026")
    assert "dipublikasikan" not in petugas.text
    from tests.conversation.chat import Chat

    citizen = Chat(engine, channel="telegram", user="warga-9")
    await citizen.type("/publikasi november 2026")
    assert "dipublikasikan" not in citizen.text
    assert await db.fetch_all("SELECT id FROM publications") == []


async def test_the_publish_answer_links_to_the_period(admin, engine, db):
    await store_november(db)
    pejabat = await official(admin, engine, "pejabat", "camat")
    await pejabat.type("/publikasi november 2026")
    assert "https://skm.example.go.id/hasil?periode=2026-11-01..2026-11-30" in pejabat.text


def test_figures_on_pages_are_rounded_half_up_like_the_engine():
    from fractions import Fraction

    from bot.web.site import number

    assert number(Fraction(91665, 1000)) == "91,67"
    assert number(Fraction(2, 3), 4) == "0,6667"
    assert number(100.0) == "100,00"
    assert number(None) == "-"
