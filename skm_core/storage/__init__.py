"""Persistence on SQLite through aiosqlite: the only package that writes SQL."""

from skm_core.storage.database import Database

__all__ = ["Database"]
