"""The WhatsApp channel in process, against the fake Graph API on 127.0.0.1."""

import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.runtime import Runtime, open_runtime
from bot.server import build_web_app
from bot.settings import Settings
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.graph import GraphClient
from bot.whatsapp.webhook import sign
from skm_core.delivery.scheduled import SCHEDULES
from tests.conversation.chat import Clock
from tests.fakes.graph_api import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeGraphApi, serve_graph_api

CITIZEN = "6281311112222"
OFFICIAL = "6281399998888"
FIXTURES = Path(__file__).parent.parent / "data" / "whatsapp"


@pytest.fixture
def graph() -> Iterator[tuple[FakeGraphApi, str]]:
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        yield api, url


@dataclass
class Phone:
    api: FakeGraphApi
    channel: WhatsAppChannel
    runtime: Runtime
    sent_count: int = 0
    n: int = 0

    async def post(self, message: dict[str, Any], wa_id: str = CITIZEN) -> None:
        envelope = json.loads((FIXTURES / "text.json").read_text(encoding="utf-8"))
        envelope["entry"][0]["changes"][0]["value"]["messages"] = [{"from": wa_id, **message}]
        await self.channel.process(envelope)

    async def type(self, text: str, wa_id: str = CITIZEN, wamid: str | None = None) -> None:
        self.n += 1
        message = {"id": wamid or f"wamid.in.{self.n}", "type": "text", "text": {"body": text}}
        await self.post(message, wa_id)

    async def tap(self, option_id: str, kind: str = "list_reply", wa_id: str = CITIZEN) -> None:
        self.n += 1
        chosen = {"type": kind, kind: {"id": option_id, "title": "x"}}
        message = {"id": f"wamid.in.{self.n}", "type": "interactive", "interactive": chosen}
        await self.post(message, wa_id)

    def last(self, wa_id: str = CITIZEN) -> dict[str, Any]:
        return self.api.to(wa_id)[-1]

    def options(self, wa_id: str = CITIZEN) -> list[tuple[str, str]]:
        for message in reversed(self.api.to(wa_id)):
            interactive = message.get("interactive")
            if not interactive:
                continue
            if interactive["type"] == "button":
                return [
                    (b["reply"]["title"], b["reply"]["id"])
                    for b in interactive["action"]["buttons"]
                ]
            rows = interactive["action"]["sections"][0]["rows"]
            return [(r.get("description", r["title"]), r["id"]) for r in rows]
        return []

    def option(self, label: str, wa_id: str = CITIZEN) -> str:
        for title, option_id in self.options(wa_id):
            if title.startswith(label):
                return option_id
        raise AssertionError(f"no option {label!r} in {self.options(wa_id)}")

    def text(self, message: dict[str, Any]) -> str:
        if message["type"] == "text":
            return str(message["text"]["body"])
        if message["type"] == "interactive":
            return str(message["interactive"]["body"]["text"])
        return ""


@pytest.fixture
async def phone(tmp_path, content, graph) -> AsyncIterator[Phone]:
    api, url = graph
    settings = Settings(
        skm_data_dir=tmp_path / "data",
        whatsapp_access_token=ACCESS_TOKEN,
        whatsapp_phone_number_id=PHONE_NUMBER_ID,
        whatsapp_app_secret="app-secret",
        whatsapp_verify_token="verify-me",
        whatsapp_api_base_url=url,
        whatsapp_business_number="6281234500000",
        skm_admin_whatsapp_numbers=OFFICIAL,
        _env_file=None,
    )
    runtime = await open_runtime(settings, content)
    client = GraphClient(url, PHONE_NUMBER_ID, ACCESS_TOKEN, 100)
    channel = WhatsAppChannel(settings, content, runtime.engine, runtime.pseudonyms, client)
    try:
        yield Phone(api, channel, runtime)
    finally:
        await client.close()
        await runtime.close()


