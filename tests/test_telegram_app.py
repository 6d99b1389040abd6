"""The Telegram adapter, driven through Application.process_update against an offline fake."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.settings import Settings
from bot.telegram_app import TelegramChannel
from skm_core.content import Content
from tests.fakes.bot_api import BOT_USERNAME, TOKEN, FakeBotApi
from tests.fakes.offline_bot import offline_bot

CITIZEN = 501
ADMIN = 900


@dataclass
class Bot:
    api: FakeBotApi
    application: Any
    channel: TelegramChannel

    async def send(self, update: dict[str, Any]) -> None:
        await self.application.process_update(Update.de_json(update, self.application.bot))

    async def type(self, text: str, user: int = CITIZEN) -> None:
        await self.send(self.api.text_update(user, text))

    async def press(self, label: str, user: int = CITIZEN) -> None:
        for text, data in self.api.buttons(user):
            if text == label or text.startswith(label):
                await self.send(self.api.button_update(user, data))
                return
        raise AssertionError(f"no button {label!r} in {self.api.buttons(user)}")

    def last_text(self, user: int = CITIZEN) -> str:
        return self.api.texts(user)[-1]

    def labels(self, user: int = CITIZEN) -> list[str]:
        return [label for label, _ in self.api.buttons(user)]


def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        telegram_bot_token=TOKEN,
        skm_data_dir=tmp_path / "data",
        skm_admin_telegram_ids=str(ADMIN),
        _env_file=None,
    )


@pytest.fixture
async def bot(tmp_path: Path, content: Content) -> AsyncIterator[Bot]:
    api = FakeBotApi()
    async with offline_bot(settings_for(tmp_path), content, api) as (application, channel, _):
        yield Bot(api, application, channel)


async def test_command_menus_are_set_in_indonesian_and_scoped(bot):
    menus = [c.params for c in bot.api.calls if c.method == "setMyCommands"]
    default = next(m for m in menus if m["scope"]["type"] == "default")
    assert [c["command"] for c in default["commands"]] == [
        "start",
        "layanan",
        "survei",
        "batal",
        "bantuan",
    ]
    assert default["commands"][2]["description"] == "Isi survei kepuasan masyarakat"
    admin = next(m for m in menus if m["scope"]["type"] == "chat")
    assert admin["scope"]["chat_id"] == ADMIN
    assert "tiket" in [c["command"] for c in admin["commands"]]


async def test_start_shows_the_menu_as_an_inline_keyboard(bot):
    await bot.type("/start")
    assert "Selamat datang" in bot.last_text()
    assert bot.labels()[:2] == ["Informasi layanan", "Isi survei kepuasan"]


async def test_a_citizen_asks_for_a_requirement(bot):
    await bot.type("syarat surat miskin gimana")
    assert "LEGALISASI SURAT KETERANGAN TIDAK MAMPU" in bot.last_text()


async def test_buttons_edit_the_message_in_place(bot):
    await bot.type("/start")
    await bot.press("Informasi layanan")
    call = bot.api.sent(CITIZEN)[-1]
    assert call.method == "editMessageText"
    assert "Silakan pilih layanan" in call.params["text"]


async def test_callback_data_fits_64_bytes_everywhere(bot):
    await bot.type("/survei")
    await bot.press("Ya")
    await bot.type("/layanan")
    for call in bot.api.sent():
        markup = call.params.get("reply_markup") or {"inline_keyboard": []}
        for row in markup["inline_keyboard"]:
            for button in row:
                assert len(button["callback_data"].encode()) <= 64


async def test_same_update_delivered_twice_gives_one_response(bot):
    update = bot.api.text_update(CITIZEN, "/layanan")
    await bot.send(update)
    await bot.send(update)
    assert len(bot.api.sent(CITIZEN)) == 1


async def test_a_photo_gets_a_polite_answer(bot):
    await bot.send(bot.api.photo_update(CITIZEN))
    assert "hanya dapat membaca pesan teks" in bot.last_text()


async def test_an_old_button_is_answered_and_changes_nothing(bot, tmp_path):
    await bot.type("/survei")
    old = bot.api.last_bot_message(CITIZEN)
    await bot.press("Ya")
    await bot.send(bot.api.button_update(CITIZEN, "sv:000000:consent:yes", old))
    assert "pertanyaan sebelumnya" in bot.last_text()
    assert "Layanan apa" in bot.last_text()


async def test_a_forged_button_is_answered_politely(bot):
    await bot.send(bot.api.button_update(CITIZEN, "svc:../../etc", bot.api._message(CITIZEN, "x")))
    assert "sudah tidak berlaku" in bot.last_text()
    assert any(c.method == "answerCallbackQuery" for c in bot.api.calls)


async def complete_survey(bot: Bot, user: int = CITIZEN, service: str | None = "SKTM") -> None:
    await bot.press("Ya", user)
    if service:
        await bot.press(service, user)
    await bot.press("Perempuan", user)
    await bot.type("37", user)
    await bot.press("SMA", user)
    await bot.press("Wirausaha", user)
    for _ in range(9):
        await bot.press("4 ·", user)
    await bot.press("Lewati", user)
    await bot.press("Kirim", user)


async def test_survey_with_buttons_lands_in_the_database(bot):
    await bot.type("/survei")
    await complete_survey(bot)
    assert "Terima kasih" in bot.last_text()
    rows = await bot.channel.engine.db.fetch_all(
        "SELECT service_id, channel, respondent_key FROM survey_responses"
    )
    [(service, channel, key)] = rows
    assert (service, channel) == ("sktm", "telegram")
    assert str(CITIZEN) not in key


async def test_officials_issue_a_ticket_and_a_citizen_uses_it(bot):
    await bot.type("/start", user=ADMIN)
    await bot.type("/tiket sktm", user=ADMIN)
    photo = next(c for c in bot.api.sent(ADMIN) if c.method == "sendPhoto")
    assert photo.files["photo"].startswith(b"\x89PNG")
    text = bot.last_text(ADMIN)
    link = next(word for word in text.split() if word.startswith("https://t.me/"))
    assert link.startswith(f"https://t.me/{BOT_USERNAME}?start=")
    token = link.split("start=", 1)[1]
    assert len(token) >= 16
    await bot.type(f"/start {token}")
    assert "Apakah Bapak/Ibu bersedia" in bot.last_text()
    await complete_survey(bot, service=None)
    rows = await bot.channel.engine.db.fetch_all(
        "SELECT service_id, ticketed FROM survey_responses"
    )
    assert rows == [("sktm", 1)]
    await bot.type(f"/start {token}", user=CITIZEN + 1)
    assert "sudah digunakan" in bot.last_text(CITIZEN + 1)


async def test_tiket_without_a_service_offers_the_list(bot):
    await bot.type("/tiket", user=ADMIN)
    assert "Pilih layanan" in bot.last_text(ADMIN)
    await bot.press("Kartu Keluarga", user=ADMIN)
    assert "Tiket survei untuk layanan Kartu Keluarga" in bot.last_text(ADMIN)


async def test_a_citizen_gets_nothing_from_tiket(bot):
    await bot.type("/tiket sktm")
    refused = bot.last_text()
    await bot.type("/perintahngawur sktm")
    assert bot.last_text() == refused
    assert not [c for c in bot.api.sent(CITIZEN) if c.method == "sendPhoto"]
    count = await bot.channel.engine.db.fetch_one("SELECT COUNT(*) FROM tickets")
    assert count == (0,)
    await bot.send(bot.api.button_update(CITIZEN, "tkt:sktm", bot.api._message(CITIZEN, "x")))
    assert await bot.channel.engine.db.fetch_one("SELECT COUNT(*) FROM tickets") == (0,)


async def test_resume_after_the_application_is_restarted(tmp_path, content):
    api = FakeBotApi()
    async with offline_bot(settings_for(tmp_path), content, api) as (application, channel, _):
        first = Bot(api, application, channel)
        await first.type("/survei")
        await first.press("Ya")
        await first.press("SKTM")
    async with offline_bot(settings_for(tmp_path), content, api) as (application, channel, _):
        again = Bot(api, application, channel)
        await again.press("Laki-laki")  # the button of the question asked before the restart
        assert "Berapa usia" in again.last_text()


async def test_an_error_is_logged_and_the_person_told(bot, caplog):
    async def broken(event):
        raise RuntimeError(f"cannot read {event.value!r}")

    bot.channel.engine.handle = broken
    await bot.type("/layanan")
    assert "Maaf, terjadi gangguan" in bot.last_text()
    pseudonym = bot.channel.pseudonyms.user_key("telegram", str(CITIZEN))
    assert f"message update from p:{pseudonym[:12]} caused an error" in caplog.text
    assert "builtins.RuntimeError" in caplog.text
    assert "in broken" in caplog.text  # where it happened


async def test_an_error_log_holds_no_id_name_or_text_of_the_person(bot, caplog):
    async def broken(event):
        raise ValueError(f"invalid literal for int(): {event.value!r}")

    bot.channel.engine.handle = broken
    await bot.type("Nama saya Siti, HP 081234567890", user=777123)
    await bot.send(bot.api.button_update(777123, "menu"))
    assert caplog.text.count("caused an error") == 2
    for personal in ("777123", "Warga777123", "Siti", "081234567890", "update_id"):
        assert personal not in caplog.text


async def test_a_429_is_retried_and_the_message_arrives_once(bot, monkeypatch):
    # The rate limiter's wait runs on a virtual clock: recorded, not slept.
    real_sleep = asyncio.sleep
    waited: list[float] = []

    async def virtual_sleep(delay: float, result: object = None) -> object:
        if delay >= 1:
            waited.append(delay)
            delay = 0
        return await real_sleep(delay, result)

    monkeypatch.setattr(asyncio, "sleep", virtual_sleep)
    bot.api.fail(
        "sendMessage",
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    await bot.type("/layanan")
    assert [c.method for c in bot.api.calls if "sendMessage" in c.method][-2:] == [
        "!sendMessage",
        "sendMessage",
    ]
    assert "Silakan pilih layanan" in bot.last_text()
    assert waited == [pytest.approx(1.1)]


async def test_a_server_error_defers_the_answer_to_the_outbox_and_it_arrives_once(bot):
    bot.api.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    await bot.type("/layanan")
    assert bot.api.sent(CITIZEN) == []
    await bot.channel.flush()
    await bot.channel.flush()
    assert len(bot.api.sent(CITIZEN)) == 1
    assert "Silakan pilih layanan" in bot.last_text()
    assert len(bot.api.sent(CITIZEN)) == 1


async def test_an_invited_official_gets_the_weekly_summary_once_despite_downtime_and_a_429(bot):
    from datetime import UTC, datetime, timedelta

    from tests.conversation.chat import Clock

    official = ADMIN + 1
    engine = bot.channel.engine
    clock = Clock(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # a Wednesday, 10:00 WITA
    engine.clock = clock
    await bot.type("/undang pejabat", user=ADMIN)
    code = bot.last_text(ADMIN).split("/daftar ", 1)[1].split()[0]
    await bot.type(f"/daftar {code}", user=official)
    assert "terdaftar sebagai pejabat" in bot.last_text(official)
    # The bot was down at Monday 08:00 WITA; it comes back at 11:00 and catches up.
    clock.advance(days=5, hours=1)
    bot.api.fail(
        "sendPhoto",
        429,
        {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 0",
         "parameters": {"retry_after": 0}},
    )  # fmt: skip
    assert await engine.catch_up_reports() == 1
    await bot.channel.flush()
    assert await engine.catch_up_reports() == 0
    clock.advance(seconds=timedelta(minutes=5).total_seconds())
    await bot.channel.flush()
    sent = [c.method for c in bot.api.sent(official)][1:]  # after the registration reply
    assert sent == ["sendMessage", "sendPhoto", "sendMessage"]
    assert "Laporan terjadwal (Mingguan" in bot.api.texts(official)[1]
    assert "Ringkasan SKM" in bot.api.texts(official)[-1]


async def test_a_ticket_whose_text_fails_after_its_qr_sends_only_the_text_again(bot):
    bot.api.fail("sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    await bot.type("/tiket sktm", user=ADMIN)
    assert [c.method for c in bot.api.sent(ADMIN)] == ["sendPhoto"]
    await bot.channel.flush()
    await bot.channel.flush()
    assert [c.method for c in bot.api.sent(ADMIN)] == ["sendPhoto", "sendMessage"]
    assert "https://t.me/" in bot.last_text(ADMIN)


TELEGRAM_FIXTURES = Path(__file__).parent / "data" / "telegram"


def shape(api: FakeBotApi, name: str) -> dict[str, Any]:
    update = json.loads((TELEGRAM_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return {**update, "update_id": next(api._update_ids)}


@pytest.mark.parametrize("name", ["pinned", "auto_delete_timer", "background", "group_text"])
async def test_service_messages_and_groups_get_no_reply(bot, name):
    await bot.send(shape(bot.api, name))
    assert bot.api.sent() == []


async def test_a_button_in_a_group_is_not_answered_in_the_group(bot):
    await bot.send(shape(bot.api, "group_callback"))
    assert bot.api.sent() == []
    answered = [c for c in bot.api.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 1  # the spinner on the button stops all the same


@pytest.mark.parametrize("name", ["photo_caption", "document_caption"])
async def test_a_caption_is_read_as_text(bot, name):
    await bot.send(shape(bot.api, name))
    assert "Persyaratan:" in bot.last_text()
