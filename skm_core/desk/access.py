"""Signing in to the officials' desk without a password: a single-use link sent in chat,
then a browser session with its own CSRF token. Only hashes of tokens are stored."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from skm_core.storage.database import Database, Transaction
from skm_core.storage.desk_access import (
    DeskPerson,
    DeskSession,
    add_link,
    add_session,
    end_session,
    find_session,
    forget_expired,
    use_link,
)
from skm_core.storage.officials import audit

LINK_VALIDITY = timedelta(minutes=10)
SESSION_VALIDITY = timedelta(hours=8)
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def csrf_matches(session: DeskSession, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), (given or "").encode())


async def issue_link(tx: Transaction, person: DeskPerson, now: datetime) -> str:
    """A sign-in token for this person, valid once, for LINK_VALIDITY."""
    token = new_token()
    await forget_expired(tx, now)
    await add_link(tx, token_hash(token), person, now, now + LINK_VALIDITY)
    await audit(tx, now, person.user_key, "desk.link")
    return token


@dataclass(frozen=True)
class SignedIn:
    token: str
    """The session cookie's value."""
    session: DeskSession


async def sign_in(db: Database, link_token: str, now: datetime) -> SignedIn | None:
    """Trade a link token for a session; None when the link is unknown, used or expired."""
    if not link_token or len(link_token) > MAX_TOKEN_CHARS:
        return None
    async with db.transaction() as tx:
        person = await use_link(tx, token_hash(link_token), now)
        if person is None:
            return None
        token, csrf = new_token(), new_token()
        await add_session(tx, token_hash(token), person, csrf, now, now + SESSION_VALIDITY)
        await audit(tx, now, person.user_key, "desk.sign_in")
    return SignedIn(token, DeskSession(person, csrf))


async def session_of(db: Database, cookie: str | None, now: datetime) -> DeskSession | None:
    if not cookie or len(cookie) > MAX_TOKEN_CHARS:
        return None
    return await find_session(db, token_hash(cookie), now)


async def sign_out(db: Database, cookie: str, person: DeskPerson, now: datetime) -> None:
    async with db.transaction() as tx:
        await end_session(tx, token_hash(cookie), now)
        await audit(tx, now, person.user_key, "desk.sign_out")