async def test_a_question_gets_the_requirements(phone):
    await phone.type("syarat bikin kk apa aja")
    texts = [phone.text(m) for m in phone.api.to(CITIZEN)]
    assert any("Persyaratan:" in t for t in texts)
    assert all(len(t) <= 1024 for t in texts)


async def test_the_menu_is_a_list_and_choices_come_back_as_list_replies(phone):
    await phone.type("menu")
    assert phone.last()["interactive"]["type"] == "list"
    await phone.tap(phone.option("Informasi layanan"))
    assert "Halaman 1 dari 2" in phone.text(phone.last())
    await phone.tap(phone.option("Berikutnya"))
    await phone.tap(phone.option("SKTM"))
    assert any(
        "LEGALISASI SURAT KETERANGAN TIDAK MAMPU" in phone.text(m) for m in phone.api.to(CITIZEN)
    )


async def test_a_redelivered_message_is_processed_once(phone):
    await phone.type("menu", wamid="wamid.same")
    await phone.type("menu", wamid="wamid.same")
    assert len(phone.api.to(CITIZEN)) == 1


async def test_a_ticket_link_starts_the_survey(phone):
    await phone.type("/tiket sktm", wa_id=OFFICIAL)
    body = "\n".join(phone.text(m) for m in phone.api.to(OFFICIAL))
    link = next(
        w for w in body.split() if w.startswith("https://wa.me/6281234500000?text=SURVEI%20")
    )
    token = link.rsplit("%20", 1)[1]
    assert phone.api.to(OFFICIAL)[0]["type"] == "image"
    assert phone.api.media[0][1].startswith(b"\x89PNG")
    await phone.type(f"SURVEI {token}")
    assert "Apakah Bapak/Ibu bersedia" in phone.text(phone.last())
    assert phone.last()["interactive"]["type"] == "button"


async def test_a_summary_outside_the_window_goes_as_a_template(phone, content):
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    await phone.type("/jadwal mingguan aktif", wa_id=OFFICIAL)  # the admin opts in
    clock.advance(days=10)  # the admin has not written for ten days; a Monday report is due
    queued = await phone.runtime.engine.queue_reports(SCHEDULES[0])
    assert queued == 1
    before = len(phone.api.to(OFFICIAL))
    await phone.channel.flush()
    [template] = phone.api.to(OFFICIAL)[before:]
    assert template["type"] == "template"
    assert template["template"]["name"] == "laporan_skm"
    payload = template["template"]["components"][1]["parameters"][0]["payload"]
    assert payload.startswith("outbox:")
    await phone.channel.flush()
    assert len(phone.api.to(OFFICIAL)) == before + 1  # held: nothing more until the tap
    sent = str(int(clock().timestamp()))
    quick = {"id": "wamid.tap", "timestamp": sent, "type": "button",
             "button": {"payload": payload, "text": "Lihat laporan"}}  # fmt: skip
    await phone.post(quick, OFFICIAL)
    after = phone.api.to(OFFICIAL)[before + 1 :]
    assert [m["type"] for m in after] == ["text", "image", "interactive"]
    assert "Ringkasan SKM" in phone.text(after[-1])
    await phone.channel.flush()
    assert len(phone.api.to(OFFICIAL)) == before + 4  # sent once
    assert all(len(phone.text(m)) <= 4096 for m in after)


async def test_error_131047_falls_back_to_the_template(phone):
    await phone.type("/jadwal mingguan aktif", wa_id=OFFICIAL)
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    clock.advance(days=7)
    await phone.runtime.engine.queue_reports(SCHEDULES[0])
    # Meta says the window is closed although our record says it is open.
    from skm_core.storage.outbox import record_inbound

    async with phone.runtime.db.transaction() as tx:
        await record_inbound(tx, "whatsapp", phone.channel.user_key(OFFICIAL), clock())
    phone.api.fail_next(400, 131047, "Re-engagement message")
    before = len(phone.api.to(OFFICIAL))
    await phone.channel.flush()
    assert [m["type"] for m in phone.api.to(OFFICIAL)[before:]] == ["template"]


