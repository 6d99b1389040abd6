"""The officials' desk: sign-in by a link from the bot, sessions, CSRF, roles, and the pages."""

import re

import pytest

from skm_core.content_edits import document_of, editable_fields, form_value
from skm_core.conversation.messages import Reply
from skm_core.storage.officials import list_officials
from skm_core.storage.outbox import due_messages
from tests.conversation.chat import Chat
from tests.web.conftest import (
    PUBLIC_URL,
    link_in,
    new_client,
    official,
    sign_in,
    store_november,
    token_of,
)


def editor_form(content, target: str) -> dict[str, str]:
    """The editor's fields as the page fills them in, as a browser would send them back."""
    document = document_of(content, target)
    assert document is not None
    return {
        name: form_value(document, name, shape) for name, shape in editable_fields(target).items()
    }


DESK_PAGES = [
    "/desk/", "/desk/ringkasan", "/desk/aduan", "/desk/publikasi", "/desk/standar",
    "/desk/standar/kk", "/desk/standar/unit", "/desk/rtl", "/desk/perintah/tiket",
    "/desk/perintah/pejabat", "/desk/perintah/undang", "/desk/perintah/jadwal",
    "/desk/perintah/ekspor", "/desk/perintah/populasi", "/desk/perintah/hapus",
]  # fmt: skip
DESK_FORMS = [
    "/desk/keluar", "/desk/aduan/1", "/desk/publikasi", "/desk/publikasi/tarik",
    "/desk/standar/kk", "/desk/standar/kk/kembalikan", "/desk/perintah/undang", "/desk/rtl",
]  # fmt: skip
ADMIN_PAGES = [
    "/desk/standar", "/desk/standar/kk", "/desk/standar/unit", "/desk/perintah/pejabat",
    "/desk/perintah/undang", "/desk/perintah/hapus",
]  # fmt: skip
REPORT_PAGES = ["/desk/ringkasan", "/desk/aduan", "/desk/publikasi", "/desk/rtl"]


async def test_the_admin_signs_in_with_the_link_the_bot_sent(client, admin):
    await admin.type("/masuk")
    assert "berlaku sampai" in admin.text and "satu kali" in admin.text
    link = link_in(admin.text)
    assert link.startswith(f"{PUBLIC_URL}/desk/masuk?t=")
    page = await client.get(link)
    assert 'type="submit"' in page.text  # opening the link alone signs nobody in
    assert (await client.get("/desk/")).status_code == 401
    signed = await client.post("/desk/masuk", data={"t": token_of(link)})
    assert signed.status_code == 303 and signed.headers["location"] == "/desk/"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    assert "Max-Age=28800" in cookie
    home = await client.get("/desk/")
    assert home.status_code == 200 and "Standar Pelayanan" in home.text
    assert home.headers["cache-control"] == "no-store"
    assert home.headers["x-frame-options"] == "DENY"
    assert home.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in home.headers["content-security-policy"]


async def test_a_link_works_once(client, app, admin):
    await admin.type("/masuk")
    token = token_of(link_in(admin.text))
    assert (await client.post("/desk/masuk", data={"t": token})).status_code == 303
    async with new_client(app) as other:
        reused = await other.post("/desk/masuk", data={"t": token})
        assert reused.status_code == 400
        assert "sudah dipakai atau sudah kedaluwarsa" in reused.text
        assert (await other.get("/desk/")).status_code == 401


async def test_a_link_expires_after_ten_minutes(client, admin, clock):
    await admin.type("/masuk")
    token = token_of(link_in(admin.text))
    clock.advance(minutes=10)
    assert (await client.post("/desk/masuk", data={"t": token})).status_code == 400
    assert (await client.get("/desk/")).status_code == 401


async def test_a_made_up_link_is_refused(client):
    for token in ("", "x", "a" * 5000):
        assert (await client.post("/desk/masuk", data={"t": token})).status_code == 400


async def test_a_session_expires(client, admin, clock):
    await sign_in(client, admin)
    clock.advance(hours=8)
    assert (await client.get("/desk/")).status_code == 401


async def test_logout_ends_the_session(client, admin):
    csrf = await sign_in(client, admin)
    cookie = client.cookies.get("skm_desk")
    out = await client.post("/desk/keluar", data={"csrf": csrf})
    assert out.status_code == 303
    client.cookies.set("skm_desk", cookie, domain="skm.example.go.id", path="/desk")
    assert (await client.get("/desk/")).status_code == 401


@pytest.mark.parametrize("path", DESK_PAGES)
async def test_an_anonymous_person_gets_nothing_of_the_desk(client, path):
    page = await client.get(path)
    assert page.status_code == 401
    assert "csrf" not in page.text and "Kartu Keluarga" not in page.text


