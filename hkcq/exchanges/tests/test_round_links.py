"""Rounds made by ``POST /api/v1/rounds`` and by a spreadsheet reach accepted pairs: entries are
linked to an organisation profile (its members answer) or to an account (by e-mail), those
linked are told their result in their own language and answer; for an entry linked to nobody the
organiser records the answer with a reason; a declined place goes to the next in a second run that
keeps accepted pairs; accepted pairs become exchange records. Bad links are refused with a
translated error and nothing changes."""

from __future__ import annotations

import copy

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.exchanges import services
from hkcq.exchanges.models import ExchangeRecord, Pair, PairStatus, Participant, Round, RoundChange
from hkcq.exchanges.tests.factories import UserFactory, area_pk, member, round_areas, round_sheet  # noqa: F401 - round_areas: the fixture
from hkcq.exchanges.tests.test_matrix import state
from hkcq.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name
LANGS = ["en", "zh-hant", "zh-hans"]
CJK = ("\u4e00", "\u9fff")


def _cjk(text: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in text)


def auth(user, lang: str = "en") -> dict[str, str]:
    _, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_ACCEPT_LANGUAGE": lang}


@pytest.fixture
def schools(db):
    """Two Hong Kong schools (organisation profiles with a member each, one reading Simplified
    Chinese, one with a stable id) and one Chongqing school; a Chongqing teacher's own account."""
    hk1 = member("hong_kong", preferred_language="zh-hans")
    hk2 = member("hong_kong", preferred_language="zh-hant")
    hk2[1].ext_id = "hk-school-two"
    hk2[1].save()
    cq1 = member("chongqing", preferred_language="en")
    teacher = UserFactory(email="Teacher.CQ2@example.org", preferred_language="zh-hant")
    return {"hk1": hk1, "hk2": hk2, "cq1": cq1, "teacher": teacher}


def _sister_doc(s) -> dict:
    return {
        "kind": "sister_school",
        "title": "Sister schools 2027",
        "area": "education",
        "response_deadline": "2099-06-30",
        "applicants": [
            {"id": "hk1", "ranks": ["cq1", "cq2"], "profile": s["hk1"][1].pk},
            {"id": "hk2", "ranks": ["cq1"], "profile": "hk-school-two"},
            {"id": "hk3", "ranks": ["cq2"]},  # on paper: nobody linked
        ],
        "hosts": [
            {"id": "cq1", "ranks": ["hk2", "hk1"], "profile": str(s["cq1"][1].pk)},
            {"id": "cq2", "ranks": ["hk1", "hk3"], "email": "teacher.cq2@EXAMPLE.org"},
        ],
    }