async def test_rate_limits_and_server_errors_are_retried_and_sent_once(phone):
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    await phone.type("/jadwal mingguan aktif", wa_id=OFFICIAL)
    clock.advance(days=7)
    await phone.runtime.engine.queue_reports(SCHEDULES[0])
    async_open = phone.channel.is_open

    async def always_open(address: str) -> bool:
        return True

    phone.channel.is_open = always_open
    phone.api.fail_next(429, 130429, "Rate limit hit")
    before = len(phone.api.to(OFFICIAL))
    await phone.channel.flush()
    assert len(phone.api.to(OFFICIAL)) == before
    phone.api.fail_next(500, 1, "Internal error")
    clock.advance(minutes=1)
    await phone.channel.flush()
    clock.advance(minutes=5)
    await phone.channel.flush()
    sent = phone.api.to(OFFICIAL)[before:]
    assert [m["type"] for m in sent] == ["text", "image", "interactive"]
    phone.channel.is_open = async_open


async def test_an_official_exports_the_reports_as_documents(phone):
    await phone.type("/ekspor bulan ini", wa_id=OFFICIAL)
    documents = [m for m in phone.api.to(OFFICIAL) if m["type"] == "document"]
    assert [d["document"]["filename"].rsplit(".", 1)[1] for d in documents] == [
        "xlsx",
        "csv",
        "pdf",
        "pdf",  # the infographic for the notice board
        "png",  # and for social media
    ]
    uploaded = {name: data for name, data in phone.api.media}
    pdf = next(data for name, data in uploaded.items() if name.endswith(".pdf"))
    assert pdf.startswith(b"%PDF")
    assert CITIZEN.encode() not in b"".join(uploaded.values())


async def test_a_failed_message_is_logged_by_pseudonym_only(phone, caplog):
    async def broken(event):
        raise ValueError(f"cannot read {event.value!r}")

    phone.channel.engine.handle = broken
    wamid = "wamid.HBgNNjI4MTMxMTExMjIyMhUCABIYFjNFQjBCNkM3NTQ0MjM0NkUxQjNBAA=="
    await phone.type("Saya Siti, tolong", wamid=wamid)
    key = phone.channel.user_key(CITIZEN)
    assert f"WhatsApp message from p:{key[:12]} failed" in caplog.text
    assert "builtins.ValueError" in caplog.text
    for personal in (CITIZEN, wamid, "Siti"):
        assert personal not in caplog.text


async def test_a_failed_delivery_status_is_logged_by_pseudonym_only(phone, caplog):
    status = json.loads((FIXTURES / "status.json").read_text(encoding="utf-8"))
    await phone.channel.process(status)
    [failed] = [r for r in caplog.records if "failed" in r.getMessage()]
    assert "131047" in failed.getMessage()
    assert "wamid" not in failed.getMessage()
    assert "6281311112222" not in failed.getMessage()


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def now_stamp(phone: Phone, ago: timedelta = timedelta()) -> str:
    return str(int((phone.runtime.engine.clock() - ago).timestamp()))


@pytest.mark.parametrize(
    "name",
    ["reaction", "reaction_removed", "deleted", "edit", "system", "group", "other_number",
     "status_delivered", "status_undeliverable", "status"],
)  # fmt: skip
async def test_what_is_not_a_message_to_answer_gets_no_answer(phone, name):
    await phone.channel.process(fixture(name))
    assert phone.api.messages == []
    assert await phone.runtime.db.fetch_one("SELECT COUNT(*) FROM processed_events") == (0,)
    assert await phone.runtime.db.fetch_one("SELECT COUNT(*) FROM inbound_messages") == (0,)


async def test_opening_the_chat_gets_the_welcome(phone):
    await phone.channel.process(fixture("request_welcome"))
    assert "Selamat datang" in phone.text(phone.api.to(CITIZEN)[0])


