"""Run a month's statements over several processes: WeasyPrint is CPU-bound, so each worker
process renders its own share of the PDFs (the data is prepared once, beforehand)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from typing import Any

from django.db import connections

from samen.invoicing.actions import (
    STATEMENT_BATCH,
    statements_finish,
    statements_prepare,
    statements_render,
)
from samen.invoicing.models import Statement, StatementRun


def _render(ids: list[int]) -> None:
    for start in range(0, len(ids), STATEMENT_BATCH):
        batch = Statement.objects.filter(pk__in=ids[start : start + STATEMENT_BATCH])
        statements_render(statements=list(batch.order_by("pk")))


def _render_share(ids: list[int]) -> int:
    connections.close_all()  # a forked child must not share its parent's connection
    try:
        _render(ids)
    finally:
        connections.close_all()
    return len(ids)


def run_statements(*, host: Any, month: dt.date, workers: int = 1) -> StatementRun:
    """Prepare, render (in ``workers`` processes) and e-mail the month's statements."""
    ids = statements_prepare(host=host, month=month)
    if workers > 1 and len(ids) > 1:
        # Import and warm WeasyPrint once here, so the forked workers inherit it instead of
        # each loading fonts and its stylesheets again.
        from samen.invoicing.statements import warm_up

        warm_up()
        # Contiguous shares keep each worker's batches in primary-key order.
        size = -(-len(ids) // workers)
        shares = [ids[i : i + size] for i in range(0, len(ids), size)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_render_share, shares)
    else:
        _render(ids)
    return statements_finish(host=host, month=month)
