"""The canned replies that come with the default data: trilingual, loaded once, then the
secretariat's to change."""

import pytest

from hkcq.core.loading import LoadReport
from hkcq.enquiries import services
from hkcq.enquiries.loading import canned_replies_load
from hkcq.enquiries.models import CannedReply

pytestmark = pytest.mark.seed


def test_the_default_canned_replies_are_in_three_languages_written_by_people(defaults):
    seeded = CannedReply.objects.exclude(ext_id=None)
    assert seeded.count() == 5
    for canned in seeded:
        for text in (canned.title, canned.body):
            assert text.en and text.zh_hant and text.zh_hans
            assert set(text.to_json()["origin"].values()) == {"human"}
        assert canned.body.zh_hant != canned.body.zh_hans  # each script written, not one left to convert


def test_a_reload_keeps_the_secretariats_changes(defaults, secretariat_hk):
    canned = CannedReply.objects.get(ext_id="looking-into-it")
    services.canned_reply_save(
        user=secretariat_hk, canned=canned, data={"body": {"en": "Our own words."}, "is_active": False}
    )
    CannedReply.objects.filter(ext_id="closing-no-reply").delete()
    report = LoadReport()
    canned_replies_load(report)
    canned.refresh_from_db()
    assert canned.body.en == "Our own words." and not canned.is_active
    assert report.created == {"canned replies": 1}  # only the missing one comes back
    assert CannedReply.objects.filter(ext_id="closing-no-reply").exists()