async def test_a_template_button_with_nothing_held_gets_a_clear_word(phone):
    tap = {"id": "wamid.tap.late", "timestamp": now_stamp(phone), "type": "button",
           "button": {"payload": "outbox:999", "text": "Lihat laporan"}}  # fmt: skip
    await phone.post(tap, OFFICIAL)
    assert "sudah terkirim sebelumnya" in phone.text(phone.last(OFFICIAL))


async def test_the_window_counts_from_when_the_person_wrote_not_when_it_was_processed(phone):
    wrote = now_stamp(phone, ago=timedelta(hours=23, minutes=55))
    await phone.post({"id": "wamid.late", "timestamp": wrote, "type": "text",
                      "text": {"body": "menu"}})  # fmt: skip
    assert phone.api.to(CITIZEN)  # answered all the same
    assert not await phone.channel.is_open(CITIZEN)
    await phone.type("menu")  # a message without a timestamp counts from now
    assert await phone.channel.is_open(CITIZEN)


def envelope_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    envelope = fixture("text")
    envelope["entry"][0]["changes"][0]["value"]["messages"] = messages
    return envelope


async def test_an_accepted_post_is_kept_until_processed_and_a_restart_resumes_it(phone, content):
    people = [f"62813000000{n:02d}" for n in range(5)]
    messages = [
        {"from": who, "id": f"wamid.kept.{n}", "type": "text", "text": {"body": "menu"}}
        for n, who in enumerate(people)
    ]
    assert await phone.channel.accept(envelope_of(messages)) == 5
    assert await phone.channel.accept(envelope_of(messages)) == 0  # Meta sent it again
    assert phone.api.messages == []  # acknowledged, stored, not yet processed: then a stop
    restarted = WhatsAppChannel(
        phone.channel.settings, content, phone.runtime.engine, phone.runtime.pseudonyms,
        phone.channel.graph,
    )  # fmt: skip
    assert await restarted.work_off() == 5
    assert await restarted.work_off() == 0
    assert sorted(m["to"] for m in phone.api.messages) == people
    # Nothing of what they wrote, nor their numbers, stays once processed.
    assert await phone.runtime.db.fetch_one("SELECT COUNT(*) FROM inbound_messages") == (0,)


async def test_a_message_that_meets_a_locked_database_is_retried_not_dropped(phone):
    import sqlite3

    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    handle = phone.runtime.engine.handle
    failures = [sqlite3.OperationalError("database is locked")]

    async def locked_once(event):
        if failures:
            raise failures.pop()
        return await handle(event)

    phone.runtime.engine.handle = locked_once
    await phone.type("menu")
    await phone.type("bantuan")  # the same person's next message waits behind it
    assert phone.api.messages == []
    clock.advance(minutes=1)
    assert await phone.channel.work_off() == 2
    texts = [phone.text(m) for m in phone.api.to(CITIZEN)]
    assert "Silakan pilih menu" in texts[0] and "Cara menggunakan" in texts[1]


async def test_a_failed_status_outside_the_window_falls_back_to_the_template(phone):
    await phone.type("/jadwal mingguan aktif", wa_id=OFFICIAL)
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    clock.advance(days=7)
    assert await phone.runtime.engine.queue_reports(SCHEDULES[0]) == 1
    await phone.runtime.engine.touch("whatsapp", phone.channel.user_key(OFFICIAL))
    before = len(phone.api.to(OFFICIAL))
    await phone.channel.flush()
    sent = phone.api.to(OFFICIAL)[before:]
    assert [m["type"] for m in sent] == ["text", "image", "interactive"]
    status = fixture("status")  # failed, 131047: the window had closed after all
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = sent[0]["_id"]
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["recipient_id"] = OFFICIAL
    await phone.channel.process(status)
    [template] = phone.api.to(OFFICIAL)[before + 3 :]
    assert template["type"] == "template"
    await phone.channel.flush()
    assert len(phone.api.to(OFFICIAL)) == before + 4  # held until the person taps


