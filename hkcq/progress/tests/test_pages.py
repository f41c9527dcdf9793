"""Pages in three languages; public pages show only published updates; forms keep input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.progress import services
from hkcq.progress.models import Evidence, ProgressUpdate
from hkcq.registry.tests.factories import AreaFactory

from .test_workflow import make

LANGS = ["en", "zh-hant", "zh-hans"]


@pytest.mark.parametrize(("lang", "word"), [("en", "Progress"), ("zh-hant", "進度"), ("zh-hans", "进度")])
def test_public_pages_render_in_three_languages(client, measure, lang, word):
    for path in ("", "how-it-is-counted/", "lists/late/", "lists/stale/", "lists/disagreements/", "lists/recent/"):
        response = client.get(f"/{lang}/progress/{path}")
        assert response.status_code == 200, path
        assert word in response.content.decode(), path
    html = client.get(f"/{lang}/measures/{measure.ext_id}/").content.decode()
    assert 'id="progress-heading"' in html
    assert client.get(f"/{lang}/progress/measures/{measure.ext_id}/updates/").status_code == 200
    assert client.get(f"/{lang}/progress/lists/nothing/").status_code == 404


def test_dashboard_has_svg_charts_with_a_table_alternative(db, client):
    areas = AreaFactory.create_batch(3)
    html = client.get("/en/progress/").content.decode()
    assert html.count("<svg") == 2
    assert 'role="img"' in html and "<title id=" in html
    assert "<caption>" in html
    for area in areas:  # each area a row of the table beside the charts
        assert f'<th scope="row"><a href="{area.get_absolute_url()}">{area.name.en}</a></th>' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main


def test_only_published_updates_reach_public_pages(
    client, officer_hk, officer_cq, secretariat_hk, secretariat_cq, measure, status
):
    draft = services.update_save(
        user=officer_cq,
        measure=measure,
        data={"status": status, "percent": 33, "public_narrative": {"en": "Secret draft narrative"}},
    )
    published = make(measure, officer_hk, status, state="published")
    ProgressUpdate.objects.filter(pk=published.pk).update(
        public_narrative={"en": "Public progress narrative", "origin": {"en": "human"}},
        internal_narrative={"en": "Internal note only", "origin": {"en": "human"}},
    )
    for url in (
        f"/en/measures/{measure.ext_id}/",
        "/en/progress/",
        "/en/progress/lists/recent/",
        f"/en/progress/measures/{measure.ext_id}/updates/",
    ):
        html = client.get(url).content.decode()
        assert "Public progress narrative" in html, url
        assert "Secret draft narrative" not in html, url
        assert "Internal note only" not in html, url
    assert client.get(f"/en/progress/updates/{draft.pk}/").status_code == 404
    assert "Internal note only" not in client.get(published.get_absolute_url()).content.decode()
    client.force_login(secretariat_hk)
    # A draft stays with its own side, even for the other side's secretariat.
    assert client.get(f"/en/progress/updates/{draft.pk}/").status_code == 404
    assert "Internal note only" in client.get(published.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/progress/updates?measure={measure.ext_id}").json()
    assert [u["id"] for u in api["items"]] == [published.pk]
    assert api["items"][0]["internal_narrative"] is None


def test_measure_page_shows_both_sides_joint_status_and_disagreement(client, officer_hk, officer_cq, measure):
    from hkcq.progress.models import Status

    make(measure, officer_hk, Status.objects.get(key="substantially_done"), state="published")
    make(measure, officer_cq, Status.objects.get(key="in_progress"), state="published")
    html = client.get(f"/en/measures/{measure.ext_id}/").content.decode()
    assert "The two sides disagree." in html
    assert "Substantially done" in html and "In progress" in html
    dashboard = client.get("/en/progress/").content.decode()
    assert "Where the sides disagree" in dashboard and f"/measures/{measure.ext_id}/" in dashboard


def test_browser_workflow_with_return_and_publish(client, officer_hk, secretariat_hk, secretariat_cq, measure, status):
    client.force_login(officer_hk)
    form = client.get(f"/en/progress/measures/{measure.ext_id}/updates/new/")
    assert form.status_code == 200
    # A bad percent keeps what was typed and saves nothing.
    bad = client.post(
        f"/en/progress/measures/{measure.ext_id}/updates/new/",
        {"status": status.pk, "percent": "140", "public_narrative_0": "Typed narrative", "submit": "1"},
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "Enter a whole number from 0 to 100." in html and "Typed narrative" in html
    assert ProgressUpdate.objects.count() == 0
    response = client.post(
        f"/en/progress/measures/{measure.ext_id}/updates/new/",
        {"status": status.pk, "percent": "45", "public_narrative_0": "Typed narrative", "submit": "1"},
    )
    update = ProgressUpdate.objects.get()
    assert response.status_code == 302 and update.state == "submitted"
    # The author cannot confirm their own side's update.
    assert client.post(f"/en/progress/updates/{update.pk}/confirm/").status_code == 403
    client.force_login(secretariat_cq)
    assert str(update.measure.code) in client.get("/en/progress/work/?queue=to_confirm").content.decode()
    empty_reason = client.post(f"/en/progress/updates/{update.pk}/return/", {"reason": ""})
    assert empty_reason.status_code == 422
    assert "Say why the update is returned" in empty_reason.content.decode()
    client.post(f"/en/progress/updates/{update.pk}/return/", {"reason": "Add the event date"})
    update.refresh_from_db()
    assert update.state == "returned"
    client.force_login(officer_hk)
    edit = client.get(f"/en/progress/updates/{update.pk}/edit/").content.decode()
    assert "Add the event date" in edit and "Typed narrative" in edit
    client.post(
        f"/en/progress/updates/{update.pk}/edit/",
        {"status": status.pk, "percent": "50", "public_narrative_0": "Event held on 3 June", "submit": "1"},
    )
    client.force_login(secretariat_cq)
    client.post(f"/en/progress/updates/{update.pk}/confirm/")
    client.force_login(secretariat_hk)
    assert client.post(f"/en/progress/updates/{update.pk}/publish/").status_code == 302
    update.refresh_from_db()
    assert update.state == "published" and update.percent == 50
    assert "Event held on 3 June" in client.get(f"/zh-hant/measures/{measure.ext_id}/").content.decode()
    assert [t.to_state for t in update.transitions.all()] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "confirmed",
        "published",
    ]


def test_evidence_file_and_link(client, officer_hk, resident, measure, status, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    client.force_login(officer_hk)
    missing = client.post(f"/en/progress/updates/{update.pk}/evidence/new/", {"title": "Nothing"})
    assert "Attach a file or give a link." in missing.content.decode()
    upload = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    client.post(
        f"/en/progress/updates/{update.pk}/evidence/new/", {"title": "Minutes", "upload": upload, "is_public": "on"}
    )
    client.post(f"/en/progress/updates/{update.pk}/evidence/new/", {"title": "Press", "link": "https://example.org/x"})
    assert Evidence.objects.filter(update=update).count() == 2
    minutes = Evidence.objects.get(title="Minutes")
    assert client.get(f"/en/progress/evidence/{minutes.pk}/").status_code == 200
    client.force_login(resident)
    # Not published yet: the public cannot see it.
    assert client.get(f"/en/progress/evidence/{minutes.pk}/").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_staff_pages_render_in_three_languages(client, officer_hk, secretariat_cq, measure, status, lang):
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    client.force_login(officer_hk)
    for url in (
        f"/{lang}/progress/work/",
        f"/{lang}/progress/work/?queue=returned",
        f"/{lang}/progress/updates/{update.pk}/",
        f"/{lang}/progress/updates/{update.pk}/edit/",
        f"/{lang}/progress/updates/{update.pk}/evidence/new/",
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(secretariat_cq)
    for url in (
        f"/{lang}/progress/work/",
        f"/{lang}/progress/scale/",
        f"/{lang}/progress/scale/new/",
        f"/{lang}/progress/measures/{measure.ext_id}/weight/",
    ):
        assert client.get(url).status_code == 200, url


def test_staff_pages_refuse_the_public(client, resident, officer_hk, measure):
    assert client.get("/en/progress/work/").status_code == 302
    client.force_login(resident)
    assert client.get("/en/progress/work/").status_code == 403
    assert client.get("/en/progress/scale/").status_code == 403
    assert client.get(f"/en/progress/measures/{measure.ext_id}/updates/new/").status_code == 403
    client.force_login(officer_hk)
    assert client.get("/en/progress/scale/").status_code == 403


def test_secretariat_manages_the_scale_and_settings(client, secretariat_hk):
    from hkcq.progress.models import ProgressSettings, Status

    client.force_login(secretariat_hk)
    bad = client.post(
        "/en/progress/scale/new/",
        {"key": "in_progress", "name_0": "Duplicate", "default_percent": "20", "position": "1"},
    )
    assert "Another status already has this key." in bad.content.decode()
    assert "Duplicate" in bad.content.decode()
    client.post(
        "/en/progress/scale/new/",
        {"key": "tendering", "name_1": "招標中", "default_percent": "30", "position": "25", "is_active": "on"},
    )
    created = Status.objects.get(key="tendering")
    assert created.name.zh_hans == "招标中" and created.default_percent == 30
    client.post("/en/progress/scale/", {"rollup_method": "plain", "stale_after_days": "30"})
    assert ProgressSettings.load().stale_after_days == 30
    bad_days = client.post("/en/progress/scale/", {"rollup_method": "plain", "stale_after_days": "0"})
    assert bad_days.status_code == 200
    assert ProgressSettings.load().stale_after_days == 30


def test_narratives_are_escaped_and_fallback_blocks_render(client, officer_hk, measure, status):
    update = make(measure, officer_hk, status, state="published")
    ProgressUpdate.objects.filter(pk=update.pk).update(
        public_narrative={"en": "<script>alert(1)</script> line one\nline two", "origin": {"en": "human"}}
    )
    for lang in ("en", "zh-hant"):
        html = client.get(f"/{lang}/measures/{measure.ext_id}/").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; line one<br>line two" in html
        assert "&lt;p&gt;" not in html


@pytest.mark.parametrize(
    ("lang", "says"),
    [("en", "No progress update has been confirmed"), ("zh-hant", "尚未有經對方確認"), ("zh-hans", "尚未有经对方确认")],
)
def test_an_empty_dashboard_says_why_it_is_empty(db, client, lang, says):
    from hkcq.progress.models import ProgressRollup

    ProgressRollup.objects.update(last_published_at=None)
    assert says in client.get(f"/{lang}/progress/").content.decode()
