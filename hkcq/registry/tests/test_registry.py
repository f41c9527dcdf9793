import pytest
from django.test import Client

from hkcq.accounts.tests import personas
from hkcq.core.loading import LoadReport
from hkcq.core.translated import TText
from hkcq.registry.loading import registry_defaults_load
from hkcq.registry.models import Agreement, Area, Measure, Meeting
from hkcq.registry.tests.factories import AgreementFactory, AreaFactory, MeasureFactory, MeetingFactory, UnitFactory

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
resident, secretariat_cq, secretariat_hk = personas.resident, personas.secretariat_cq, personas.secretariat_hk


@pytest.mark.seed
def test_default_data_matches_the_source_and_reload_changes_nothing(defaults):
    # The default data is loaded (hkcq/conftest.py); change some of it first:
    # the loader leaves what a person changed or deleted alone (hkcq.core.loading).
    area = Area.objects.order_by("position").first()
    Area.objects.filter(pk=area.pk).update(name={"en": "Changed", "zh-hant": "", "zh-hans": ""})
    item = Measure.objects.filter(parent__isnull=False).order_by("pk").last()
    item_id = item.ext_id
    item.delete()
    first = LoadReport()
    registry_defaults_load(first)
    assert not first.changed, first.summary()
    assert Area.objects.get(pk=area.pk).name.en == "Changed"
    assert not Measure.objects.filter(ext_id=item_id).exists()
    assert len(first.kept) == 2, first.kept
    assert Area.objects.count() == 11
    assert Measure.objects.filter(parent__isnull=True).count() == 21
    assert Agreement.objects.count() == 4
    assert Meeting.objects.get(date="2023-05-11").attendances.count() >= 8
    names = [a.name.en for a in Area.objects.order_by("position")]
    assert "Finance" in names[1] and "Logistics" in names[3] and "Education" in names[5]
    history_before = Measure.history.count()
    second = LoadReport()
    registry_defaults_load(second)
    assert not second.changed
    assert Measure.history.count() == history_before


@pytest.mark.parametrize(
    ("lang", "expected"), [("en", "Innovation and Technology"), ("zh-hant", "創新科技"), ("zh-hans", "创新科技")]
)
def test_home_shows_every_area_in_each_language(db, client, lang, expected):
    AreaFactory.create(name=TText.of(en="Innovation and Technology", zh_hant="創新科技"))
    AreaFactory.create()
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("area-card") == Area.objects.count()
    assert expected in html


def test_every_public_page_renders(db, client):
    area = MeasureFactory.create().area
    meeting = MeetingFactory.create()
    agreement = AgreementFactory.create(meeting=meeting)
    urls = [
        "/en/areas/",
        "/en/measures/",
        "/en/meetings/",
        "/en/agreements/",
        "/en/organisations/",
        "/en/people/",
        "/en/units/",
        "/en/decisions/",
        "/en/search/?q=arbitration",
    ]
    for row in (area, area.measures.get(), meeting, agreement):
        urls.append(row.get_absolute_url())
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_search_finds_text_whatever_the_script(db, client):
    MeasureFactory.create(title=TText.of(en="Asia-Pacific arbitration summit", zh_hant="亞太仲裁峰會"))
    for query in ("仲裁", "仲裁峰會", "仲裁峰会", "arbitration"):
        html = client.get("/en/search/", {"q": query}).content.decode()
        assert "/measures/" in html, query


def test_empty_filter_result_tells_the_user_what_to_do(db, client):
    html = client.get("/en/measures/", {"unit": "no-such-unit"}).content.decode()
    assert "Clear filters" in html


def test_api_lists_areas_with_measure_counts(db, client):
    two, none = AreaFactory.create(), AreaFactory.create()
    MeasureFactory.create_batch(2, area=two)
    MeasureFactory.create(area=two, parent=two.measures.first())  # an item is no measure of the area's count
    body = client.get("/api/v1/areas").json()
    data = {a["id"]: a for a in body["items"]}
    assert len(data) == Area.objects.count() == body["count"]
    assert (data[two.ext_id]["measure_count"], data[none.ext_id]["measure_count"]) == (2, 0)
    assert data[two.ext_id]["name"]["zh_hans"] == two.name.zh_hans