@pytest.mark.parametrize("path", DESK_FORMS)
async def test_an_anonymous_post_changes_nothing(client, db, path):
    answer = await client.post(path, data={"csrf": "x", "periode": "bulan lalu"})
    assert answer.status_code == 401
    assert await db.fetch_all("SELECT id FROM audit_log") == []


async def test_a_citizen_cannot_get_a_link(engine, db):
    citizen = Chat(engine, channel="telegram", user="warga-3")
    await citizen.type("/masuk")
    assert "/desk/masuk" not in citizen.text
    assert await db.fetch_all("SELECT token_hash FROM desk_links") == []


async def test_a_removed_official_loses_the_desk_at_once(client, admin, engine, db):
    pejabat = await official(admin, engine, "pejabat", "camat")
    await sign_in(client, pejabat)
    target = next(o.id for o in await list_officials(db) if o.user_key == "camat")
    await admin.type(f"/hapus {target}")
    for path in DESK_PAGES:
        assert (await client.get(path)).status_code == 403, path


async def test_a_petugas_reaches_no_admin_or_report_page(client, admin, engine):
    petugas = await official(admin, engine, "petugas", "loket-1")
    csrf = await sign_in(client, petugas)
    for path in [*ADMIN_PAGES, *REPORT_PAGES]:
        page = await client.get(path)
        assert page.status_code == 403, path
    edit = await client.post("/desk/standar/kk", data={"csrf": csrf, "cost": "Rp 1.000.000"})
    assert edit.status_code == 403
    ticket = await client.get("/desk/perintah/tiket")
    assert ticket.status_code == 200


async def test_a_pejabat_reaches_reports_but_not_the_editor(client, admin, engine):
    pejabat = await official(admin, engine, "pejabat", "camat")
    await sign_in(client, pejabat)
    for path in REPORT_PAGES:
        assert (await client.get(path)).status_code == 200, path
    for path in ADMIN_PAGES:
        assert (await client.get(path)).status_code == 403, path


@pytest.mark.parametrize("token", [None, "", "salah"])
async def test_a_form_without_the_right_csrf_token_is_refused(client, admin, db, token):
    await store_november(db)
    await sign_in(client, admin)
    data = {"periode": "november 2026"} | ({"csrf": token} if token is not None else {})
    refused = await client.post("/desk/publikasi", data=data)
    assert refused.status_code == 403
    assert await db.fetch_all("SELECT id FROM publications") == []


async def test_the_csrf_token_belongs_to_one_session(client, app, admin, engine, db):
    await store_november(db)
    mine = await sign_in(client, admin)
    pejabat = await official(admin, engine, "pejabat", "camat")
    async with new_client(app) as other:
        await sign_in(other, pejabat)
        refused = await other.post("/desk/publikasi", data={"csrf": mine, "periode": "bulan lalu"})
        assert refused.status_code == 403


async def test_an_oversized_form_is_refused_without_effect(client, admin, db):
    await store_november(db)
    csrf = await sign_in(client, admin)
    big = {"csrf": csrf, "periode": "november 2026", "x": "a" * 100_000}
    assert (await client.post("/desk/publikasi", data=big)).status_code == 403
    assert await db.fetch_all("SELECT id FROM publications") == []


async def test_publication_from_the_desk(client, admin, db):
    await store_november(db)
    csrf = await sign_in(client, admin)
    done = await client.post("/desk/publikasi", data={"csrf": csrf, "periode": "november 2026"})
    assert "telah dipublikasikan" in done.text
    listing = await client.get("/desk/publikasi")
    assert "November 2026" in listing.text
    assert (await client.get("/api/hasil")).json()["responden"] == 5


async def test_a_complaint_answered_in_the_browser_reaches_the_citizen(
    client, admin, engine, db, clock
):
    citizen = Chat(engine, channel="whatsapp", user="warga-5")
    await citizen.press("cmp:complaint")
    await citizen.type("Petugas loket tidak ada di tempat pada jam layanan.")
    await citizen.choose("Kirim")
    [(complaint_id,)] = await db.fetch_all("SELECT id FROM complaints")
    csrf = await sign_in(client, admin)
    inbox = await client.get("/desk/aduan")
    assert "Petugas loket tidak ada di tempat" in inbox.text
    answered = await client.post(
        f"/desk/aduan/{complaint_id}",
        data={"csrf": csrf, "jawaban": "Mohon maaf, petugas kini berjaga penuh."},
    )
    # "Sent" is said once it is delivered, not when it is queued.
    assert "sedang dikirim" in answered.text
    to_citizen = await due_messages(db, "whatsapp", clock.now)
    assert [m.address for m in to_citizen] == ["chat-warga-5"]
    assert "berjaga penuh" in to_citizen[0].replies[0].text
    assert "Petugas loket tidak ada" in (await client.get("/desk/aduan")).text

    async def deliver(address: str, replies: list[Reply]) -> None:
        return None

    await engine.flush_outbox("whatsapp", deliver, erase_on_send=True)
    assert "Petugas loket tidak ada" not in (await client.get("/desk/aduan")).text
    actions = [a for (a,) in await db.fetch_all("SELECT action FROM audit_log")]
    assert "complaint.answer" in actions and "desk.sign_in" in actions


