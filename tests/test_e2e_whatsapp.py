"""End to end: the real `skm run` process, signed webhook posts, the fake Graph API on 127.0.0.1."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.whatsapp.webhook import sign
from tests.e2e_database import E2eDatabase
from tests.fakes.graph_api import ACCESS_TOKEN, PHONE_NUMBER_ID, FakeGraphApi, serve_graph_api

SECRET = "app-secret-for-tests"
CITIZEN = "6281311112222"
FIXTURE = Path(__file__).parent / "data" / "whatsapp" / "text.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bot:
    def __init__(self, tmp_path: Path, graph_url: str, extra: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.env = env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("TELEGRAM_", "SKM_", "WHATSAPP_"))
            },
            "SKM_DATA_DIR": str(tmp_path / "data"),
            "SKM_HTTP_PORT": str(self.port),
            "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": "verify-me",
            "WHATSAPP_API_BASE_URL": graph_url,
            "WHATSAPP_BUSINESS_NUMBER": "6281234500000",
            # The outbox's pace is a setting: a test need not wait out the default 3 seconds.
            "SKM_OUTBOX_INTERVAL_SECONDS": "0.1",
            **(extra or {}),
        }
        self.log = (tmp_path / "skm.log").open("ab")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("skm")), "run"],
            env=env, cwd=tmp_path, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.n = 0
        self.request("GET", "/health")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=body, method=method, headers=headers or {}
        )
        for _ in range(400):  # the server may still be starting
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    return int(answer.status), answer.read().decode()
            except urllib.error.HTTPError as refused:
                return refused.code, refused.read().decode()
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the bot's HTTP server did not start")

    def post(self, message: dict[str, Any], signature: str | None = None) -> int:
        envelope = json.loads(FIXTURE.read_text(encoding="utf-8"))
        envelope["entry"][0]["changes"][0]["value"]["messages"] = [{"from": CITIZEN, **message}]
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json"}
        # None: signed as Meta signs; "": no signature header at all; else this signature.
        if signature != "":
            headers["X-Hub-Signature-256"] = sign(SECRET, body) if signature is None else signature
        return self.request("POST", "/webhook/whatsapp", body, headers)[0]

    def text(self, body: str, wamid: str | None = None, signature: str | None = None) -> int:
        self.n += 1
        message = {
            "id": wamid or f"wamid.e2e.{self.n}",
            "timestamp": str(int(time.time())),
            "type": "text",
            "text": {"body": body},
        }
        return self.post(message, signature)

    def tap(self, option_id: str) -> int:
        self.n += 1
        kind = "list_reply" if not option_id.startswith("sv:") else "button_reply"
        message = {
            "id": f"wamid.e2e.{self.n}",
            "timestamp": str(int(time.time())),
            "type": "interactive",
            "interactive": {"type": kind, kind: {"id": option_id, "title": "x"}},
        }
        return self.post(message)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


@pytest.fixture
def whatsapp(tmp_path) -> Iterator[tuple[Bot, FakeGraphApi]]:
    """The bot on SQLite, for what does not depend on where data is kept."""
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        bot = Bot(tmp_path, url)
        try:
            yield bot, api
        finally:
            bot.stop()


@pytest.fixture
def stored(tmp_path, e2e_database: E2eDatabase) -> Iterator[tuple[Bot, FakeGraphApi]]:
    """The bot on each backend, for what goes through storage."""
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        bot = Bot(tmp_path, url, e2e_database.env)
        try:
            yield bot, api
        finally:
            bot.stop()


def texts(api: FakeGraphApi) -> list[str]:
    out = []
    for m in api.to(CITIZEN):
        if m["type"] == "text":
            out.append(m["text"]["body"])
        elif m["type"] == "interactive":
            out.append(m["interactive"]["body"]["text"])
    return out


def options(api: FakeGraphApi) -> list[tuple[str, str]]:
    for m in reversed(api.to(CITIZEN)):
        interactive = m.get("interactive")
        if interactive and interactive["type"] == "button":
            return [
                (b["reply"]["title"], b["reply"]["id"]) for b in interactive["action"]["buttons"]
            ]
        if interactive:
            return [
                (r.get("description", r["title"]), r["id"])
                for r in interactive["action"]["sections"][0]["rows"]
            ]
    return []


def choose(bot: Bot, api: FakeGraphApi, label: str) -> None:
    """Tap the option with this label once the bot has offered it."""
    api.wait_for(lambda: any(title.startswith(label) for title, _ in options(api)))
    option = next(i for title, i in options(api) if title.startswith(label))
    count = len(api.to(CITIZEN))
    assert bot.tap(option) == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) > count)


def say(bot: Bot, api: FakeGraphApi, body: str) -> None:
    count = len(api.to(CITIZEN))
    assert bot.text(body) == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) > count)


def test_verification_and_health(whatsapp):
    bot, _ = whatsapp
    status, body = bot.request("GET", "/health")
    assert (status, json.loads(body)) == (
        200,
        {"status": "ok", "channels": {"whatsapp": {"state": "ok"}}},
    )
    good = "/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=12345"
    assert bot.request("GET", good) == (200, "12345")
    bad = "/webhook/whatsapp?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=12345"
    assert bot.request("GET", bad)[0] == 403


def test_citizen_asks_and_finishes_a_survey_with_buttons_and_lists(
    stored, tmp_path, e2e_database: E2eDatabase
):
    bot, api = stored
    say(bot, api, "syarat bikin kk apa aja")
    api.wait_for(lambda: any("Persyaratan:" in t for t in texts(api)))
    say(bot, api, "survei")
    choose(bot, api, "Ya, saya bersedia")
    choose(bot, api, "Berikutnya")
    choose(bot, api, "Pengantar SKCK")
    choose(bot, api, "Perempuan")
    say(bot, api, "45")
    choose(bot, api, "SMA")
    choose(bot, api, "Wirausaha")
    for score in ["4", "4", "3", "4", "4", "4", "4", "4", "4"]:
        choose(bot, api, f"{score} ·")
    choose(bot, api, "Lewati")
    choose(bot, api, "Kirim")
    api.wait_for(lambda: any("Terima kasih, penilaian" in t for t in texts(api)))
    rows = e2e_database.rows(
        tmp_path / "data", "SELECT service_id, channel, respondent_key, u3 FROM survey_responses"
    )
    [(service, channel, key, u3)] = rows
    assert (service, channel, u3) == ("skck", "whatsapp", 3)
    assert CITIZEN not in key


def test_a_redelivered_message_is_processed_once(stored):
    bot, api = stored
    assert bot.text("menu", wamid="wamid.twice") == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) == 1)
    assert bot.text("menu", wamid="wamid.twice") == 200
    assert bot.text("bantuan") == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) == 2)
    assert "Cara menggunakan" in texts(api)[-1]


def test_a_forged_signature_is_refused_and_changes_nothing(
    stored, tmp_path, e2e_database: E2eDatabase
):
    bot, api = stored
    assert bot.text("survei", signature="sha256=" + "0" * 64) == 401
    assert bot.text("survei", signature="") == 401
    assert bot.text("menu") == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) == 1)
    assert "Silakan pilih menu" in texts(api)[0]
    assert e2e_database.rows(tmp_path / "data", "SELECT COUNT(*) FROM processed_events") == [(1,)]


OFFICIAL = "6281399998888"
JOINED_DAYS_AGO = 30


def reports_due_since(days: int) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from skm_core.delivery.scheduled import SCHEDULES

    now = datetime.now(UTC)
    joined = now - timedelta(days=days)
    wita = ZoneInfo("Asia/Makassar")
    # Pejabat receive every schedule by default; a report is due if it fired after joining.
    return sum(s.latest_fire(now, wita) > joined for s in SCHEDULES)


async def prepare_official_out_of_window(data: Path, database: E2eDatabase) -> None:
    """A pejabat on WhatsApp for a month, silent for three days, as the database holds it."""
    from datetime import UTC, datetime, timedelta

    from skm_core.pseudonym import Pseudonymizer, load_or_create_key
    from skm_core.storage import Database
    from skm_core.storage.officials import add_official
    from skm_core.storage.outbox import record_inbound

    now = datetime.now(UTC)
    key = Pseudonymizer(load_or_create_key(data / "pseudonym.key")).user_key("whatsapp", OFFICIAL)
    async with await Database.open(database.target(data)) as db, db.transaction() as tx:
        joined = now - timedelta(days=JOINED_DAYS_AGO)
        await add_official(tx, "whatsapp", key, OFFICIAL, "pejabat", joined)
        await record_inbound(tx, "whatsapp", key, now - timedelta(days=3))


def test_a_summary_to_an_official_outside_the_window_goes_as_the_template(
    tmp_path, e2e_database: E2eDatabase
):
    import asyncio

    asyncio.run(prepare_official_out_of_window(tmp_path / "data", e2e_database))
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        bot = Bot(tmp_path, url, e2e_database.env)
        try:
            # At start-up the catch-up queues the last weekly report; the window is closed.
            # Every report due since the official joined (a week's, perhaps a month's) waits
            # behind its own template; nothing else reaches a closed window.
            due = reports_due_since(JOINED_DAYS_AGO)
            api.wait_for(lambda: len(api.to(OFFICIAL)) >= due)
            templates = api.to(OFFICIAL)
            assert {m["type"] for m in templates} == {"template"}
            template = templates[0]
            assert template["template"]["name"] == "laporan_skm"
            assert template["template"]["language"] == {"code": "id"}
            button = template["template"]["components"][1]
            payload = button["parameters"][0]["payload"]
            sent = str(int(time.time()))
            tap = {"id": "wamid.tap.1", "timestamp": sent, "type": "button",
                   "button": {"payload": payload, "text": "Lihat laporan"}}  # fmt: skip
            envelope = json.loads(FIXTURE.read_text(encoding="utf-8"))
            envelope["entry"][0]["changes"][0]["value"]["messages"] = [{"from": OFFICIAL, **tap}]
            body = json.dumps(envelope).encode()
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign(SECRET, body),
            }
            assert bot.request("POST", "/webhook/whatsapp", body, headers)[0] == 200
            api.wait_for(lambda: len(api.to(OFFICIAL)) >= len(templates) + 3)
            kinds = [m["type"] for m in api.to(OFFICIAL)][len(templates) :]
            assert kinds == ["text", "image", "interactive"]
            assert "Ringkasan SKM" in api.to(OFFICIAL)[-1]["interactive"]["body"]["text"]
        finally:
            bot.stop()


FIXTURES = FIXTURE.parent


def post_body(bot: Bot, body: dict[str, Any]) -> int:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(SECRET, data)}
    return bot.request("POST", "/webhook/whatsapp", data, headers)[0]


def test_shapes_that_are_not_messages_to_answer_get_nothing_and_a_welcome_gets_the_welcome(
    stored, tmp_path, e2e_database: E2eDatabase
):
    bot, api = stored
    ignored = ["reaction", "reaction_removed", "deleted", "edit", "system", "group",
               "other_number", "status_delivered", "status_undeliverable", "status"]  # fmt: skip
    for name in ignored:
        assert post_body(bot, json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))) == 200
    assert post_body(bot, json.loads((FIXTURES / "request_welcome.json").read_text("utf-8"))) == 200
    api.wait_for(lambda: len(api.to(CITIZEN)) == 1)
    assert "Selamat datang" in texts(api)[0]
    say(bot, api, "bantuan")  # served in order, after everything above
    assert len(api.to(CITIZEN)) == 2
    assert e2e_database.rows(tmp_path / "data", "SELECT COUNT(*) FROM processed_events") == [(2,)]


PEOPLE = 300


def test_sigterm_with_acknowledged_messages_pending_then_a_restart_processes_each_once(
    tmp_path, e2e_database: E2eDatabase
):
    api = FakeGraphApi()
    people = [f"6281{n:08d}" for n in range(PEOPLE)]
    envelope = json.loads(FIXTURE.read_text(encoding="utf-8"))
    envelope["entry"][0]["changes"][0]["value"]["messages"] = [
        {"from": who, "id": f"wamid.burst.{n}", "timestamp": str(int(time.time())),
         "type": "text", "text": {"body": "menu"}}
        for n, who in enumerate(people)
    ]  # fmt: skip
    with serve_graph_api(api) as url:
        bot = Bot(tmp_path, url, e2e_database.env)
        try:
            assert post_body(bot, envelope) == 200  # acknowledged: Meta will not send it again
            bot.process.send_signal(signal.SIGTERM)
            assert bot.process.wait(timeout=60) == 0
        finally:
            bot.stop()
        answered_before_restart = len(api.messages)
        bot = Bot(tmp_path, url, e2e_database.env)
        try:
            api.wait_for(lambda: len(api.messages) >= PEOPLE, timeout=120)
        finally:
            bot.stop()
    replies = sorted(m["to"] for m in api.messages)
    assert replies == sorted(people)  # every one answered, none twice
    data = tmp_path / "data"
    assert e2e_database.rows(data, "SELECT COUNT(*) FROM inbound_messages") == [(0,)]
    assert e2e_database.rows(data, "SELECT COUNT(*) FROM processed_events") == [(PEOPLE,)]
    print(f"answered before the restart: {answered_before_restart} of {PEOPLE}")


def test_a_failed_status_on_an_answer_keeps_the_complaint_open_and_says_why(
    tmp_path, e2e_database: E2eDatabase
):
    api = FakeGraphApi()
    with serve_graph_api(api) as url:
        extra = {
            "SKM_ADMIN_WHATSAPP_NUMBERS": OFFICIAL,
            "SKM_OUTBOX_INTERVAL_SECONDS": "0.2",
            **e2e_database.env,
        }
        bot = Bot(tmp_path, url, extra)
        try:
            say(bot, api, "menu")
            choose(bot, api, "Kontak")
            choose(bot, api, "Kirim pengaduan")
            say(bot, api, "Antrean loket lama sekali.")
            choose(bot, api, "Kirim")

            def official(body: str) -> None:
                bot.n += 1
                message = {"id": f"wamid.off.{bot.n}", "timestamp": str(int(time.time())),
                           "type": "text", "text": {"body": body}}  # fmt: skip
                envelope = json.loads(FIXTURE.read_text(encoding="utf-8"))
                value = envelope["entry"][0]["changes"][0]["value"]
                value["messages"] = [{"from": OFFICIAL, **message}]
                count = len(api.to(OFFICIAL))
                assert post_body(bot, envelope) == 200
                api.wait_for(lambda: len(api.to(OFFICIAL)) > count)

            official("/jawab 1 Mohon maaf, loket kini dibuka pukul 07.30.")
            api.wait_for(lambda: any("07.30" in t for t in texts(api)))
            answer = next(m for m in api.to(CITIZEN) if "07.30" in json.dumps(m))
            status = json.loads((FIXTURES / "status_undeliverable.json").read_text("utf-8"))
            status["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = answer["_id"]
            assert post_body(bot, status) == 200
            api.wait_for(
                lambda: any("tidak dapat dikirim" in json.dumps(m) for m in api.to(OFFICIAL))
            )
            official("/aduan")
            listing = json.dumps(api.to(OFFICIAL)[-1], ensure_ascii=False)
            assert "#1" in listing and "TIDAK TERKIRIM" in listing
        finally:
            bot.stop()
