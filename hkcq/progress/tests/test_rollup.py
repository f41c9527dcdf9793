"""Roll-up arithmetic: plain, weighted, nested items; joint status and disagreement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from hkcq.core.translated import TText
from hkcq.progress import rollups, services
from hkcq.progress.models import MeasureWeight, ProgressRollup, ProgressSettings
from hkcq.progress.tests.factories import MeasureWeightFactory, PublishedUpdateFactory
from hkcq.registry.models import Area
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory

from .conftest import secretariat_of, statuses


@pytest.fixture
def tree(secretariat_hk):
    """A test area: M with items I1 (with I1a, I1b), I2, I3."""
    area = AreaFactory(ext_id="test-area", position=99, name=TText.of(en="Test area"))

    def m(ext_id, parent=None, position=0):
        return MeasureFactory(ext_id=ext_id, area=area, parent=parent, position=position, title=TText.of(en=ext_id))

    top = m("t-m")
    i1 = m("t-i1", top, 1)
    i2 = m("t-i2", top, 2)
    i3 = m("t-i3", top, 3)
    i1a = m("t-i1a", i1, 1)
    i1b = m("t-i1b", i1, 2)
    return {"area": area, "M": top, "I1": i1, "I2": i2, "I3": i3, "I1a": i1a, "I1b": i1b}


def publish(measure, side, percent, key="in_progress", author=None):
    from hkcq.progress.services import cycle_current

    author = author or secretariat_of("hong_kong")
    return PublishedUpdateFactory.create(
        measure=measure, side=side, cycle=cycle_current(), status=statuses()[key], percent=percent, author=author
    )


def rollup(obj):
    if isinstance(obj, Area):
        return ProgressRollup.objects.get(area=obj)
    return ProgressRollup.objects.get(measure=obj)


def set_method(method):
    s = ProgressSettings.load()
    s.rollup_method = method
    s.save()


def test_plain_average_through_nested_items(tree):
    set_method("plain")
    publish(tree["I1a"], "hong_kong", 100)
    publish(tree["I2"], "hong_kong", 20)
    publish(tree["I2"], "chongqing", 60)
    rollups.recompute([tree["area"]])
    i1 = rollup(tree["I1"])
    # I1a 100, I1b unreported (0) → 50; nobody reported Chongqing under I1.
    assert (i1.percent_hk, i1.percent_cq, i1.percent) == (Decimal("50.00"), None, Decimal("50.00"))
    i2 = rollup(tree["I2"])
    assert (i2.percent_hk, i2.percent_cq, i2.percent) == (Decimal("20.00"), Decimal("60.00"), Decimal("40.00"))
    assert rollup(tree["I3"]).percent is None
    m = rollup(tree["M"])
    # (50 + 40 + 0) / 3 joint; Hong Kong (50 + 20 + 0) / 3; Chongqing (0 + 60 + 0) / 3.
    assert m.percent == Decimal("30.00")
    assert m.percent_hk == Decimal("23.33")
    assert m.percent_cq == Decimal("20.00")
    area = rollup(tree["area"])
    assert (area.percent, area.percent_hk, area.percent_cq) == (m.percent, m.percent_hk, m.percent_cq)
    # The mechanism averages every area; the others (the default data's, when loaded) have nothing reported (0).
    mech = ProgressRollup.objects.get(level="mechanism")
    assert mech.percent == (Decimal("30.00") / Area.objects.count()).quantize(Decimal("0.01"))


def test_weighted_average_and_zero_weight(tree):
    set_method("weighted")
    publish(tree["I1a"], "hong_kong", 100)
    publish(tree["I2"], "hong_kong", 20)
    publish(tree["I2"], "chongqing", 60)
    MeasureWeightFactory.create(measure=tree["I2"], weight=2)
    MeasureWeightFactory.create(measure=tree["I3"], weight=0)
    rollups.recompute([tree["area"]])
    m = rollup(tree["M"])
    # Weights I1 = 1, I2 = 2, I3 = 0: joint (50·1 + 40·2) / 3, HK (50 + 40) / 3, CQ (0 + 120) / 3.
    assert m.percent == Decimal("43.33")
    assert m.percent_hk == Decimal("30.00")
    assert m.percent_cq == Decimal("40.00")
    set_method("plain")
    rollups.recompute([tree["area"]])
    assert rollup(tree["M"]).percent == Decimal("30.00")


def test_all_zero_weights_fall_back_to_plain(tree):
    publish(tree["I2"], "hong_kong", 90)
    for key in ("I1", "I2", "I3"):
        MeasureWeightFactory.create(measure=tree[key], weight=0)
    rollups.recompute([tree["area"]])
    assert rollup(tree["M"]).percent == Decimal("30.00")


def test_measure_uses_its_own_updates_until_an_item_is_reported(tree):
    publish(tree["M"], "hong_kong", 70)
    publish(tree["M"], "chongqing", 50)
    rollups.recompute([tree["area"]])
    assert rollup(tree["M"]).percent == Decimal("60.00")
    publish(tree["I3"], "hong_kong", 90)
    rollups.recompute([tree["area"]])
    assert rollup(tree["M"]).percent == Decimal("30.00")  # (0 + 0 + 90) / 3


def test_latest_published_update_counts(tree):
    first = publish(tree["I2"], "hong_kong", 20)
    first.published_at = timezone.now() - dt.timedelta(days=3)
    first.save()
    publish(tree["I2"], "hong_kong", 80)
    rollups.recompute([tree["area"]])
    assert rollup(tree["I2"]).percent_hk == Decimal("80.00")


def test_joint_status_and_disagreement(tree):
    publish(tree["I2"], "hong_kong", 80, key="substantially_done")
    rollups.recompute([tree["area"]])
    r = rollup(tree["I2"])
    assert (r.joint_status.key, r.disagreement) == ("substantially_done", False)
    publish(tree["I2"], "chongqing", 50, key="in_progress")
    rollups.recompute([tree["area"]])
    r = rollup(tree["I2"])
    assert r.disagreement is True
    assert (r.status_hk.key, r.status_cq.key, r.joint_status.key) == (
        "substantially_done",
        "in_progress",
        "in_progress",
    )
    publish(tree["I2"], "chongqing", 80, key="substantially_done")
    rollups.recompute([tree["area"]])
    r = rollup(tree["I2"])
    assert (r.joint_status.key, r.disagreement) == ("substantially_done", False)


def test_average_helper():
    assert rollups.average([]) is None
    assert rollups.average([(None, Decimal(1))]) is None
    assert rollups.average([(Decimal(10), Decimal(1)), (None, Decimal(1))]) == Decimal("5.00")
    assert rollups.average([(Decimal(1), Decimal(1)), (Decimal(2), Decimal(1)), (Decimal(2), Decimal(1))]) == Decimal(
        "1.67"
    )


def test_publishing_through_the_workflow_recomputes(officer_hk, secretariat_hk, secretariat_cq, measure, status):
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 64})
    services.update_submit(user=officer_hk, update=update)
    services.update_confirm(user=secretariat_cq, update=update)
    assert not ProgressRollup.objects.filter(measure=measure, percent__isnull=False).exists()
    services.update_publish(user=secretariat_hk, update=update)
    r = rollup(measure)
    assert (r.percent_hk, r.percent, r.status_hk.key) == (Decimal("64.00"), Decimal("64.00"), "in_progress")
    assert rollup(measure.area).percent_hk is not None


def test_weight_and_scale_changes_recompute(tree, secretariat_cq, resident):
    from hkcq.core.errors import InvalidInput, NotPermitted

    publish(tree["I1a"], "hong_kong", 100)
    publish(tree["I2"], "hong_kong", 40)
    rollups.recompute([tree["area"]])
    assert rollup(tree["M"]).percent == Decimal("30.00")  # (50 + 40 + 0) / 3
    services.weight_set(user=secretariat_cq, measure=tree["I3"], weight="0")
    assert rollup(tree["M"]).percent == Decimal("45.00")
    with pytest.raises(NotPermitted):
        services.weight_set(user=resident, measure=tree["I3"], weight="5")
    with pytest.raises(InvalidInput):
        services.weight_set(user=secretariat_cq, measure=tree["I3"], weight="-1")
    assert MeasureWeight.objects.get(measure=tree["I3"]).weight == 0
