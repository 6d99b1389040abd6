"""The Standar Pelayanan edited from the desk: validated, versioned, rolled back, served by
the bot from its next answer, and exported as a content folder `skm content check` accepts."""

from pathlib import Path

import pytest

from bot.cli import main
from skm_core.content import Content, ContentError, load_content
from skm_core.content.models import Service
from skm_core.content_edits import (
    UNIT_TARGET,
    content_in_force,
    document_of,
    export_content,
    form_value,
    restore_shipped,
    roll_back,
    save_edit,
    service_target,
)
from skm_core.conversation.engine import CONTENT_CHECK_INTERVAL, Engine
from skm_core.storage import Database
from skm_core.storage.content_versions import versions_of
from tests.conversation.chat import Chat, Clock


def skck_of(content: Content) -> Service:
    service = content.service("skck")
    assert service is not None
    return service


SKCK = service_target("skck")
NEW_REQUIREMENT = "Fotokopi KTP-el pemohon 2 lembar (dikoreksi)"


def form_for(content: Content, target: str, **changes: str) -> dict[str, str]:
    """The editor's form as the browser sends it, with some fields changed."""
    document = document_of(content, target)
    assert document is not None
    from skm_core.content_edits import editable_fields

    form = {
        name: form_value(document, name, shape) for name, shape in editable_fields(target).items()
    }
    return form | changes


def corrected_requirements(content: Content) -> str:
    skck = content.service("skck")
    assert skck is not None
    return "\n".join(NEW_REQUIREMENT if "KTP-el" in r else r for r in skck.requirements)


async def test_an_edit_is_validated_versioned_and_served(db: Database, content: Content):
    clock = Clock()
    form = form_for(content, SKCK, requirements=corrected_requirements(content))
    saved = await save_edit(db, content, SKCK, form, "admin-1", clock())
    assert saved.changed == ["requirements"]
    in_force = await content_in_force(db, content)
    skck = in_force.service("skck")
    assert skck is not None and NEW_REQUIREMENT in skck.requirements
    [version] = await versions_of(db, SKCK)
    assert (version.author, version.changed, version.created_at) == (
        "admin-1",
        ["requirements"],
        clock(),
    )
    audit = await db.fetch_all("SELECT action, detail FROM audit_log")
    assert audit == [("content.edit", "service:skck:requirements")]


async def test_an_edit_that_changes_nothing_stores_nothing(db, content):
    saved = await save_edit(db, content, SKCK, form_for(content, SKCK), "admin-1", Clock()())
    assert saved.version_id is None
    assert await versions_of(db, SKCK) == []


@pytest.mark.parametrize(
    ("target", "field", "value", "named"),
    [
        (SKCK, "procedure", "", "procedure"),
        (SKCK, "cost", "   ", "cost"),
        (UNIT_TARGET, "email", "bukan surel", "email"),
        (UNIT_TARGET, "opening_hours", "", "opening_hours"),
        (UNIT_TARGET, "complaint_channels", "hanya nama", "complaint_channels.0.contact"),
    ],
)
async def test_an_invalid_edit_names_file_field_and_reason_and_stores_nothing(
    db, content, target, field, value, named
):
    form = form_for(content, target, **{field: value})
    with pytest.raises(ContentError) as caught:
        await save_edit(db, content, target, form, "admin-1", Clock()())
    [issue, *_] = caught.value.issues
    assert issue.field == named
    assert issue.file.name == ("unit.yaml" if target == UNIT_TARGET else "skck.yaml")
    assert issue.reason
    assert await db.fetch_all("SELECT id FROM content_versions") == []


async def test_roll_back_and_restore_the_shipped_file(db, content):
    clock = Clock()
    first = await save_edit(db, content, SKCK, form_for(content, SKCK, cost="Rp 0"), "a", clock())
    edited = first.content
    await save_edit(db, content, SKCK, form_for(edited, SKCK, cost="Rp 5.000"), "a", clock())
    assert first.version_id is not None
    await roll_back(db, content, first.version_id, "a", clock())
    assert skck_of(await content_in_force(db, content)).cost == "Rp 0"
    await restore_shipped(db, content, SKCK, "a", clock())
    assert (await content_in_force(db, content)).service("skck") == content.service("skck")
    versions = await versions_of(db, SKCK)
    assert [v.rollback_of for v in versions] == [None, first.version_id, None, None]
    assert await roll_back(db, content, 999, "a", clock()) is None


async def test_the_bot_answers_with_the_edit_from_its_next_answer(db, content):
    clock = Clock()
    engine = Engine(db, content, clock=clock)
    citizen = Chat(engine, user="warga-1")
    await citizen.type("syarat skck")
    assert "Fotokopi KTP-el pemohon 1 lembar" in citizen.text
    form = form_for(content, SKCK, requirements=corrected_requirements(content))
    await save_edit(db, content, SKCK, form, "admin-1", clock())
    await engine.refresh_content()  # what the desk does after a save in this process
    await citizen.type("syarat skck")
    assert NEW_REQUIREMENT in citizen.text
    assert "pemohon 1 lembar" not in citizen.text