def test_a_sister_school_round_made_by_the_api_reaches_accepted_pairs(client, officer_tdc, schools, mailoutbox,
                                                                      django_capture_on_commit_callbacks):  # fmt: skip
    r = client.post("/api/v1/rounds", _sister_doc(schools), content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 201, r.content
    round_ = Round.objects.get(pk=r.json()["id"])
    links = {p.ext_id: (p.profile, p.user) for p in round_.participants.all()}
    assert links["hk2"] == (schools["hk2"][1], None) and links["cq2"] == (None, schools["teacher"])
    assert links["hk3"] == (None, None)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/rounds/{round_.pk}/allocate", **auth(officer_tdc))
    assert r.status_code == 200, r.content
    pairs = {(p["applicant"], p["host"]): p for p in r.json()["pairs"]}
    assert set(pairs) == {("hk2", "cq1"), ("hk1", "cq2")}  # hk3: cq2 prefers hk1; one to one
    assert pairs[("hk1", "cq2")]["applicant_told"] and pairs[("hk1", "cq2")]["host_told"]
    # each linked side told in its own language, by e-mail and in the platform
    hk1_user, teacher = schools["hk1"][0], schools["teacher"]
    assert Notification.objects.get(recipient=hk1_user).title.startswith("你的结果")
    assert Notification.objects.get(recipient=teacher).title.startswith("你的結果")
    assert Notification.objects.get(recipient=schools["cq1"][0]).title.startswith("Your result")
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address[teacher.email].subject.startswith("你的結果")
    assert by_address[hk1_user.email].subject.startswith("你的结果")
    assert "2099年6月30日" in by_address[hk1_user.email].body  # the answer deadline, in their language
    assert "30 June 2099" in by_address[schools["cq1"][0].email].body
    # the linked sides answer for themselves, through the API
    pair = Pair.objects.get(round=round_, applicant__ext_id="hk1")
    for who in (hk1_user, teacher):
        r = client.post(
            f"/api/v1/pairs/{pair.pk}/answer", {"accept": True}, content_type="application/json", **auth(who)
        )
        assert r.status_code == 200, r.content
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACCEPTED and ExchangeRecord.objects.filter(pair=pair).exists()
    # hk2's school accepts; cq1's member declines: the place goes back into the next run
    other = Pair.objects.get(round=round_, applicant__ext_id="hk2")
    services.pair_respond(user=schools["hk2"][0], pair=other, accept=True)
    services.pair_respond(user=schools["cq1"][0], pair=other, accept=False)
    other.refresh_from_db()
    assert other.status == PairStatus.DECLINED
    services.round_allocate(user=officer_tdc, round_=round_)
    live = {(p.applicant.ext_id, p.host.ext_id, p.status) for p in round_.pairs.exclude(status="declined")}
    assert ("hk1", "cq2", "accepted") in live  # the accepted pair is kept
    assert not any(a == "hk2" and h == "cq1" for a, h, _ in live)


def test_an_internship_round_made_by_the_api_places_with_capacities_and_paper_answers(client, officer_tdc):
    students = [UserFactory(preferred_language=lang) for lang in ("en", "zh-hant")]
    desk = member("chongqing")
    doc = {
        "kind": "internship",
        "title": "Internships 2027",
        "area": "education",
        "applicants": [
            {"id": "s1", "ranks": ["p1"], "email": students[0].email},
            {"id": "s2", "ranks": ["p1", "p2"], "email": students[1].email},
            {"id": "s3", "ranks": ["p1", "p2"]},  # applied on paper
            {"id": "s4", "ranks": ["p2"]},
        ],
        "hosts": [
            {"id": "p1", "capacity": 2, "ranks": ["s3", "s1", "s2"], "profile": desk[1].pk},
            {"id": "p2", "capacity": 1, "ranks": ["s2", "s4"]},  # a host that answers on paper
        ],
    }
    r = client.post("/api/v1/rounds", doc, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = client.post(f"/api/v1/rounds/{rid}/allocate", **auth(officer_tdc))
    pairs = {p["applicant"]: p for p in r.json()["pairs"]}
    assert {a: p["host"] for a, p in pairs.items()} == {"s3": "p1", "s1": "p1", "s2": "p2"}
    assert r.json()["unplaced"] == ["s4"]
    assert not pairs["s3"]["applicant_told"] and pairs["s3"]["host_told"] and not pairs["s2"]["host_told"]
    # the organiser answers for s3 (paper) and for p2; a participant cannot answer on behalf of anyone
    r = client.post(
        f"/api/v1/pairs/{pairs['s2']['id']}/answer",
        {"accept": True, "on_behalf_of": "host", "reason": "Letter of 3 May"},
        content_type="application/json",
        **auth(students[1]),
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/pairs/{pairs['s3']['id']}/answer",
        {"accept": True, "on_behalf_of": "applicant", "reason": "Phoned on 3 May"},
        content_type="application/json",
        **auth(officer_tdc),
    )
    assert r.status_code == 200 and r.json()["applicant_accepted"] is True, r.content
    # a linked side is never answered for: it answers itself
    before = state()
    r = client.post(
        f"/api/v1/pairs/{pairs['s3']['id']}/answer",
        {"accept": True, "on_behalf_of": "host", "reason": "x"},
        content_type="application/json",
        **auth(officer_tdc, "zh-hans"),
    )
    assert r.status_code == 422 and _cjk(r.json()["error"]["message"]) and state() == before
    services.pair_respond(user=desk[0], pair=Pair.objects.get(pk=pairs["s3"]["id"]), accept=True)
    services.pair_respond(user=desk[0], pair=Pair.objects.get(pk=pairs["s1"]["id"]), accept=True)
    services.pair_respond(user=students[0], pair=Pair.objects.get(pk=pairs["s1"]["id"]), accept=True)
    # s2 declines p2: the second run offers p2 to s4, keeping the accepted pairs
    services.pair_respond(user=students[1], pair=Pair.objects.get(pk=pairs["s2"]["id"]), accept=False)
    r = client.post(f"/api/v1/rounds/{rid}/allocate", **auth(officer_tdc))
    now = {p["applicant"]: (p["host"], p["status"]) for p in r.json()["pairs"]}
    assert now == {"s1": ("p1", "accepted"), "s3": ("p1", "accepted"), "s4": ("p2", "offered")}
    s4 = Pair.objects.get(round_id=rid, applicant__ext_id="s4")
    for side in ("applicant", "host"):
        services.pair_answer_for(user=officer_tdc, pair=s4, side=side, accept=True, reason="Signed form")
    s4.refresh_from_db()
    assert s4.status == PairStatus.ACCEPTED
    assert ExchangeRecord.objects.filter(pair__round_id=rid).count() == 3
    answered = RoundChange.objects.filter(round_id=rid, action="answered_for")
    assert {c.reason for c in answered} == {"Phoned on 3 May", "Signed form"}
    assert Pair.objects.get(pk=pairs["s3"]["id"]).history.filter(history_change_reason="Phoned on 3 May").exists()


@pytest.mark.parametrize(
    ("change", "where", "field"),
    [
        (lambda d, s: d["applicants"][0].update(profile=999999), "applicant hk1", "profile"),  # unknown profile
        (lambda d, s: d["applicants"][1].update(profile="no-such-school"), "applicant hk2", "profile"),
        (lambda d, s: d["hosts"][1].update(email="nobody@example.org"), "host cq2", "email"),
        (lambda d, s: d["applicants"][1].update(profile=s["hk1"][1].pk), "applicant hk2", "profile"),  # duplicate
        (lambda d, s: d["applicants"][0].update(ranks=["cq1", "cq1"]), "applicant hk1", "ranks"),  # duplicate ranks
        (lambda d, s: d["applicants"][0].update(ranks=["cq9"]), "applicant hk1", "ranks"),  # ineligible host
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_bad_documents_are_refused_in_the_readers_language_and_nothing_is_created(
    client, officer_tdc, schools, change, where, field, lang
):
    doc = copy.deepcopy(_sister_doc(schools))
    change(doc, schools)
    before = state()
    r = client.post("/api/v1/rounds", doc, content_type="application/json", **auth(officer_tdc, lang))
    assert r.status_code == 422, r.content
    details = r.json()["error"]["details"]
    assert where in details, details
    assert _cjk(" ".join(details[where])) == (lang != "en"), details
    assert state() == before


def test_linking_on_a_round_after_creation(officer_tdc, schools):
    doc = _sister_doc(schools)
    for entry in [*doc["applicants"], *doc["hosts"]]:
        entry.pop("profile", None)
        entry.pop("email", None)
    round_ = services.round_create(user=officer_tdc, data=doc)
    hk1 = round_.participants.get(ext_id="hk1", role=Participant.APPLICANT)
    hk2 = round_.participants.get(ext_id="hk2", role=Participant.APPLICANT)
    services.round_allocate(user=officer_tdc, round_=round_)
    assert not Notification.objects.filter(recipient=schools["hk1"][0]).exists()  # nobody to tell yet
    # linking tells the newly linked people the result they missed
    services.participant_link(user=officer_tdc, participant=hk1, profile=schools["hk1"][1].pk)
    assert Notification.objects.get(recipient=schools["hk1"][0]).title.startswith("你的结果")
    before = state()
    bad = [
        ({"profile": "999999"}, "profile"),
        ({"profile": schools["hk1"][1].pk}, "profile"),  # already hk1's
        ({"email": "nobody@example.org"}, "email"),
    ]
    for kwargs, field in bad:
        with pytest.raises(InvalidInput) as exc:
            services.participant_link(user=officer_tdc, participant=hk2, **kwargs)
        assert field in exc.value.details
    # a re-link needs a reason; the side is checked once the round says which side applies
    with pytest.raises(InvalidInput) as exc:
        services.participant_link(user=officer_tdc, participant=hk1, profile=schools["hk2"][1].pk)
    assert "reason" in exc.value.details
    services.round_update(user=officer_tdc, round_=round_, data={"applicant_side": "hong_kong"})
    before = state()
    with pytest.raises(InvalidInput) as exc:
        services.participant_link(user=officer_tdc, participant=hk2, profile=schools["cq1"][1].pk)
    assert "profile" in exc.value.details
    with pytest.raises(NotPermitted):
        services.participant_link(user=schools["hk2"][0], participant=hk2, profile=schools["hk2"][1].pk)
    assert state() == before
    services.participant_link(
        user=officer_tdc, participant=hk1, profile=None, email=schools["teacher"].email, reason="The head teacher"
    )
    change = RoundChange.objects.filter(round=round_, action="linked").last()
    assert change.reason == "The head teacher" and schools["teacher"].email in change.detail


def test_capacity_below_the_fixed_places_is_refused_in_chinese(client, officer_tdc):
    round_ = services.round_create(
        user=officer_tdc,
        data={
            "kind": "internship",
            "title": "Internships",
            "area": "education",
            "applicants": [{"id": "s1", "ranks": ["p1"]}, {"id": "s2", "ranks": ["p1"]}],
            "hosts": [{"id": "p1", "capacity": 2, "ranks": ["s1", "s2"]}],
        },
    )
    for ext_id in ("s1", "s2"):
        services.pair_fix(
            user=officer_tdc,
            round_=round_,
            applicant=round_.participants.get(ext_id=ext_id),
            host=round_.participants.get(ext_id="p1"),
            reason="Agreed",
        )
    client.force_login(officer_tdc)
    before = state()
    r = client.post(
        f"/zh-hant/rounds/{round_.pk}/do/capacity/",
        {"cap-host": "p1", "cap-capacity": "1", "cap-reason": "Fewer"},
        follow=True,
    )
    assert state() == before
    text = " ".join(str(m) for m in r.context["messages"])
    assert "2" in text and _cjk(text), text


# -- pages: the spreadsheet path, in three languages ---------------------------------------------
HEAD = ["role", "id", "name", "places", "ranking", "language", "profile", "email"]
TOLD = {"en": "nobody was told", "zh-hant": "沒有人獲通知", "zh-hans": "没有人收到通知"}
RANKING_HEADER = {"en": "Ranking", "zh-hant": "志願排序", "zh-hans": "志愿排序"}
ACCEPTED = {"en": "Accepted", "zh-hant": "已接受", "zh-hans": "已接受"}
OWN_ACCEPTED = {"en": "accepted", "zh-hant": "已接受", "zh-hans": "已接受"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["sister_school", "internship"])
def test_an_uploaded_round_reaches_accepted_pairs_through_pages(client, officer_tdc, schools, lang, kind):
    places = 1 if kind == "sister_school" else 2
    rows = [
        HEAD,
        ["applicant", "hk1", "School One", None, "cq1", "en", schools["hk1"][1].pk, None],
        ["applicant", "hk3", "Paper School", None, "cq1", "zh-hant", None, None],
        ["host", "cq1", "Host One", places, "hk3, hk1", "en", None, schools["teacher"].email],
    ]
    client.force_login(officer_tdc)
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": kind, "title": "Uploaded", "area": area_pk(), "dry_run": "on", "file": round_sheet(rows)},
    )
    assert r.status_code == 200 and Round.objects.count() == 0
    assert r.context["preview"]["linked"] == 2 and r.context["preview"]["unlinked"] == 1
    r = client.post(
        f"/{lang}/rounds/new/", {"kind": kind, "title": "Uploaded", "area": area_pk(), "file": round_sheet(rows)}
    )
    assert r.status_code == 302, r.context and r.context["preview"]
    round_ = Round.objects.get()
    assert round_.participants.get(ext_id="hk1").profile == schools["hk1"][1]
    assert round_.participants.get(ext_id="cq1").user == schools["teacher"]
    r = client.post(f"/{lang}/rounds/{round_.pk}/do/allocate/", follow=True)
    page = r.content.decode()
    # the page says truthfully who was told and who must be answered for
    assert TOLD[lang] in page and "hk3" in page
    assert "both sides" not in page
    hk3_pair = Pair.objects.get(round=round_, applicant__ext_id="hk3")
    assert 'name="side" value="applicant"' in page and f"ans-{hk3_pair.pk}-applicant" in page
    assert f"ans-{hk3_pair.pk}-host" not in page  # cq1 is linked: it answers itself
    assert RANKING_HEADER[lang] in page
    # the organiser records hk3's paper answer; the teacher accepts on the page
    r = client.post(
        f"/{lang}/rounds/pairs/{hk3_pair.pk}/",
        {"action": "answer_for", "side": "applicant", "accept": "yes", "reason": "Letter of 3 May"},
    )
    assert r.status_code == 302
    client.force_login(schools["teacher"])
    page = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert "hk3" in page
    r = client.post(f"/{lang}/rounds/pairs/{hk3_pair.pk}/", {"accept": "yes"})
    hk3_pair.refresh_from_db()
    assert hk3_pair.status == PairStatus.ACCEPTED
    assert ExchangeRecord.objects.filter(pair=hk3_pair).exists()
    page = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
    assert ACCEPTED[lang] in page
    if kind == "internship":  # a second place: hk1 is placed too, and its school accepts
        pair = Pair.objects.get(round=round_, applicant__ext_id="hk1")
        client.force_login(schools["hk1"][0])
        client.post(f"/{lang}/rounds/pairs/{pair.pk}/", {"accept": "yes"})
        # its own answer is shown while the host decides, not the buttons again (found by the trial)
        page = client.get(f"/{lang}/rounds/{round_.pk}/").content.decode()
        row = page.split("<tr><td>School One", 1)[1].split("</tr>", 1)[0]
        assert OWN_ACCEPTED[lang] in row and f"/rounds/pairs/{pair.pk}/" not in row, row
        client.force_login(schools["teacher"])
        client.post(f"/{lang}/rounds/pairs/{pair.pk}/", {"accept": "yes"})
        pair.refresh_from_db()
        assert pair.status == PairStatus.ACCEPTED
    else:
        assert not Pair.objects.filter(round=round_, applicant__ext_id="hk1").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_linking_and_a_bad_link_on_the_round_page(client, officer_tdc, schools, lang):
    round_ = services.round_create(
        user=officer_tdc,
        data={
            "kind": "sister_school",
            "title": "Schools",
            "area": "education",
            "applicants": [{"id": "hk1", "ranks": ["cq1"]}],
            "hosts": [{"id": "cq1", "ranks": ["hk1"]}],
        },
    )
    client.force_login(officer_tdc)
    url = f"/{lang}/rounds/{round_.pk}/do/link/"
    before = state()
    r = client.post(url, {"link-role": "applicant", "link-participant": "hk1", "link-profile": "999999"}, follow=True)
    assert state() == before
    text = " ".join(str(m) for m in r.context["messages"])
    assert "999999" in text and _cjk(text) == (lang != "en")
    r = client.post(
        url, {"link-role": "applicant", "link-participant": "hk1", "link-profile": schools["hk1"][1].pk}, follow=True
    )
    assert round_.participants.get(ext_id="hk1").profile == schools["hk1"][1]
    assert str(schools["hk1"][1].name) in r.content.decode()


def test_the_status_and_the_ranking_column_read_differently_in_chinese(client, officer_tdc):
    round_ = services.round_create(
        user=officer_tdc,
        data={
            "kind": "internship",
            "title": "T",
            "area": "education",
            "applicants": [{"id": "s1"}],
            "hosts": [{"id": "p1"}],
        },
    )
    client.force_login(officer_tdc)
    page = client.get(f"/zh-hans/rounds/{round_.pk}/").content.decode()
    assert "志愿排序中" in page  # the round's status
    assert '<th scope="col">志愿排序</th>' in page  # the participants' column


@pytest.mark.parametrize(("lang", "joined"), [("en", "hk3, hk4"), ("zh-hant", "hk3、hk4"), ("zh-hans", "hk3、hk4")])
def test_the_participants_nobody_told_are_listed_the_way_the_language_lists(client, officer_tdc, schools, lang, joined):
    """Found by the new-user trial: the Chinese message listed the ids with a half-width comma."""
    rows = [
        HEAD,
        ["applicant", "hk3", "Paper School", None, "cq1", "zh-hant", None, None],
        ["applicant", "hk4", "Other Paper School", None, "cq1", "zh-hant", None, None],
        ["host", "cq1", "Host One", 2, "hk3, hk4", "en", None, schools["teacher"].email],
    ]
    client.force_login(officer_tdc)
    r = client.post(
        f"/{lang}/rounds/new/", {"kind": "internship", "title": "Two", "area": area_pk(), "file": round_sheet(rows)}
    )
    assert r.status_code == 302
    round_ = Round.objects.get()
    r = client.post(f"/{lang}/rounds/{round_.pk}/do/allocate/", follow=True)
    told = [str(m) for m in r.context["messages"] if TOLD[lang] in str(m)]
    assert len(told) == 1 and joined in told[0], told
