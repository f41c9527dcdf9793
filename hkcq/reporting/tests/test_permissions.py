"""Authorization matrix: every reporting action × every role."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.accounts.models import User
from hkcq.accounts.tests import personas
from hkcq.reporting import permissions, services
from hkcq.reporting.models import Job, Snapshot
from hkcq.reporting.tests.helpers import open_cycle, plenary

ROLES = ["anonymous", "resident", "officer_hk", "secretariat_hk", "secretariat_cq", "admin"]
STAFF = {"secretariat_hk", "secretariat_cq", "admin"}
# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_hk, resident = personas.officer_hk, personas.resident
secretariat_cq, secretariat_hk = personas.secretariat_cq, personas.secretariat_hk


@pytest.fixture
def users(resident, officer_hk, secretariat_hk, secretariat_cq):
    return {
        "resident": resident,
        "officer_hk": officer_hk,
        "secretariat_hk": secretariat_hk,
        "secretariat_cq": secretariat_cq,
        "admin": User.objects.create_user(username="admin-x", password="x-2023-long-pass", role="admin"),
        "anonymous": None,
    }


@pytest.fixture
def snapshot(users):
    open_cycle()
    return services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), users["secretariat_hk"])


def _as(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_permission_functions(users, role):
    user = users[role]
    expected = role in STAFF
    assert permissions.can_import(user) is expected
    assert permissions.can_close_cycle(user) is expected
    assert permissions.can_generate_report(user) is expected
    assert permissions.can_see_job(user) is expected
    assert permissions.can_read_snapshot_data(user) is expected


def _refused(response, role):
    if role == "anonymous":
        return response.status_code == 302 and "/account/sign-in/" in response["Location"]
    return response.status_code == 403


def _hidden(response, role):
    """A row the user may not see (a job of the secretariat's) is not found: 404, as everywhere."""
    if role == "anonymous":
        return response.status_code == 302 and "/account/sign-in/" in response["Location"]
    return response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages_and_actions(client, users, snapshot, role):
    client = _as(client, users, role)
    upload = SimpleUploadedFile("m.csv", b"id,area,title_en\nx-1,belt-and-road-economic-trade,X\n")
    actions = {
        "import page": client.get("/en/import/"),
        "import upload": client.post("/en/import/", {"kind": "import_measures", "file": upload}),
        "template": client.get("/en/import/templates/import_measures.csv"),
        "close page": client.get("/en/reports/close-cycle/"),
        "generate": client.post(f"/en/reports/{snapshot.pk}/generate/", {"language": "en"}),
        "snapshot data": client.get(f"/en/reports/{snapshot.pk}/snapshot.json"),
    }
    expected = {
        "import page": 200,
        "import upload": 302,  # to the job's preview
        "template": 200,
        "close page": 200,
        "generate": 302,  # to the report job
        "snapshot data": 200,
    }
    for name, response in actions.items():
        if role in STAFF:
            assert response.status_code == expected[name], name
        else:
            assert _refused(response, role), name
    if role not in STAFF:
        assert not Job.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_jobs_are_for_the_secretariat_only(client, users, snapshot, role):
    import_job = services.import_start(
        user=users["secretariat_hk"],
        kind="import_measures",
        upload=SimpleUploadedFile("m.csv", b"id,area,title_en\n"),
        language="en",
    )
    report_job = services.report_start(user=users["secretariat_cq"], snapshot=snapshot, language="en")
    client = _as(client, users, role)
    for url in (import_job.get_absolute_url(), report_job.get_absolute_url()):
        response = client.get(url)
        assert (response.status_code == 200) if role in STAFF else _hidden(response, role), url
    confirm = client.post(f"/en/import/{import_job.pk}/confirm/")
    abandon = client.post(f"/en/import/{import_job.pk}/abandon/")
    if role not in STAFF:
        assert _hidden(confirm, role) and _hidden(abandon, role)
        import_job.refresh_from_db()
        assert import_job.state == Job.State.QUEUED


@pytest.mark.parametrize("role", ROLES)
def test_closing_a_cycle_by_post(client, users, role):
    cycle = open_cycle()
    meeting = plenary(dt.date(2024, 5, 10), 2)
    response = _as(client, users, role).post("/en/reports/close-cycle/", {"meeting": meeting.pk, "confirm": "on"})
    cycle.refresh_from_db()
    if role in STAFF:
        assert response.status_code == 302 and cycle.state == "closed" and Snapshot.objects.count() == 1
    else:
        assert _refused(response, role) and cycle.state == "open" and not Snapshot.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_reports_and_open_data_are_public(client, users, snapshot, role):
    client = _as(client, users, role)
    for url in (
        "/en/reports/",
        snapshot.get_absolute_url(),
        "/en/open-data/",
        "/en/open-data/measures.csv",
        "/api/v1/open-data/areas",
    ):
        assert client.get(url).status_code == 200, url
