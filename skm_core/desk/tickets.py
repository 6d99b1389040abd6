"""/tiket: a counter officer hands a served citizen a one-visit survey ticket."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import local_datetime_text
from skm_core.content.loader import Content
from skm_core.content.models import Service
from skm_core.conversation.channels import ChannelProfile
from skm_core.conversation.messages import Attachment, Event, EventKind, Option, Reply
from skm_core.conversation.option_ids import (
    Destination,
    Go,
    TicketPage,
    TicketService,
    decode,
    encode,
)
from skm_core.conversation.typed import normalise
from skm_core.conversation.view import paged
from skm_core.desk.call import Call
from skm_core.search import ServiceSearch
from skm_core.storage.officials import audit
from skm_core.storage.tickets import insert_ticket
from skm_core.tickets import new_token, qr_png

MENU = encode(Go(Destination.MENU))


def ticket_option(event: Event) -> TicketService | TicketPage | None:
    """The ticket desk's option the event chose, if it chose one."""
    if event.kind is not EventKind.OPTION:
        return None
    option = decode(event.value)
    return option if isinstance(option, TicketService | TicketPage) else None


def is_ticket_option(event: Event) -> bool:
    return ticket_option(event) is not None


@dataclass
class TicketDesk:
    content: Content
    search: ServiceSearch
    timezone: ZoneInfo
    validity: timedelta = timedelta(days=7)
    start_links: dict[str, str] = field(default_factory=dict)
    """Per channel, a link template with {token}, e.g. https://t.me/<bot>?start={token}."""

    async def command(self, call: Call) -> list[Reply]:
        if not call.args:
            return self._choose(call.ctx.profile)
        service = self.content.service(normalise(call.args))
        if service is None:
            found = self.search.search(call.args)
            service = found.best.service if found.confident and found.best else None
        if service is None:
            t = self.content.texts.officials
            lead = t.ticket_unknown_service.format(query=call.args[:80])
            return self._choose(call.ctx.profile, lead=lead)
        return await self._issue(call, service)

    async def option(self, call: Call) -> list[Reply]:
        match ticket_option(call.event):
            case TicketPage(page):
                return self._choose(call.ctx.profile, page)
            case TicketService(service_id):
                chosen = self.content.service(service_id)
                if chosen is None:
                    return self._choose(call.ctx.profile)
                return await self._issue(call, chosen)
            case None:
                return self._choose(call.ctx.profile)
            case unknown:
                assert_never(unknown)

    def _choose(self, profile: ChannelProfile, page: int = 0, lead: str = "") -> list[Reply]:
        chat = self.content.texts.chat
        items = [Option(encode(TicketService(s.id)), s.short_name) for s in self.content.services]
        shown = paged(
            items,
            page,
            profile.max_options,
            lambda n: encode(TicketPage(n)),
            (chat.opt_prev, chat.opt_next),
        )
        options = (*shown.options, Option(MENU, chat.opt_menu))
        text = self.content.texts.officials.ticket_choose_service
        return [Reply(f"{lead}\n\n{text}" if lead else text, options)]

    async def _issue(self, call: Call, service: Service) -> list[Reply]:
        t = self.content.texts.officials
        ctx = call.ctx
        token = new_token()
        expires = ctx.now + self.validity
        await insert_ticket(call.tx, token, service.id, ctx.now, expires, call.actor)
        await audit(call.tx, ctx.now, call.actor, "ticket.issue", service.id)
        when = local_datetime_text(expires, self.timezone, self.content.texts)
        menu = (Option(MENU, self.content.texts.chat.opt_menu),)
        links = self._links(token, ctx.channel)
        if not links:
            text = t.ticket_issued_no_link.format(
                service=service.short_name, expires=when, token=token
            )
            return [Reply(text, menu)]
        listed = "\n".join(
            t.ticket_link.format(app=t.apps.get(app, app), link=link) for app, link in links
        )
        text = t.ticket_issued.format(service=service.short_name, expires=when, links=listed)
        caption = t.ticket_caption.format(service=service.short_name)
        image = Attachment("image", f"tiket-{service.id}.png", qr_png(links[0][1]), caption)
        return [Reply(text, menu, attachment=image)]

    def _links(self, token: str, channel: str) -> list[tuple[str, str]]:
        """Every configured start link, the QR's first: WhatsApp, which most citizens use,
        then the officer's own app."""
        order = sorted(self.start_links, key=lambda app: (app != "whatsapp", app != channel, app))
        return [(app, self.start_links[app].format(token=token)) for app in order]
