"""What the code fills into each text of `texts.yaml` that has placeholders.

A text may use fewer of its placeholders (a unit may leave out its own name) but no other:
`{nama}` where the code fills `{name}` fails only when that text is first used, perhaps at the
Monday report, so `skm content check` refuses it at once. A text not named here takes none.
When code starts filling a new placeholder, it is added here with it.
"""

import string
from collections.abc import Iterator
from typing import Any

PLACEHOLDERS: dict[str, frozenset[str]] = {
    "chat.case_title": frozenset({"case"}),
    "chat.channel_line": frozenset({"contact", "name"}),
    "chat.complaint_confirm": frozenset({"text"}),
    "chat.complaint_received": frozenset({"days", "id", "kind"}),
    "chat.contacts_address": frozenset({"address", "postal_code"}),
    "chat.contacts_email": frozenset({"email"}),
    "chat.contacts_phone": frozenset({"phone"}),
    "chat.contacts_title": frozenset({"unit"}),
    "chat.contacts_website": frozenset({"website"}),
    "chat.flow_step": frozenset({"actor", "description", "minutes", "step"}),
    "chat.flow_title": frozenset({"unit"}),
    "chat.flow_total": frozenset({"minutes"}),
    "chat.hours_line": frozenset({"days", "hours"}),
    "chat.invalid_number": frozenset({"count", "number"}),
    "chat.question_received": frozenset({"id"}),
    "chat.referral": frozenset({"name", "unit"}),
    "chat.referral_where": frozenset({"where"}),
    "chat.services_page": frozenset({"page", "pages"}),
    "chat.unconfirmed": frozenset({"phone"}),
    "chat.units_welcome": frozenset({"region"}),
    "chat.welcome": frozenset({"unit"}),
    "cli.already_imported": frozenset({"count", "file", "when"}),
    "cli.content_ok": frozenset({"directory", "profile", "services", "unsur"}),
    "cli.content_units": frozenset({"count", "ids", "region"}),
    "cli.erased": frozenset({"answers", "complaints", "conversations", "queued", "roles", "who"}),
    "cli.erased_nothing": frozenset({"who"}),
    "cli.errors.bad_date": frozenset({"column", "file", "row", "value"}),
    "cli.errors.bad_number": frozenset({"column", "detail", "file", "row", "value"}),
    "cli.errors.bad_option": frozenset({"column", "detail", "file", "row", "value"}),
    "cli.errors.date_out_of_range": frozenset({"column", "detail", "file", "row", "value"}),
    "cli.errors.duplicate_column": frozenset({"column", "file", "row"}),
    "cli.errors.empty_file": frozenset({"file"}),
    "cli.errors.formula_without_value": frozenset({"column", "file", "row", "value"}),
    "cli.errors.missing_column": frozenset({"column", "file", "row"}),
    "cli.errors.no_date": frozenset({"file"}),
    "cli.errors.no_responses": frozenset({"file", "row"}),
    "cli.errors.not_a_score": frozenset({"column", "file", "row", "value"}),
    "cli.errors.not_utf8": frozenset({"file"}),
    "cli.errors.too_large": frozenset({"detail", "file", "value"}),
    "cli.errors.too_many_columns": frozenset({"detail", "file", "row"}),
    "cli.errors.too_many_rows": frozenset({"detail", "file", "row"}),
    "cli.errors.unanswered_unsur": frozenset({"detail", "file"}),
    "cli.errors.unknown_service": frozenset({"column", "detail", "file", "row", "value"}),
    "cli.errors.unreadable": frozenset({"detail", "file"}),
    "cli.errors.unsupported_format": frozenset({"file", "value"}),
    "cli.ikm_line": frozenset({"grade", "ikm", "label"}),
    "cli.ikm_title": frozenset({"source"}),
    "cli.import_done": frozenset({"count", "file"}),
    "cli.lowest_item": frozenset({"code", "name", "nrr", "rank"}),
    "cli.no_data": frozenset({"scope"}),
    "cli.order_missing": frozenset({"file"}),
    "cli.respondents": frozenset({"count"}),
    "cli.sample_inadequate": frozenset({"short"}),
    "cli.sample_line": frozenset({"min_sample", "population"}),
    "cli.search_none": frozenset({"query"}),
    "cli.search_referral": frozenset({"id", "name", "where"}),
    "cli.to_confirm_line": frozenset({"fields", "file", "reason", "title"}),
    "cli.to_confirm_title": frozenset({"count"}),
    "datetime_format": frozenset({"day", "month", "time", "year", "zone"}),
    "kabupaten.export_caption": frozenset({"kind", "period"}),
    "kabupaten.invite_usage": frozenset({"example", "units"}),
    "kabupaten.other_unit": frozenset({"unit"}),
    "kabupaten.report_intro": frozenset({"name"}),
    "kabupaten.sample_short": frozenset({"short"}),
    "kabupaten.scope_all": frozenset({"region"}),
    "kabupaten.title": frozenset({"period", "region"}),
    "kabupaten.ungraded_line": frozenset({"ikm", "overdue", "respondents", "sample", "unit"}),
    "kabupaten.ungraded_title": frozenset({"minimum"}),
    "kabupaten.unit_line": frozenset(
        {"grade", "ikm", "lowest", "overdue", "rank", "respondents", "sample", "unit"}
    ),
    "kabupaten.usage": frozenset({"example", "units"}),
    "officials.age_days": frozenset({"days"}),
    "officials.age_hours": frozenset({"hours"}),
    "officials.already_registered": frozenset({"role"}),
    "officials.answer_failed": frozenset({"id", "reason"}),
    "officials.answer_in_flight": frozenset({"id"}),
    "officials.answer_queued": frozenset({"id"}),
    "officials.answer_sent": frozenset({"id"}),
    "officials.answer_to_citizen": frozenset({"answer", "id", "kind", "unit"}),
    "officials.answer_unknown": frozenset({"id"}),
    "officials.complaint_forward": frozenset({"channel", "id", "kind_title", "text"}),
    "officials.complaint_line": frozenset({"age", "id", "kind", "text"}),
    "officials.complaint_undelivered": frozenset({"id", "reason"}),
    "officials.desk_link": frozenset({"expires", "link"}),
    "officials.export_caption": frozenset({"kind", "period"}),
    "officials.invite_created": frozenset({"code", "expires", "role", "unit"}),
    "officials.official_line": frozenset({"channel", "id", "name", "number", "role", "since"}),
    "officials.official_unreachable": frozenset({"reason"}),
    "officials.period_out_of_range": frozenset({"text"}),
    "officials.period_unknown": frozenset({"text"}),
    "officials.plan_added": frozenset({"id", "period", "unsur", "unsur_name"}),
    "officials.plan_carried": frozenset({"id", "target"}),
    "officials.plan_invalid": frozenset({"reason"}),
    "officials.plan_line": frozenset(
        {"activity", "id", "overdue", "responsible", "status", "target", "unsur", "unsur_name"}
    ),
    "officials.plan_updated": frozenset({"id", "status"}),
    "officials.population_set": frozenset({"minimum", "period", "served"}),
    "officials.publish_done": frozenset({"grade", "ikm", "link", "period", "respondents"}),
    "officials.publish_empty": frozenset({"period"}),
    "officials.publish_exists": frozenset({"period"}),
    "officials.register_locked": frozenset({"until"}),
    "officials.registered": frozenset({"commands", "role", "unit"}),
    "officials.remove_last_admin": frozenset({"id"}),
    "officials.remove_unknown": frozenset({"id"}),
    "officials.removed": frozenset({"id"}),
    "officials.report_intro": frozenset({"name"}),
    "officials.schedule_line": frozenset({"name", "state"}),
    "officials.ticket_caption": frozenset({"service"}),
    "officials.ticket_issued": frozenset({"expires", "links", "service"}),
    "officials.ticket_issued_no_link": frozenset({"expires", "service", "token"}),
    "officials.ticket_link": frozenset({"app", "link"}),
    "officials.ticket_unknown_service": frozenset({"query"}),
    "officials.kiosk_code": frozenset({"code", "minutes"}),
    "officials.kiosk_unknown_service": frozenset({"query"}),
    "officials.kiosk_started": frozenset({"service"}),
    "officials.unreachable_notice": frozenset({"channel", "id", "reason", "role"}),
    "periods.date": frozenset({"day", "month", "year"}),
    "periods.month": frozenset({"month", "year"}),
    "periods.quarter": frozenset({"number", "year"}),
    "periods.range": frozenset({"first", "last"}),
    "periods.semester": frozenset({"number", "year"}),
    "periods.week": frozenset({"first", "last"}),
    "periods.year": frozenset({"year"}),
    "summary.change_down": frozenset({"change", "previous"}),
    "summary.change_same": frozenset({"previous"}),
    "summary.change_up": frozenset({"change", "previous"}),
    "summary.complaints_line": frozenset({"oldest", "open"}),
    "summary.complaints_oldest": frozenset({"date"}),
    "summary.ikm": frozenset({"grade", "ikm", "label"}),
    "summary.lowest_line": frozenset({"code", "name", "nrr", "rank"}),
    "summary.plans_line": frozenset({"open", "overdue"}),
    "summary.plans_not_overdue": frozenset({"open"}),
    "summary.respondents": frozenset({"count"}),
    "summary.sample_entered": frozenset({"minimum", "population"}),
    "summary.sample_short": frozenset({"short"}),
    "summary.sample_tickets": frozenset({"minimum", "population"}),
    "summary.service_line": frozenset({"ikm", "name", "respondents"}),
    "summary.suggestion_line": frozenset({"date", "service", "text"}),
    "summary.suggestions_more": frozenset({"more"}),
    "summary.title": frozenset({"period", "unit"}),
    "summary.unsur_line": frozenset({"code", "grade", "name", "nrr"}),
    "summary.version_item": frozenset({"count", "version"}),
    "summary.versions_line": frozenset({"versions"}),
    "survey.already_today": frozenset({"service"}),
    "survey.ambiguous": frozenset({"choices", "text"}),
    "survey.answer_label": frozenset({"label", "score"}),
    "survey.choose_number": frozenset({"count", "number"}),
    "survey.consent": frozenset({"unit"}),
    "survey.expired": frozenset({"hours"}),
    "survey.invalid_number": frozenset({"max", "min"}),
    "survey.progress": frozenset({"number", "total"}),
    "survey.review_line": frozenset({"answer", "number", "question"}),
    "survey.scale_hint": frozenset({"number", "scale"}),
    "survey.service_fixed": frozenset({"service"}),
    "survey.specified_answer": frozenset({"specified"}),
    "survey.thanks": frozenset({"unit"}),
    "web.labels.back_to": frozenset({"version"}),
    "web.labels.complaint_answer_days": frozenset({"days"}),
    "web.labels.complaint_meta": frozenset({"channel", "when"}),
    "web.labels.contacts_unconfirmed": frozenset({"phone"}),
    "web.labels.download": frozenset({"file"}),
    "web.labels.edit": frozenset({"title"}),
    "web.labels.example": frozenset({"text"}),
    "web.labels.min_sample": frozenset({"count"}),
    "web.labels.no_suggestions_with": frozenset({"text"}),
    "web.labels.open_in": frozenset({"app"}),
    "web.labels.period_unknown": frozenset({"period"}),
    "web.labels.published_on": frozenset({"when"}),
    "web.labels.qr_alt": frozenset({"app"}),
    "web.labels.service_table": frozenset({"period"}),
    "web.labels.service_unconfirmed": frozenset({"phone"}),
    "web.labels.services_lead": frozenset({"decree", "unit"}),
    "web.labels.small_sample_note": frozenset({"count"}),
    "web.labels.suggestions": frozenset({"count"}),
    "web.labels.unit_document": frozenset({"unit"}),
    "web.labels.unpublished_notice": frozenset({"period"}),
    "web.labels.unsur_table": frozenset({"period"}),
    "web.labels.use_version": frozenset({"version"}),
    "web.labels.withdrawn_notice": frozenset({"period", "reason"}),
    "web.messages.chart_unsur_period": frozenset({"period"}),
    "web.messages.saved": frozenset({"fields"}),
    "web.messages.version_restored": frozenset({"version"}),
}


def _fields(template: str) -> set[str]:
    """The placeholders of a template; ValueError when its braces do not pair up."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _texts(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every text in a mapping; the items of a list share one path."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _texts(value, f"{path}.*")
    elif isinstance(node, str):
        yield path, node


def placeholder_problems(texts: Any) -> list[tuple[str, str]]:
    """(field, reason) for each text that asks for a placeholder the code does not fill."""
    problems = []
    for path, template in _texts(texts, ""):
        try:
            used = _fields(template)
        except ValueError as exc:
            problems.append((path, f"braces do not pair up ({exc}); write {{{{ and }}}}"))
            continue
        unknown = sorted(used - PLACEHOLDERS.get(path, frozenset()))
        if unknown:
            allowed = ", ".join(f"{{{n}}}" for n in sorted(PLACEHOLDERS.get(path, ()))) or "none"
            named = ", ".join(f"{{{n}}}" for n in unknown)
            problems.append((path, f"unknown placeholder {named}; this text can use: {allowed}"))
    return problems
