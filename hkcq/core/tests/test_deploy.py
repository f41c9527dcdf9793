"""Deployment settings: `check --deploy` is clean for the documented production configuration,
production refuses to start without a real e-mail backend, no backend prints secrets, and every
page carries a strict Content-Security-Policy that its markup keeps to."""

from __future__ import annotations

import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMessage

from hkcq.core.mail import RedactedConsoleBackend

BASE = Path(__file__).resolve().parents[3]


def production_env(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"ALLOW_INSECURE_SECRET_KEY", "TESTING", "DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="platform.example.org",
        CSRF_TRUSTED_ORIGINS="https://platform.example.org",
        SITE_URL="https://platform.example.org",
        EMAIL_HOST="smtp.example.org",
        DATA_DIR=str(tmp_path),
        TASK_BACKEND="database",
        SECURE_HSTS_PRELOAD="1",
    )
    env.pop("EMAIL_BACKEND", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests set it for their own process only
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_for_the_documented_production_configuration(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_email_backend(tmp_path):
    refused = manage(production_env(tmp_path, EMAIL_HOST=None), "check")
    assert refused.returncode != 0 and "EMAIL_HOST" in refused.stderr
    chosen = production_env(tmp_path, EMAIL_HOST=None, EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
    assert manage(chosen, "check").returncode == 0


def test_the_trial_server_of_make_run_starts(tmp_path):
    """``make run`` serves with DEBUG off and a real key, which the settings treat as production:
    it names its e-mail backend (the masked console) so the settings load (they refused to)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"ALLOW_INSECURE_SECRET_KEY", "TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not k.startswith(("EMAIL_", "DATABASE_", "MAKE"))
    }
    env["DATA_DIR"] = str(tmp_path)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        ["make", "-s", "trial-check", f"BIN={Path(sys.executable).parent}"],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_console_hides_links_and_tokens():
    out = io.StringIO()
    token = secrets.token_urlsafe(32)
    body = f"Follow your enquiry: https://platform.example.org/en/enquiries/track/{token}/\nReset: /reset/{token}/"
    RedactedConsoleBackend(stream=out).send_messages(
        [EmailMessage(subject="Enquiry HKCQ-2026-000001-7 received", body=body, to=["a@example.org"])]
    )
    printed = out.getvalue()
    assert "HKCQ-2026-000001-7" in printed and "a@example.org" in printed
    assert token not in printed and "https://" not in printed


@pytest.mark.parametrize(
    "path",
    ["/en/", "/en/enquiries/new/", "/en/suggestions/new/", "/en/help/ask/?q=permit", "/zh-hant/account/sign-in/"],
)
@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_keep_to_it(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=\"", html), "style attribute"
    assert not re.search(r"\s(on[a-z]+|hx-on[:a-z-]*)=\"", html), "inline handler"


def test_staff_pages_keep_to_the_csp(client, secretariat_hk):
    client.force_login(secretariat_hk)
    for path in ("/en/enquiries/queue/", "/en/progress/scale/", "/en/account/", "/en/import/"):
        html = client.get(path).content.decode()
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "words"), [("en", "Events and exchanges"), ("zh-hant", "活動及交流"), ("zh-hans", "活动及交流")]
)
def test_partnering_and_events_are_reached_from_every_page(client, lang, words):
    """A new user found no way to the partnering marketplace, events or rounds (the trial)."""
    html = client.get(f"/{lang}/help/").content.decode()
    assert f'href="/{lang}/partnering/"' in html and f'href="/{lang}/events/"' in html and words in html
