"""The demo accounts: one per role, officers for the units enquiries reach, and a listing that
says who is who."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from hkcq.accounts.models import User
from hkcq.kb.search import FALLBACK_UNIT


@pytest.mark.seed
@override_settings(DEBUG=True)
def test_the_listing_gives_each_accounts_role_side_and_unit(defaults):
    out = io.StringIO()
    call_command("create_demo_accounts", stdout=out)
    text = out.getvalue()
    blocks = {}
    for line in text.splitlines():
        if line.startswith("  demo-"):
            current = line.split()[0]
            blocks[current] = [line]
        elif line.startswith("      ") and blocks:
            blocks[current].append(line.strip())
    assert set(blocks) == set(User.objects.filter(username__startswith="demo-").values_list("username", flat=True))
    assert "password: demo-officer-exit-entry-2023" in blocks["demo-officer-exit-entry"][0]
    assert blocks["demo-officer-exit-entry"][1:] == [
        "unit officer, Chongqing side",
        "unit: Exit and Entry Administration Bureau, Chongqing Municipal Public Security Bureau (cq_exit_entry)",
    ]
    assert blocks["demo-officer-hkmao"][2].endswith(f"({FALLBACK_UNIT})")
    assert blocks["demo-officer-hk"][1:] == [
        "unit officer, Hong Kong side",
        "unit: Hong Kong Economic and Trade Office in Chengdu, HKSAR Government (hk_chengdu_eto)",
    ]
    assert blocks["demo-secretariat-cq"][1:] == ["secretariat, Chongqing side"]
    assert blocks["demo-organisation"][1].startswith("organisation member")
    assert blocks["demo-admin"][1:] == ["administrator"]


@pytest.mark.seed
@pytest.mark.parametrize("unit", ["cq_exit_entry", FALLBACK_UNIT])
def test_the_units_enquiries_reach_most_have_a_demo_officer(defaults, unit):
    officers = User.objects.filter(role="officer", is_active=True, units__ext_id=unit, username__startswith="demo-")
    assert officers.count() == 1
    assert officers.get().side == "chongqing"


@override_settings(DEBUG=False)
def test_it_refuses_without_debug(db):
    with pytest.raises(CommandError):
        call_command("create_demo_accounts", stdout=io.StringIO())
