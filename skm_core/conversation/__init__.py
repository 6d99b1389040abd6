"""The conversation: a state machine that knows no chat app.

Adapters turn what a chat app delivers into an `Event` and render the `Reply` list it returns.
"""

from skm_core.conversation.messages import Attachment, Event, EventKind, Option, Reply

__all__ = ["Attachment", "Event", "EventKind", "Option", "Reply"]
