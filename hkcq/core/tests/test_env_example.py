""".env.example names every environment variable the settings read, and nothing they do not read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(
    r"""(?:env|env_bool|env_list|os\.environ\.get|os\.environ\.setdefault)\(\s*["']([A-Z][A-Z0-9_]*)["']|os\.environ\[["']([A-Z][A-Z0-9_]*)["']\]"""
)
LISTED = re.compile(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
# Read by libraries, not by the settings (boto3's credentials), or set for a process, not read.
NOT_SETTINGS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DJANGO_SETTINGS_MODULE"}


def settings_variables() -> set[str]:
    text = (ROOT / "config" / "settings.py").read_text()
    return {a or b for a, b in READ.findall(text)}


def listed_variables() -> set[str]:
    return set(LISTED.findall((ROOT / ".env.example").read_text())) - NOT_SETTINGS


def test_the_pattern_finds_what_the_settings_read():
    found = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "SECURE_HSTS_PRELOAD", "STORAGE_BACKEND", "S3_BUCKET", "REDIS_URL"} <= found
    assert {"EMAIL_HOST", "EMAIL_BACKEND", "TASK_BACKEND", "THROTTLE_DISABLED", "IMPORT_MAX_ROWS"} <= found


def test_every_variable_the_settings_read_is_in_env_example():
    assert sorted(settings_variables() - listed_variables()) == []


def test_env_example_names_no_variable_the_settings_do_not_read():
    # e.g. the LOGIN_FAILURE_* and SUGGESTION_LIMIT_* of earlier versions
    assert sorted(listed_variables() - settings_variables()) == []


def test_each_variable_has_a_comment_in_its_group():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if LISTED.match(line):
            above = [previous for previous in lines[:index] if previous.strip()]
            assert above and (above[-1].startswith("#") or LISTED.match(above[-1])), line
