"""The officials' desk in a browser, under /desk/.

Sign-in is a single-use link an official asks the bot for (/masuk); the session lives in an
HttpOnly, SameSite=Lax cookie (Secure behind HTTPS) and expires. Every form carries the
session's CSRF token. Each page names the roles that may see it, the same sets as the chat
commands; actions go through the same desk handlers as in the chat, so the permissions and
the audit log are the same too.
"""

import base64
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.site import MAX_FORM_BYTES, Site
from skm_core.calendar.dates import period_label, period_words
from skm_core.calendar.periods import Period, month_of, parse_period
from skm_core.content import ContentError
from skm_core.content_edits import (
    UNIT_TARGET,
    document_of,
    editable_fields,
    form_value,
    service_target,
)
from skm_core.conversation.messages import Reply
from skm_core.desk import ADMIN, COUNTER, OFFICIALS, REPORTS
from skm_core.desk.access import SESSION_VALIDITY, csrf_matches
from skm_core.desk.records import DeskSession, PageRecords
from skm_core.reports.svg_charts import trend_line, unsur_bars

SESSION_COOKIE = "skm_desk"
LISTINGS = frozenset({"pejabat", "jadwal"})
ALL_SUGGESTIONS = 1000
MAX_SEARCH_CHARS = 100

# Pages that run one of the chat's officials' commands: command -> (roles, usage text);
# their titles are in content (web.pages).
COMMAND_PAGES: dict[str, tuple[frozenset[str], str]] = {
    "ekspor": (REPORTS, "period"),
    "populasi": (REPORTS, "population_usage"),
    "tiket": (COUNTER, "ticket"),
    "pejabat": (ADMIN, "officials_hint"),
    "undang": (ADMIN, "invite_usage"),
    "hapus": (ADMIN, "remove_usage"),
    "jadwal": (REPORTS, "schedule_usage"),
}


@dataclass(frozen=True)
class Visitor:
    cookie: str
    session: DeskSession
    roles: frozenset[str]
    records: PageRecords
    """What this official's pages read and write: their own unit's rows only."""

    @property
    def actor(self) -> str:
        return self.session.person.user_key


Page = Callable[[Request, Visitor], Awaitable[Response]]


