"""Chat-app independent core of SKM Bot: content, IKM arithmetic, storage and conversation."""
