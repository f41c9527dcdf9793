"""The plenary report's PDF (Typst): contents, page numbers, headers repeated on every page of a
long table, the three languages with their fonts, and user text that is never read as markup."""

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from hkcq.accounts.tests import personas
from hkcq.registry.models import Area, Measure
from hkcq.reporting import pdf, reports, services
from hkcq.reporting.tests.helpers import open_cycle, plenary

secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account

# Every character that means something in Typst markup or code.
NASTY = r"#set page(width: 1cm) *bold* _it_ [x] $x^2$ \ @ref <lbl> `raw` = ~ // -- #"
LONG = 70  # measures in the long area: its table runs over several pages


@pytest.fixture
def long_report(secretariat_hk):
    area = Area.objects.create(
        ext_id="long-area",
        position=0,
        name={"en": "Long area [#1]", "zh-hant": "長領域", "zh-hans": "长领域"},
    )
    for i in range(LONG):
        top = Measure.objects.create(
            ext_id=f"long-{i}",
            area=area,
            position=i,
            code=f"L{i}",
            title={"en": f"Long measure {i}", "zh-hant": f"長措施{i}", "zh-hans": f"长措施{i}"},
        )
        if i % 10 == 0:
            Measure.objects.create(
                ext_id=f"long-{i}-item",
                area=area,
                parent=top,
                position=1,
                code=f"L{i}.1",
                title={"en": f"Item of {i}", "zh-hant": f"長措施{i}的項目", "zh-hans": f"长措施{i}的项目"},
            )
    Measure.objects.create(
        ext_id="nasty", area=area, position=LONG, code="N1", title={"en": NASTY, "zh-hant": NASTY, "zh-hans": NASTY}
    )
    open_cycle()
    snapshot = services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    return reports.compare(snapshot.data, None)


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _flat(text: str) -> str:
    return "".join(text.split())


def test_contents_page_numbers_measures_kept_whole_and_user_text_as_typed(long_report):
    content = pdf.report_pdf(long_report, "en")
    pages = _pages(content)
    contents = _flat(pages[1])
    assert contents.startswith("Contents")
    for heading in ("Summary", "Progressbyareaandmeasure", "Longarea[#1]", "Decisionsandtheirfollow-up"):
        assert heading in contents, heading
    # the page the contents give for the long area is where its table starts
    listed = int(re.search(r"Longarea\[#1\]\.*(\d+)", contents).group(1))
    assert "Longmeasure0" in _flat(pages[listed - 1])
    assert "Longmeasure0" not in _flat(pages[listed - 2])
    # numbered pages ("n / total"), none on the cover; the viewer's outline has the sections too
    total = len(pages)
    assert f"{total}/{total}" in _flat(pages[-1]) and f"/{total}" not in _flat(pages[0])
    titles = [item.title for item in PdfReader(io.BytesIO(content)).outline if not isinstance(item, list)]
    assert "Summary" in titles and "Progress by area and measure" in titles
    # a measure stays on one page with its item
    flat = [_flat(p) for p in pages]
    for i in range(0, LONG, 10):
        on = [n for n, page in enumerate(flat) if f"L{i}Longmeasure{i}" in page]
        item = [n for n, page in enumerate(flat) if f"L{i}.1Itemof{i}" in page]
        assert on[0] == item[0], i
    # user text is never read as markup: printed as typed, and the page size it names is not set
    assert _flat(f"N1 {NASTY}") in "".join(flat)
    assert all(abs(float(p.mediabox.width) - 595.28) < 1 for p in PdfReader(io.BytesIO(content)).pages)


LANGUAGES = [
    ("en", ["Measure", "HongKong", "Chongqing", "Jointstatus", "Percent", "Thiscycle"], "Contents", "DejaVuSans"),
    ("zh-hant", ["措施", "香港", "重慶", "聯合狀態", "百分比", "本周期"], "目錄", "NotoSansCJKhk"),
    ("zh-hans", ["措施", "香港", "重庆", "联合状态", "百分比", "本周期"], "目录", "NotoSansCJKsc"),
]


def test_the_header_repeats_on_every_page_of_a_long_table_in_each_language(long_report):
    for lang, header, contents, font in LANGUAGES:
        _header_repeats(long_report, lang, header, contents, font)
    data = pdf.document(long_report, "zh-hant")
    line = next(x for area in data["areas"] for g in area["groups"] for x in g["lines"] if x["measure"][:2] == "N1")
    assert line["measure"] == f"N1 {NASTY}"  # passed as a value, never escaped or interpreted
    assert data["labels"]["tree_header"][3] == "聯合狀態"


def _header_repeats(long_report, lang, header, contents, font):
    content = pdf.report_pdf(long_report, lang)
    pages = _pages(content)
    assert _flat(pages[1]).startswith(contents)
    marker = {"en": "Longmeasure", "zh-hant": "長措施", "zh-hans": "长措施"}[lang]
    late = pdf.document(long_report, lang)["labels"]["late_heading"]
    end = next(n for n, page in enumerate(pages) if n > 1 and late in page)  # the lists after the tables
    with_rows = [page for page in pages[:end] if marker in _flat(page)] + [pages[end].split(late)[0]]
    with_rows = [page for page in with_rows if marker in _flat(page)]
    assert len(with_rows) >= 2, "the long table should run over several pages"
    for page in with_rows:
        assert "".join(header) in _flat(page.split(marker)[0]), page[:300]
        if lang != "en":  # on one line: a Chinese header is never broken between its characters
            line = next(line for line in page.splitlines() if header[3] in line)
            assert " ".join(header) in line, line
    fonts = _font_names(content)
    assert any(font.lower() in name.lower() for name in fonts), fonts


def _font_names(content: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        for font in (resources.get("/Font") or DictionaryObject()).get_object().values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_page_the_spreadsheet_and_the_pdf_give_the_same_summary(client, secretariat_hk, lang):
    """The summary's figures are listed once (``reports.SUMMARY_FIGURES``): the report's page, its
    spreadsheet's summary sheet and its PDF each give every figure, with its label in the
    report's language and the same value."""
    area = Area.objects.create(ext_id="a", position=0, name={"en": "Area", "zh-hant": "領域", "zh-hans": "领域"})
    for i in range(3):
        Measure.objects.create(ext_id=f"m{i}", area=area, position=i, code=f"M{i}", title={"en": f"M {i}"})
    open_cycle()
    snapshot = services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    report = reports.compare(snapshot.data, None)
    with translation.override(lang):
        figures = reports.summary_figures(report)
    assert [value for _label, value in figures] == [report["summary"][key] for key, _ in reports.SUMMARY_FIGURES]
    assert figures[0][1] == Measure.objects.count()  # every measure and item
    sheet = reports.summary_rows(report, lang)
    pdf_text = "".join(_flat(text) for text in _pages(pdf.report_pdf(report, lang)))
    page = client.get(f"/{lang}/reports/{snapshot.pk}/")
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]*)</td>', page.content.decode())
    for label, value in figures:
        assert [label, value] in sheet, (label, sheet)
        assert _flat(f"{label}{value}") in pdf_text, label
        assert (label, str(value)) in rows, (label, rows)
