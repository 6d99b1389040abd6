"""/rtl: follow-up plans for the lowest unsur and their realisation, as in the unit's report."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import period_label, period_words
from skm_core.calendar.periods import parse_period, period_in_range
from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.content.models import UNSUR_CODES
from skm_core.conversation.messages import Reply
from skm_core.conversation.typed import whole_number
from skm_core.desk.call import Call, text_reply
from skm_core.storage.followup import (
    DONE,
    NOT_DONE,
    add_plan,
    all_plans,
    carry_forward,
    get_plan,
    record_realisation,
)
from skm_core.storage.officials import audit

ADD_WORDS = ("tambah", "baru")
DONE_WORDS = ("sudah", "selesai")
NOT_DONE_WORDS = ("belum",)
CARRY_WORDS = ("lanjut", "lanjutan")


@dataclass
class FollowUpDesk:
    content: Content
    timezone: ZoneInfo

    def _reply(self, text: str) -> list[Reply]:
        return text_reply(text, self.content.texts.chat.opt_menu)

    def _invalid(self, reason: str) -> list[Reply]:
        t = self.content.texts.officials
        why = t.plan_reasons[reason]
        return self._reply(f"{t.plan_invalid.format(reason=why)}\n\n{t.plans_usage}")

    async def command(self, call: Call) -> list[Reply]:
        verb, _, rest = call.args.partition(" ")
        verb = verb.casefold()
        if verb in ADD_WORDS:
            return await self._add(call, rest)
        if verb in DONE_WORDS or verb in NOT_DONE_WORDS:
            return await self._realise(call, DONE if verb in DONE_WORDS else NOT_DONE, rest)
        if verb in CARRY_WORDS:
            return await self._carry(call, rest)
        return await self._list(call)

    async def _list(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        plans = await all_plans(call.tx)
        today = call.ctx.now.astimezone(self.timezone).date()
        if not plans:
            return self._reply(f"{t.plans_none}\n\n{t.plans_usage}")
        lines = [t.plans_title]
        for plan in plans:
            overdue = plan.status != DONE and plan.due_date is not None and plan.due_date < today
            lines.append(
                t.plan_line.format(
                    id=plan.id,
                    unsur=plan.unsur,
                    unsur_name=self.content.survey.unsur_by_code(plan.unsur).name,
                    activity=plan.activity,
                    target=plan.target,
                    responsible=plan.responsible,
                    status=t.plan_status[plan.status],
                    overdue=t.plan_overdue if overdue else "",
                )
            )
        lines += ["", t.plans_usage]
        return self._reply("\n".join(lines))

    def _due(self, target: str, today: date) -> date | None:
        """The last day of a target written as a period or a date; None if it is neither."""
        try:
            return date.fromisoformat(target.strip())
        except ValueError:
            period = parse_period(target, today, period_words(self.content.texts))
            return period.last if period else None

    async def _add(self, call: Call, rest: str) -> list[Reply]:
        t = self.content.texts.officials
        fields = [clean_text(f).strip() for f in rest.split(";")]
        if len(fields) != 5:
            return self._invalid("fields")
        period_text, unsur, activity, target, responsible = fields
        today = call.ctx.now.astimezone(self.timezone).date()
        period = parse_period(period_text, today, period_words(self.content.texts))
        if period is None or not period_in_range(period, today):
            return self._invalid("period")
        unsur = unsur.upper()
        if unsur not in UNSUR_CODES:
            return self._invalid("unsur")
        if not (activity and target and responsible):
            return self._invalid("empty")
        plan_id = await add_plan(
            call.tx,
            period.first,
            period.last,
            unsur,
            activity[:500],
            target[:100],
            self._due(target, today),
            responsible[:200],
            call.ctx.now,
            call.actor,
        )
        await audit(call.tx, call.ctx.now, call.actor, "rtl.add", str(plan_id))
        text = t.plan_added.format(
            id=plan_id,
            unsur=unsur,
            unsur_name=self.content.survey.unsur_by_code(unsur).name,
            period=period_label(period, self.content.texts),
        )
        return self._reply(text)

    async def _realise(self, call: Call, status: str, rest: str) -> list[Reply]:
        t = self.content.texts.officials
        fields = [clean_text(f).strip() for f in rest.split(";")]
        number = whole_number(fields[0].strip("[]#"))
        if number is None:
            return self._invalid("plan")
        plan = await get_plan(call.tx, number)
        if plan is None:
            return self._invalid("plan")
        description = fields[1][:1000] if len(fields) > 1 and fields[1] else None
        obstacles = fields[2][:1000] if len(fields) > 2 and fields[2] else None
        await record_realisation(
            call.tx, plan.id, status, description, obstacles, call.ctx.now, call.actor
        )
        await audit(call.tx, call.ctx.now, call.actor, "rtl.realise", f"{plan.id}={status}")
        shown = t.plan_status[status]
        return self._reply(t.plan_updated.format(id=plan.id, status=shown))

    async def _carry(self, call: Call, rest: str) -> list[Reply]:
        """/rtl lanjut N; strategy; new target; stakeholders: the unit's "Rencana Lanjutan"."""
        t = self.content.texts.officials
        fields = [f.strip() for f in rest.split(";")]
        number = whole_number(fields[0].strip("[]#"))
        plan = await get_plan(call.tx, number) if number is not None else None
        if plan is None:
            return self._invalid("plan")
        if len(fields) != 4:
            return self._invalid("fields")
        strategy, target, stakeholder = fields[1:]
        if not (strategy and target and stakeholder):
            return self._invalid("carry_empty")
        await carry_forward(
            call.tx, plan.id, strategy[:500], target[:100], stakeholder[:200], call.ctx.now,
            call.actor,
        )  # fmt: skip
        await audit(call.tx, call.ctx.now, call.actor, "rtl.carry", str(plan.id))
        return self._reply(t.plan_carried.format(id=plan.id, target=target[:100]))
