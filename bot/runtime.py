"""What one bot process shares between its channels: the database, the engine, the keys."""

import functools
from dataclasses import dataclass

from bot.settings import Settings
from bot.telegram_app import CHANNEL as TELEGRAM
from bot.whatsapp.channel import CHANNEL as WHATSAPP
from skm_core.content import Content
from skm_core.content.deployment import Deployment, stored_unit
from skm_core.conversation.engine import Engine
from skm_core.desk.kabupaten import KabupatenDesk, queue_kabupaten_reports
from skm_core.pseudonym import Pseudonymizer, load_or_create_key
from skm_core.storage import Database
from skm_core.storage.units import adopt_rows

__all__ = ["TELEGRAM", "WHATSAPP", "Runtime", "open_runtime"]


@dataclass
class Runtime:
    settings: Settings
    content: Content
    db: Database
    engine: Engine
    pseudonyms: Pseudonymizer

    async def close(self) -> None:
        await self.db.close()


def _admin_addresses(settings: Settings, pseudonyms: Pseudonymizer) -> dict[tuple[str, str], str]:
    """(channel, user key) -> address of the admins named in the settings."""
    admins = {
        (TELEGRAM, pseudonyms.user_key(TELEGRAM, str(user_id))): str(user_id)
        for user_id in settings.admin_telegram_ids
    }
    admins |= {
        (WHATSAPP, pseudonyms.user_key(WHATSAPP, number)): number
        for number in settings.admin_whatsapp_numbers
    }
    return admins


async def open_runtime(
    settings: Settings, content: Content, deployment: Deployment | None = None
) -> Runtime:
    """`content` is the first unit's; `deployment` the units served (by default that one)."""
    pseudonyms = Pseudonymizer(load_or_create_key(settings.pseudonym_key_path))
    root = await Database.open(settings.database_target)
    scope = stored_unit(content, deployment is None or deployment.single)
    if scope:
        # Rows stored before there were units belong to the first (in a one-unit
        # deployment, the only) unit; a no-op once done.
        await adopt_rows(root, scope)
    db = root.for_unit(scope)
    admins = _admin_addresses(settings, pseudonyms)
    engine = Engine(
        db,
        content,
        settings.survey_policy(),
        admin_keys=frozenset(admins),
        ticket_validity=settings.ticket_validity,
        timezone=settings.zone(content),
        public_url=settings.public_url,
        deployment=deployment,
    )
    if deployment is not None and not deployment.single:
        desk = KabupatenDesk.for_deployment(root, deployment)
        engine.kabupaten_desk = desk
        engine.kabupaten_reports = functools.partial(queue_kabupaten_reports, root, desk)
    await engine.refresh_content()
    await engine.register_admins(admins)
    await engine.forget_old_events()
    return Runtime(settings, content, root, engine, pseudonyms)
