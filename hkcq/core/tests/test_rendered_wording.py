"""The glossary held on RENDERED pages, not only in the catalogues: every page kind (found by
walking the URL configuration, as test_page_queries does) is opened in Traditional and in
Simplified Chinese, by a visitor, an officer and the secretariat, and its visible text (and the
labels a screen reader reads) is checked for the glossary's forbidden forms: Hong Kong words and
「」 in Simplified Chinese, “ ” and Mainland words in Traditional Chinese, the other script's term
for a working day (Django's admin, with its own templates, is not checked), half-width colons and commas after Chinese ("状态: 已采纳"),
dates written with spaces ("2023 年 5 月": the glossary's form is "2023年5月") and stored codes or
provenance strings shown as they are stored ("plenary", "in_force", "python-holidays (holidays
package)") instead of their translated label. A code that is meant to be read as a code (a column
of a CSV file, a parameter of the API) is set in ``<code>``, which is left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from hkcq.core.tests.test_page_queries import _fill, _pages
from hkcq.core.tests.test_wording import HONG_KONG_WORDS, NOT_OUR_TERMS

CJK = "\u3400-\u9fff"
FORBIDDEN = {
    "zh-hans": {**HONG_KONG_WORDS, **NOT_OUR_TERMS["zh_Hans"], "工作天": "工作日", "您": "你"},
    "zh-hant": {**NOT_OUR_TERMS["zh_Hant"], "工作日": "工作天", "“": "「", "”": "」", "個聲音": "人", "您": "你"},
}
HALF_WIDTH = re.compile(rf"[{CJK}）][:,;](?=\s|$)")
# Half-width brackets around or next to Chinese: "已创建 (由 张三)", "全體會議 (2023年5月11日)".
HALF_WIDTH_BRACKET = re.compile(rf"[{CJK}]\s*\((?!\))|\(\s*[{CJK}]|[{CJK}]\s*\)")
# A Chinese date takes no spaces: "2026年12月5日", not "2026 年 12 月 5 日".
CHINESE_DATE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*\d{1,2}\s*日")
# Machine sources stored with a record (the default calendars' provenance).
PROVENANCE = ["python-holidays", "holidays package"]
# Machine-readable text set apart as such: left out of the check for stored codes.
CODE_TAGS = {"code", "kbd", "samp", "pre"}
# Proper names that contain a forbidden form (the title of a Hong Kong ordinance).
PROPER_NAMES = ["《个人资料（私隐）条例》"]
HTML_LANG = {"zh-hant": "zh-hant", "zh-hans": "zh-hans"}
READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The text a reader meets in the page's own language (text marked with another ``lang`` is
    left out: a notice shown in the other languages, an English title not yet translated)."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        # The visible text outside <code>: where a stored code must not show.
        self.prose: list[str] = []

    def _foreign(self) -> bool:
        return any(foreign for _tag, foreign in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or "").lower()
        foreign = tag in {"script", "style", "template"} or bool(lang and lang != self.language)
        if tag == "html":
            foreign = False
        if not self._foreign() and not foreign:
            self.parts += [str(v) for k, v in attrs if k in READ_ATTRIBUTES and v]
        if tag not in VOID:
            self.stack.append((tag, foreign))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._foreign() and data.strip():
            self.parts.append(data)
            if not any(tag in CODE_TAGS for tag, _foreign in self.stack):
                self.prose.append(data)


def visible_text(html: str, language: str) -> str:
    parser = _Text(language)
    parser.feed(html)
    return "\n".join(parser.parts)


def visible_prose(html: str, language: str) -> str:
    """The visible text without what is set as code (``<code>``, ``<kbd>``, ``<samp>``, ``<pre>``)."""
    parser = _Text(language)
    parser.feed(html)
    return "\n".join(parser.prose)


def stored_codes() -> set[str]:
    """Every stored choice value that is a code ("in_force", "plenary", "hong_kong"): the values
    of the models' choices, whose label is what a reader should see."""
    from django.apps import apps

    codes = set()
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "contenttypes", "sessions", "sites"}:
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*", value):
                    codes.add(value)
    return codes


