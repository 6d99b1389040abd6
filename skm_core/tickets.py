"""Visit tickets: a one-visit survey invitation that a counter officer hands a served citizen.

A token is random (96 bits), single-use, expires and names the service. It travels in a start
link (a Telegram deep link, a WhatsApp prefilled text), shown as a QR code.
"""

import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import segno

from skm_core.storage.database import Database
from skm_core.storage.tickets import insert_ticket

TOKEN_BYTES = 12  # 96 bits; urlsafe base64 fits a Telegram start payload (A-Z a-z 0-9 _ -)
POSTER_PAYLOAD = "survei"
"""The start payload of the counter poster: a survey without a ticket."""


@dataclass(frozen=True)
class IssuedTicket:
    id: int
    token: str
    service_id: str | None
    expires_at: datetime


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def issue_ticket(
    db: Database,
    service_id: str | None,
    issued_by: str | None,
    now: datetime,
    validity: timedelta,
) -> IssuedTicket:
    token = new_token()
    async with db.transaction() as tx:
        ticket_id = await insert_ticket(tx, token, service_id, now, now + validity, issued_by)
    return IssuedTicket(ticket_id, token, service_id, now + validity)


def qr_png(data: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(data: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=scale, border=4)
    return buffer.getvalue()
