"""Reporting API: open data (public), and the report and import jobs (secretariat)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate

from hkcq.core.api import ErrorOut
from hkcq.reporting import opendata

router = Router(tags=["open data and reports"])


class FieldOut(Schema):
    name: str
    description: str


class DatasetOut(Schema):
    id: str
    title: str
    description: str
    licence: str
    csv_url: str
    json_url: str
    fields: list[FieldOut]


class DatasetDocumentOut(Schema):
    """The JSON form of a dataset (the CSV form has the same records, one per line)."""

    dataset: str
    title: str
    licence: str
    generated_at: str
    fields: list[FieldOut]
    records: list[dict[str, Any]]


def _dataset(d: opendata.Dataset) -> dict[str, Any]:
    return {
        "id": d.slug,
        "title": str(d.title),
        "description": str(d.description),
        "licence": str(opendata.LICENCE),
        "csv_url": f"/api/v1/open-data/{d.slug}?format=csv",
        "json_url": f"/api/v1/open-data/{d.slug}?format=json",
        "fields": [{"name": c.name, "description": str(c.description)} for c in d.columns],
    }


@router.get("/open-data", response=list[DatasetOut], summary="List the open datasets with their fields")
@paginate
def list_datasets(request: HttpRequest) -> list[dict[str, Any]]:
    return [_dataset(d) for d in opendata.DATASETS.values()]


@router.get(
    "/open-data/{dataset}",
    response={200: DatasetDocumentOut, 404: ErrorOut},
    summary="Download one open dataset as JSON or CSV",
    openapi_extra={
        "responses": {
            200: {
                "description": "The whole dataset",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/DatasetDocumentOut"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def get_dataset(request: HttpRequest, dataset: str, format: str | None = None) -> HttpResponse:  # noqa: A002
    """``format=csv`` or ``format=json``; without it, an ``Accept: text/csv`` header asks for CSV
    and anything else gets JSON. The records have the same columns in both formats."""
    found = opendata.DATASETS.get(dataset)
    if found is None:
        raise Http404
    if format is None:
        format = "csv" if "text/csv" in request.headers.get("Accept", "") else "json"  # noqa: A001
    if format == "csv":
        response = HttpResponse(
            ("\ufeff" + opendata.dataset_csv(found)).encode(), content_type="text/csv; charset=utf-8"
        )
    elif format == "json":
        response = HttpResponse(opendata.dataset_json(found), content_type="application/json; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'inline; filename="{dataset}.{format}"'
    return response
