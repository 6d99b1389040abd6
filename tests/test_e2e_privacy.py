"""End to end on both channels at once: afterwards no log line, database cell or data file
holds a citizen's chat id, number, name, username or words, except where the README says so
(the address of a complaint not yet answered; the texts of suggestions and complaints)."""

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.bot_api import TOKEN, FakeBotApi, serve_bot_api
from tests.fakes.graph_api import FakeGraphApi, serve_graph_api
from tests.test_e2e_whatsapp import CITIZEN as WA_NUMBER
from tests.test_e2e_whatsapp import Bot, choose, say, texts

TG_ID = 987654321
ADMIN_ID = 111222333
TG_NAMES = ("Siti", "Rahmawati", "siti_sangasanga", f"Warga{TG_ID}")
WA_NAME = "Warga Sangasanga"
WORDS = ("syarat bikin kk apa aja", "berapa lama pembuatan akta")


@pytest.fixture
def both(tmp_path) -> Iterator[tuple[Bot, FakeGraphApi, FakeBotApi]]:
    graph, telegram = FakeGraphApi(), FakeBotApi()
    with serve_graph_api(graph) as graph_url, serve_bot_api(telegram) as bot_url:
        extra = {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_url,
            "TELEGRAM_API_FILE_URL": bot_url.replace("/bot", "/file/bot"),
            "SKM_ADMIN_TELEGRAM_IDS": str(ADMIN_ID),
        }
        bot = Bot(tmp_path, graph_url, extra)
        try:
            yield bot, graph, telegram
        finally:
            bot.stop()


def as_person(update: dict[str, Any]) -> dict[str, Any]:
    """The update as Telegram sends it for someone with a full name and a username."""
    for key in ("message", "callback_query"):
        if key in update:
            sender = update[key]["from"]
            sender.update(first_name="Siti", last_name="Rahmawati", username="siti_sangasanga")
    return update


def tg_say(api: FakeBotApi, text: str) -> None:
    count = len(api.sent(TG_ID))
    api.push(as_person(api.text_update(TG_ID, text)))
    api.wait_for(lambda: len(api.sent(TG_ID)) > count)


def tg_press(api: FakeBotApi, label: str) -> None:
    data = next(d for text, d in api.buttons(TG_ID) if text.startswith(label))
    count = len(api.sent(TG_ID))
    api.push(as_person(api.button_update(TG_ID, data)))
    api.wait_for(lambda: len(api.sent(TG_ID)) > count)


def telegram_visit(api: FakeBotApi) -> None:
    api.wait_for(lambda: any(c.method == "deleteWebhook" for c in api.calls))
    tg_say(api, "/start")
    tg_say(api, WORDS[0])
    tg_say(api, "/survei")
    tg_press(api, "Ya")
    tg_press(api, "Kartu Keluarga")
    tg_press(api, "Perempuan")
    tg_say(api, "38")
    tg_press(api, "SMA")
    tg_press(api, "Lainnya")
    tg_say(api, "Sopir angkot")
    for score in "443444434":
        tg_press(api, f"{score} ·")
    tg_say(api, "Ruang tunggu nyaman")
    tg_press(api, "Kirim")
    tg_say(api, "menu")
    tg_press(api, "Kontak")
    tg_press(api, "Kirim pengaduan")
    tg_say(api, "Loket tutup lebih awal hari Jumat")
    tg_press(api, "Kirim")


def whatsapp_visit(bot: Bot, api: FakeGraphApi) -> None:
    say(bot, api, WORDS[1])
    say(bot, api, "survei")
    choose(bot, api, "Ya, saya bersedia")
    choose(bot, api, "Berikutnya")
    choose(bot, api, "Pengantar SKCK")
    choose(bot, api, "Laki-laki")
    say(bot, api, "45")
    choose(bot, api, "SMA")
    choose(bot, api, "Wirausaha")
    for score in "444344444":
        choose(bot, api, f"{score} ·")
    choose(bot, api, "Lewati")
    choose(bot, api, "Kirim")
    api.wait_for(lambda: any("Terima kasih, penilaian" in t for t in texts(api)))
    say(bot, api, "menu")
    choose(bot, api, "Kontak")
    choose(bot, api, "Kirim pengaduan")
    say(bot, api, "Petugas ramah, antrean panjang")
    choose(bot, api, "Kirim")


def cells(database: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-empty cell of every table."""
    found = []
    with closing(sqlite3.connect(database)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            for row in cursor:
                found += [(table, n, str(v)) for n, v in zip(names, row, strict=True) if v]
    return found


def test_nothing_identifies_a_citizen_outside_what_the_readme_says_is_kept(both, tmp_path):
    bot, graph, telegram = both
    telegram_visit(telegram)
    whatsapp_visit(bot, graph)
    bot.stop()
    data = tmp_path / "data"
    identifiers = (str(TG_ID), WA_NUMBER, *TG_NAMES, WA_NAME)

    log = (tmp_path / "skm.log").read_text(encoding="utf-8", errors="replace")
    for secret in (*identifiers, *WORDS, "wamid.e2e", "Ruang tunggu", "Loket tutup"):
        assert secret not in log, f"{secret!r} in the log"

    where = {
        (table, column)
        for table, column, value in cells(data / "skm.sqlite3")
        if any(i in value for i in identifiers)
    }
    # The README: a complaint keeps the chat id or number to answer to, until answered.
    assert where == {("complaints", "address")}
    with closing(sqlite3.connect(data / "skm.sqlite3")) as db:
        kept = db.execute("SELECT address FROM complaints WHERE answered_at IS NULL").fetchall()
    assert sorted(kept) == sorted([(str(TG_ID),), (WA_NUMBER,)])

    # Names, usernames and message ids reach no file at all (free pages and WAL included).
    raw = b"".join(p.read_bytes() for p in data.iterdir() if p.is_file())
    for secret in (*TG_NAMES, WA_NAME, "wamid.e2e", *WORDS):
        assert secret.encode() not in raw, f"{secret!r} in {data}"
    assert {p.name for p in data.iterdir()} <= {
        "skm.sqlite3",
        "skm.sqlite3-wal",
        "skm.sqlite3-shm",
        "pseudonym.key",
        "skm.lock",
    }
