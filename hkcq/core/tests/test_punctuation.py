"""Chinese pages use Chinese punctuation between the parts of a line: a full-width colon or comma
with no space after it (負責單位：重慶…, 2023年5月11日，重慶), not a space or an ASCII comma."""

import re
from html import unescape

import pytest
from django.test import Client

BLOCK = re.compile(
    r"<(?:/?(?:p|div|li|ul|ol|dt|dd|dl|h\d|tr|td|th|table|section|aside|nav|header|footer|main|form|label|br)\b)[^>]*>"
)
TAG = re.compile(r"<[^>]+>")
SCRIPT = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S)
# A full-width mark followed by a space on the same line (also between two Chinese sentences), or a
# date followed by an ASCII comma.
WRONG = re.compile(r"[：，；][ \t\u00a0]+\S|。[ \t\u00a0]+[\u4e00-\u9fff]|日, ")


def visible_lines(html: str) -> list[str]:
    body = html.split("<body", 1)[1]
    text = TAG.sub("", BLOCK.sub("\n", SCRIPT.sub("", body)))
    return [line for line in unescape(text).splitlines() if line.strip()]


def _pages(client: Client, lang: str) -> list[str]:
    """The home page, an entry, an answer list and the pages the home page links to."""
    home = client.get(f"/{lang}/").content.decode()
    links = sorted(set(re.findall(rf'href="(/{lang}/[^"?#]*)"', home)))
    extra = [f"/{lang}/help/entries/mtp-renewal/", f"/{lang}/help/ask/?q=回鄉證", f"/{lang}/open311/"]
    return [f"/{lang}/", *links[:40], *extra]


@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
def test_chinese_pages_have_no_space_after_full_width_marks(defaults, lang):
    client = Client()
    wrong = []
    for path in _pages(client, lang):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        wrong += [
            f"{path}: {line.strip()[:80]}" for line in visible_lines(response.content.decode()) if WRONG.search(line)
        ]
    assert not wrong, "\n".join(wrong)


def test_the_home_page_dates_a_meeting_in_each_languages_way(defaults):
    client = Client()
    assert "2023年5月11日，重慶" in client.get("/zh-hant/").content.decode()
    assert "2023年5月11日，重庆" in client.get("/zh-hans/").content.decode()
    assert "11 May 2023, Chongqing" in client.get("/en/").content.decode()
