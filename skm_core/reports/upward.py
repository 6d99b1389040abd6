"""A period's results for upward reporting (the kabupaten's Bagian Organisasi, a public portal).

The JSON schema is versioned (`schema`, `schema_version`) and documented in the README; numbers
are rounded as the report prints them (NRR to 4 decimals, IKM to 2). `read_published` reads such a
file back as a published result, so one unit's upward file can seed another system's history.
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skm_core.calendar.dates import period_label
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import grade_for, round_half_up
from skm_core.reports.common import ranked_plans
from skm_core.reports.summary import Summary

SCHEMA = "skm-hasil"
SCHEMA_VERSION = 1
NRR_PLACES = 4
IKM_PLACES = 2


def _number(value: Decimal) -> float:
    return float(value)


def _services(summary: Summary) -> list[dict[str, Any]]:
    lines = []
    for line in summary.services:
        small = summary.is_small(line.respondents)
        lines.append(
            {
                "id": line.service_id,
                "name": line.name,
                "respondents": line.respondents,
                "small_sample": small,
                "nrr": {
                    code: None if nrr is None else _number(round_half_up(nrr, NRR_PLACES))
                    for code, nrr in line.nrr.items()
                },
                "ikm": None if line.ikm is None else _number(round_half_up(line.ikm, IKM_PLACES)),
                "grade": None if line.ikm is None or small else grade_for(line.ikm).value,
            }
        )
    return lines


def _plans(summary: Summary) -> list[dict[str, Any]]:
    return [
        {
            "priority": item.priority,
            "unsur": item.plan.unsur,
            "activity": item.plan.activity,
            "target": item.plan.target,
            "due_date": item.plan.due_date.isoformat() if item.plan.due_date else None,
            "responsible": item.plan.responsible,
            "status": item.plan.status,
            "realisation": item.plan.realisation,
            "obstacles": item.plan.obstacles,
            "strategy": item.plan.strategy,
            "next_target": item.plan.next_target,
            "stakeholder": item.plan.stakeholder,
        }
        for item in ranked_plans(summary)
    ]


def upward_json(summary: Summary, content: Content) -> dict[str, Any]:
    """The period's results in schema `skm-hasil` version 1."""
    result = summary.result
    unit = content.unit
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "unit": {"name": unit.name, "regency": unit.regency, "province": unit.province},
        "period": {
            "first": summary.period.first.isoformat(),
            "last": summary.period.last.isoformat(),
            "label": period_label(summary.period, content.texts),
        },
        "generated_at": summary.generated_at.isoformat(),
        "respondents": summary.respondents,
        "nrr": None
        if result is None
        else {code: _number(result.nrr_shown(code, NRR_PLACES)) for code in UNSUR_CODES},
        "ikm": None if result is None else _number(result.ikm_shown),
        "grade": None if result is None else result.grade.value,
        "services": _services(summary),
        "rtl": _plans(summary),
    }


def upward_json_bytes(summary: Summary, content: Content) -> bytes:
    text = json.dumps(upward_json(summary, content), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


CSV_COLUMNS = ("lingkup", "nama", "periode_awal", "periode_akhir", "responden")


def upward_csv(summary: Summary, content: Content) -> bytes:
    """The same figures as a table: the unit first, then each service (NRR, IKM, mutu)."""
    data = upward_json(summary, content)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([*CSV_COLUMNS, *UNSUR_CODES, "ikm", "mutu"])
    first, last = data["period"]["first"], data["period"]["last"]

    def cells(nrr: dict[str, float | None] | None) -> list[str]:
        return [_id(None if nrr is None else nrr.get(code)) for code in UNSUR_CODES]

    writer.writerow(
        [
            "unit",
            data["unit"]["name"],
            first,
            last,
            data["respondents"],
            *cells(data["nrr"]),
            _id(data["ikm"]),
            data["grade"] or "",
        ]
    )
    for line in data["services"]:
        writer.writerow(
            [
                line["id"] or "",
                line["name"],
                first,
                last,
                line["respondents"],
                *cells(line["nrr"]),
                _id(line["ikm"]),
                line["grade"] or "",
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _id(value: float | None) -> str:
    """A figure with the decimal comma, as Excel in an Indonesian locale reads it."""
    return "" if value is None else f"{Decimal(str(value))}".replace(".", ",")


# --- reading it back --------------------------------------------------------------------------


class _Period(BaseModel):
    model_config = ConfigDict(extra="ignore")
    first: date
    last: date


class _Upward(BaseModel):
    model_config = ConfigDict(extra="ignore")
    schema_: str = Field(alias="schema")
    schema_version: int
    period: _Period
    respondents: int = Field(ge=0)
    nrr: dict[str, Decimal]
    ikm: Decimal

    @field_validator("schema_")
    @classmethod
    def _ours(cls, value: str) -> str:
        if value != SCHEMA:
            raise ValueError(f"expected {SCHEMA!r}")
        return value

    @field_validator("schema_version")
    @classmethod
    def _known(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"version {value} is not known; this program reads {SCHEMA_VERSION}")
        return value

    @field_validator("nrr")
    @classmethod
    def _nine(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        if set(value) != set(UNSUR_CODES):
            raise ValueError("needs the NRR of exactly U1..U9")
        for code, nrr in value.items():
            if not Decimal(1) <= nrr <= Decimal(4):
                raise ValueError(f"{code}: NRR {nrr} is outside 1..4")
        return value


@dataclass(frozen=True)
class UpwardResult:
    first: date
    last: date
    respondents: int
    nrr: dict[str, Decimal]
    ikm: Decimal


class UpwardProblem(ValueError):
    """A file that is not a readable `skm-hasil` document; the message names the field."""


def read_upward(text: str) -> UpwardResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UpwardProblem(
            f"line {exc.lineno}, column {exc.colno}: not JSON ({exc.msg})"
        ) from None
    try:
        parsed = _Upward.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        # The model's own name for `schema` (a BaseModel attribute) is not what the file says.
        loc = ["schema" if part == "schema_" else str(part) for part in first["loc"]]
        where = ".".join(loc) or "(file)"
        raise UpwardProblem(f"{where}: {first['msg']}") from None
    if parsed.period.first > parsed.period.last:
        raise UpwardProblem("period: first is after last")
    return UpwardResult(
        parsed.period.first, parsed.period.last, parsed.respondents, parsed.nrr, parsed.ikm
    )
