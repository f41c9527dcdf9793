"""Open data described for machines: a Frictionless Data Package with typed fields, and a DCAT
catalogue (JSON-LD), both listing every dataset."""

from __future__ import annotations

import datetime as dt

import pytest

from hkcq.progress.tests.factories import PublishedUpdateFactory
from hkcq.registry.tests.factories import MeasureFactory
from hkcq.reporting import opendata

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(db):
    """A row in each dataset that has a date, a number and a date-time to check: a measure with
    its planned dates, and a published update of it."""
    measure = MeasureFactory.create(code="1.1", planned_start=dt.date(2024, 1, 1), planned_end=dt.date(2025, 6, 30))
    PublishedUpdateFactory.create(measure=measure, percent=40)


def test_the_data_package_types_every_field_and_lists_every_dataset(rows, client):
    package = client.get("/en/open-data/datapackage.json").json()
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(opendata.DATASETS)
    for slug, dataset in opendata.DATASETS.items():
        fields = resources[slug]["schema"]["fields"]
        assert [f["name"] for f in fields] == dataset.header()
        assert all(f["type"] in {"string", "integer", "number", "date", "datetime"} for f in fields)
        assert resources[slug]["path"].endswith(f"/en/open-data/{slug}.csv")
    measures = {f["name"]: f["type"] for f in resources["measures"]["schema"]["fields"]}
    assert measures["planned_end"] == "date" and measures["position"] == "integer" and measures["code"] == "string"
    updates = {f["name"]: f["type"] for f in resources["updates"]["schema"]["fields"]}
    assert updates["percent"] == "number" and updates["published_at"] == "datetime" and updates["id"] == "integer"


def test_the_data_package_validates_with_frictionless(rows, client, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    package = client.get("/en/open-data/datapackage.json").json()
    # Validate the descriptor and each CSV (read through the test client) against its schema.
    for resource in package["resources"]:
        path = tmp_path / f"{resource['name']}.csv"
        path.write_bytes(client.get(f"/en/open-data/{resource['name']}.csv").content)
        resource["path"] = path.name
    report = frictionless.Package(package, basepath=str(tmp_path)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_dcat_catalogue_lists_every_dataset_with_its_files(rows, client):
    response = client.get("/en/open-data/catalogue.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = response.json()
    assert catalogue["@type"] == "dcat:Catalog" and "dcat" in catalogue["@context"]
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert set(datasets) == set(opendata.DATASETS)
    for slug, entry in datasets.items():
        urls = [dist["dcat:downloadURL"]["@id"] for dist in entry["dcat:distribution"]]
        assert any(u.endswith(f"/{slug}.csv") for u in urls) and any(u.endswith(f"/{slug}.json") for u in urls)
        for url in urls:
            assert client.get(url.split("testserver", 1)[1]).status_code == 200


def test_the_open_data_page_links_both(client):
    html = client.get("/zh-hant/open-data/").content.decode()
    assert 'href="/zh-hant/open-data/datapackage.json"' in html and 'href="/zh-hant/open-data/catalogue.jsonld"' in html
    assert "數據包" in html
