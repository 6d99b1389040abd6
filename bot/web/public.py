"""The public site: published results, the Standar Pelayanan, contacts, and the open data.

Nothing here needs a login and nothing here shows a person: only published snapshots and
the content the bot serves.
"""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.web.site import Site
from skm_core.calendar.dates import period_label, period_words
from skm_core.calendar.periods import parse_period, period_between
from skm_core.content.models import Texts
from skm_core.desk.records import FollowUpPlan, Publication, PublishedResult
from skm_core.reports.publication import results_csv
from skm_core.reports.svg_charts import trend_line, unsur_bars
from skm_core.tickets import qr_svg

TREND_POINTS = 8
MAX_PERIOD_CHARS = 80


def _selected(site: Site, items: list[Publication], asked: str) -> Publication | None:
    """The current publication of the period asked for (default: the latest published)."""
    current = [p for p in items if p.current]
    if not asked.strip():
        return current[0] if current else None
    today = site.clock().astimezone(site.engine.timezone).date()
    period = parse_period(asked[:MAX_PERIOD_CHARS], today, period_words(site.content.texts))
    if period is None:
        return None
    return next((p for p in current if p.period_key == period.key()), None)


def _withdrawn(items: list[Publication], asked: str, site: Site) -> Publication | None:
    today = site.clock().astimezone(site.engine.timezone).date()
    period = parse_period(asked[:MAX_PERIOD_CHARS], today, period_words(site.content.texts))
    if period is None:
        return None
    return next((p for p in items if p.period_key == period.key() and not p.current), None)


def trend_points(
    items: list[Publication],
    chosen: Publication,
    earlier: list[PublishedResult],
    texts: Texts,
) -> list[tuple[str, float]]:
    """Published IKM up to the chosen period, oldest first: the periods of its kind published
    here, and before them the results the unit published earlier (`skm riwayat`)."""
    kind = chosen.snapshot["periode"].get("jenis")
    same = [
        p
        for p in items
        if p.current
        and p.snapshot["periode"].get("jenis") == kind
        and p.last_day <= chosen.last_day
    ]
    points = [(p.first_day, p.snapshot["periode"]["nama"], float(p.snapshot["ikm"])) for p in same]
    start = min((p.first_day for p in same), default=chosen.first_day)
    points += [
        (r.first, period_label(period_between(r.first, r.last), texts), float(r.ikm))
        for r in earlier
        if r.last < start
    ]
    points.sort(key=lambda point: point[0])
    return [(name, ikm) for _, name, ikm in points[-TREND_POINTS:]]


class _PublicPages:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def results_page(self, request: Request) -> Response:
        asked = request.query_params.get("periode", "")
        items = await self.site.engine.records.publications()
        chosen = _selected(self.site, items, asked)
        withdrawn = None if chosen else (_withdrawn(items, asked, self.site) if asked else None)
        plans: list[FollowUpPlan] = []
        bars = trend = ""
        if chosen is not None:
            doc = chosen.snapshot
            plans = await self.site.engine.records.plans_for_period(
                chosen.first_day, chosen.last_day
            )
            scores = [(u["kode"], u["nama"], float(u["nilai"])) for u in doc["unsur"]]
            title = self.site.say("chart_unsur_period", period=doc["periode"]["nama"])
            bars = unsur_bars(scores, doc["terendah"], title)
            earlier = await self.site.engine.records.earlier_results()
            points = trend_points(items, chosen, earlier, self.site.content.texts)
            trend = trend_line(points, self.site.say("chart_trend_published"))
        status = 404 if asked and chosen is None else 200
        return self.site.render(
            request,
            "results.html",
            {
                "chosen": chosen,
                "doc": chosen.snapshot if chosen else None,
                "withdrawn": withdrawn,
                "asked": asked[:MAX_PERIOD_CHARS],
                "items": items,
                "plans": plans,
                "bars": bars,
                "trend": trend,
                "published_at": self.site.when(chosen.published_at) if chosen else "",
                "plan_status": self.site.content.texts.officials.plan_status,
                "small_sample": self.site.content.report.small_sample,
                "links": self.site.bot_links(),
            },
            status=status,
        )

    async def services_page(self, request: Request) -> Response:
        return self.site.render(
            request,
            "services.html",
            {"services": self.site.content.services, "links": self.site.bot_links()},
        )

    async def service_page(self, request: Request) -> Response:
        service = self.site.content.service(request.path_params["service_id"])
        if service is None:
            return self.site.render(request, "not_found.html", {}, status=404)
        return self.site.render(request, "service.html", {"service": service})

    async def contacts_page(self, request: Request) -> Response:
        return self.site.render(request, "contacts.html", {"links": self.site.bot_links()})

    async def qr_code(self, request: Request) -> Response:
        links = {app.casefold(): link for app, link in self.site.bot_links().items()}
        link = links.get(request.path_params["app"])
        if link is None:
            return Response(self.site.say("not_found"), status_code=404, media_type="text/plain")
        return Response(qr_svg(link, scale=6), media_type="image/svg+xml")

    async def open_data(self, request: Request) -> Response:
        asked = request.query_params.get("periode", "")
        items = await self.site.engine.records.publications()
        chosen = _selected(self.site, items, asked)
        if chosen is not None:
            return JSONResponse(chosen.snapshot, headers={"Access-Control-Allow-Origin": "*"})
        return _missing(self.site, items, asked)

    async def open_data_csv(self, request: Request) -> Response:
        asked = request.query_params.get("periode", "")
        items = await self.site.engine.records.publications()
        chosen = _selected(self.site, items, asked)
        if chosen is None:
            return _missing(self.site, items, asked)
        start, end = chosen.first_day.isoformat(), chosen.last_day.isoformat()
        return Response(
            results_csv(chosen.snapshot),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="ikm-{start}-{end}.csv"'},
        )


def public_routes(site: Site) -> list[BaseRoute]:
    pages = _PublicPages(site)
    return [
        Route("/", pages.results_page, methods=["GET"]),
        Route("/hasil", pages.results_page, methods=["GET"]),
        Route("/layanan", pages.services_page, methods=["GET"]),
        Route("/layanan/{service_id}", pages.service_page, methods=["GET"]),
        Route("/kontak", pages.contacts_page, methods=["GET"]),
        Route("/qr/{app}.svg", pages.qr_code, methods=["GET"]),
        Route("/api/hasil", pages.open_data, methods=["GET"]),
        Route("/api/hasil.csv", pages.open_data_csv, methods=["GET"]),
    ]


def _missing(site: Site, items: list[Publication], asked: str) -> Response:
    if not asked.strip():
        return JSONResponse({"galat": site.say("api_none")}, 404)
    withdrawn = _withdrawn(items, asked, site)
    if withdrawn is not None:
        return JSONResponse(
            {
                "galat": site.say("api_withdrawn"),
                "alasan": withdrawn.withdraw_reason,
            },
            410,
        )
    today = site.clock().astimezone(site.engine.timezone).date()
    if parse_period(asked[:MAX_PERIOD_CHARS], today, period_words(site.content.texts)) is None:
        return JSONResponse({"galat": site.say("api_period_unknown")}, 400)
    return JSONResponse({"galat": site.say("api_unpublished")}, 404)
