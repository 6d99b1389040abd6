"""Two `skm run` processes on one PostgreSQL database, one killed at random moments (the short
form of `python -m bench.kill_two`), and what its checks count as a violation."""

from pathlib import Path

import pytest

from bench.kill_two import execute
from bench.kill_two_checks import TwoProcessReport, check_replies, check_report_messages
from bench.webhook_feed import Delivery, Sent
from skm_core.content import Content
from tests.postgres_server import PostgresServer

CHAT = 70_001


def test_two_processes_killed_at_random_lose_and_double_nothing(
    postgres: PostgresServer | str, tmp_path: Path, content: Content
) -> None:
    if isinstance(postgres, str):
        pytest.skip(f"no PostgreSQL: {postgres}")
    report = execute(2, 4, 7, tmp_path, content, postgres.new_database())
    assert report.violations == [], report.render()
    assert len(report.kills) >= 3  # two under load, one after every citizen stopped
    assert report.stored > 0 and report.resumed > 0
    assert report.redelivered > 0 and report.failed_posts > 0
    assert report.reports_due >= 2 and report.reports_queued == report.reports_due


def report() -> TwoProcessReport:
    return TwoProcessReport(seed=0, rounds=0, kills=[])


def post(update_id: int, generation: int, started: int, ended: int) -> Delivery:
    return Delivery(update_id, CHAT, generation, started, ended, acknowledged=True)


def test_a_redelivery_that_replies_again_is_a_violation() -> None:
    found = report()
    deliveries = [post(5, 1, 1, 3), post(5, 2, 4, 6)]
    sent = [Sent(2, 1, CHAT, "sendMessage|Pertanyaan 3|"), Sent(5, 2, CHAT, "sendMessage|x|")]
    check_replies(found, sent, deliveries, {CHAT})
    assert found.extra["replied_once"] == ["update 5 was answered by 2 posts of it"]


def test_a_late_reply_of_a_killed_process_belongs_to_its_own_post() -> None:
    found = report()
    # Generation 1 dies while replying to update 5; its last call reaches the fake after the
    # post to generation 2 began, which found the event processed and sent nothing.
    deliveries = [post(5, 1, 1, 3), post(5, 2, 4, 6), post(6, 2, 7, 9)]
    sent = [Sent(5, 1, CHAT, "sendMessage|a|"), Sent(8, 2, CHAT, "sendMessage|b|")]
    check_replies(found, sent, deliveries, {CHAT})
    assert found.violations == [] and found.replies == 2


def test_a_message_outside_every_post_is_a_violation() -> None:
    found = report()
    check_replies(found, [Sent(1, 1, CHAT, "sendMessage|a|")], [post(5, 1, 2, 3)], {CHAT})
    assert len(found.extra["explained"]) == 1


def test_a_report_part_twice_is_allowed_only_after_a_kill_cut_its_sender() -> None:
    part = "sendMessage|Ringkasan SKM|"
    cut = report()
    cut.report_parts = 1
    check_report_messages(cut, [Sent(1, 1, 0, part), Sent(2, 2, 0, part)], killed={1})
    assert cut.violations == [] and cut.resent_parts == 1

    doubled = report()
    doubled.report_parts = 1
    check_report_messages(doubled, [Sent(1, 1, 0, part), Sent(2, 2, 0, part)], killed=set())
    assert doubled.extra["reports"][0] == f"{part!r} sent twice"