# Pages that document a machine interface's parameters and values, typed as they are (to be set in
# <code> by their owners): the Open311 page and the allocation round's spreadsheet format.
DOCUMENTS_CODES = ("/open311/", "/rounds/new/")


def raw_codes(prose: str, codes: set[str]) -> list[str]:
    """Stored codes and machine provenance in the prose of a Chinese page (English words there are
    either marked with ``lang="en"``, left out above, or shown raw)."""
    found = []
    for match in re.finditer(r"(?<![\w/.@-])[a-z][a-z0-9_]*(?![\w/.@-])", prose):
        # A word inside English text (a title in English, a trade name) is that text's, not a
        # code shown alone: the nearest letters on both sides are not Latin.
        before = re.search(r"[^\s\W\d]\W*$", prose[: match.start()])
        after = re.match(r"\W*[^\s\W\d]", prose[match.end() :])
        english = [m for m in (before, after) if m and re.search(r"[A-Za-z]", m.group(0))]
        if match.group(0) in codes and not english:
            found.append(f"stored code shown raw: …{prose[max(0, match.start() - 20) : match.end() + 20]!r}…")
    for name in PROVENANCE:
        if name in prose:
            start = prose.index(name)
            found.append(f"provenance shown raw: …{prose[max(0, start - 20) : start + len(name) + 20]!r}…")
    return found


def problems(text: str, language: str) -> list[str]:
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    found = []
    for word, instead in FORBIDDEN[language].items():
        for match in re.finditer(re.escape(word), text):
            found.append(f"{word} → {instead}: …{text[max(0, match.start() - 20) : match.end() + 20]!r}…")
    for match in [*HALF_WIDTH.finditer(text), *HALF_WIDTH_BRACKET.finditer(text)]:
        found.append(f"half-width punctuation: …{text[max(0, match.start() - 20) : match.end() + 20]!r}…")
    # Python's None shown as a value ("你的相关合作机会：None"): an English word that a Chinese page can
    # only get from a value that was empty.
    for match in re.finditer(r"(?<![\w-])None(?![\w-])", text):
        found.append(f"None shown for an empty value: …{text[max(0, match.start() - 20) : match.end() + 20]!r}…")
    for match in re.finditer(r"(?m)^[ \t]*方[ \t]*$", text):
        found.append(f"方 alone, its place name missing: …{text[max(0, match.start() - 20) : match.end() + 20]!r}…")
    for match in CHINESE_DATE.finditer(text):
        if re.search(r"\s", match.group(0)):
            found.append(f"date with spaces: …{text[max(0, match.start() - 20) : match.end() + 20]!r}…")
    return found


def test_the_checker_finds_the_reported_forms():
    assert problems("状态: 已采纳", "zh-hans")
    assert problems("已更改: 计划完成日期, 内容", "zh-hans")
    assert problems("「一带一路」资讯", "zh-hans")
    assert problems("2 個聲音", "zh-hant")
    assert problems("措施\n方\n状态", "zh-hans") and not problems("香港方\n所属方", "zh-hans")
    assert problems("你的相关合作机会：None", "zh-hans") and not problems("NoneSuch", "zh-hans")
    assert problems("请输入您的姓名", "zh-hans") and problems("請輸入您的姓名", "zh-hant")
    assert problems("已创建 (由 demo-secretariat-hk)", "zh-hans")
    assert problems("全體會議 (2023年5月11日)", "zh-hant")
    assert not problems("已创建（由张三）", "zh-hans")
    assert problems("10 个工作天", "zh-hans")
    assert not problems("状态：已采纳，“一带一路”信息", "zh-hans")
    assert problems("於 2023 年 5 月設立", "zh-hant")
    assert problems("2026年12月 5日", "zh-hans")
    assert not problems("2023年5月設立，最近 90 日", "zh-hant")
    codes = {"plenary", "in_force", "agreement"}
    assert raw_codes("類別：plenary", codes) and raw_codes("狀態（in_force）", codes)
    assert raw_codes("來源：python-holidays (holidays package)", codes)
    assert not raw_codes("https://example.org/plenary/ a@agreement.org", codes)
    assert not raw_codes("標題：Supply chain finance, agreement drafting", codes)
    html = '<html lang="zh-Hant"><p>類別：<code>plenary</code> 全體會議</p><p lang="en">plenary</p></html>'
    assert visible_prose(html, "zh-hant") == "類別：\n 全體會議"
    html = '<html lang="zh-Hans"><p lang="zh-Hant">「繁體」</p><p>简体</p><input placeholder="资讯"></html>'
    assert visible_text(html, "zh-hans") == "简体\n资讯"