async def test_the_summary_page_with_every_suggestion_searchable(client, admin, db):
    await store_november(db)
    await sign_in(client, admin)
    page = await client.get("/desk/ringkasan", params={"periode": "november 2026"})
    assert page.status_code == 200
    assert "Ringkasan November 2026" in page.text and "<svg" in page.text
    assert "Antrean Pak Budi" in page.text
    found = await client.get(
        "/desk/ringkasan", params={"periode": "november 2026", "cari": "antrean"}
    )
    assert "Antrean Pak Budi" in found.text
    missed = await client.get(
        "/desk/ringkasan", params={"periode": "november 2026", "cari": "parkir"}
    )
    assert "Antrean Pak Budi" not in missed.text
    unknown = await client.get("/desk/ringkasan", params={"periode": "kemarin dulu"})
    assert "tidak dikenali" in unknown.text


async def test_command_pages_run_the_chat_commands(client, admin, db):
    await store_november(db)
    csrf = await sign_in(client, admin)
    invite = await client.post("/desk/perintah/undang", data={"csrf": csrf, "argumen": "petugas"})
    assert "/daftar" in invite.text
    population = await client.post(
        "/desk/perintah/populasi", data={"csrf": csrf, "argumen": "250 november 2026"}
    )
    assert "Sampel minimum" in population.text
    ticket = await client.post(
        "/desk/perintah/tiket", data={"csrf": csrf, "argumen": "Kartu Keluarga"}
    )
    assert "Tiket survei untuk layanan" in ticket.text
    exports = await client.post(
        "/desk/perintah/ekspor", data={"csrf": csrf, "argumen": "november 2026"}
    )
    assert re.search(r'download="skm-2026-11-01-2026-11-30\.xlsx"', exports.text)
    assert 'download="skm-2026-11-01-2026-11-30.pdf"' in exports.text
    assert (await client.get("/desk/perintah/tidak-ada")).status_code == 404


async def test_the_editor_corrects_a_requirement_and_the_bot_serves_it_next(
    client, admin, engine, content
):
    citizen = Chat(engine, channel="telegram", user="warga-8")
    await citizen.type("syarat skck")
    assert "Fotokopi KK 1 lembar" in citizen.text
    csrf = await sign_in(client, admin)
    page = await client.get("/desk/standar/skck")
    assert "Fotokopi KK 1 lembar" in page.text and 'for="f-requirements"' in page.text
    form = editor_form(content, "service:skck")
    form["requirements"] = form["requirements"].replace(
        "Fotokopi KK 1 lembar", "Fotokopi KK 2 lembar"
    )
    form["csrf"] = csrf
    saved = await client.post("/desk/standar/skck", data=form)
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "Perubahan disimpan: Persyaratan" in shown.text
    await citizen.type("syarat skck")
    assert "Fotokopi KK 2 lembar" in citizen.text
    assert "Fotokopi KK 2 lembar" in (await client.get("/layanan/skck")).text


async def test_the_editor_refuses_an_invalid_save_and_keeps_what_was_typed(client, admin, db):
    csrf = await sign_in(client, admin)
    refused = await client.post(
        "/desk/standar/unit",
        data={
            "csrf": csrf,
            "address": "Jln. Mada",
            "phone": "1",
            "email": "bukan surel",
            "website": "https://x.go.id",
            "opening_hours": "Senin | 08.00",
            "complaint_channels": "Telepon | 1",
        },
    )
    assert refused.status_code == 400
    assert "unit.yaml [email]" in refused.text and "tidak disimpan" in refused.text
    assert 'value="bukan surel"' in refused.text
    assert await db.fetch_all("SELECT id FROM content_versions") == []


