"""End to end: the real `skm run` process against the fake Bot API on 127.0.0.1."""

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

import pytest

from tests.e2e_database import E2eDatabase
from tests.fakes.bot_api import TOKEN, FakeBotApi, serve_bot_api

CITIZEN = 6001


class Process:
    def __init__(self, data: Path, base_url: str, extra: dict[str, str] | None = None) -> None:
        self.data = data
        env = {
            **(extra or {}),
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SKM_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": base_url,
            "TELEGRAM_API_FILE_URL": base_url.replace("/bot", "/file/bot"),
            "SKM_DATA_DIR": str(data),
        }
        self.log = (data.parent / "skm.log").open("ab")
        self.popen = subprocess.Popen(
            [str(Path(sys.executable).with_name("skm")), "run"],
            env=env,
            cwd=data.parent,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def api() -> Iterator[tuple[FakeBotApi, str]]:
    fake = FakeBotApi()
    with serve_bot_api(fake) as base_url:
        yield fake, base_url


def say(api: FakeBotApi, text: str) -> None:
    count = len(api.sent(CITIZEN))
    api.push(api.text_update(CITIZEN, text))
    api.wait_for(lambda: len(api.sent(CITIZEN)) > count)


def press(api: FakeBotApi, label: str) -> None:
    data = next(d for text, d in api.buttons(CITIZEN) if text.startswith(label))
    count = len(api.sent(CITIZEN))
    api.push(api.button_update(CITIZEN, data))
    api.wait_for(lambda: len(api.sent(CITIZEN)) > count)


def last(api: FakeBotApi) -> str:
    return api.texts(CITIZEN)[-1]


def test_citizen_reads_requirements_and_finishes_a_survey(api, tmp_path, e2e_database: E2eDatabase):
    fake, base_url = api
    bot = Process(tmp_path / "data", base_url, e2e_database.env)
    try:
        fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls))
        assert any(c.method == "setMyCommands" for c in fake.calls)
        say(fake, "/start")
        assert "Selamat datang" in last(fake)
        say(fake, "syarat bikin kk apa aja")
        assert "Persyaratan:" in last(fake)
        say(fake, "/survei")
        press(fake, "Ya")
        press(fake, "Kartu Keluarga")
        press(fake, "Laki-laki")
        say(fake, "52")
        press(fake, "SD")
        press(fake, "Lainnya")
        say(fake, "Sopir angkot")
        for score in ["4", "3", "3", "4", "4", "4", "4", "3", "4"]:
            press(fake, f"{score} ·")
        say(fake, "Antrean sudah tertib, terima kasih")
        press(fake, "Kirim")
        assert "Terima kasih" in last(fake)
    finally:
        bot.stop()
    answers = "SELECT service_id, channel, u1, u2, u9, suggestion FROM survey_responses"
    rows = e2e_database.rows(tmp_path / "data", answers)
    assert rows == [("kk", "telegram", 4, 3, 4, "Antrean sudah tertib, terima kasih")]