@pytest.fixture
def sample_records(defaults):
    """Records for the pages that show one: an enquiry (the default data has none)."""
    from hkcq.enquiries.services import Filing, enquiry_submit

    enquiry_submit(filing=Filing(question="How do I renew my travel permit?", email="a@example.org", consent=True))


@pytest.mark.seed  # every page kind with the default data, as the demo accounts see it
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_rendered_pages_hold_the_glossary(client, sample_records, language):
    from hkcq.accounts.models import User

    member, officer_hk, secretariat_hk, resident = (
        User.objects.get(username=f"demo-{name}") for name in ("partner-cq", "officer-hk", "secretariat-hk", "resident")
    )
    codes = stored_codes()
    found: dict[str, list[str]] = {}
    opened = 0
    people = (
        ("visitor", None),
        ("resident", resident),
        ("member", member),
        ("officer", officer_hk),
        ("secretariat", secretariat_hk),
    )
    for who, user in people:
        if user is not None:
            client.force_login(user)
        for route in _pages():
            url = _fill(route)
            if url is None or not url.startswith(("/en/", "/zh-hant/", "/zh-hans/")) or "/admin/" in url:
                continue
            url = f"/{language}/" + url.split("/", 2)[2]
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            opened += 1
            html = response.content.decode()
            shown_raw = [] if url.endswith(DOCUMENTS_CODES) else raw_codes(visible_prose(html, language), codes)
            for problem in problems(visible_text(html, language), language) + shown_raw:
                found.setdefault(problem, []).append(f"{who} {url}")
    assert opened > 60
    report = [f"{problem}\n    on {', '.join(sorted(set(where))[:3])}" for problem, where in sorted(found.items())]
    assert not report, f"{len(report)} forms the glossary forbids:\n" + "\n".join(report)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_emails_hold_the_glossary(officer_hk, monkeypatch, mailoutbox, django_capture_on_commit_callbacks, language):
    """The e-mails a resident gets in Chinese (received, tracking link, reply) hold the glossary
    as the pages do."""
    from hkcq.enquiries import knowledge, services

    unit = officer_hk.units.get()  # the knowledge base routes the question to the officer's unit
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=unit, answered=False))
    with django_capture_on_commit_callbacks(execute=True):
        case = services.enquiry_submit(
            filing=services.Filing(
                question="回鄉證到期後如何續期？", email="chan@example.org", consent=True, language=language
            )
        ).enquiry
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_tracking_link_request(reference=case.reference, email="chan@example.org")
    officer = officer_hk
    assert case.assigned_unit == unit
    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_accept(user=officer, enquiry=case)
        services.enquiry_reply(user=officer, enquiry=case, body="請帶同證件辦理。")
    mails = [m for m in mailoutbox if "chan@example.org" in m.to]
    assert len(mails) >= 3, [m.subject for m in mails]
    found = [f"{m.subject}: {p}" for m in mails for p in problems(f"{m.subject}\n{m.body}", language)]
    assert not found, "\n".join(found)
