"""Public transparency pages: transactions of a collective or host, exports, seals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from samen.communities.access import Need, access_collective, access_host, can
from samen.core.pagecache import public_page
from samen.ledger import exports, queries
from samen.ledger.forms import HistoryFilterForm
from samen.lib.htmx import render_page


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _transactions(request: HttpRequest, owner: Any, kind: str) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None)
    filters = form.filters()
    include_private = can(request.user, Need.FINANCE, owner)
    rows, next_before = queries.history_page(
        owner, filters, before=_before(request), include_private=include_private
    )
    kept: dict[str, str | int] = {k: str(v) for k, v in request.GET.items() if k != "before" and v}
    context = {
        "owner": owner,
        "owner_kind": kind,
        "form": form,
        "rows": rows,
        "next_query": urlencode({**kept, "before": next_before}) if next_before else "",
        "first_query": urlencode(kept),
        "is_first_page": _before(request) is None,
        "export_query": urlencode(kept),
    }
    return render_page(
        request,
        "ledger/transactions.html",
        context,
        partial="ledger/partials/transactions_page.html",
    )


@require_GET
@public_page("collective")
def collective_transactions(request: HttpRequest, slug: str) -> HttpResponse:
    return _transactions(request, access_collective(request.user, slug), "collective")


@require_GET
@public_page("host")
def host_transactions(request: HttpRequest, slug: str) -> HttpResponse:
    return _transactions(request, access_host(request.user, slug), "host")


def _stream(chunks: Any, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _owner(request: HttpRequest, kind: str, slug: str) -> Any:
    if kind == "collective":
        return access_collective(request.user, slug)
    return access_host(request.user, slug)


@require_GET
def export_csv(request: HttpRequest, kind: str, slug: str) -> StreamingHttpResponse:
    owner = _owner(request, kind, slug)
    filters = HistoryFilterForm(request.GET or None).filters()
    return _stream(
        exports.csv_stream(owner, filters),
        "text/csv; charset=utf-8",
        f"{owner.slug}-transactions.csv",
    )


@require_GET
def export_json(request: HttpRequest, kind: str, slug: str) -> StreamingHttpResponse:
    owner = _owner(request, kind, slug)
    return _stream(
        exports.json_stream(owner, kind), "application/json", f"{owner.slug}-transactions.json"
    )


@require_GET
def host_beancount(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    host = access_host(request.user, slug)
    return _stream(
        exports.beancount_stream(host), "text/plain; charset=utf-8", f"{host.slug}.beancount"
    )


@require_GET
def seal_list(request: HttpRequest) -> HttpResponse:
    before = _before(request)
    seals = queries.seals()
    if before is not None:
        seals = seals.filter(id__lt=before)
    page = list(seals[:51])
    context = {
        "seals": page[:50],
        "next_before": page[49].pk if len(page) > 50 else None,
    }
    return render_page(request, "ledger/seals.html", context)


@require_GET
def seal_hashes(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The row hashes a seal covers, for recomputing its digest (docs/ledger.md)."""
    seal = queries.seal_or_404(pk)
    return _stream(exports.seal_json_stream(seal), "application/json", f"seal-{seal.pk}.json")