async def answered_complaint(phone: Phone) -> dict[str, Any]:
    """A citizen's complaint answered by the admin; returns the answer as sent."""
    await phone.type("menu")
    await phone.tap(phone.option("Kontak"))
    await phone.tap(phone.option("Kirim pengaduan"), kind="button_reply")
    await phone.type("Antrean loket lama sekali.")
    await phone.tap(phone.option("Kirim"), kind="button_reply")
    await phone.type("/jawab 1 Mohon maaf, loket kini dibuka pukul 07.30.", wa_id=OFFICIAL)
    await phone.channel.flush()
    return next(m for m in phone.api.to(CITIZEN) if "07.30" in phone.text(m))


def status_for(name: str, message: dict[str, Any]) -> dict[str, Any]:
    status = fixture(name)
    status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = message["_id"]
    return status


async def test_an_undeliverable_status_keeps_the_complaint_open_and_says_why(phone):
    answer = await answered_complaint(phone)
    await phone.channel.process(status_for("status_undeliverable", answer))
    await phone.type("/aduan", wa_id=OFFICIAL)
    listing = phone.text(phone.last(OFFICIAL))
    assert "#1" in listing and "TIDAK TERKIRIM" in listing


async def test_a_delivered_status_erases_what_the_outbox_kept_for_it(phone):
    answer = await answered_complaint(phone)
    db = phone.runtime.db
    kept = "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%07.30%'"
    assert await db.fetch_one(kept) == (1,)  # kept while WhatsApp may still report a failure
    await phone.channel.process(status_for("status_delivered", answer))
    assert await db.fetch_one(kept) == (0,)
    assert await db.fetch_one("SELECT address FROM complaints WHERE id = 1") == (None,)


async def test_a_ticket_whose_text_fails_after_its_qr_sends_only_the_text_again(phone):
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    phone.api.fail_next_of("interactive", 500, 1, "Internal error")
    await phone.type("/tiket sktm", wa_id=OFFICIAL)
    assert [m["type"] for m in phone.api.to(OFFICIAL)] == ["image"]
    clock.advance(minutes=1)
    await phone.channel.flush()
    await phone.channel.flush()
    assert [m["type"] for m in phone.api.to(OFFICIAL)] == ["image", "interactive"]


async def test_one_persons_long_work_holds_up_nobody_else(phone):
    import asyncio

    engine = phone.runtime.engine
    handle = engine.handle
    release, citizen_done = asyncio.Event(), asyncio.Event()
    official_key = phone.channel.user_key(OFFICIAL)

    async def watched(event):
        if event.user_key == official_key:
            await release.wait()  # a large export, say
        return await handle(event)

    reply = phone.channel.reply

    async def replied(wa_id, replies):
        await reply(wa_id, replies)
        if wa_id == CITIZEN:
            citizen_done.set()

    engine.handle = watched
    phone.channel.reply = replied
    messages = [
        {"from": OFFICIAL, "id": "wamid.slow", "type": "text", "text": {"body": "/ekspor"}},
        {"from": CITIZEN, "id": "wamid.quick", "type": "text", "text": {"body": "menu"}},
    ]
    await phone.channel.accept(envelope_of(messages))
    working = asyncio.create_task(phone.channel.work_off())
    await asyncio.wait_for(citizen_done.wait(), timeout=20)
    assert phone.api.to(CITIZEN) and not working.done()
    release.set()
    assert await asyncio.wait_for(working, timeout=60) == 2