def test_api_errors_share_one_shape(db, client):
    body = client.get("/api/v1/measures/nope").json()
    assert body["error"]["code"] == "not_found"
    body = client.post("/api/v1/areas", {}, content_type="application/json").json()
    assert body["error"]["code"] == "not_authenticated"


def test_api_token_write_and_permission(secretariat_hk, resident):
    from hkcq.accounts.services import api_token_create

    area = AreaFactory.create(name=TText.of(en="Finance"))
    _token, raw = api_token_create(user=secretariat_hk, name="t")
    c = Client()
    r = c.patch(
        f"/api/v1/areas/{area.ext_id}",
        {"name": {"en": "Finance (renamed)"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200, r.content
    assert r.json()["name"]["en"] == "Finance (renamed)"
    _token, raw2 = api_token_create(user=resident, name="t")
    r = c.patch(
        f"/api/v1/areas/{area.ext_id}",
        {"name": {"en": "X"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw2}",
    )
    assert r.status_code == 403
    assert Area.objects.get(pk=area.pk).name.en == "Finance (renamed)"


def test_secretariat_edits_area_and_history_shows_diff_to_staff_only(secretariat_hk):
    staff = Client()
    staff.force_login(secretariat_hk)
    area = AreaFactory.create(name=TText.of(en="Finance"))
    r = staff.post(
        f"/en/areas/{area.ext_id}/edit/",
        {
            "ext_id": area.ext_id,
            "position": area.position,
            "name_0": "Finance and banking",
            "name_1": "金融",
            "name_2": "",
            "short_name_0": "",
            "short_name_1": "",
            "short_name_2": "",
            "description_0": "",
            "description_1": "",
            "description_2": "",
            "heading_in_source": "",
        },
    )
    assert r.status_code == 302
    area.refresh_from_db()
    assert area.name.en == "Finance and banking" and area.name.zh_hans == "金融"
    staff_html = staff.get(area.get_absolute_url()).content.decode()
    assert "diff-new" in staff_html and "Finance and banking" in staff_html
    public_html = Client().get(area.get_absolute_url()).content.decode()
    assert "Change history" in public_html and "diff-new" not in public_html


def test_invalid_form_keeps_what_was_typed_and_saves_nothing(secretariat_hk):
    staff = Client()
    staff.force_login(secretariat_hk)
    r = staff.post(
        "/zh-hant/areas/new/",
        {"ext_id": "new-area", "position": "", "name_0": "Typed title", "name_1": "", "name_2": ""},
    )
    assert r.status_code == 200
    assert "Typed title" in r.content.decode()
    assert not Area.objects.filter(ext_id="new-area").exists()


def test_public_and_resident_cannot_edit(resident):
    assert Client().get("/en/areas/new/").status_code == 302
    c = Client()
    c.force_login(resident)
    assert c.get("/en/areas/new/").status_code == 403


def test_lead_unit_of_a_side_is_changed_only_by_that_sides_secretariat(secretariat_hk, secretariat_cq):
    from hkcq.core.errors import NotPermitted
    from hkcq.registry import services

    measure = MeasureFactory.create(lead_unit_cq=UnitFactory.create(side="chongqing"))
    other_cq = UnitFactory.create(side="chongqing")
    with pytest.raises(NotPermitted):
        services.measure_update(user=secretariat_hk, measure=measure, data={"lead_unit_cq": other_cq})
    services.measure_update(user=secretariat_cq, measure=measure, data={"lead_unit_cq": other_cq})
    measure.refresh_from_db()
    assert measure.lead_unit_cq == other_cq


def test_password_reset_sends_mail_in_the_users_language(resident, mailoutbox, django_capture_on_commit_callbacks):
    resident.preferred_language = "zh-hant"
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/en/account/password-reset/", {"email": resident.email})
    assert len(mailoutbox) == 1
    assert "/zh-hant/" in mailoutbox[0].body or "/en/" in mailoutbox[0].body