def test_killed_mid_survey_the_citizen_continues_at_the_same_question(
    api, tmp_path, e2e_database: E2eDatabase
):
    fake, base_url = api
    bot = Process(tmp_path / "data", base_url, e2e_database.env)
    try:
        fake.wait_for(lambda: any(c.method == "deleteWebhook" for c in fake.calls))
        say(fake, "/survei")
        press(fake, "Ya")
        press(fake, "SKTM")
        assert "Jenis kelamin" in last(fake)
        bot.kill()
        question_buttons = fake.buttons(CITIZEN)
        bot = Process(tmp_path / "data", base_url, e2e_database.env)
        data = next(d for text, d in question_buttons if text == "Perempuan")
        count = len(fake.sent(CITIZEN))
        fake.push(fake.button_update(CITIZEN, data))
        fake.wait_for(lambda: len(fake.sent(CITIZEN)) > count)
        assert "Berapa usia" in last(fake)
    finally:
        bot.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post_update(port: int, update: dict[str, object], secret: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/telegram",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    for _ in range(200):  # the server may still be starting
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the webhook server did not start")


def test_webhook_mode_checks_the_secret_token(api, tmp_path, e2e_database: E2eDatabase):
    fake, base_url = api
    port = free_port()
    webhook = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "rahasia_123",
        "SKM_HTTP_PORT": str(port),
        **e2e_database.env,
    }
    bot = Process(tmp_path / "data", base_url, webhook)
    try:
        fake.wait_for(lambda: fake.webhook_url == webhook["TELEGRAM_WEBHOOK_URL"])
        assert post_update(port, fake.text_update(CITIZEN, "/layanan"), "salah") == 403
        assert post_update(port, fake.text_update(CITIZEN, "/layanan"), "rahasia_123") == 200
        fake.wait_for(lambda: len(fake.sent(CITIZEN)) == 1)
        assert "Silakan pilih layanan" in last(fake)
    finally:
        bot.stop()
    assert len(fake.sent(CITIZEN)) == 1  # the refused update changed nothing


UNREADABLE = Path(__file__).parent / "data" / "telegram" / "unreadable.json"


def error(status: int, description: str, **parameters: int) -> dict[str, object]:
    body: dict[str, object] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


def test_getupdates_429_409_and_5xx_are_waited_out_and_nothing_is_lost(api, tmp_path):
    fake, base_url = api
    fake.fail("getMe", 502, error(502, "Bad Gateway"))  # Telegram unreachable at start-up
    fake.fail("getUpdates", 429, error(429, "Too Many Requests", retry_after=1))
    fake.fail("getUpdates", 409, error(409, "Conflict: terminated by other getUpdates request"))
    fake.fail("getUpdates", 500, error(500, "Internal Server Error"))
    fake.push(fake.text_update(CITIZEN, "/layanan"))
    bot = Process(tmp_path / "data", base_url)
    try:
        fake.wait_for(lambda: len(fake.sent(CITIZEN)) == 1)
        assert "Silakan pilih layanan" in last(fake)
        say(fake, "/bantuan")
        assert bot.popen.poll() is None
    finally:
        bot.stop()
    assert len(fake.sent(CITIZEN)) == 2  # each answered once
    assert bot.popen.returncode == 0


def test_a_refused_token_stops_the_process_with_a_reason_and_a_non_zero_exit(api, tmp_path):
    fake, base_url = api
    fake.fail("getUpdates", 401, error(401, "Unauthorized"))
    bot = Process(tmp_path / "data", base_url)
    try:
        assert bot.popen.wait(timeout=30) == 1
    finally:
        bot.stop()
    log = (tmp_path / "skm.log").read_text(encoding="utf-8")
    assert "Telegram refused the bot token" in log


def test_an_unreadable_update_is_skipped_confirmed_and_not_fatal(
    api, tmp_path, e2e_database: E2eDatabase
):
    fake, base_url = api
    unreadable = json.loads(UNREADABLE.read_text(encoding="utf-8"))
    fake.push({**unreadable, "update_id": 900})
    fake.push(fake.text_update(CITIZEN, "/layanan"))
    bot = Process(tmp_path / "data", base_url, e2e_database.env)
    try:
        fake.wait_for(lambda: len(fake.sent(CITIZEN)) == 1)
        fake.wait_for(lambda: all(u["update_id"] != 900 for u in fake.updates))
    finally:
        bot.stop()
    bot = Process(tmp_path / "data", base_url, e2e_database.env)  # a restart does not meet it again
    try:
        say(fake, "/bantuan")
    finally:
        bot.stop()
    assert len(fake.sent(CITIZEN)) == 2
    log = (tmp_path / "skm.log").read_text(encoding="utf-8")
    assert log.count("update 900 could not be read") == 1
    assert "halo" not in log


