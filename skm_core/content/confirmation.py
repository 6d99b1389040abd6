"""What the unit still has to confirm: unconfirmed facts and facts without a source.

The list is the unit's to-do list before the bot's answers can be taken as the office's word:
per file, the fields nobody at the office has confirmed, and those no document supports.
"""

from dataclasses import dataclass
from typing import Literal

from skm_core.content.loader import REFERRALS_FILE, SERVICES_DIR, UNIT_FILE, Content

SERVICE_FACTS = ("requirements", "cases", "procedure", "duration", "cost", "product", "where_when")
Reason = Literal["unconfirmed", "unsourced"]


@dataclass(frozen=True)
class ToConfirm:
    file: str
    title: str
    fields: tuple[str, ...]
    reason: Reason


def to_confirm(content: Content) -> list[ToConfirm]:
    unit = content.unit
    items: list[ToConfirm] = []
    if unit.unconfirmed_fields:
        items.append(ToConfirm(UNIT_FILE, unit.name, tuple(unit.unconfirmed_fields), "unconfirmed"))
    decree = _decree_number(unit.service_standard_decree)
    for service in content.services:
        file = f"{SERVICES_DIR}/{service.id}.yaml"
        facts = tuple(f for f in SERVICE_FACTS if f != "cases" or service.cases)
        if not service.confirmed_by_unit:
            items.append(ToConfirm(file, service.name, facts, "unconfirmed"))
        # A decree names the services; it says nothing of what each requires.
        if not [s for s in service.sources if not _lists_services_only(s, decree)]:
            items.append(ToConfirm(file, service.name, facts, "unsourced"))
    for referral in content.referrals:
        if not referral.sources:
            fields = ("where",)
            items.append(
                ToConfirm(f"{REFERRALS_FILE}#{referral.id}", referral.name, fields, "unsourced")
            )
    return items


SERVICE_LIST_MARK = "(daftar layanan"
"""How a source says it is a list of services: a unit's own decree, or a neighbour's whose list
another unit follows until it confirms its own."""


def _lists_services_only(source: str, decree: str) -> bool:
    return decree in source or SERVICE_LIST_MARK in source


def _decree_number(decree: str) -> str:
    """ "P-028/KEC.SS/..." out of the decree's full title: sources cite it by number."""
    for word in decree.split():
        if "/" in word:
            return word
    return decree
