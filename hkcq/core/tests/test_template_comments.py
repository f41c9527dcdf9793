"""A ``{# #}`` comment in a Django template ends on its own line: one spread over two lines is not a
comment and is printed into the page (it once was, into the head of every page)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_comment_spans_lines():
    found = []
    for path in ROOT.rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\{#(?!.*#\})", line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, "a {# comment #} that does not close on its line: use {% comment %}: " + ", ".join(found)
