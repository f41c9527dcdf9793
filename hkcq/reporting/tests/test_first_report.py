"""A fresh installation leads the secretariat to its first plenary report: ``load_defaults`` opens
the first reporting cycle the day after the first plenary session (11 May 2023, from the press
release), and the close page says exactly what to do next, with a link, until the next plenary
is recorded; then the cycle closes and the report is generated."""

import datetime as dt
import re

import pytest
from django.core.management import call_command

from hkcq.progress.models import ReportingCycle
from hkcq.reporting.models import Job, Snapshot

from .helpers import plenary

NEXT = {
    "en": ("no plenary on or after 12 May 2023 is recorded yet", "What to do next"),
    "zh-hant": ("尚未記錄在 2023年5月12日 當日或之後舉行的全體會議", "下一步"),
    "zh-hans": ("尚未记录在 2023年5月12日 当日或之后举行的全体会议", "下一步"),
}


@pytest.mark.seed
@pytest.mark.parametrize("lang", list(NEXT))
def test_from_the_default_data_to_the_first_plenary_report(defaults, client, secretariat_hk, lang):
    assert not ReportingCycle.objects.exists()  # the default data as loaded, nothing reported yet
    call_command("load_defaults", stdout=open("/dev/null", "w"))  # noqa: SIM115 - what make run does
    cycle = ReportingCycle.objects.get()
    assert (cycle.state, cycle.opens_on) == ("open", dt.date(2023, 5, 12))
    assert "First Plenary Session" in cycle.name.en
    call_command("load_defaults", stdout=open("/dev/null", "w"))  # noqa: SIM115 - again: nothing more
    assert ReportingCycle.objects.count() == 1

    client.force_login(secretariat_hk)
    page = client.get(f"/{lang}/reports/close-cycle/").content.decode()
    told, next_step = NEXT[lang]
    assert told in page and next_step in page
    link = re.search(r'href="(/[^"]*/meetings/new/\?kind=plenary)"', page).group(1)
    form = client.get(link).content.decode()
    assert re.search(r'<option value="plenary" selected>', form)

    meeting = plenary(dt.date(2026, 11, 20), 2)  # recorded as the page says
    page = client.get(f"/{lang}/reports/close-cycle/").content.decode()
    assert told not in page and f'value="{meeting.pk}"' in page
    closed = client.post(f"/{lang}/reports/close-cycle/", {"meeting": meeting.pk, "confirm": "on"})
    snapshot = Snapshot.objects.get()
    assert closed.status_code == 302 and closed["Location"].endswith(f"/reports/{snapshot.pk}/")
    # The next cycle opens on that plenary's day; it cannot close at the same plenary again.
    page = client.get(f"/{lang}/reports/close-cycle/").content.decode()
    assert 'id="next-step"' in page and f'value="{meeting.pk}"' not in page
    client.post(f"/{lang}/reports/{snapshot.pk}/generate/", {"language": lang})
    job = Job.objects.get(kind=Job.Kind.REPORT)
    assert job.state == Job.State.DONE, job.message
