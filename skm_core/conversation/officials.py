"""Officials' commands in the conversation, on any channel: for now, visit tickets (/tiket).

Only people with a role see any of this. For everyone else these events are not officials'
events at all: they go to the ordinary conversation, which answers them as it answers any
unknown input, so nothing reveals that the command exists.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from skm_core.content.loader import Content
from skm_core.content.models import Service
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.messages import Attachment, Event, EventKind, Option, Reply
from skm_core.conversation.survey import StepContext
from skm_core.conversation.typed import normalise
from skm_core.conversation.view import page_slices
from skm_core.dates import local_datetime_text
from skm_core.search import ServiceSearch
from skm_core.storage.database import Transaction
from skm_core.storage.officials import audit
from skm_core.storage.tickets import insert_ticket
from skm_core.tickets import new_token, qr_png

TICKET_COMMAND = "tiket"
TICKET_OPTION = "tkt:"
TICKET_PAGE = "tkp:"
TICKET_ROLES = frozenset({"admin", "petugas"})


@dataclass
class OfficialDesk:
    content: Content
    search: ServiceSearch
    timezone: ZoneInfo
    ticket_validity: timedelta = timedelta(days=7)
    start_links: dict[str, str] = field(default_factory=dict)
    """Per channel, a link template with {token}, e.g. https://t.me/<bot>?start={token}."""

    def wants(self, event: Event) -> bool:
        """Whether the event is an officials' command (for an official to be served here)."""
        if event.kind is EventKind.OPTION:
            return event.value.startswith((TICKET_OPTION, TICKET_PAGE))
        command, _ = self.command_of(event)
        return command == TICKET_COMMAND

    @staticmethod
    def command_of(event: Event) -> tuple[str, str]:
        if event.kind is EventKind.COMMAND:
            text = event.value
        elif event.kind is EventKind.TEXT and event.value.lstrip().startswith("/"):
            text = event.value.lstrip()[1:]
        else:
            return "", ""
        name, _, rest = text.strip().partition(" ")
        return name.split("@", 1)[0].casefold(), rest.strip()

    def serves(self, event: Event, roles: frozenset[str]) -> bool:
        """Whether this is an officials' command from someone allowed to give it."""
        return bool(roles & TICKET_ROLES) and self.wants(event)

    async def handle(self, tx: Transaction, event: Event, ctx: StepContext) -> list[Reply]:
        if event.kind is EventKind.OPTION:
            if event.value.startswith(TICKET_PAGE):
                page = event.value.removeprefix(TICKET_PAGE)
                return self._choose(ctx.profile, int(page) if page.isdigit() else 0)
            chosen = self.content.service(event.value.removeprefix(TICKET_OPTION))
            if chosen is None:
                return self._choose(ctx.profile)
            return await self._issue(tx, chosen, ctx)
        _, query = self.command_of(event)
        if not query:
            return self._choose(ctx.profile)
        service = self.content.service(normalise(query))
        if service is None:
            found = self.search.search(query)
            service = found.best.service if found.confident and found.best else None
        if service is None:
            lead = self.content.texts.officials.ticket_unknown_service.format(query=query[:80])
            return self._choose(ctx.profile, lead=lead)
        return await self._issue(tx, service, ctx)

    def _choose(self, profile: ChannelProfile, page: int = 0, lead: str = "") -> list[Reply]:
        chat = self.content.texts.chat
        services = self.content.services
        slices = page_slices(len(services), profile.max_options)
        page = min(max(page, 0), len(slices) - 1)
        start, end = slices[page]
        options = [Option(f"{TICKET_OPTION}{s.id}", s.short_name) for s in services[start:end]]
        if page > 0:
            options.append(Option(f"{TICKET_PAGE}{page - 1}", chat.opt_prev))
        if page < len(slices) - 1:
            options.append(Option(f"{TICKET_PAGE}{page + 1}", chat.opt_next))
        options.append(Option("menu", chat.opt_menu))
        text = self.content.texts.officials.ticket_choose_service
        return [Reply(f"{lead}\n\n{text}" if lead else text, tuple(options))]

    async def _issue(self, tx: Transaction, service: Service, ctx: StepContext) -> list[Reply]:
        t = self.content.texts.officials
        service_id = service.id
        token = new_token()
        expires = ctx.now + self.ticket_validity
        await insert_ticket(tx, token, service_id, ctx.now, expires, ctx.user_key)
        await audit(tx, ctx.now, ctx.user_key, "ticket.issue", service_id)
        when = local_datetime_text(expires, self.timezone, self.content.texts)
        template = self.start_links.get(ctx.channel)
        menu = (Option("menu", self.content.texts.chat.opt_menu),)
        if template is None:
            text = t.ticket_issued_no_link.format(service=service.name, expires=when, token=token)
            return [Reply(text, menu)]
        link = template.format(token=token)
        text = t.ticket_issued.format(service=service.name, expires=when, link=link)
        image = Attachment(
            "image",
            f"tiket-{service_id}.png",
            qr_png(link),
            t.ticket_caption.format(service=service.name),
        )
        return [Reply(text, menu, attachment=image)]