async def test_the_editor_rolls_back_to_an_earlier_version(client, admin, engine, content):
    csrf = await sign_in(client, admin)
    form = editor_form(content, "unit") | {"csrf": csrf}
    await client.post("/desk/standar/unit", data=form | {"phone": "(0541) 000111"})
    assert engine.content.unit.phone == "(0541) 000111"
    await client.post("/desk/standar/unit", data=form | {"phone": "(0541) 222333"})
    history = (await client.get("/desk/standar/unit")).text
    # The version in force has no button; the earlier one has.
    [first] = re.findall(r'name="versi" value="(\d+)"', history)
    back = await client.post("/desk/standar/unit/kembalikan", data={"csrf": csrf, "versi": first})
    assert back.status_code == 200
    assert engine.content.unit.phone == "(0541) 000111"
    await client.post("/desk/standar/unit/kembalikan", data={"csrf": csrf, "versi": "asli"})
    assert engine.content.unit.phone == content.unit.phone


async def test_an_official_on_whatsapp_signs_in_too(client, engine, db):
    await engine.register_admins({("whatsapp", "wa-admin"): "6281200000001"})
    admin = Chat(engine, channel="whatsapp", user="wa-admin")
    csrf = await sign_in(client, admin)
    assert csrf
    assert (await client.get("/desk/standar")).status_code == 200
    [(channel,)] = await db.fetch_all("SELECT channel FROM desk_sessions")
    assert channel == "whatsapp"


async def test_without_a_public_address_masuk_says_so(db, content, clock):
    from skm_core.conversation.engine import Engine

    engine = Engine(db, content, clock=clock, admin_keys=frozenset({("telegram", "a")}))
    admin = Chat(engine, channel="telegram", user="a")
    await admin.type("/masuk")
    assert "SKM_PUBLIC_URL" in admin.text
    assert await db.fetch_all("SELECT token_hash FROM desk_links") == []


async def test_links_and_sessions_are_stored_only_as_hashes(client, admin, db):
    await admin.type("/masuk")
    token = token_of(link_in(admin.text))
    await client.post("/desk/masuk", data={"t": token})
    cookie = client.cookies.get("skm_desk")
    stored = await db.fetch_all(
        "SELECT token_hash FROM desk_links UNION ALL SELECT token_hash FROM desk_sessions"
    )
    assert len(stored) == 2
    assert all(token not in h and cookie not in h for (h,) in stored)


def test_the_access_log_never_shows_a_sign_in_token(app):
    import logging

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/desk/masuk?t=RAHASIA", "1.1", 200), None,
    )  # fmt: skip
    for kept in logging.getLogger("uvicorn.access").filters:
        assert kept.filter(record) if hasattr(kept, "filter") else kept(record)
    assert "RAHASIA" not in record.getMessage()
    assert "/desk/masuk" in record.getMessage()


async def test_a_command_page_accepts_the_chat_form_of_the_command(client, admin, db):
    csrf = await sign_in(client, admin)
    typed = await client.post(
        "/desk/perintah/populasi", data={"csrf": csrf, "argumen": "/populasi 300 november 2026"}
    )
    assert "Sampel minimum" in typed.text
    assert await db.fetch_one("SELECT served FROM population_figures") == (300,)


async def test_plans_are_added_and_realised_from_their_page(client, admin, db):
    csrf = await sign_in(client, admin)
    added = await client.post(
        "/desk/rtl",
        data={"csrf": csrf, "aksi": "tambah", "periode": "november 2026", "unsur": "U3",
              "kegiatan": "Tambah petugas; buka loket 07.30", "waktu": "2026-12-31", "pj": "Camat"},
    )  # fmt: skip
    assert "dicatat untuk U3" in added.text
    [(plan_id, activity)] = await db.fetch_all("SELECT id, activity FROM follow_up_plans")
    assert activity == "Tambah petugas, buka loket 07.30"
    done = await client.post(
        "/desk/rtl",
        data={"csrf": csrf, "aksi": "realisasi", "nomor": str(plan_id), "status": "done",
              "uraian": "Petugas ditambah dua orang", "hambatan": ""},
    )  # fmt: skip
    assert "Realisasi RTL" in done.text and "Petugas ditambah dua orang" in done.text
    missing = await client.post(
        "/desk/rtl", data={"csrf": csrf, "aksi": "tambah", "periode": "kapan", "unsur": "U3"}
    )
    assert "belum lengkap atau tidak sah" in missing.text


async def test_listing_pages_open_with_their_list(client, admin, engine):
    await official(admin, engine, "petugas", "loket-1")
    await sign_in(client, admin)
    officials = await client.get("/desk/perintah/pejabat")
    assert "petugas loket" in officials.text
    schedules = await client.get("/desk/perintah/jadwal")
    assert schedules.status_code == 200 and 'class="reply"' in schedules.text
