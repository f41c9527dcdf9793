"""Presentation: the change history marks the words that changed; a printed page shows its
content only."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from hkcq.core.history import word_diff


def test_changed_words_are_marked_not_the_whole_paragraph():
    before, after = word_diff("Hold the summit in Chongqing in 2024.", "Hold the summit in Hong Kong in 2025.")
    assert before == "Hold the summit in <del>Chongqing</del> in <del>2024</del>."
    assert after == "Hold the summit in <ins>Hong Kong</ins> in <ins>2025</ins>."


def test_chinese_is_compared_character_by_character():
    before, after = word_diff("在重慶舉辦高峰論壇", "在香港舉辦高峰論壇")
    assert before == "在<del>重慶</del>舉辦高峰論壇"
    assert after == "在<ins>香港</ins>舉辦高峰論壇"


def test_the_texts_are_escaped():
    before, after = word_diff("<b>a</b>", "<b>b</b>")
    assert "<b>" not in before and "&lt;b&gt;" in after and "<ins>b</ins>" in after


def test_the_history_table_shows_the_marked_words(client, secretariat_hk):
    import datetime as dt

    from django.utils import timezone

    from hkcq.core.translated import TText
    from hkcq.registry.tests.factories import MeasureFactory

    measure = MeasureFactory.create()
    # Made a day ago: a change right after the creation, by the same person, joins the creation.
    measure.history.update(history_date=timezone.now() - dt.timedelta(days=1))
    old = measure.title.en
    measure.title = TText.of(en=old + " and more", zh_hant=measure.title.zh_hant)
    measure.save()
    client.force_login(secretariat_hk)
    html = client.get(f"/en/measures/{measure.ext_id}/").content.decode()
    assert "<ins> and more</ins>" in html or "<ins>and more</ins>" in html


def _print_block() -> str:
    css = (Path(settings.BASE_DIR) / "hkcq/static/css/site.css").read_text(encoding="utf-8")
    match = re.search(r"@media print\s*{(.*?)\n}", css, re.S)
    assert match, "site.css has no print styles"
    return match.group(1)


def test_printed_pages_hide_navigation_footer_and_forms():
    block = _print_block()
    hidden = block.partition("{ display: none !important; }")[0]
    for selector in ("header", "nav", "footer", "form", ".btn"):
        assert re.search(rf"(^|[\s,]){re.escape(selector)}\s*,", hidden + ","), selector


def test_tracking_and_report_pages_load_the_print_styles(client, db):
    from hkcq.enquiries.services import Filing, enquiry_submit

    enquiry = enquiry_submit(
        filing=Filing(question="How do I renew my permit?", email="a@example.org", consent=True)
    ).enquiry
    for url in (f"/en/enquiries/track/{enquiry.token}/", "/en/reports/"):
        html = client.get(url).content.decode()
        assert "css/site.css" in html and "<main" in html
