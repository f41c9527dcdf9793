"""The agenda PDF, as the new-user trial found it (issue 14):

- a Simplified Chinese agenda was set in the Traditional face (Noto Sans CJK TC): each Chinese
  PDF now embeds its own script's face (SC for zh-hans; HK or TC for zh-hant), read from the
  fonts embedded in the PDF;
- the English agenda broke a time range over two lines ("09:00–" / "09:30"): a range is kept
  whole, in the PDF and on every page that shows one (the ``period`` tag).

Built with factories only (no default data)."""

from __future__ import annotations

import io

import pytest
from django.template import Context, Template
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from hkcq.core.dates import show_period
from hkcq.core.translated import TText
from hkcq.exchanges import services
from hkcq.exchanges.tests.factories import EventFactory, MeetingFactory, ProfileFactory, RegistrationFactory, member

pytestmark = pytest.mark.django_db

LONG_NAME = "Chongqing Liangjiang New Area Advanced Manufacturing and Cross-border Logistics Enterprise Association"
LONG_VENUE = "Chongqing International Expo Centre, Exhibition Hall N3, Level 2, Yuelai Avenue, Liangjiang New Area"


def _agenda(client, lang: str) -> tuple[bytes, str]:
    """A participant's agenda PDF in ``lang`` holding one scheduled meeting, and its time range."""
    event = EventFactory(
        title=TText.of(en="Partnership exchange", zh_hant="合作交流會").to_json(),
        venue=TText.of(en=LONG_VENUE, zh_hant="重慶國際博覽中心N3展館二樓，兩江新區悅來大道").to_json(),
    )
    user, profile = member("hong_kong")
    mine = RegistrationFactory(event=event, person=user, profile=profile)
    other = RegistrationFactory(
        event=event,
        profile=ProfileFactory(name=TText.of(en=LONG_NAME, zh_hant="重慶兩江新區先進製造及跨境物流企業協會")),
    )
    MeetingFactory(event=event, requester=mine, recipient=other, slot=1, table=7)
    client.force_login(user)
    answer = client.get(f"/{lang}/events/{event.pk}/mine/agenda.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    with translation.override(lang):
        span = show_period(services.slot_start(event, 1), services.slot_end(event, 1))
    return answer.content, span


def _font_names(content: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        for font in (resources.get("/Font") or DictionaryObject()).get_object().values():
            names.add(str(font.get_object()["/BaseFont"]).lower())
    return names


# The face of each script in fonts-noto-cjk, as WeasyPrint names it: "ABCDEF+noto-sans-cjk-sc".
FACES = {"zh-hans": ({"sc"}, {"tc", "hk", "jp", "kr"}), "zh-hant": ({"hk", "tc"}, {"sc", "jp", "kr"})}


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant"])
def test_a_chinese_agenda_is_set_in_its_own_scripts_face(client, lang):
    content, _span = _agenda(client, lang)
    cjk = {name for name in _font_names(content) if "cjk" in name}
    assert cjk, _font_names(content)  # the Chinese text is set in a CJK face
    wanted, others = FACES[lang]
    faces = {name.split("cjk", 1)[1].lstrip("-")[:2] for name in cjk}
    assert faces & wanted, cjk
    assert not faces & others, cjk


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_time_range_is_kept_on_one_line_in_the_agenda_pdf(client, lang):
    content, span = _agenda(client, lang)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "–" in span
    assert any(span in line for line in text.splitlines()), text


def test_the_period_tag_keeps_a_range_whole_and_lets_a_range_over_two_days_break_only_at_its_dash():
    import datetime as dt

    from django.utils import timezone

    hk = timezone.get_default_timezone()
    start = dt.datetime(2027, 5, 3, 9, 0, tzinfo=hk)
    template = Template("{% load hkcq %}{% period start end %}")
    with translation.override("en"):
        same_day = template.render(Context({"start": start, "end": start + dt.timedelta(minutes=30)}))
        overnight = template.render(Context({"start": start, "end": start + dt.timedelta(days=1)}))
    assert same_day == '<span class="text-nowrap">09:00–09:30</span>'
    assert overnight == '<span class="text-nowrap">09:00</span> – <span class="text-nowrap">4 May 2027, 09:00</span>'


# The printed pages that are not PDFs (the organiser's table cards, printed from the browser) take
# the site's style sheet: each Chinese page names its own script's face before any other.
@pytest.mark.parametrize(("lang", "face"), [("zh-Hans", "Noto Sans CJK SC"), ("zh-Hant", "Noto Sans CJK HK")])
def test_the_style_sheet_gives_each_chinese_page_its_own_face_first(lang, face):
    import re
    from pathlib import Path

    from django.conf import settings

    css = (Path(settings.BASE_DIR) / "hkcq/static/css/site.css").read_text(encoding="utf-8")
    rule = re.search(rf"html:lang\({lang}\) body \{{ font-family: ([^;]+);", css)
    assert rule, f"no font rule for {lang} pages"
    cjk = [f.strip().strip('"') for f in rule.group(1).split(",") if "CJK" in f]
    assert cjk and cjk[0] == face, cjk
