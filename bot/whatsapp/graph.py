"""Sending through the Graph API (WhatsApp Cloud API) with httpx, within WhatsApp's limits.

Failures are told apart the way the outbox needs: a passing one (rate limits, server errors,
time-outs) is RetryLater, a closed 24-hour window is OutsideWindow, anything else a person
cannot receive is Undeliverable.
"""

import logging
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.typed import whole_number
from skm_core.delivery.sending import OutsideWindow, RetryLater, Undeliverable

log = logging.getLogger(__name__)

MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_BODY = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_CAPTION = 1024
PROFILE = ChannelProfile(
    max_options=MAX_ROWS,
    # Split a little shorter than an interactive body holds, so a text always fits one.
    max_text=MAX_INTERACTIVE_BODY - 24,
    formatting_marks="*_~`",
)
"""What the conversation may put in one WhatsApp message, from the limits above."""
RE_ENGAGEMENT = 131047
# Throughput and rate-limit codes of the Cloud API: waiting is the cure.
RATE_LIMITED = {4, 80007, 130429, 131048, 131056}
# An invalid or expired token, or a token without the permission (OAuthException codes).
TOKEN_REFUSED = {190, 10, 200}
TOKEN_RETRY_SECONDS = 300.0


def _error(response: httpx.Response) -> tuple[int | None, str]:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return None, response.text[:200]
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message", "") if isinstance(error, dict) else ""
    return (code if isinstance(code, int) else None), str(message)


class GraphClient:
    def __init__(
        self, base_url: str, phone_number_id: str, token: str, rate_per_second: float
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/{phone_number_id}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(20.0, connect=10.0),
        )
        self._limiter = AsyncLimiter(rate_per_second, 1)

    async def close(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, **kwargs: Any) -> dict[str, Any]:
        async with self._limiter:
            try:
                response = await self._http.post(path, **kwargs)
            except httpx.TransportError as exc:
                raise RetryLater(f"network: {exc!r}") from exc
        if response.is_success:
            data = response.json()
            return data if isinstance(data, dict) else {}
        code, message = _error(response)
        described = f"{response.status_code} {code}: {message}"
        if code == RE_ENGAGEMENT:
            raise OutsideWindow(described)
        if response.status_code in (401, 403) or code in TOKEN_REFUSED:
            # The bot's own token is refused: no fault of the person's, so nothing is given
            # up (nor anyone flagged unreachable); messages wait until the token is mended.
            log.error("the Graph API refused the access token (%s); check WHATSAPP_ACCESS_TOKEN",
                      response.status_code)  # fmt: skip
            raise RetryLater(described, TOKEN_RETRY_SECONDS)
        if response.status_code == 429 or response.status_code >= 500 or code in RATE_LIMITED:
            after = response.headers.get("Retry-After")
            wait = whole_number(after or "", max_digits=6)
            raise RetryLater(described, float(wait) if wait is not None else None)
        raise Undeliverable(described)

    async def send(self, to: str, content: dict[str, Any]) -> str:
        """Send one message; returns its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        data = await self._post("/messages", json={**body, **content})
        messages = data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        return ""

    async def upload(self, filename: str, data: bytes, mime: str) -> str:
        """Upload media; returns its id for an image or document message."""
        files = {"file": (filename, data, mime)}
        form = {"messaging_product": "whatsapp", "type": mime}
        answer = await self._post("/media", files=files, data=form)
        media_id = answer.get("id")
        if not isinstance(media_id, str):
            raise RetryLater(f"media upload answered without an id: {answer}")
        return media_id