async def test_a_refused_token_gives_nothing_up_and_flags_nobody(phone):
    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    await phone.type("/jadwal mingguan aktif", wa_id=OFFICIAL)
    clock.advance(days=7)
    assert await phone.runtime.engine.queue_reports(SCHEDULES[0]) == 1
    await phone.runtime.engine.touch("whatsapp", phone.channel.user_key(OFFICIAL))
    before = len(phone.api.to(OFFICIAL))
    phone.api.fail_next(401, 190, "Error validating access token: Session has expired")
    await phone.channel.flush()
    db = phone.runtime.db
    assert await db.fetch_one("SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL") == (0,)
    assert await db.fetch_one(
        "SELECT COUNT(*) FROM officials WHERE unreachable_at IS NOT NULL"
    ) == (0,)
    clock.advance(minutes=10)  # the token was mended meanwhile
    await phone.runtime.engine.touch("whatsapp", phone.channel.user_key(OFFICIAL))
    await phone.channel.flush()
    assert [m["type"] for m in phone.api.to(OFFICIAL)[before:]] == ["text", "image", "interactive"]


async def test_a_reply_that_meets_a_closed_window_waits_in_the_outbox(phone):
    phone.api.fail_next_of("interactive", 400, 131047, "Re-engagement message")
    await phone.type("menu")
    assert phone.api.to(CITIZEN) == []
    assert await phone.runtime.db.fetch_one(
        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"
    ) == (1,)
    await phone.channel.flush()
    assert [m["type"] for m in phone.api.to(CITIZEN)] == ["interactive"]


async def test_what_a_sent_message_kept_for_a_status_is_erased_if_none_comes(phone):
    from bot.scheduling import housekeeping

    clock = Clock(phone.runtime.engine.clock())
    phone.runtime.engine.clock = clock
    await answered_complaint(phone)
    db = phone.runtime.db
    kept = "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%07.30%'"
    assert await db.fetch_one(kept) == (1,)
    clock.advance(days=8)  # no status ever came
    await housekeeping(phone.runtime.engine)
    assert await db.fetch_one(kept) == (0,)
    assert await db.fetch_one("SELECT address FROM complaints WHERE id = 1") == (None,)


# --- the webhook route: acknowledged only once stored -------------------------------------


def client_of(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot")


def signed(settings) -> tuple[bytes, dict[str, str]]:
    body = (FIXTURES / "text.json").read_bytes()
    secret = settings.whatsapp_app_secret.get_secret_value()
    return body, {"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"}


async def test_a_post_that_cannot_be_stored_is_refused_not_acknowledged(phone):
    async def locked(body):
        raise sqlite3.OperationalError("database is locked")

    phone.channel.accept = locked
    app = build_web_app(phone.channel.settings, phone.channel, None)
    body, headers = signed(phone.channel.settings)
    async with client_of(app) as client:
        answer = await client.post("/webhook/whatsapp", content=body, headers=headers)
    assert answer.status_code == 503


async def test_a_stored_post_is_acknowledged_and_kept_until_processed(phone):
    app = build_web_app(phone.channel.settings, phone.channel, None)
    body, headers = signed(phone.channel.settings)
    async with client_of(app) as client:
        answer = await client.post("/webhook/whatsapp", content=body, headers=headers)
        assert answer.status_code == 200
        health = (await client.get("/health")).json()
    stored = await phone.runtime.db.fetch_one("SELECT COUNT(*) FROM inbound_messages")
    assert stored == (1,)
    assert health["status"] == "ok"  # served beside the webhook


async def test_on_whatsapp_an_answer_is_called_sent_once_its_status_says_delivered(phone):
    answer = await answered_complaint(phone)
    await phone.channel.flush()

    def told() -> list[str]:
        return [phone.text(m) for m in phone.api.to(OFFICIAL) if "telah terkirim" in phone.text(m)]

    assert told() == []  # accepted by Meta is not yet delivered
    await phone.type("/aduan", wa_id=OFFICIAL)
    assert "#1" in phone.text(phone.last(OFFICIAL))  # still open, on its way
    await phone.channel.process(status_for("status_delivered", answer))
    await phone.channel.flush()
    assert len(told()) == 1 and "#1" in told()[0]
    await phone.type("/aduan", wa_id=OFFICIAL)
    assert "Tidak ada pengaduan" in phone.text(phone.last(OFFICIAL))
