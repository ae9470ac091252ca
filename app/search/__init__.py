"""Unified search (统一搜索): query understanding, one index interface, ranking.

Entry points: ``app.search.service.search`` (used by pages and the CLI),
``python -m app.search`` (see ``cli.py``), ``python -m app.search.evaluate``.
"""
