"""What `/health` tells: each channel's state, so a channel that stopped is never silent."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ChannelState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    RETRYING = "retrying"
    """A passing fault (rate limit, network, another instance for a while): still trying."""
    STOPPED = "stopped"
    """A fault no retry mends (a revoked token): the channel serves nobody."""


@dataclass
class Health:
    channels: dict[str, ChannelState] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)

    def set(self, channel: str, state: ChannelState, reason: str = "") -> None:
        self.channels[channel] = state
        if reason:
            self.reasons[channel] = reason
        else:
            self.reasons.pop(channel, None)

    @property
    def healthy(self) -> bool:
        return all(state is ChannelState.OK for state in self.channels.values())

    def report(self) -> dict[str, Any]:
        channels: dict[str, Any] = {}
        for name, state in sorted(self.channels.items()):
            entry: dict[str, str] = {"state": state.value}
            if name in self.reasons:
                entry["reason"] = self.reasons[name]
            channels[name] = entry
        return {"status": "ok" if self.healthy else "degraded", "channels": channels}


READY_TIMEOUT_SECONDS = 5.0


async def readiness(health: Health, ping: Callable[[], Awaitable[object]] | None) -> dict[str, Any]:
    """What `/ready` tells a load balancer: may this process be given work now? Its database
    answers, and at least one channel is configured and none is starting or stopped."""
    problems: dict[str, str] = {}
    if ping is None:
        problems["database"] = "not opened"
    else:
        try:
            await asyncio.wait_for(ping(), READY_TIMEOUT_SECONDS)
        except Exception as exc:  # whatever the driver raises, the answer is "not ready"
            problems["database"] = f"unreachable ({type(exc).__name__})"
    if not health.channels:
        problems["channels"] = "no channel configured"
    for name, state in sorted(health.channels.items()):
        if state is not ChannelState.OK and state is not ChannelState.RETRYING:
            problems[name] = health.reasons.get(name, state.value)
    return {"ready": not problems, "problems": problems}
