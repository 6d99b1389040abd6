"""`skm doctor`: the configuration checked with read-only calls, and what is wrong in plain words.

Nothing is changed anywhere: the database is opened (and so brought up to date, as `skm run`
would), Telegram is asked `getMe` and `getWebhookInfo`, WhatsApp the phone number's own record.
"""

import argparse
import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.cli_common import EXIT_CONFIG, EXIT_OK
from bot.settings import Settings
from skm_core.storage import Database

TIMEOUT_SECONDS = 15.0


@dataclass
class Findings:
    ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def examine(settings: Settings) -> Findings:
    found = Findings()
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        await _database(settings, found)
        if settings.telegram_bot_token is None:
            found.ok.append("Telegram: not configured (TELEGRAM_BOT_TOKEN is not set)")
        else:
            await _telegram(settings, client, found)
        if settings.whatsapp_access_token is None and settings.whatsapp_phone_number_id is None:
            found.ok.append("WhatsApp: not configured")
        else:
            await _whatsapp(settings, client, found)
    return found


async def _database(settings: Settings, found: Findings) -> None:
    try:
        async with await Database.open(settings.database_target) as db:
            version = await db.schema_version()
            found.ok.append(f"database: {db.backend} at {db.path}, schema version {version}")
    except Exception as exc:  # any driver's refusal is reported, not raised
        found.problems.append(f"database: cannot be opened ({type(exc).__name__}: {exc})")


async def _call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    response = await client.request(method, url, **kwargs)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None


async def _telegram(settings: Settings, client: httpx.AsyncClient, found: Findings) -> None:
    assert settings.telegram_bot_token is not None
    base = settings.telegram_api_base_url + settings.telegram_bot_token.get_secret_value()
    try:
        status, me = await _call(client, "POST", f"{base}/getMe")
        if status == 401 or status == 404:
            found.problems.append(
                "Telegram: the token is refused (TELEGRAM_BOT_TOKEN); copy it again from"
                " @BotFather, or it was revoked"
            )
            return
        if not (isinstance(me, dict) and me.get("ok")):
            found.problems.append(f"Telegram: getMe answered HTTP {status}")
            return
        found.ok.append(f"Telegram: the token belongs to @{me['result'].get('username')}")
        _, info = await _call(client, "POST", f"{base}/getWebhookInfo")
    except httpx.HTTPError as exc:
        where = settings.telegram_api_base_url
        found.problems.append(f"Telegram: {where} unreachable ({type(exc).__name__})")
        return
    hook = info.get("result", {}) if isinstance(info, dict) else {}
    current, wanted = hook.get("url", ""), settings.telegram_webhook_url
    if wanted and current and current != wanted:
        found.problems.append(
            f"Telegram: updates go to {current}, not to TELEGRAM_WEBHOOK_URL {wanted};"
            " another deployment may be using this bot (skm run sets its own)"
        )
    elif not wanted and current:
        found.problems.append(
            f"Telegram: a webhook is set ({current}) but TELEGRAM_WEBHOOK_URL is not:"
            " another deployment may be using this bot (skm run would poll and remove it)"
        )
    if hook.get("last_error_message"):
        found.problems.append(
            f"Telegram: the last delivery to the webhook failed: {hook['last_error_message']}"
        )
    if hook.get("pending_update_count"):
        found.ok.append(f"Telegram: {hook['pending_update_count']} updates waiting")


async def _whatsapp(settings: Settings, client: httpx.AsyncClient, found: Findings) -> None:
    missing = [
        name
        for name, value in (
            ("WHATSAPP_ACCESS_TOKEN", settings.whatsapp_access_token),
            ("WHATSAPP_PHONE_NUMBER_ID", settings.whatsapp_phone_number_id),
            ("WHATSAPP_APP_SECRET", settings.whatsapp_app_secret),
            ("WHATSAPP_VERIFY_TOKEN", settings.whatsapp_verify_token),
        )
        if value is None
    ]
    if missing:
        found.problems.append(f"WhatsApp: {', '.join(missing)} not set (all four are needed)")
    if settings.whatsapp_access_token is None or settings.whatsapp_phone_number_id is None:
        return
    token = settings.whatsapp_access_token.get_secret_value()
    url = f"{settings.whatsapp_api_base_url}/{settings.whatsapp_phone_number_id}"
    try:
        status, body = await _call(
            client,
            "GET",
            url,
            params={"fields": "display_phone_number,verified_name"},
            headers={"Authorization": f"Bearer {token}"},
        )
    except httpx.HTTPError as exc:
        where = settings.whatsapp_api_base_url
        found.problems.append(f"WhatsApp: {where} unreachable ({type(exc).__name__})")
        return
    error = body.get("error", {}) if isinstance(body, dict) else {}
    if status == 200 and isinstance(body, dict):
        found.ok.append(
            f"WhatsApp: phone number {body.get('display_phone_number')}"
            f" ({body.get('verified_name')})"
        )
    elif error.get("code") == 190 or status == 401:
        found.problems.append(
            "WhatsApp: the access token is refused (WHATSAPP_ACCESS_TOKEN): expired or revoked;"
            " make a permanent one for a system user in Meta's Business settings"
        )
    else:
        found.problems.append(
            f"WhatsApp: WHATSAPP_PHONE_NUMBER_ID {settings.whatsapp_phone_number_id} is not a"
            f" phone number this token can use (HTTP {status}: {error.get('message', '')})"
        )


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    found = asyncio.run(examine(settings))
    for line in found.ok:
        print(f"ok       {line}")
    for line in found.problems:
        print(f"PROBLEM  {line}")
    if found.problems:
        print(f"{len(found.problems)} problem(s) found")
        return EXIT_CONFIG
    print("no problem found")
    return EXIT_OK


def add_doctor_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    doctor = commands.add_parser(
        "doctor", help="check the configuration with read-only calls and say what is wrong"
    )
    doctor.set_defaults(handler=cmd_doctor)
