"""Keyed pseudonyms: people are stored under an HMAC of their chat identity, never the identity.

The key lives outside the database, so a copy of the database alone cannot be linked back to
chat ids or phone numbers.
"""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from skm_core.private_files import private_directory

KEY_BYTES = 32


class KeyFileProblem(ValueError):
    """The key file exists but is not a key: never replaced silently, or every person
    stored so far would become a stranger."""


def load_or_create_key(path: Path) -> bytes:
    """The installation's pseudonym key, created (readable by the owner only) on first use."""
    if path.exists():
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except ValueError:
            raise KeyFileProblem(f"{path}: the pseudonym key is not hexadecimal") from None
        if len(key) < 16:
            raise KeyFileProblem(f"{path}: the pseudonym key is too short")
        return key
    private_directory(path.parent)
    key = secrets.token_bytes(KEY_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex())
    return key


class Pseudonymizer:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def user_key(self, channel: str, identity: str) -> str:
        message = f"{channel}:{identity}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
