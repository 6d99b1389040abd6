"""/kiosk: a petugas pairs the survey kiosk at the counter, or starts it for a service.

`/kiosk` gives a short code, valid for a few minutes, that the tablet's /kiosk page asks
for once. `/kiosk LAYANAN` issues a one-visit ticket for the service just given and leaves
it on the kiosks this petugas paired: the next survey there counts as that visit's.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from skm_core.content.loader import Content
from skm_core.content.models import Service
from skm_core.conversation.messages import Option, Reply
from skm_core.conversation.option_ids import Destination, Go, encode
from skm_core.conversation.typed import normalise
from skm_core.desk.call import Call
from skm_core.search import ServiceSearch
from skm_core.storage.kiosks import add_pairing_code, leave_ticket
from skm_core.storage.officials import audit
from skm_core.storage.tickets import insert_ticket
from skm_core.tickets import new_token

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=10)
MENU = encode(Go(Destination.MENU))


def pairing_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


@dataclass
class KioskDesk:
    content: Content
    search: ServiceSearch
    validity: timedelta = timedelta(days=7)

    async def command(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        menu = (Option(MENU, self.content.texts.chat.opt_menu),)
        if not call.args:
            code = pairing_code()
            expires = call.ctx.now + CODE_VALIDITY
            await add_pairing_code(call.tx, code, call.actor, call.ctx.now, expires)
            await audit(call.tx, call.ctx.now, call.actor, "kiosk.code")
            minutes = int(CODE_VALIDITY.total_seconds() // 60)
            return [Reply(t.kiosk_code.format(code=code, minutes=minutes), menu)]
        service = self._service(call.args)
        if service is None:
            return [Reply(t.kiosk_unknown_service.format(query=call.args[:80]), menu)]
        token = new_token()
        now = call.ctx.now
        await insert_ticket(call.tx, token, service.id, now, now + self.validity, call.actor)
        if not await leave_ticket(call.tx, call.actor, token, now):
            return [Reply(t.kiosk_none, menu)]
        await audit(call.tx, now, call.actor, "kiosk.ticket", service.id)
        return [Reply(t.kiosk_started.format(service=service.short_name), menu)]

    def _service(self, words: str) -> Service | None:
        service = self.content.service(normalise(words))
        if service is None:
            found = self.search.search(words)
            service = found.best.service if found.confident and found.best else None
        return service
