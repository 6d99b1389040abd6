"""The IKM as officials read it (Indonesian text) and as other tools read it (JSON)."""

from decimal import Decimal
from typing import Any

from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.ikm.compute import IkmResult, Weighting, round_half_up
from skm_core.ikm.sample import krejcie_morgan, sample_adequate


def id_number(value: Decimal) -> str:
    """A number in Indonesian style: decimal comma, dot between thousands (1.234,56)."""
    text = f"{value:,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def ikm_json(result: IkmResult, content: Content, population: int | None = None) -> dict[str, Any]:
    labels = content.texts.performance
    data: dict[str, Any] = {
        "respondents": result.respondents,
        "nrr": {code: float(result.nrr_shown(code, 4)) for code in UNSUR_CODES},
        "ikm": float(result.ikm_shown),
        "grade": result.grade.value,
        "performance": labels[result.grade.value],
        "unsur_grades": {code: result.unsur_grade(code).value for code in UNSUR_CODES},
        "lowest": result.lowest(),
    }
    if population is not None:
        data["min_sample"] = krejcie_morgan(population)
        data["sample_adequate"] = sample_adequate(result.respondents, population)
    return data


def ikm_text(
    result: IkmResult, content: Content, source: str, population: int | None = None
) -> str:
    t = content.texts.cli
    labels = content.texts.performance
    names = {u.code: f"{u.code} {u.name}" for u in content.survey.unsur}
    width = max(len(t.col_unsur), *(len(n) for n in names.values()))
    lines = [t.ikm_title.format(source=source), t.respondents.format(count=result.respondents), ""]
    lines.append(f"{t.col_unsur:<{width}}  {t.col_nrr:>6}  {t.col_nilai:>7}  {t.col_mutu}")
    for code in UNSUR_CODES:
        grade = result.unsur_grade(code)
        nrr = id_number(result.nrr_shown(code, 2))
        score = id_number(round_half_up(result.unsur_score(code), 2))
        lines.append(
            f"{names[code]:<{width}}  {nrr:>6}  {score:>7}  {grade.value} ({labels[grade.value]})"
        )
    lines.append("")
    lines.append(
        t.ikm_line.format(
            ikm=id_number(result.ikm_shown),
            grade=result.grade.value,
            label=labels[result.grade.value],
        )
    )
    if result.weighting is Weighting.LEGACY:
        lines.append(t.legacy_note)
    lines.append("")
    lines.append(t.lowest_title)
    for rank, code in enumerate(result.lowest(), start=1):
        lines.append(
            t.lowest_item.format(
                rank=rank,
                code=code,
                name=content.survey.unsur_by_code(code).name,
                nrr=id_number(result.nrr_shown(code, 2)),
            )
        )
    if population is not None:
        minimum = krejcie_morgan(population)
        lines.append("")
        lines.append(t.sample_line.format(population=population, min_sample=minimum))
        if result.respondents >= minimum:
            lines.append(t.sample_adequate)
        else:
            lines.append(t.sample_inadequate.format(short=minimum - result.respondents))
    return "\n".join(lines)
