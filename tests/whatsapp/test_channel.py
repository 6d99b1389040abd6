"""The WhatsApp channel in process, against the fake Graph API on 127.0.0.1."""

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Runtime, open_runtime
from bot.settings import Settings
from bot.whatsapp.channel import WhatsAppChannel
from bot.whatsapp.graph import GraphClient
from skm_core.scheduled_reports import SCHEDULES
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
    quick = {"id": "wamid.tap", "timestamp": "1", "type": "button",
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

    phone.channel.is_open = always_open  # type: ignore[method-assign]
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
    phone.channel.is_open = async_open  # type: ignore[method-assign]


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

    phone.channel.engine.handle = broken  # type: ignore[method-assign]
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
