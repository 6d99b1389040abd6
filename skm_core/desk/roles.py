"""Who is an official: invitations (/undang, /daftar), the list (/pejabat), removal (/hapus),
and each official's report schedule (/jadwal)."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from skm_core.calendar.dates import local_datetime_text
from skm_core.content.loader import Content
from skm_core.conversation.messages import Reply
from skm_core.conversation.typed import whole_number
from skm_core.desk.call import Call, acting_for, text_reply
from skm_core.storage.officials import (
    add_official,
    audit,
    count_with_role,
    create_invitation,
    get_official,
    list_officials,
    recent_actions,
    redeem_invitation,
    set_subscription,
    subscriptions,
)
from skm_core.storage.officials import remove_official as delete_official
from skm_core.storage.units import invitation_unit, official_unit

ROLES = ("admin", "pejabat", "petugas")
REPORTS = ("weekly", "monthly", "semester")
INVITATION_VALIDITY = timedelta(days=3)
# Wrong codes a person may try in a window before they must wait: guessing a code of 50
# bits at this pace is hopeless, a mistyped code a few times is not.
MAX_FAILED_REGISTRATIONS = 5
REGISTRATION_WINDOW = timedelta(hours=1)
FAILED_REGISTRATION = "official.register_failed"
# Unambiguous letters and digits, easy to read aloud and to type on a phone.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def default_subscription(role: str) -> bool:
    """Pejabat receive every scheduled report unless they turn it off; others opt in."""
    return role == "pejabat"


@dataclass
class RoleDesk:
    content: Content
    timezone: ZoneInfo
    scope_name: str | None = None
    """Whom invitations and registrations name; the unit's name when None."""
    unit_names: Mapping[str, str] = field(default_factory=dict)
    """Every unit's name by its id, to tell a person registered elsewhere where that is."""

    @property
    def scope(self) -> str:
        return self.scope_name or self.content.unit.name

    def _reply(self, text: str) -> list[Reply]:
        return text_reply(text, self.content.texts.chat.opt_menu)

    async def invite(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        role = call.args.casefold()
        if role not in ROLES:
            return self._reply(t.invite_usage)
        code = new_code()
        expires = call.ctx.now + INVITATION_VALIDITY
        await create_invitation(call.tx, code, role, call.ctx.now, expires, call.actor)
        await audit(call.tx, call.ctx.now, call.actor, "official.invite", role)
        when = local_datetime_text(expires, self.timezone, self.content.texts)
        text = t.invite_created.format(
            role=t.role_name(role), unit=self.scope, code=code, expires=when
        )
        return self._reply(text)

    async def register(self, call: Call) -> list[Reply] | None:
        """None when the code is not valid: then nothing here answers, as for any unknown text."""
        t = self.content.texts.officials
        code = call.args.strip().upper()
        if not code:
            return None
        failures = await recent_actions(
            call.tx, call.actor, FAILED_REGISTRATION, call.ctx.now - REGISTRATION_WINDOW
        )
        if len(failures) >= MAX_FAILED_REGISTRATIONS:
            await audit(call.tx, call.ctx.now, call.actor, "official.register_locked")
            until = failures[MAX_FAILED_REGISTRATIONS - 1] + REGISTRATION_WINDOW
            when = local_datetime_text(until, self.timezone, self.content.texts)
            return self._reply(t.register_locked.format(until=when))
        unit = await invitation_unit(call.tx, code) if len(code) <= 40 else None
        if unit is None:
            await audit(call.tx, call.ctx.now, call.actor, FAILED_REGISTRATION)
            return None
        already = await official_unit(call.tx, call.event.channel, call.actor)
        if already is not None and already != unit:
            # One unit per person: the code stays unused for when they have left the other.
            await audit(call.tx, call.ctx.now, call.actor, "official.register_elsewhere", unit)
            other = self.content.texts.kabupaten.other_unit
            return self._reply(other.format(unit=self.name_of(already)))
        with acting_for(call.tx, unit):
            role = await redeem_invitation(call.tx, code, call.ctx.now, call.actor)
            if role is None:
                return None
            address = call.event.address or call.event.user_key
            added = await add_official(
                call.tx, call.event.channel, call.actor, address, role, call.ctx.now, added_by=code
            )
            if not added:
                return self._reply(t.already_registered.format(role=t.role_name(role)))
            await audit(call.tx, call.ctx.now, call.actor, "official.register", role)
        roles = call.roles | {role}
        commands = self.content.texts.command_menu.for_roles(frozenset(roles))
        listing = "\n".join(f"/{name} — {text}" for name, text in commands.items())
        text = t.registered.format(
            role=t.role_name(role),
            unit=self.name_of(unit),
            commands=listing,
        )
        return self._reply(text)

    def name_of(self, unit_id: str) -> str:
        """A unit's name (or the kabupaten's) as an official reads it; in a deployment of one
        unit (no names given), that unit's."""
        if not self.unit_names:
            return self.scope
        return self.unit_names.get(unit_id, unit_id)

    async def listing(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        officials = await list_officials(call.tx)
        if not officials:
            return self._reply(t.officials_none)
        lines = [t.officials_title]
        for number, official in enumerate(officials, start=1):
            since = local_datetime_text(official.added_at, self.timezone, self.content.texts)
            line = t.official_line.format(
                number=number,
                id=official.id,
                name=official.name or "-",
                role=t.role_name(official.role),
                channel=official.channel,
                since=since,
            )
            if official.unreachable_reason is not None:
                reason = t.delivery_reason(official.unreachable_reason)
                line += t.official_unreachable.format(reason=reason)
            lines.append(line)
        lines += ["", t.officials_hint]
        return self._reply("\n".join(lines))

    async def remove(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        official_id = whole_number(call.args.strip().strip("[]"))
        if official_id is None:
            return self._reply(t.remove_usage)
        target = str(official_id)
        official = await get_official(call.tx, official_id)
        if official is None:
            return self._reply(t.remove_unknown.format(id=target))
        if official.role == "admin" and await count_with_role(call.tx, "admin") <= 1:
            return self._reply(t.remove_last_admin.format(id=target))
        if not await delete_official(call.tx, official_id):
            return self._reply(t.remove_unknown.format(id=target))
        await audit(call.tx, call.ctx.now, call.actor, "official.remove", target)
        return self._reply(t.removed.format(id=target))

    async def schedule(self, call: Call) -> list[Reply]:
        t = self.content.texts.officials
        mine = [
            o
            for o in await list_officials(call.tx)
            if o.channel == call.event.channel and o.user_key == call.actor
        ]
        if not mine:
            return self._reply(t.schedule_usage)
        words = call.args.casefold().split()
        if len(words) == 2:
            report = t.report_for_word(words[0])
            on = words[1] in t.schedule_on_words
            off = words[1] in t.schedule_off_words
            if report is None or on == off:
                return self._reply(t.schedule_usage)
            for official in mine:
                await set_subscription(call.tx, official.id, report, on)
            await audit(call.tx, call.ctx.now, call.actor, "schedule.set", f"{report}={on}")
        official = mine[0]
        chosen = await subscriptions(call.tx, official.id)
        roles = {o.role for o in mine}
        lines = [t.schedules_title]
        for report in REPORTS:
            default = any(default_subscription(r) for r in roles)
            enabled = chosen.get(report, default)
            lines.append(
                t.schedule_line.format(
                    name=t.schedule_name(report),
                    state=t.schedule_on if enabled else t.schedule_off,
                )
            )
        lines += ["", t.schedule_usage]
        return self._reply("\n".join(lines))
