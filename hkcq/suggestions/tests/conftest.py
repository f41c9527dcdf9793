"""The suggestions' tests need none of the default data (a test of the seed itself is marked
``seed`` and asks for ``defaults``): their people are the factory-made personas of
hkcq/accounts/tests/personas.py, their areas, units and meetings made by the registry's factories."""

import time

from django.core import signing

from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
from hkcq.suggestions import services
from hkcq.suggestions.forms import STARTED_SALT


def started(seconds_ago: float = 60) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_data(**overrides):
    data = {
        "title": "Simplify the Home Return Permit renewal",
        "text": "Please let Hong Kong people in Chongqing renew the Home Return Permit locally.",
        "area": "",
        "language": "en",
        "identity": "anonymous",
        "name": "",
        "email": "",
        "consent": "on",
        "website": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def submit(title="Home Return Permit renewal", text="Renew the permit in Chongqing please", **kw):
    kw.setdefault("user", None)
    kw.setdefault("language", "en")
    return services.suggestion_submit(title=title, text=text, **kw)


def publish(suggestion, moderator, **kw):
    title, text = services.redaction_proposal(suggestion)
    kw.setdefault("area", suggestion.suggested_area)
    return services.suggestion_approve(
        user=moderator, suggestion=suggestion, public_title=title, public_text=text, **kw
    )
