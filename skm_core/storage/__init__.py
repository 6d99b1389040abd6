"""Persistence on SQLite (aiosqlite) or PostgreSQL (psycopg 3): the only package that writes SQL."""

from skm_core.storage.database import Database

__all__ = ["Database"]
