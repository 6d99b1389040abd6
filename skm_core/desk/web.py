"""/masuk (a sign-in link to the desk in a browser) and /publikasi (publish a period's results)."""

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import local_datetime_text, period_label, period_words
from skm_core.calendar.periods import Period, parse_period
from skm_core.content.loader import Content
from skm_core.conversation.messages import Reply
from skm_core.desk.access import LINK_VALIDITY, issue_link
from skm_core.desk.call import Call, text_reply
from skm_core.ikm.report import id_number
from skm_core.reports.publication import NothingToPublish, publish
from skm_core.storage.desk_access import DeskPerson

SIGN_IN_PATH = "/desk/masuk"
RESULTS_PATH = "/hasil"


def sign_in_link(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}{SIGN_IN_PATH}?t={token}"


@dataclass
class WebDesk:
    content: Content
    timezone: ZoneInfo
    public_url: str | None

    def _reply(self, text: str) -> list[Reply]:
        return text_reply(text, self.content.texts.chat.opt_menu)

    async def sign_in(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        if not self.public_url:
            return self._reply(t.desk_link_unset)
        person = DeskPerson(call.event.channel, call.actor)
        token = await issue_link(call.tx, person, call.ctx.now)
        expires = local_datetime_text(
            call.ctx.now + LINK_VALIDITY, self.timezone, self.content.texts
        )
        link = sign_in_link(self.public_url, token)
        return self._reply(t.desk_link.format(link=link, expires=expires))

    def _period(self, call: Call) -> Period | None:
        today = call.ctx.now.astimezone(self.timezone).date()
        return parse_period(call.args, today, period_words(self.content.texts))

    async def publish(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        if not call.args.strip():
            return self._reply(t.publish_usage)
        period = self._period(call)
        if period is None:
            return self._reply(t.period_unknown.format(text=call.args[:80]))
        label = period_label(period, self.content.texts)
        try:
            outcome = await publish(
                call.tx, self.content, period, self.timezone, call.ctx.now, call.actor
            )
        except NothingToPublish:
            return self._reply(t.publish_empty.format(period=label))
        if not outcome.published:
            return self._reply(t.publish_exists.format(period=label))
        doc = outcome.document
        days = f"{period.first.isoformat()}..{period.last.isoformat()}"
        link = (
            f"{self.public_url.rstrip('/')}{RESULTS_PATH}?periode={days}"
            if self.public_url
            else "-"
        )
        text = t.publish_done.format(
            period=label,
            ikm=id_number(Decimal(str(doc["ikm"])).quantize(Decimal("0.01"))),
            grade=doc["mutu"],
            respondents=doc["responden"],
            link=link,
        )
        return self._reply(text)
