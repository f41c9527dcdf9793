"""Events and rounds in a real browser at desktop and phone widths, axe-core on every page: a
participant of the demonstration event sees their meetings, the organiser schedules all and
sees the grid, the participant opens the agenda; an organiser runs a round's allocation."""

from __future__ import annotations

import pytest

from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in

WIDTHS = [1280, 390]


@pytest.mark.parametrize("width", WIDTHS)
def test_event_journey(page, width):
    from hkcq.exchanges.models import Event

    page.set_viewport_size({"width": width, "height": 900})
    demo = Event.objects.get(demonstration=True)
    page.goto(f"/en/events/{demo.pk}/")
    assert "DEMONSTRATION" in page.locator("h1").inner_text()
    assert_no_serious_axe_violations(page)
    sign_in(page, "demo-secretariat-hk")
    page.goto(f"/en/events/{demo.pk}/organise/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Schedule all").click()
    page.wait_for_load_state()
    assert "Scheduled 2 meetings" in page.locator("[role=status]").inner_text()
    page.goto(f"/en/events/{demo.pk}/organise/grid/")
    assert "Demo Harbour Logistics Ltd" in page.locator("table").inner_text()
    assert_no_serious_axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, "demo-exchange-hk1", lang="zh-hant")
    page.goto(f"/zh-hant/events/{demo.pk}/mine/")
    assert_no_serious_axe_violations(page)
    page.goto(f"/zh-hant/events/{demo.pk}/mine/agenda/")
    assert "第1桌" in page.locator("table").inner_text() or "第2桌" in page.locator("table").inner_text()
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_round_allocation(page, width):
    from hkcq.accounts.models import User
    from hkcq.exchanges import services

    page.set_viewport_size({"width": width, "height": 900})
    secretariat = User.objects.get(username="demo-secretariat-cq")
    round_ = services.round_create(
        user=secretariat,
        data={
            "kind": "sister_school",
            "title": "Sister schools 2027 (browser test)",
            "applicants": [{"id": "hk-a", "ranks": ["cq-x", "cq-y"]}, {"id": "hk-b", "ranks": ["cq-x"]}],
            "hosts": [{"id": "cq-x", "ranks": ["hk-b", "hk-a"]}, {"id": "cq-y", "ranks": ["hk-a"]}],
        },
    )
    sign_in(page, "demo-secretariat-cq", lang="zh-hans")
    page.goto(f"/zh-hans/rounds/{round_.pk}/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="进行分配").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "第一志愿" in body and "hk-a" in body and "cq-y" in body
    assert_no_serious_axe_violations(page)
    page.goto("/zh-hans/rounds/new/")
    assert_no_serious_axe_violations(page)
