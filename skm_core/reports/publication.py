"""A period's results as the public reads them: the open-data document, its CSV, and the
decision to publish or withdraw it.

The numbers come from the same SQL tallies and the same IKM engine as `skm ikm --db --json`
(rounded the same way), so the open data and the command line never disagree.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import period_label
from skm_core.calendar.periods import Period
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import IkmResult, Tally, UnansweredUnsur, compute_ikm, round_half_up
from skm_core.ikm.sample import krejcie_morgan
from skm_core.storage.database import Reader, Transaction, format_utc
from skm_core.storage.officials import audit
from skm_core.storage.population import population_figure
from skm_core.storage.publications import add_publication, withdraw_publication
from skm_core.storage.responses import tally_by_service

MAX_REASON_CHARS = 500


class NothingToPublish(ValueError):
    """The period has no response, or an unsur nobody answered: there is no IKM to publish."""


def _ikm(tally: Tally) -> IkmResult | None:
    try:
        return compute_ikm(tally)
    except UnansweredUnsur:
        return None


def _service_lines(content: Content, per_service: dict[str | None, Tally]) -> list[dict[str, Any]]:
    lines = []
    known = [(s.id, s.name) for s in content.services]
    if None in per_service:
        known.append(("", content.texts.web.messages["unnamed_service"]))
    for service_id, name in known:
        tally = per_service.get(service_id or None)
        if tally is None or tally.respondents == 0:
            continue
        result = _ikm(tally)
        # As in the report: a small sample's IKM is shown, flagged, and given no grade.
        small = tally.respondents < content.report.small_sample
        lines.append(
            {
                "id": service_id,
                "nama": name,
                "responden": tally.respondents,
                "ikm": float(result.ikm_shown) if result else None,
                "mutu": result.grade.value if result and not small else None,
                "sampel_kecil": small,
            }
        )
    return lines


async def results_document(
    db: Reader, content: Content, period: Period, tz: ZoneInfo
) -> dict[str, Any]:
    """The open-data document of a period, computed now from the stored answers."""
    start, end = period.utc_bounds(tz)
    per_service = await tally_by_service(db, start, end)
    total = sum(per_service.values(), Tally.empty())
    result = _ikm(total)
    if result is None:
        raise NothingToPublish(period.key())
    population = await population_figure(db, period.key())
    names = {u.code: u.name for u in content.survey.unsur}
    return {
        "unit": content.unit.name,
        "periode": {
            "dari": period.first.isoformat(),
            "sampai": period.last.isoformat(),
            "nama": period_label(period, content.texts),
            "jenis": period.kind.value,
        },
        "responden": result.respondents,
        "ikm": float(result.ikm_shown),
        "mutu": result.grade.value,
        "kinerja": content.texts.performance[result.grade.value],
        "nrr": {code: float(result.nrr_shown(code, 4)) for code in UNSUR_CODES},
        "unsur": [
            {
                "kode": code,
                "nama": names[code],
                "nrr": float(result.nrr_shown(code, 2)),
                "nilai": float(round_half_up(result.unsur_score(code), 2)),
                "mutu": result.unsur_grade(code).value,
            }
            for code in UNSUR_CODES
        ],
        "terendah": result.lowest(),
        "layanan": _service_lines(content, per_service),
        "populasi": population,
        "sampel_minimum": krejcie_morgan(population) if population is not None else None,
    }


CSV_COLUMNS = ("bagian", "kode", "nama", "responden", "nrr", "ikm", "mutu", "sampel_kecil")


def results_csv(document: dict[str, Any]) -> bytes:
    """The same numbers as the JSON, one row per figure; UTF-8 with BOM so spreadsheets agree."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["unit", document["unit"]])
    period = document["periode"]
    writer.writerow(["periode", period["nama"], period["dari"], period["sampai"]])
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        ["total", "", "", document["responden"], "", document["ikm"], document["mutu"], ""]
    )
    for unsur in document["unsur"]:
        nrr = document["nrr"][unsur["kode"]]
        writer.writerow(["unsur", unsur["kode"], unsur["nama"], "", nrr, "", unsur["mutu"], ""])
    for line in document["layanan"]:
        writer.writerow(
            [
                "layanan",
                line["id"],
                line["nama"],
                line["responden"],
                "",
                "" if line["ikm"] is None else line["ikm"],
                line["mutu"] or "",
                "ya" if line["sampel_kecil"] else "tidak",
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class PublishOutcome:
    published: bool
    """False when the period already had a current publication (it is left as it was)."""
    document: dict[str, Any]


async def publish(
    tx: Transaction,
    content: Content,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
    actor: str,
) -> PublishOutcome:
    """Freeze the period's results as they are now; raises NothingToPublish without data."""
    document = await results_document(tx, content, period, tz)
    document["dipublikasikan"] = format_utc(now)
    added = await add_publication(tx, period.key(), period.first, period.last, document, now, actor)
    if added is not None:
        await audit(tx, now, actor, "results.publish", period.key())
    return PublishOutcome(added is not None, document)


async def withdraw(tx: Transaction, period: Period, reason: str, now: datetime, actor: str) -> bool:
    reason = " ".join(reason.split())[:MAX_REASON_CHARS]
    if not reason:
        raise ValueError("a withdrawal needs a reason")
    done = await withdraw_publication(tx, period.key(), reason, now, actor)
    if done:
        await audit(tx, now, actor, "results.withdraw", period.key())
    return done
