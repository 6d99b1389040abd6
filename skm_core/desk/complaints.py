"""/aduan and /jawab: officials read citizens' complaints and questions and answer them."""

from dataclasses import dataclass
from datetime import datetime

from skm_core.clean_text import clean_text
from skm_core.content.loader import Content
from skm_core.conversation.channels import quoted
from skm_core.conversation.messages import Reply
from skm_core.conversation.typed import whole_number
from skm_core.desk.call import Call, text_reply
from skm_core.storage.complaints import answer_complaint, get_complaint, open_complaints
from skm_core.storage.officials import audit
from skm_core.storage.outbox import enqueue

MAX_ANSWER_CHARS = 3000


@dataclass
class ComplaintDesk:
    content: Content

    def _reply(self, text: str) -> list[Reply]:
        return text_reply(text, self.content.texts.chat.opt_menu)

    def age(self, since: datetime, now: datetime) -> str:
        t = self.content.texts.officials
        hours = int((now - since).total_seconds() // 3600)
        if hours >= 48:
            return t.age_days.format(days=hours // 24)
        return t.age_hours.format(hours=max(hours, 0))

    async def listing(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        waiting = await open_complaints(call.tx)
        if not waiting:
            return self._reply(t.complaints_none)
        lines = [t.complaints_title]
        for c in waiting:
            line = t.complaint_line.format(
                id=c.id,
                kind=t.complaint_kinds[c.kind],
                age=self.age(c.created_at, call.ctx.now),
                text=quoted(c.text[:300], call.ctx.profile),
            )
            if c.delivery_error is not None:
                reason = t.delivery_reason(c.delivery_error)
                line += t.complaint_undelivered.format(id=c.id, reason=reason)
            elif c.sending:
                line += t.complaint_sending
            lines.append(line)
        lines += ["", t.complaints_hint]
        return self._reply("\n".join(lines))

    async def answer(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        number, _, answer = call.args.partition(" ")
        complaint_id = whole_number(number.strip("#"))
        answer = clean_text(answer.strip(), MAX_ANSWER_CHARS)
        if complaint_id is None or not answer:
            return self._reply(t.answer_usage)
        number = str(complaint_id)
        complaint = await get_complaint(call.tx, complaint_id)
        if complaint is None or complaint.address is None or complaint.answered_at is not None:
            return self._reply(t.answer_unknown.format(id=number))
        if complaint.sending:
            return self._reply(t.answer_in_flight.format(id=number))
        to_citizen = t.answer_to_citizen.format(
            unit=self.content.unit.short_name,
            kind=t.complaint_kinds[complaint.kind].casefold(),
            id=complaint.id,
            answer=answer,
        )
        outbox_id = await enqueue(
            call.tx, complaint.channel, complaint.address, self._reply(to_citizen), call.ctx.now
        )
        await answer_complaint(call.tx, complaint.id, answer, call.actor, outbox_id)
        await audit(call.tx, call.ctx.now, call.actor, "complaint.answer", str(complaint.id))
        # "Sent" is said only once it is delivered (skm_core.delivery.outcomes).
        return self._reply(t.answer_queued.format(id=complaint.id))
