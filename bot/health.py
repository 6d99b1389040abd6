"""What `/health` tells: each channel's state, so a channel that stopped is never silent."""

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
