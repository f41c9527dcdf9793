"""E-mail to residents and notifications to staff about enquiries, kept in the outbox with the case
and sent after the commit (so a mail server never loses or blocks a case)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from hkcq.accounts.models import User
from hkcq.core.outbox import email_queue
from hkcq.core.text import mask_personal_data
from hkcq.enquiries import selectors
from hkcq.enquiries.models import (
    Enquiry,
)
from hkcq.notifications.services import notify, notify_rendered, supported_language
from hkcq.registry.models import Unit

logger = logging.getLogger("hkcq.enquiries")


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def tracking_url(enquiry: Enquiry) -> str:
    """The resident's tracking link, in their preferred language."""
    with translation.override(enquiry.language):
        return absolute_url(enquiry.get_tracking_url())


def mail_enqueue_after_commit(*, subject: str, body: str, to: list[str], language: str) -> None:
    """Keep an e-mail (written in ``language``) in the outbox with the case; it is queued once the
    case is committed: a rolled-back change sends nothing."""
    email_queue(subject=subject, body=body, to=to, language=language)


def resident_mail(enquiry: Enquiry, template: str, extra: dict[str, Any] | None = None) -> None:
    with translation.override(enquiry.language):
        context = {"enquiry": enquiry, "tracking_url": tracking_url(enquiry), **(extra or {})}
        subject = " ".join(render_to_string(f"enquiries/email/{template}_subject.txt", context).split())
        body = render_to_string(f"enquiries/email/{template}.txt", context)
        path = enquiry.get_tracking_url()
    resident = enquiry.resident
    if resident is not None and resident.is_active:
        # A signed-in resident also finds it in their notifications; still one e-mail, to the
        # address given with the enquiry.
        notify_rendered(
            resident,
            subject=subject,
            body=body,
            url=path,
            email=enquiry.email,
            language=enquiry.language,
            template=f"enquiries/email/{template}",
            context=context,
        )
    else:
        mail_enqueue_after_commit(subject=subject, body=body, to=[enquiry.email], language=enquiry.language)


def staff_tell(
    enquiry: Enquiry,
    unit: Unit | None,
    template: str,
    extra: dict[str, Any] | None = None,
    *,
    actor: User | None = None,
) -> int:
    """Tell the staff who should act on the case, in the application and by e-mail, each in
    their own language (``hkcq.notifications``): the case's officer for a message on an accepted
    case, else the unit's officers, else the secretariat of its side (``unstaffed``), so that no
    case sits unseen. Whoever caused it (``actor``) is not told. The text is masked: they are not
    (yet) the case's officer. Returns how many people were told."""
    officer = enquiry.assigned_officer if template == "resident_message" else None
    to_tell = selectors.staff_to_tell(unit, officer=officer)
    people = [p for p in to_tell.people if actor is None or p.pk != actor.pk]
    context = {
        "enquiry": enquiry,
        "unit": unit,
        "unstaffed": to_tell.unstaffed,
        "question": mask_personal_data(enquiry.question[:500]),
        **(extra or {}),
    }
    for person in people:
        with translation.override(supported_language(person.preferred_language)):
            url = enquiry.get_absolute_url()
        notify(person, f"enquiries/notify/{template}", context, url=url)
    if not people:
        logger.warning("enquiry %s: nobody to tell (%s)", enquiry.reference, template)
    return len(people)
