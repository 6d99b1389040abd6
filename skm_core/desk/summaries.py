"""/ringkasan, /ekspor and /populasi: a period's numbers, its files, and its population."""

import asyncio
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import period_label, period_words
from skm_core.calendar.periods import Period, month_of, parse_period, period_in_range
from skm_core.content.loader import Content
from skm_core.conversation.messages import Attachment, Option, Reply
from skm_core.conversation.screens import MENU
from skm_core.conversation.text_split import split_text
from skm_core.conversation.typed import whole_number
from skm_core.desk.call import Call, DeskResult, text_reply
from skm_core.ikm.sample import krejcie_morgan
from skm_core.reports.summary import Summary, build_summary
from skm_core.reports.summary_text import summary_text
from skm_core.storage.database import Database
from skm_core.storage.officials import audit
from skm_core.storage.population import set_population_figure

# Reports are rendered once for every recipient: short enough for any chat app's message.
REPORT_TEXT_LIMIT = 3500


@dataclass
class SummaryDesk:
    content: Content
    db: Database
    timezone: ZoneInfo

    def _today(self, call: Call) -> date:
        return call.ctx.now.astimezone(self.timezone).date()

    def period(self, text: str, today: date) -> Period | DeskResult:
        """The period named, or the answer telling the official why it is not one."""
        if not text.strip():
            return month_of(today)
        t = self.content.texts.officials
        period = parse_period(text, today, period_words(self.content.texts))
        if period is None:
            wording = t.period_unknown
        elif not period_in_range(period, today):
            wording = t.period_out_of_range
        else:
            return period
        return DeskResult(
            text_reply(wording.format(text=text[:80]), self.content.texts.chat.opt_menu)
        )

    async def _summary(self, call: Call, period: Period, every_suggestion: bool = False) -> Summary:
        return await build_summary(
            self.db,
            self.content,
            period,
            call.ctx.now,
            self.timezone,
            every_suggestion=every_suggestion,
        )

    async def summary(self, call: Call) -> DeskResult:
        period = self.period(call.args, self._today(call))
        if isinstance(period, DeskResult):
            return period

        async def later() -> list[Reply]:
            return await self.summary_replies(await self._summary(call, period))

        return DeskResult(later=later)

    async def summary_replies(self, summary: Summary) -> list[Reply]:
        """The summary as messages: the chart with the text after it."""
        # Imported here: matplotlib takes a while to load, and only officials' reports need it.
        from skm_core.reports.chart import summary_chart_png

        chart = await asyncio.to_thread(summary_chart_png, summary, self.content)
        label = period_label(summary.period, self.content.texts)
        image = Attachment("image", f"ikm-{summary.period.first.isoformat()}.png", chart, label)
        pieces = split_text(summary_text(summary, self.content), REPORT_TEXT_LIMIT)
        menu = (Option(MENU, self.content.texts.chat.opt_menu),)
        replies = [Reply(pieces[0], () if len(pieces) > 1 else menu, attachment=image)]
        replies += [Reply(piece) for piece in pieces[1:-1]]
        if len(pieces) > 1:
            replies.append(Reply(pieces[-1], menu))
        return replies

    async def export(self, call: Call) -> DeskResult:
        period = self.period(call.args, self._today(call))
        if isinstance(period, DeskResult):
            return period
        await audit(call.tx, call.ctx.now, call.actor, "report.export", period.key())

        async def later() -> list[Reply]:
            return await self.export_replies(await self._summary(call, period, True))

        return DeskResult(later=later)

    async def export_replies(self, summary: Summary) -> list[Reply]:
        from skm_core.reports.export import CHAT_EXPORT, build_export

        t = self.content.texts.officials
        label = period_label(summary.period, self.content.texts)
        replies = []
        for file in await build_export(self.db, summary, self.content, CHAT_EXPORT):
            caption = t.export_caption.format(kind=t.export_kinds[file.kind], period=label)
            replies.append(
                Reply(caption, (), Attachment("document", file.name, file.data, caption))
            )
        return replies

    async def population(self, call: Call) -> DeskResult:
        t = self.content.texts.officials
        number, _, rest = call.args.partition(" ")
        served = whole_number(number)
        if served is None:
            return DeskResult(text_reply(t.population_usage, self.content.texts.chat.opt_menu))
        period = self.period(rest, self._today(call))
        if isinstance(period, DeskResult):
            return period
        await set_population_figure(call.tx, period.key(), served, call.ctx.now, call.actor)
        await audit(call.tx, call.ctx.now, call.actor, "population.set", f"{period.key()}={served}")
        text = t.population_set.format(
            period=period_label(period, self.content.texts),
            served=served,
            minimum=krejcie_morgan(served),
        )
        return DeskResult(text_reply(text, self.content.texts.chat.opt_menu))
