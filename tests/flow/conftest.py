"""The flow's database fixtures (tests/dbfixtures.py): one definition for every test package."""

from __future__ import annotations

from tests.dbfixtures import db, flow_db, province_catalogue

__all__ = ["db", "flow_db", "province_catalogue"]
