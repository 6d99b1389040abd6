"""The information screens: what each one says and which options it offers.

Option ids are typed values written by `option_ids.encode` (see there why they are
self-contained).
"""

from typing import assert_never

from skm_core.content.loader import Content
from skm_core.content.models import Referral, Service
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.messages import Option
from skm_core.conversation.option_ids import (
    CaseChoice,
    ComplaintDraft,
    ComplaintStart,
    Destination,
    DraftAction,
    Go,
    SectionChoice,
    ServiceChoice,
    ServicesPage,
    Up,
    encode,
)
from skm_core.conversation.state import DialogState, Screen, Section
from skm_core.conversation.view import View, page_slices, paged

MENU = encode(Go(Destination.MENU))
BACK = encode(Up())
INFO = encode(Go(Destination.INFO))
SURVEY = encode(Go(Destination.SURVEY))
FLOW = encode(Go(Destination.FLOW))
CONTACTS = encode(Go(Destination.CONTACTS))
HELP = encode(Go(Destination.HELP))
UNITS = encode(Go(Destination.UNITS))
SEND_COMPLAINT = encode(ComplaintDraft(DraftAction.SEND))
EDIT_COMPLAINT = encode(ComplaintDraft(DraftAction.EDIT))


def service_option(service: Service) -> Option:
    return Option(encode(ServiceChoice(service.id)), service.short_name)


def complaint_option(kind: str, label: str) -> Option:
    return Option(encode(ComplaintStart(kind)), label)


def page_of(content: Content, service_id: str | None, profile: ChannelProfile) -> int:
    ids = [s.id for s in content.services]
    if service_id not in ids:
        return 0
    position = ids.index(service_id)
    for number, (start, end) in enumerate(page_slices(len(ids), profile.max_options)):
        if start <= position < end:
            return number
    return 0


