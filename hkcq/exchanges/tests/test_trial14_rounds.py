"""What the new-user trial of 2026-12-05 (trial14) found on a sister-school round, each fixed:

- the two sides of a pair the organiser fixed by hand were never told (no e-mail, nothing on the
  platform), while the organiser's page said "told"; a run now tells them, once;
- a participant could not see whom they could rank: the ranking box asked for "the ids" of the
  other side, which only the organiser's list of participants shows; the page now lists them;
- a ranking typed with Chinese commas ("h2，h1", "h2、h1") was refused as "not eligible" and lost;
- fixing a pair or changing a host's places said nothing;
- the list of participants (schools, organisations, students) headed their names 姓名 (a person's).

Built with factories (no default data)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from hkcq.exchanges import services
from hkcq.exchanges.models import Pair, Participant
from hkcq.exchanges.tests.factories import mail_by_address, two_school_round

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]


def test_a_pair_fixed_by_hand_is_told_with_the_run_once(
    organiser, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = two_school_round(organiser, people)
    entry = {p.ext_id: p for p in round_.participants.all()}
    services.pair_fix(user=organiser, round_=round_, applicant=entry["a2"], host=entry["h2"], reason="Ceremony")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=organiser, round_=round_)
    sent = mail_by_address(mailoutbox)
    # every person behind the four entries is told once, in their language: the fixed pair too
    assert sorted(run["told"]) == ["a1", "a2", "h1", "h2"] and run["not_told"] == []
    for key in ("a1", "a2", "h1", "h2"):
        assert len(sent[people[key][0].email]) == 1, key
    assert "Jiangbei School" in sent[people["a2"][0].email][0].body
    assert "Victoria College" in sent[people["h2"][0].email][0].body
    # a later run keeps the fixed pair and does not tell it again
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=organiser, round_=round_)
    assert mailoutbox == [] and run["told"] == []


def test_a_pair_fixed_after_a_run_is_told_with_the_next_run(
    organiser, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = two_school_round(organiser, people)
    services.round_allocate(user=organiser, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a2")
    services.pair_withdraw(user=organiser, pair=pair, reason="Moved")
    round_.refresh_from_db()  # as the page reads it after the run
    entry = {p.ext_id: p for p in round_.participants.all()}
    services.pair_fix(user=organiser, round_=round_, applicant=entry["a2"], host=entry["h2"], reason="Agreed")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=organiser, round_=round_)
    assert sorted(run["told"]) == ["a2", "h2"]
    assert sorted(mail_by_address(mailoutbox)) == sorted([people["a2"][0].email, people["h2"][0].email])


@pytest.mark.parametrize(
    ("lang", "lead"),
    [
        ("en", "The hosts you can rank, by their ids:"),
        ("zh-hant", "可列入志願排序的接待方（請填寫其編號）："),
        ("zh-hans", "可列入志愿排序的接待方（请填写其编号）："),
    ],
)
def test_a_participant_sees_whom_they_can_rank(client, organiser, people, lang, lead):
    round_ = two_school_round(organiser, people, kind="internship")
    client.force_login(people["a1"][0])
    html = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert lead in html
    for text in ("<td>h1</td><td>Yuzhong School</td><td>1</td>", "<td>h2</td><td>Jiangbei School</td><td>1</td>"):
        assert text in html
    # a host sees the applicants (without places)
    client.force_login(people["h1"][0])
    html = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert "<td>a2</td><td>Victoria College</td></tr>" in html


@pytest.mark.parametrize("typed", ["h2，h1", "h2、h1", "h2；h1", " h2 , h1 "])
def test_a_ranking_typed_with_chinese_commas_is_saved(client, organiser, people, typed):
    round_ = two_school_round(organiser, people)
    entry = round_.participants.get(ext_id="a1")
    client.force_login(people["a1"][0])
    response = client.post(f"/zh-hant/rounds/{round_.pk}/ranks/{entry.pk}/", {f"p{entry.pk}-ranks": typed})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.ranks == ["h2", "h1"]
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["你的志願排序已儲存。"]


@pytest.mark.parametrize(
    ("lang", "fixed", "places", "name"),
    [
        ("en", "The pair is fixed: every run of the allocation keeps it.", "The places are changed.", "Name"),
        ("zh-hant", "已指定配對：每次進行分配都會保留這個配對。", "名額已經更改。", "名稱"),
        ("zh-hans", "已指定配对：每次进行分配都会保留这个配对。", "名额已经更改。", "名称"),
    ],
)
def test_the_organiser_is_told_a_fix_and_a_change_of_places_are_done(
    client, organiser, people, lang, fixed, places, name
):
    round_ = two_school_round(organiser, people, kind="internship")
    client.force_login(organiser)
    url = f"/{lang}/rounds/{round_.pk}/do/"
    response = client.post(
        url + "fix/", {"fix-applicant": "a1", "fix-host": "h2", "fix-reason": "Ceremony"}, follow=True
    )
    assert fixed in response.content.decode()
    assert Pair.objects.filter(round=round_, applicant__ext_id="a1", host__ext_id="h2", fixed=True).exists()
    response = client.post(
        url + "capacity/", {"cap-host": "h1", "cap-capacity": "2", "cap-reason": "Two desks"}, follow=True
    )
    html = response.content.decode()
    assert places in html
    assert Participant.objects.get(round=round_, ext_id="h1").capacity == 2
    # the participants' names (schools, organisations, students) are headed as names, not a person's
    assert f'<th scope="col">{name}</th>' in html


@pytest.mark.parametrize(
    ("lang", "pending", "told"),
    [
        ("en", "to be told with the next run (fixed by hand since the last)", "told (e-mail and on the platform)"),
        ("zh-hant", "將於下次分配時通知（上次分配後以人手指定）", "已獲通知（電郵及平台）"),
        ("zh-hans", "将在下次分配时通知（上次分配后人工指定）", "已收到通知（电子邮件及平台）"),
    ],
)
def test_a_pair_fixed_by_hand_is_not_shown_as_told_before_the_run(
    client, organiser, people, django_capture_on_commit_callbacks, lang, pending, told
):
    """The organiser's page said "told" beside a pair fixed by hand before any run had told it."""
    round_ = two_school_round(organiser, people)
    entry = {p.ext_id: p for p in round_.participants.all()}
    services.pair_fix(user=organiser, round_=round_, applicant=entry["a2"], host=entry["h2"], reason="Ceremony")
    client.force_login(organiser)
    page = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert page.count(pending) == 2 and told not in page  # both sides of the one pair
    with django_capture_on_commit_callbacks(execute=True):
        services.round_allocate(user=organiser, round_=round_)
    page = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert pending not in page and told in page