def test_the_webhook_confirms_an_unreadable_update_with_200(api, tmp_path):
    fake, base_url = api
    port = free_port()
    webhook = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "rahasia_123",
        "SKM_HTTP_PORT": str(port),
    }
    bot = Process(tmp_path / "data", base_url, webhook)
    try:
        fake.wait_for(lambda: fake.webhook_url == webhook["TELEGRAM_WEBHOOK_URL"])
        unreadable = json.loads(UNREADABLE.read_text(encoding="utf-8"))
        assert post_update(port, {**unreadable, "update_id": 901}, "rahasia_123") == 200
        assert post_update(port, fake.text_update(CITIZEN, "/layanan"), "rahasia_123") == 200
        fake.wait_for(lambda: len(fake.sent(CITIZEN)) == 1)
    finally:
        bot.stop()
    assert "update 901 could not be read" in (tmp_path / "skm.log").read_text(encoding="utf-8")


ADMIN = 6900


def test_an_answer_to_a_citizen_who_blocked_the_bot_is_not_called_sent(
    api, tmp_path, e2e_database: E2eDatabase
):
    fake, base_url = api
    extra = {
        "SKM_ADMIN_TELEGRAM_IDS": str(ADMIN),
        "SKM_OUTBOX_INTERVAL_SECONDS": "0.2",
        **e2e_database.env,
    }
    bot = Process(tmp_path / "data", base_url, extra)

    def admin_says(text: str, expected: str) -> str:
        fake.push(fake.text_update(ADMIN, text))
        fake.wait_for(lambda: any(expected in t for t in fake.texts(ADMIN)))
        return next(t for t in reversed(fake.texts(ADMIN)) if expected in t)

    try:
        say(fake, "/start")
        press(fake, "Kontak")
        press(fake, "Kirim pengaduan")
        say(fake, "Antrean loket lama sekali.")
        press(fake, "Kirim")
        fake.wait_for(lambda: any("Antrean loket" in t for t in fake.texts(ADMIN)))
        fake.blocked.add(CITIZEN)
        assert "sedang dikirim" in admin_says("/jawab 1 Loket kini dibuka 07.30.", "#1 sedang")
        failed = admin_says("/menu", "tidak dapat dikirim kepada warga")
        assert "memblokir bot" in failed
        listing = admin_says("/aduan", "TIDAK TERKIRIM")
        assert "#1" in listing
        assert not any("telah terkirim" in t for t in fake.texts(ADMIN))
    finally:
        bot.stop()


def test_real_update_shapes_are_answered_only_where_a_person_wrote_to_the_bot(api, tmp_path):
    fake, base_url = api
    shapes = Path(__file__).parent / "data" / "telegram"

    def push(name: str) -> None:
        update = json.loads((shapes / f"{name}.json").read_text(encoding="utf-8"))
        fake.push({**update, "update_id": next(fake._update_ids)})

    bot = Process(tmp_path / "data", base_url)
    try:
        for name in ["pinned", "auto_delete_timer", "background", "group_text", "group_callback"]:
            push(name)
        push("photo_caption")
        fake.wait_for(lambda: len(fake.sent()) == 1)
        push("document_caption")
        fake.wait_for(lambda: len(fake.sent()) == 2)
        say(fake, "/bantuan")  # everything before it was confirmed and is not met again
    finally:
        bot.stop()
    texts = [str(c.params.get("text", "")) for c in fake.sent()]
    assert len(texts) == 3
    assert "Persyaratan:" in texts[0] and "Persyaratan:" in texts[1]


def test_a_stop_while_telegram_is_unreachable_at_start_up_ends_at_once(api, tmp_path):
    fake, base_url = api
    for _ in range(50):
        fake.fail("getMe", 502, error(502, "Bad Gateway"))
    bot = Process(tmp_path / "data", base_url)
    try:
        fake.wait_for(lambda: sum(c.method == "!getMe" for c in fake.calls) >= 2)
        bot.popen.send_signal(signal.SIGTERM)
        assert bot.popen.wait(timeout=10) == 0
    finally:
        bot.stop()