async def _form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form; a body too large is cut, never read whole."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def _data_uri(reply: Reply) -> str | None:
    if reply.attachment is None:
        return None
    kind = {
        "png": "image/png",
        "pdf": "application/pdf",
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(reply.attachment.filename.rsplit(".", 1)[-1], "application/octet-stream")
    return f"data:{kind};base64,{base64.b64encode(reply.attachment.data).decode()}"


class _DeskPages:
    def __init__(self, site: Site) -> None:
        self.site = site

    def secure(self, request: Request) -> bool:
        public = self.site.settings.public_url or ""
        return public.startswith("https://") or request.url.scheme == "https"

    def message(self, request: Request, key: str, status: int) -> Response:
        values = {"title": self.site.say(f"{key}_title"), "text": self.site.say(key)}
        return self.site.render(request, "desk/message.html", values, status)

    async def visitor(self, request: Request) -> Visitor | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        session = await self.site.engine.records.session_of(cookie)
        if cookie is None or session is None:
            return None
        person = session.person
        roles = await self.site.engine.roles_of(person.channel, person.user_key)
        records = self.site.engine.records
        unit = await records.unit_of(person)
        return Visitor(cookie, session, roles, records if unit is None else records.for_unit(unit))

    def guarded(
        self, roles: frozenset[str], page: Page, post: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            who = await self.visitor(request)
            if who is None:
                return self.message(request, "not_signed_in", 401)
            if not who.roles & roles:
                return self.message(request, "forbidden", 403)
            if post:
                form = await _form(request)
                if not csrf_matches(who.session, form.get("csrf")):
                    return self.message(request, "form_expired", 403)
                request.state.form = form
            return await page(request, who)

        return endpoint

    def render(
        self, request: Request, who: Visitor, name: str, values: dict[str, object]
    ) -> Response:
        values = {
            "csrf": who.session.csrf,
            "titles": self.site.content.texts.web.pages,
            "may_report": bool(who.roles & REPORTS),
            "may_admin": bool(who.roles & ADMIN),
            "pages": [
                (name, self.site.content.texts.web.pages[name])
                for name, (roles, _) in COMMAND_PAGES.items()
                if who.roles & roles
            ],
            **values,
        }
        status = int(str(values.pop("status", 200)))
        return self.site.render(
            request, name, values, status, headers={"Cache-Control": "no-store"}
        )

    # --- sign-in -------------------------------------------------------------------------

    async def sign_in_form(self, request: Request) -> Response:
        # The link only shows a button: a link preview or a mail scanner fetching the
        # address does not use up the single-use link.
        token = request.query_params.get("t", "")[:200]
        return self.site.render(request, "desk/login.html", {"token": token})

    async def sign_in_post(self, request: Request) -> Response:
        form = await _form(request)
        signed = await self.site.engine.records.sign_in(form.get("t", ""))
        if signed is None:
            return self.message(request, "link_invalid", 400)
        response = RedirectResponse("/desk/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            signed.token,
            max_age=int(SESSION_VALIDITY.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=self.secure(request),
            path="/desk",
        )
        return response

    async def sign_out_post(self, request: Request, who: Visitor) -> Response:
        await self.site.engine.records.sign_out(who.cookie, who.session.person)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/desk")
        return response

    # --- pages ---------------------------------------------------------------------------

    async def home(self, request: Request, who: Visitor) -> Response:
        return self.render(request, who, "desk/home.html", {})

    def period_from(self, text: str) -> Period | None:
        today = self.site.clock().astimezone(self.site.engine.timezone).date()
        if not text.strip():
            return month_of(today)
        return parse_period(text[:80], today, period_words(self.site.content.texts))

    async def summary(self, request: Request, who: Visitor) -> Response:
        asked = request.query_params.get("periode", "")
        search = request.query_params.get("cari", "")[:MAX_SEARCH_CHARS]
        period = self.period_from(asked)
        if period is None:
            return self.render(
                request, who, "desk/summary.html", {"unknown": asked[:80], "asked": asked}
            )
        tz = self.site.engine.timezone
        result = await who.records.summary(self.site.content, period, tz)
        start, end = period.utc_bounds(tz)
        names = {s.id: s.short_name for s in self.site.content.services}
        suggestions = [
            (self.site.when(at), names.get(service_id or "", "-"), text)
            for at, service_id, text in await who.records.suggestions(start, end, ALL_SUGGESTIONS)
            if search.casefold() in text.casefold()
        ]
        bars = trend = ""
        if result.result is not None:
            scores = [
                (u.code, u.name, float(result.result.unsur_score(u.code)))
                for u in self.site.content.survey.unsur
            ]
            bars = unsur_bars(scores, result.result.lowest(), self.site.say("chart_unsur"))
        points = [
            (period_label(p.period, self.site.content.texts), float(p.ikm))
            for p in result.history
            if p.ikm is not None
        ]
        if points:
            trend = trend_line(points, self.site.say("chart_trend"))
        return self.render(
            request,
            who,
            "desk/summary.html",
            {
                "summary": result,
                "label": period_label(result.period, self.site.content.texts),
                "asked": asked,
                "search": search,
                "suggestions": suggestions,
                "bars": bars,
                "trend": trend,
                "performance": self.site.content.texts.performance,
            },
        )

    async def run_command(self, who: Visitor, text: str) -> list[Reply] | None:
        person = who.session.person
        event_id = f"desk-{secrets.token_hex(12)}"
        return await self.site.engine.desk_command(person.channel, person.user_key, text, event_id)

    async def complaints(self, request: Request, who: Visitor) -> Response:
        waiting = await who.records.open_complaints(limit=200)
        kinds = self.site.content.texts.officials.complaint_kinds
        return self.render(
            request,
            who,
            "desk/complaints.html",
            {
                "complaints": [(c, self.site.when(c.created_at), kinds[c.kind]) for c in waiting],
                "done": request.query_params.get("selesai", ""),
            },
        )

    async def answer(self, request: Request, who: Visitor) -> Response:
        form = request.state.form
        number = request.path_params["complaint_id"]
        text = form.get("jawaban", "").strip()
        if not text:
            return RedirectResponse("/desk/aduan", status_code=303)
        replies = await self.run_command(who, f"jawab {number} {text}")
        outcome = "\n".join(r.text for r in replies or [])
        return self.render(
            request,
            who,
            "desk/result.html",
            {"title": "Jawaban", "replies": replies or [], "text": outcome, "back": "/desk/aduan"},
        )

    async def publication(self, request: Request, who: Visitor) -> Response:
        items = await who.records.publications()
        return self.render(
            request,
            who,
            "desk/publication.html",
            {"items": [(p, self.site.when(p.published_at)) for p in items]},
        )

    async def publish(self, request: Request, who: Visitor) -> Response:
        asked = request.state.form.get("periode", "")
        replies = await self.run_command(who, f"publikasi {asked}")
        return self.render(
            request,
            who,
            "desk/result.html",
            {"title": "Publikasi", "replies": replies or [], "back": "/desk/publikasi"},
        )

    async def withdraw_post(self, request: Request, who: Visitor) -> Response:
        form = request.state.form
        period = self.period_from(form.get("periode", "x"))
        reason = form.get("alasan", "").strip()
        if period is None or not reason:
            text = self.site.say("withdraw_needs")
        else:
            done = await who.records.withdraw(period, reason, who.actor)
            text = self.site.say("withdrawn" if done else "not_published")
        return self.render(
            request,
            who,
            "desk/result.html",
            {
                "title": self.site.say("withdraw_title"),
                "replies": [Reply(text)],
                "back": "/desk/publikasi",
            },
        )

    async def standards(self, request: Request, who: Visitor) -> Response:
        return self.render(
            request, who, "desk/standards.html", {"services": self.site.content.services}
        )

    def field_names(self, names: list[str]) -> str:
        """Fields as the editor labels them ("Persyaratan, Biaya"), not as the files name them."""
        labels = self.site.content.texts.web.labels
        return ", ".join(labels.get(f"field_{n}", n) for n in names) or "-"

    def target_of(self, request: Request) -> str | None:
        name = request.path_params["target"]
        if name == UNIT_TARGET:
            return UNIT_TARGET
        return service_target(name) if self.site.content.service(name) is not None else None

    async def editor(
        self,
        request: Request,
        who: Visitor,
        problems: list[str] | None = None,
        saved: str = "",
        form: dict[str, str] | None = None,
    ) -> Response:
        target = self.target_of(request)
        if target is None:
            return self.message(request, "not_found", 404)
        document = document_of(self.site.content, target) or {}
        fields = [
            (
                name,
                shape,
                form[name] if form and name in form else form_value(document, name, shape),
            )
            for name, shape in editable_fields(target).items()
        ]
        versions = [
            (v, self.site.when(v.created_at), self.field_names(v.changed))
            for v in await who.records.versions_of(target)
        ]
        title = self.site.content.unit.name if target == UNIT_TARGET else document.get("name", "")
        return self.render(
            request,
            who,
            "desk/editor.html",
            {
                "target": target,
                "name": request.path_params["target"],
                "title": title,
                "fields": fields,
                "versions": versions,
                "problems": problems or [],
                "saved": saved,
                "status": 400 if problems else 200,
            },
        )

    async def editor_page(self, request: Request, who: Visitor) -> Response:
        changed = request.query_params.get("disimpan")
        if changed is None:
            return await self.editor(request, who)
        known = set(editable_fields(self.target_of(request) or UNIT_TARGET))
        names = [n for n in changed.split(",") if n in known]
        note = (
            self.site.say("saved", fields=self.field_names(names))
            if names
            else self.site.say("unchanged")
        )
        return await self.editor(request, who, saved=note)

    async def editor_save(self, request: Request, who: Visitor) -> Response:
        target = self.target_of(request)
        if target is None:
            return self.message(request, "not_found", 404)
        form = request.state.form
        try:
            saved = await who.records.save_edit(
                self.site.engine.base_content, target, form, who.actor
            )
        except ContentError as exc:
            return await self.editor(request, who, [str(i) for i in exc.issues], form=form)
        await self.site.engine.refresh_content()
        # Post, then redirect: reloading the page shows it again instead of saving again.
        changed = ",".join(saved.changed) or "-"
        return RedirectResponse(
            f"/desk/standar/{request.path_params['target']}?disimpan={changed}", status_code=303
        )

    async def editor_rollback(self, request: Request, who: Visitor) -> Response:
        form = request.state.form
        target = self.target_of(request)
        if target is None:
            return self.message(request, "not_found", 404)
        version = form.get("versi", "")
        base = self.site.engine.base_content
        try:
            if version == "asli":
                await who.records.restore_shipped(base, target, who.actor)
                note = self.site.say("restored_shipped")
            elif version.isdigit():
                done = await who.records.roll_back(base, int(version), who.actor)
                note = (
                    self.site.say("version_restored", version=version)
                    if done
                    else self.site.say("version_unknown")
                )
            else:
                note = self.site.say("version_unknown")
        except ContentError as exc:
            return await self.editor(request, who, [str(i) for i in exc.issues])
        await self.site.engine.refresh_content()
        return await self.editor(request, who, saved=note)

    async def command_page(self, request: Request, who: Visitor) -> Response:
        name = request.path_params["name"]
        if name not in COMMAND_PAGES:
            return self.message(request, "not_found", 404)
        roles, hint = COMMAND_PAGES[name]
        command, title = name, self.site.content.texts.web.pages[name]
        if not who.roles & roles:
            return self.message(request, "forbidden", 403)
        replies: list[Reply] = []
        if request.method == "GET" and name in LISTINGS:
            # These commands only read when given nothing: the page opens with the list.
            replies = await self.run_command(who, name) or []
        if request.method == "POST":
            argument = request.state.form.get("argumen", "").strip()
            # The usage texts show chat commands; "/rtl tambah ..." typed here means the same.
            if argument.casefold().startswith(f"/{command} ") or argument == f"/{command}":
                argument = argument[len(command) + 1 :].strip()
            replies = await self.run_command(who, f"{command} {argument}") or []
        texts = self.site.content.texts.officials
        hint_text = str(getattr(texts, hint, "")) if hint not in ("period", "ticket") else ""
        return self.render(
            request,
            who,
            "desk/command.html",
            {
                "name": name,
                "title": title,
                "hint": hint_text,
                "kind": hint,
                "replies": [(r, _data_uri(r)) for r in replies],
                "services": self.site.content.services,
            },
        )

    async def plans_page(self, request: Request, who: Visitor) -> Response:
        plans = await who.records.all_plans()
        return self.render(
            request,
            who,
            "desk/plans.html",
            {
                "plans": plans,
                "unsur": self.site.content.survey.unsur,
                "plan_status": self.site.content.texts.officials.plan_status,
                "replies": getattr(request.state, "replies", []),
            },
        )

    async def plans_post(self, request: Request, who: Visitor) -> Response:
        # The form's fields become the chat's /rtl command, so the desk adds and records
        # plans with the chat's own checks; a ';' typed in a field must not split it.
        form = {k: v.replace(";", ",").strip() for k, v in request.state.form.items()}
        if form.get("aksi") == "tambah":
            fields = [form.get(k, "") for k in ("periode", "unsur", "kegiatan", "waktu", "pj")]
            text = "rtl tambah " + "; ".join(fields)
        else:
            verb = "sudah" if form.get("status") == "done" else "belum"
            fields = [form.get(k, "") for k in ("nomor", "uraian", "hambatan")]
            text = f"rtl {verb} " + "; ".join(fields)
        request.state.replies = await self.run_command(who, text) or []
        return await self.plans_page(request, who)


def desk_routes(site: Site) -> list[BaseRoute]:
    pages = _DeskPages(site)
    return [
        Route("/rtl", pages.guarded(REPORTS, pages.plans_page), methods=["GET"]),
        Route("/rtl", pages.guarded(REPORTS, pages.plans_post, post=True), methods=["POST"]),
        Route("/masuk", pages.sign_in_form, methods=["GET"]),
        Route("/masuk", pages.sign_in_post, methods=["POST"]),
        Route(
            "/keluar", pages.guarded(OFFICIALS, pages.sign_out_post, post=True), methods=["POST"]
        ),
        Route("/", pages.guarded(OFFICIALS, pages.home), methods=["GET"]),
        Route("/ringkasan", pages.guarded(REPORTS, pages.summary), methods=["GET"]),
        Route("/aduan", pages.guarded(REPORTS, pages.complaints), methods=["GET"]),
        Route(
            "/aduan/{complaint_id:int}",
            pages.guarded(REPORTS, pages.answer, post=True),
            methods=["POST"],
        ),
        Route("/publikasi", pages.guarded(REPORTS, pages.publication), methods=["GET"]),
        Route("/publikasi", pages.guarded(REPORTS, pages.publish, post=True), methods=["POST"]),
        Route(
            "/publikasi/tarik",
            pages.guarded(REPORTS, pages.withdraw_post, post=True),
            methods=["POST"],
        ),
        Route("/standar", pages.guarded(ADMIN, pages.standards), methods=["GET"]),
        Route("/standar/{target}", pages.guarded(ADMIN, pages.editor_page), methods=["GET"]),
        Route(
            "/standar/{target}",
            pages.guarded(ADMIN, pages.editor_save, post=True),
            methods=["POST"],
        ),
        Route(
            "/standar/{target}/kembalikan",
            pages.guarded(ADMIN, pages.editor_rollback, post=True),
            methods=["POST"],
        ),
        Route(
            "/perintah/{name:str}", pages.guarded(OFFICIALS, pages.command_page), methods=["GET"]
        ),
        Route(
            "/perintah/{name:str}",
            pages.guarded(OFFICIALS, pages.command_page, post=True),
            methods=["POST"],
        ),
    ]
