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
UNIT_PAYLOAD = "kecamatan"
"""Where several units are served, a link that opens one: "kecamatan-anggana"; its poster's
survey: "survei-anggana". Long enough for WhatsApp's start words, and no ticket's token (16
random characters) is ever mistaken for one, as only the deployment's unit ids are read."""


def unit_payload(unit_id: str) -> str:
    """The start payload of a link to one unit's conversation."""
    return f"{UNIT_PAYLOAD}-{unit_id}"


def poster_payload(unit_id: str | None = None) -> str:
    """The start payload of the counter poster: of one unit where several are served."""
    return POSTER_PAYLOAD if unit_id is None else f"{POSTER_PAYLOAD}-{unit_id}"


def unit_of_payload(payload: str) -> tuple[str, bool] | None:
    """(unit id, whether it is a poster's survey) of a payload naming a unit; else None."""
    for prefix, poster in ((UNIT_PAYLOAD, False), (POSTER_PAYLOAD, True)):
        head, dash, unit_id = payload.partition("-")
        if head == prefix and dash and unit_id:
            return unit_id, poster
    return None


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
