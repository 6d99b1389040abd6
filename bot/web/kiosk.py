"""The survey kiosk: a tablet at the counter on which a person fills in the survey by touch.

The same survey as in the chats, through the same engine, on the channel `kiosk`. A tablet
is paired once with a code a petugas gets from `/kiosk`; unpaired, the page shows only how
to pair. Each survey is its own pseudonymous visitor, so nothing ties two people who used
the same tablet, and no personal data is asked beyond the survey's own profile. The page
goes back to its start screen after a finished survey or a minute without a touch; a survey
left half-way there is discarded, never stored.
"""

import re
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.http_guard import BodyRefused, read_capped
from bot.web.http_channel import HttpChannel, new_id
from bot.web.site import PAGE_HEADERS, Site
from skm_core.content.models import UNSUR_CODES
from skm_core.conversation import EventKind, Option, Reply
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.option_ids import SurveyAnswer, decode
from skm_core.desk.records import Kiosk

NAME = "kiosk"
# Big buttons: a few to a screen, paged beyond.
PROFILE = ChannelProfile(max_options=6, max_text=1500)
COOKIE = "skm_kiosk"
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}")
CODE_PATTERN = re.compile(r"[0-9]{6}")
MAX_BODY = 8 * 1024
MAX_VALUE_CHARS = 1000
IDLE_SECONDS = 60
DONE_SECONDS = 10
FACES = frozenset({"1", "2", "3", "4"})
"""An unsur's answers, each shown with a face (static/face-N.svg), least to most satisfied."""
KIOSK_HEADERS = PAGE_HEADERS | {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self';"
        " img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}


def face_of(option: Option) -> str:
    """The face (its number) for an unsur's answer option; none for any other option."""
    chosen = decode(option.id)
    if isinstance(chosen, SurveyAnswer) and chosen.step in UNSUR_CODES and chosen.value in FACES:
        return chosen.value
    return ""


class KioskPages:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.channel = HttpChannel(site.engine, NAME, PROFILE, None)

    async def _kiosk(self, request: Request) -> Kiosk | None:
        secret = request.cookies.get(COOKIE, "")
        if not ID_PATTERN.fullmatch(secret):
            return None
        return await self.site.engine.records.kiosk_of(secret)

    def _render(
        self, request: Request, name: str, values: dict[str, object], status: int = 200
    ) -> Response:
        return self.site.render(request, name, values, status=status, headers=KIOSK_HEADERS)

    def _pairing(self, request: Request, status: int = 200, wrong: bool = False) -> Response:
        return self._render(request, "kiosk/pair.html", {"wrong": wrong}, status)

    def _start(self, request: Request) -> Response:
        return self._render(
            request, "kiosk/start.html", {"event_id": new_id(), "session": new_id()}
        )

    async def start_page(self, request: Request) -> Response:
        if await self._kiosk(request) is None:
            return self._pairing(request)
        left = request.query_params.get("buang", "")
        if ID_PATTERN.fullmatch(left):
            # A survey left half-way: nothing of it is kept.
            await self.site.engine.records.discard_conversation(NAME, self.channel.key(left))
        return self._start(request)

    async def pair(self, request: Request) -> Response:
        form = await _form(request, self.site)
        code = (form or {}).get("kode", "").strip().replace(" ", "")
        if not CODE_PATTERN.fullmatch(code):
            return self._pairing(request, 400, wrong=True)
        secret = new_id() + new_id()
        if not await self.site.engine.records.pair_kiosk(code, secret):
            return self._pairing(request, 400, wrong=True)
        response = RedirectResponse("/kiosk", status_code=303)
        response.set_cookie(
            COOKIE,
            secret,
            max_age=5 * 365 * 86400,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def event(self, request: Request) -> Response:
        kiosk = await self._kiosk(request)
        if kiosk is None:
            return self._pairing(request, 403)
        form = await _form(request, self.site)
        parsed = _event(form or {})
        if parsed is None:
            return self._start(request)
        session, event_id, kind, value = parsed
        if kind is EventKind.START:
            ticket = await self.site.engine.records.take_kiosk_ticket(kiosk)
            if ticket is None:
                kind, value = EventKind.TEXT, self.site.content.texts.commands.survei[0]
            else:
                value = ticket
        replies = await self.channel.request(session, event_id, kind, value)
        key = self.channel.key(session)
        if await self.site.engine.records.survey_in_progress(NAME, key):
            return self._question(request, session, replies)
        # Finished (or left by "Batal"): thank, then back to the start screen.
        await self.site.engine.records.discard_conversation(NAME, key)
        return self._render(
            request,
            "kiosk/done.html",
            {"texts": [r.text for r in replies if r.text][:2], "seconds": DONE_SECONDS},
        )

    def _question(self, request: Request, session: str, replies: list[Reply]) -> Response:
        question = replies[-1] if replies else Reply("")
        earlier = [r.text for r in replies[:-1] if r.text]
        options = [(o, face_of(o)) for o in question.options]
        return self._render(
            request,
            "kiosk/survey.html",
            {
                "earlier": earlier,
                "question": question.text,
                "options": options,
                "faces": any(face for _, face in options),
                "event_id": new_id(),
                "session": session,
                "idle": IDLE_SECONDS,
            },
        )


async def _form(request: Request, site: Site) -> dict[str, str] | None:
    try:
        body = await read_capped(request, MAX_BODY, site.settings.skm_http_body_timeout_seconds)
    except BodyRefused:
        return None
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def _event(form: dict[str, str]) -> tuple[str, str, EventKind, str] | None:
    """(survey session, event id, kind, value) from the kiosk's form."""
    session, event_id = form.get("sesi", ""), form.get("acara", "")
    if not (ID_PATTERN.fullmatch(session) and ID_PATTERN.fullmatch(event_id)):
        return None
    if "mulai" in form:
        return session, event_id, EventKind.START, ""
    if "pilih" in form:
        return session, event_id, EventKind.OPTION, form["pilih"][:MAX_VALUE_CHARS]
    text = form.get("teks", "").strip()
    if not text:
        return None
    return session, event_id, EventKind.TEXT, text[:MAX_VALUE_CHARS]


def kiosk_routes(site: Site) -> list[BaseRoute]:
    pages = KioskPages(site)
    return [
        Route("/kiosk", pages.start_page, methods=["GET"]),
        Route("/kiosk", pages.event, methods=["POST"]),
        Route("/kiosk/pasang", pages.pair, methods=["POST"]),
    ]
