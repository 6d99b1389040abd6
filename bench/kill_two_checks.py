"""What the two-process kill run checks beyond the one-process run's checks.

Replies: while one update of a chat is being posted no other is, so every message the bot
sends a citizen belongs to the latest post of that chat's updates to the same process
generation. An update may be posted several times (its process died, or a deliberate
redelivery to the other process); the engine claims its event id in the transaction of its
state change, so only one of those posts may send anything. The replies of an update are thus
sent at most once; one whose process died between its commit and its replies is not sent
again (the citizen repeats the action: a new update), which the citizens' checks allow.

Scheduled reports: the ledger lets one process queue each (report, period, official) once; the
shared outbox sends each part and then records it, so a part is sent twice only when a kill
falls between the two, and then it is the last message its process generation sent.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.kill_checks import CHECKS, Report, query
from bench.webhook_feed import Delivery, Sent
from skm_core.storage.conversations import event_digest

TWO_PROCESS_CHECKS = {
    "acknowledged": "every update pushed was answered 200, and every one answered was processed",
    "replied_once": "each update's replies came from one post of it (a redelivery sent nothing)",
    "explained": "every message to a citizen was sent while one of their updates was posted",
    "reports": "each due report was queued once and every part reached the official,"
    " a part twice only when a kill fell between sending and recording it",
    "outbox": "the shared outbox is drained",
}


@dataclass
class TwoProcessReport(Report):
    posts: int = 0
    failed_posts: int = 0
    redelivered: int = 0
    replies: int = 0
    reports_due: int = 0
    reports_queued: int = 0
    report_parts: int = 0
    report_messages: int = 0
    resent_parts: int = 0
    extra: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in TWO_PROCESS_CHECKS})

    @property
    def violations(self) -> list[str]:
        return super().violations + [v for found in self.extra.values() for v in found]

    def render(self) -> str:
        lines = [
            super().render(),
            f"webhook posts: {self.posts}, {self.failed_posts} not answered 200 (process killed"
            f" or down) and posted again to the other, {self.redelivered} redelivered after a"
            " 200 to the other process",
            f"messages to citizens: {self.replies}",
            f"scheduled reports: {self.reports_due} due, {self.reports_queued} queued, "
            f"{self.report_parts} parts, {self.report_messages} messages received, "
            f"{self.resent_parts} part(s) sent again after a kill cut the bookkeeping",
        ]
        for key, label in TWO_PROCESS_CHECKS.items():
            found = self.extra[key]
            lines.append(f"  [{'ok' if not found else 'FAIL'}] {label}")
            lines += [f"        {v}" for v in found[:10]]
        return "\n".join(lines)


assert not set(CHECKS) & set(TWO_PROCESS_CHECKS)


def check_acknowledged(
    report: TwoProcessReport,
    deliveries: list[Delivery],
    pushed: list[int],
    data_dir: Path,
    database_url: str,
) -> None:
    report.posts = len(deliveries)
    report.failed_posts = sum(not d.acknowledged for d in deliveries)
    acknowledged = {d.update_id for d in deliveries if d.acknowledged}
    sql = "SELECT event_id FROM processed_events WHERE channel = 'telegram'"
    processed = {str(r[0]) for r in query(data_dir, database_url, sql)}
    for update_id in pushed:
        if update_id not in acknowledged:
            report.extra["acknowledged"].append(f"update {update_id} was never answered 200")
        elif event_digest("telegram", str(update_id)) not in processed:
            report.extra["acknowledged"].append(f"update {update_id}: 200 but not processed")


def check_replies(
    report: TwoProcessReport, sent: list[Sent], deliveries: list[Delivery], citizens: set[int]
) -> None:
    posts: defaultdict[tuple[int, int], list[Delivery]] = defaultdict(list)
    for delivery in deliveries:
        posts[(delivery.chat, delivery.generation)].append(delivery)
    replying: defaultdict[int, set[int]] = defaultdict(set)
    for message in sent:
        if message.chat not in citizens:
            continue
        report.replies += 1
        earlier = [d for d in posts[(message.chat, message.generation)] if d.started < message.seq]
        if not earlier:
            report.extra["explained"].append(
                f"chat {message.chat}: {message.content[:60]!r} outside any post"
            )
            continue
        post = max(earlier, key=lambda d: d.started)
        replying[post.update_id].add(post.started)
    for update_id, answered_by in replying.items():
        if len(answered_by) > 1:
            report.extra["replied_once"].append(
                f"update {update_id} was answered by {len(answered_by)} posts of it"
            )


def check_reports(
    report: TwoProcessReport,
    sent: list[Sent],
    official: int,
    killed: set[int],
    data_dir: Path,
    database_url: str,
) -> None:
    # Sent messages are erased from the outbox; the count of their parts stays.
    parts = query(
        data_dir,
        database_url,
        "SELECT o.parts_sent FROM report_deliveries r JOIN outbox o ON o.id = r.outbox_id",
    )
    report.reports_queued = len(parts)
    report.report_parts = sum(int(p) for (p,) in parts)
    if report.reports_queued != report.reports_due:
        report.extra["reports"].append(
            f"{report.reports_due} report(s) due but {report.reports_queued} queued"
        )
    check_report_messages(report, [m for m in sent if m.chat == official], killed)
    (waiting,) = query(
        data_dir,
        database_url,
        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL",
    )
    if waiting[0]:
        report.extra["outbox"].append(f"{waiting[0]} message(s) unsent in the outbox")


def check_report_messages(report: TwoProcessReport, messages: list[Sent], killed: set[int]) -> None:
    """What the official received against the parts the outbox recorded as sent."""
    report.report_messages = len(messages)
    last_of: dict[int, int] = {m.generation: m.seq for m in messages}
    seen: Counter[str] = Counter()
    first_by: dict[str, Sent] = {}
    for message in messages:
        if seen[message.content]:
            before = first_by[message.content]
            if before.generation in killed and last_of[before.generation] == before.seq:
                report.resent_parts += 1
            else:
                report.extra["reports"].append(f"{message.content[:60]!r} sent twice")
        else:
            first_by[message.content] = message
        seen[message.content] += 1
    if report.report_messages - report.resent_parts != report.report_parts:
        report.extra["reports"].append(
            f"{report.report_parts} part(s) queued but {report.report_messages} message(s)"
            f" received, {report.resent_parts} of them sent again after a kill"
        )
