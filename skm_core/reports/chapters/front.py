"""The cover with the unit's kop, and the lembar pengesahan the Camat signs."""

from skm_core.calendar.dates import date_text, period_label
from skm_core.content.loader import Content
from skm_core.reports.blocks import Approval, Cover
from skm_core.reports.summary import Summary


def _kop_values(content: Content) -> dict[str, str]:
    unit = content.unit
    return {
        "unit": unit.name,
        "unit_upper": unit.name.upper(),
        "regency": unit.regency,
        "regency_upper": unit.regency.upper(),
        "province": unit.province,
        "address": unit.address,
        "postal_code": unit.postal_code,
        "phone": unit.phone,
        "email": unit.email,
        "website": unit.website,
    }


def _logo(content: Content) -> bytes | None:
    name = content.report.document.logo
    if not name:
        return None
    path = content.directory / name
    return path.read_bytes() if path.is_file() else None


def cover(summary: Summary, content: Content) -> Cover:
    words = content.report.document
    values = _kop_values(content)
    period = period_label(summary.period, content.texts)
    return Cover(
        kop=tuple(line.format(**values) for line in words.kop),
        logo=_logo(content),
        title=words.cover_title,
        lines=(
            words.cover_subtitle.format(unit=summary.unit_name),
            words.cover_period.format(unit=summary.unit_name, period=period),
            words.cover_year.format(year=summary.period.last.year),
        ),
    )


def approval(summary: Summary, content: Content) -> Approval:
    words = content.report.document
    signer = words.signatory
    today = summary.generated_at.astimezone(summary.timezone).date()
    return Approval(
        title=words.approval_title,
        text=words.approval_text.format(
            unit=summary.unit_name,
            period=period_label(summary.period, content.texts),
            regulation=content.survey.regulation,
        ),
        place_date=words.approval_place_date.format(
            place=signer.place, date=date_text(today, content.texts)
        ),
        position=signer.position,
        name=signer.name or words.blank_name,
        rank=words.approval_rank.format(rank=signer.rank) if signer.rank else words.blank_rank,
        nip=words.approval_nip.format(nip=signer.nip) if signer.nip else words.blank_nip,
    )
