"""Counts go through ngettext ("1 update has been published", never "1 updates have been
published"): a message with a counted placeholder is written with its plural, in the code and in
the templates."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "hkcq"
# gettext("... %(count)d updates ...") - a counted noun in a message that has no plural form.
PY_COUNTED = re.compile(r"""(?:\bgettext(?:_lazy)?|\b_)\(\s*["'][^"']*%\(\w+\)d [a-z]{2,}s\b""")
# Limits that are always many (a constant maximum, never 1).
ALWAYS_MANY = re.compile(r"at most %\(\w+\)d characters|under %\(\w+\)d characters|%\(\w+\)d characters or fewer")
BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b([^%]*)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S)


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return [
        p
        for p in sorted(ROOT.rglob("*"))
        if p.suffix in suffixes and "tests" not in p.parts and "migrations" not in p.parts
    ]


def test_counted_messages_in_the_code_have_a_plural():
    found = []
    for path in _files((".py",)):
        text = path.read_text(encoding="utf-8")
        for match in PY_COUNTED.finditer(text):
            line = text[match.start() : text.find("\n", match.end())]
            if not ALWAYS_MANY.search(line):
                found.append(f"{path.relative_to(ROOT)}: {line.strip()[:100]}")
    assert not found, "Use ngettext:\n" + "\n".join(found)


def test_counted_blocks_in_the_templates_have_a_plural():
    found = []
    for path in _files((".html", ".txt")):
        for match in BLOCK.finditer(path.read_text(encoding="utf-8")):
            options, body = match.groups()
            if re.search(r"\bcount\b", options) and "{% plural %}" not in body:
                found.append(f"{path.relative_to(ROOT)}: {body.strip()[:80]}")
    assert not found, "A {% blocktranslate count %} needs its {% plural %}:\n" + "\n".join(found)


def test_the_cycle_page_says_one_update_in_the_singular(client, secretariat_hk):
    from hkcq.progress.services import cycle_current

    cycle_current()
    client.force_login(secretariat_hk)
    html = client.get("/en/reports/close-cycle/").content.decode()
    assert "0 updates have been published" in html  # none yet: the plural
    assert re.search(r"open since \d{1,2} [A-Z][a-z]+ \d{4};", html)  # a date as people read it, not ISO