class Screens:
    def __init__(self, content: Content, change_unit: bool = False) -> None:
        self.content = content
        self.t = content.texts.chat
        self.change_unit = change_unit
        """Whether the menu offers the choice of another unit (several units deployed)."""

    def menu_options(self) -> tuple[Option, ...]:
        t = self.t
        options = (
            Option(INFO, t.menu_info),
            Option(SURVEY, t.menu_survey),
            Option(FLOW, t.menu_flow),
            Option(CONTACTS, t.menu_contacts),
            Option(HELP, t.menu_help),
        )
        if self.change_unit:
            return (*options, Option(UNITS, t.menu_change_unit))
        return options

    def welcome(self) -> str:
        return self.t.welcome.format(unit=self.content.unit.name)

    def menu(self) -> View:
        return View(self.t.menu_prompt, self.menu_options())

    def services(self, page: int, profile: ChannelProfile) -> View:
        items = [service_option(s) for s in self.content.services]
        shown = paged(
            items,
            page,
            profile.max_options,
            lambda n: encode(ServicesPage(n)),
            (self.t.opt_prev, self.t.opt_next),
        )
        text = self.t.services_prompt
        if shown.count > 1:
            text += "\n" + self.t.services_page.format(page=shown.number + 1, pages=shown.count)
        return View(text, (*shown.options, Option(MENU, self.t.opt_menu)))

    def caveat(self) -> str:
        """One short line where a screen shows what the unit has not confirmed."""
        return self.t.unconfirmed.format(phone=self.content.unit.phone)

    def _unconfirmed(self, *fields: str) -> bool:
        return any(f in self.content.unit.unconfirmed_fields for f in fields)

    def service(
        self,
        service: Service,
        section: Section,
        case: int | None = None,
        max_options: int | None = None,
    ) -> View:
        t = self.t
        if section is Section.REQUIREMENTS and case is not None and 0 <= case < len(service.cases):
            return self._case(service, case)
        body = {
            Section.REQUIREMENTS: self._requirements,
            Section.PROCEDURE: self._procedure,
            Section.TIME_COST: self._time_cost,
            Section.WHERE: self._where,
            Section.LEGAL_NOTES: self._legal_notes,
        }[section](service)
        parts = [service.name.upper()]
        if section is Section.REQUIREMENTS:
            parts.append(service.summary)
        parts.append(body)
        hours_shown = section is Section.WHERE and self._unconfirmed("opening_hours")
        if not service.confirmed_by_unit or hours_shown:
            parts.append(self.caveat())
        labels = {
            Section.REQUIREMENTS: t.opt_requirements,
            Section.PROCEDURE: t.opt_procedure,
            Section.TIME_COST: t.opt_time_cost,
            Section.WHERE: t.opt_where,
            Section.LEGAL_NOTES: t.opt_legal_notes,
        }
        cases = []
        if section is Section.REQUIREMENTS:
            cases = [
                Option(encode(CaseChoice(service.id, number)), case.title)
                for number, case in enumerate(service.cases)
            ]
        sections = [
            Option(encode(SectionChoice(service.id, other)), label)
            for other, label in labels.items()
            if other is not section
        ]
        if max_options is not None:
            # The cases come first; the other sections stay reachable from any section.
            sections = sections[: max(max_options - len(cases) - 2, 0)]
        options = [*cases, *sections, Option(BACK, t.opt_back), Option(MENU, t.opt_menu)]
        return View("\n\n".join(parts), tuple(options))

    def _requirements(self, service: Service) -> str:
        lines: list[str] = []
        if service.requirements:
            lines.append(f"{self.t.section_requirements}:")
            lines += [f"{n}. {item}" for n, item in enumerate(service.requirements, start=1)]
        if service.cases:
            lines += ["", self.t.cases_prompt] if lines else [self.t.cases_prompt]
        return "\n".join(lines)

    def _case(self, service: Service, number: int) -> View:
        t = self.t
        case = service.cases[number]
        items = [*service.requirements, *case.requirements]
        lines = [t.case_title.format(case=case.title)]
        lines += [f"{n}. {item}" for n, item in enumerate(items, start=1)]
        parts = [service.name.upper(), "\n".join(lines)]
        if not service.confirmed_by_unit:
            parts.append(self.caveat())
        options = [
            Option(encode(CaseChoice(service.id, other)), c.title)
            for other, c in enumerate(service.cases)
            if other != number
        ]
        options += [Option(BACK, t.opt_back), Option(MENU, t.opt_menu)]
        return View("\n\n".join(parts), tuple(options))

    def _procedure(self, service: Service) -> str:
        lines = [f"{self.t.section_procedure}:"]
        lines += [f"{n}. {step}" for n, step in enumerate(service.procedure, start=1)]
        return "\n".join(lines)

    def _time_cost(self, service: Service) -> str:
        t = self.t
        return "\n\n".join(
            [
                f"{t.section_duration}:\n{service.duration}",
                f"{t.section_cost}:\n{service.cost}",
                f"{t.section_product}:\n{service.product}",
            ]
        )

    def _hours(self) -> str:
        return "\n".join(
            self.t.hours_line.format(days=h.days, hours=h.hours)
            for h in self.content.unit.opening_hours
        )

    def _where(self, service: Service) -> str:
        t = self.t
        return f"{t.section_where}:\n{service.where_when}\n\n{t.section_hours}:\n{self._hours()}"

    def _legal_notes(self, service: Service) -> str:
        t = self.t
        parts: list[str] = []
        if service.legal_basis:
            parts.append(
                "\n".join([f"{t.section_legal}:"] + [f"• {item}" for item in service.legal_basis])
            )
        if service.notes:
            parts.append(
                "\n".join([f"{t.section_notes}:"] + [f"• {item}" for item in service.notes])
            )
        return "\n\n".join(parts) or t.no_legal_notes

    def flow(self) -> View:
        t = self.t
        steps = self.content.unit.paten_flow
        lines = [t.flow_title.format(unit=self.content.unit.short_name), ""]
        lines += [
            t.flow_step.format(
                step=s.step, description=s.description, actor=s.actor, minutes=s.minutes
            )
            for s in steps
        ]
        lines += ["", t.flow_total.format(minutes=sum(s.minutes for s in steps))]
        return View("\n".join(lines), (Option(INFO, t.menu_info), Option(MENU, t.opt_menu)))

    def contacts(self) -> View:
        t = self.t
        unit = self.content.unit
        lines = [
            t.contacts_title.format(unit=unit.short_name),
            t.contacts_address.format(address=unit.address, postal_code=unit.postal_code),
            t.contacts_phone.format(phone=unit.phone),
            t.contacts_email.format(email=unit.email),
            t.contacts_website.format(website=unit.website),
            "",
            f"{t.section_hours}:",
            self._hours(),
            "",
            t.contacts_channels,
        ]
        lines += [
            t.channel_line.format(name=c.name, contact=c.contact)
            + (f"\n  {c.note}" if c.note else "")
            for c in unit.complaint_channels
        ]
        if self._unconfirmed("opening_hours", "complaint_channels"):
            lines += ["", self.caveat()]
        options = (
            complaint_option("complaint", t.opt_complaint),
            complaint_option("question", t.opt_question),
            Option(MENU, t.opt_menu),
        )
        return View("\n".join(lines), options)

    def complaint(self, kind: str | None, draft: str | None = None) -> View:
        t = self.t
        if kind == "complaint" and draft:
            options = (
                Option(SEND_COMPLAINT, t.opt_send_complaint),
                Option(EDIT_COMPLAINT, t.opt_edit_complaint),
                Option(MENU, t.opt_menu),
            )
            return View(t.complaint_confirm.format(text=draft), options)
        prompt = t.complaint_prompt if kind == "complaint" else t.question_prompt
        return View(prompt, (Option(MENU, t.opt_menu),))

    def help(self) -> View:
        return View(self.t.help, self.menu_options())

    def search_results(self, service_ids: list[str], found: bool) -> View:
        t = self.t
        options = [
            service_option(s)
            for s in (self.content.service(i) for i in service_ids)
            if s is not None
        ]
        options += [
            Option(INFO, t.opt_services),
            complaint_option("question", t.opt_question),
            Option(MENU, t.opt_menu),
        ]
        return View(t.search_unsure if found else t.search_none, tuple(options))

    def referral(self, referral: Referral) -> View:
        t = self.t
        parts = [
            t.referral.format(name=referral.name, unit=self.content.unit.name),
            t.referral_where.format(where=referral.where),
        ]
        if referral.note:
            parts.append(referral.note)
        options = []
        related = self.content.service(referral.related_service or "")
        if related is not None:
            options.append(service_option(related))
        options += [Option(INFO, t.opt_services), Option(MENU, t.opt_menu)]
        return View("\n\n".join(parts), tuple(options))

    def render(self, state: DialogState, profile: ChannelProfile) -> View:
        """The screen the person is on, as it is shown to them."""
        match state.screen:
            case Screen.SERVICES:
                return self.services(state.page, profile)
            case Screen.SERVICE:
                return self._service_screen(state, profile)
            case Screen.FLOW:
                return self.flow()
            case Screen.CONTACTS:
                return self.contacts()
            case Screen.HELP:
                return self.help()
            case Screen.SEARCH:
                return self.search_results(state.matches, bool(state.matches))
            case Screen.REFERRAL:
                referral = self.content.referral(state.referral_id or "")
                return self.referral(referral) if referral is not None else self.menu()
            case Screen.COMPLAINT:
                return self.complaint(state.complaint_kind, state.complaint_draft)
            case Screen.MENU | Screen.SURVEY | Screen.UNITS:
                # The survey draws itself; under it lies the menu.
                return self.menu()
            case _:
                assert_never(state.screen)

    def _service_screen(self, state: DialogState, profile: ChannelProfile) -> View:
        service = self.content.service(state.service_id or "")
        if service is None:
            return self.menu()
        return self.service(service, state.section, state.case, profile.max_options)