async def test_another_process_takes_up_the_edit_within_the_interval(db, content):
    clock = Clock()
    bot = Engine(db, content, clock=clock)
    citizen = Chat(bot, user="warga-2")
    await citizen.type("syarat skck")
    form = form_for(content, SKCK, requirements=corrected_requirements(content))
    await save_edit(db, content, SKCK, form, "admin-1", clock())  # the desk, elsewhere
    await citizen.type("syarat skck")
    assert NEW_REQUIREMENT not in citizen.text  # checked at most once per interval
    clock.advance(seconds=CONTENT_CHECK_INTERVAL.total_seconds())
    await citizen.type("syarat skck")
    assert NEW_REQUIREMENT in citizen.text


async def test_a_stored_version_that_no_longer_validates_falls_back_to_the_file(db, content):
    async with db.transaction() as tx:
        from skm_core.storage.content_versions import add_version

        broken = (document_of(content, SKCK) or {}) | {"procedure": []}
        await add_version(tx, SKCK, broken, ["procedure"], "old", Clock()())
    assert (await content_in_force(db, content)).service("skck") == content.service("skck")


async def test_export_writes_content_that_content_check_accepts(db, content, tmp_path: Path):
    form = form_for(content, SKCK, requirements=corrected_requirements(content))
    saved = await save_edit(db, content, SKCK, form, "admin-1", Clock()())
    out = tmp_path / "ekspor"
    export_content(saved.content, out)
    again = load_content(out)
    assert NEW_REQUIREMENT in skck_of(again).requirements
    assert again.unit == content.unit
    assert [s.id for s in again.services] == [s.id for s in content.services]
    with pytest.raises(FileExistsError):
        export_content(saved.content, out)


def test_skm_content_export_then_check(skm_env: Path, tmp_path: Path, capsys):
    out = tmp_path / "hasil-ekspor"
    assert main(["content", "export", str(out)]) == 0
    assert main(["content", "check", str(out)]) == 0
    assert main(["content", "export", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err


async def test_confirming_the_unit_leaves_no_field_waiting_for_confirmation(db, content):
    assert content.unit.unconfirmed_fields
    form = form_for(content, UNIT_TARGET, confirmed_by_unit="ya")
    saved = await save_edit(db, content, UNIT_TARGET, form, "admin-1", Clock()())
    assert saved.content.unit.confirmed_by_unit
    assert saved.content.unit.unconfirmed_fields == []


async def test_rolling_back_to_a_restore_brings_back_the_shipped_file(db, content):
    clock = Clock()
    await save_edit(db, content, SKCK, form_for(content, SKCK, cost="Rp 0"), "a", clock())
    restore = await restore_shipped(db, content, SKCK, "a", clock())
    edited = await content_in_force(db, content)
    await save_edit(db, content, SKCK, form_for(edited, SKCK, cost="Rp 9"), "a", clock())
    assert restore.version_id is not None
    back = await roll_back(db, content, restore.version_id, "a", clock())
    assert back is not None and back.changed == ["cost"]
    assert (await content_in_force(db, content)).service("skck") == content.service("skck")


async def test_a_slow_refresh_never_puts_older_content_back(db, content, monkeypatch):
    import asyncio

    import skm_core.conversation.engine as engine_module

    clock = Clock()
    engine = Engine(db, content, clock=clock)
    await engine.refresh_content()
    real = content_in_force
    reached, gate = asyncio.Event(), asyncio.Event()

    async def slow_first(reader, base):
        result = await real(reader, base)
        if not reached.is_set():
            reached.set()
            await gate.wait()
        return result

    monkeypatch.setattr(engine_module, "content_in_force", slow_first)
    await save_edit(db, content, SKCK, form_for(content, SKCK, cost="Rp 1"), "a", clock())
    first = asyncio.create_task(engine.refresh_content())
    await reached.wait()
    edited = await content_in_force(db, content)
    await save_edit(db, content, SKCK, form_for(edited, SKCK, cost="Rp 2"), "a", clock())
    assert await engine.refresh_content()  # a second refresh, done while the first waits
    gate.set()
    await first
    assert skck_of(engine.content).cost == "Rp 2"


async def test_an_edit_of_the_unit_never_changes_its_id(db, content):
    """Rows are stored under the unit's id: a version stored before units had ids, or an
    edit naming another id, leaves it as the content says."""
    from skm_core.storage.content_versions import add_version

    document = document_of(content, UNIT_TARGET) or {}
    old = {key: value for key, value in document.items() if key != "id"}
    async with db.transaction() as tx:
        await add_version(tx, UNIT_TARGET, old | {"phone": "(0541) 1"}, ["phone"], "old", Clock()())
    served = await content_in_force(db, content)
    assert (served.unit.id, served.unit.phone) == (content.unit.id, "(0541) 1")
    async with db.transaction() as tx:
        await add_version(tx, UNIT_TARGET, document | {"id": "lain"}, ["id"], "x", Clock()())
    assert (await content_in_force(db, content)).unit.id == content.unit.id
