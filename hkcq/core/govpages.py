"""The pages a government site carries: the privacy policy (the personal-data notice), the
accessibility statement, how to contact the secretariat and the important notices (disclaimer
and copyright). Each is written in the three languages (one template per language, in
``core/pages/<page>/<language>.html``) and carries the date it was last revised; the footer of
every page links to them.

Revise a page: edit its three templates together and change its date below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class InfoPage:
    slug: str
    title: Promise
    revised: dt.date


PAGES = {
    page.slug: page
    for page in (
        InfoPage("privacy", _("Privacy policy"), dt.date(2026, 12, 5)),
        InfoPage("accessibility", _("Accessibility statement"), dt.date(2026, 12, 5)),
        InfoPage("contact", _("Contact us"), dt.date(2026, 12, 5)),
        InfoPage("notices", _("Important notices"), dt.date(2026, 12, 5)),
    )
}
