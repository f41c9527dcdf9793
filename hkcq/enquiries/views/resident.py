"""The resident's pages: file an enquiry (with the personal-data notice), track it, reply, rate,
find a lost tracking link, "My enquiries"."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core import idempotency
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.idempotency import IdempotencyKeyReused
from hkcq.core.pagination import paginate
from hkcq.core.throttle import (
    Throttled,
    form_refused,
    form_throttle_check,
    retry_after_header,
    throttle,
    throttle_count,
)
from hkcq.core.translated import HTML_LANG, LANGUAGE_LABELS, current_language
from hkcq.core.views import redirect_to_page_top
from hkcq.enquiries import forms as eforms
from hkcq.enquiries import permissions, selectors, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.views._shared import _shown_case, _shown_messages


def _notice_text() -> str:
    return _(
        "The information you give here is used only to handle your enquiry. It is passed to the government unit "
        "responsible for the subject, and to the co-operation secretariat, and is kept for two years after the "
        "enquiry is closed. Identity card and phone numbers you type are hidden from everyone except you and the "
        "officer handling your enquiry. You may ask to see or correct your data by replying through your tracking "
        "link."
    )


def _consent_notice() -> dict[str, Any]:
    """The personal-data notice in the page's language, and in the other two for a
    ``<details>`` below it (someone may agree to it in the language they read best)."""
    page_language = current_language()
    others = []
    for code, _name in settings.LANGUAGES:
        if code == page_language:
            continue
        with translation.override(code):
            others.append({"lang": HTML_LANG[code], "label": str(LANGUAGE_LABELS[code]), "text": _notice_text()})
    return {"text": _notice_text(), "others": others}


# -- resident pages ----------------------------------------------------------------------------
def enquiry_new(request: HttpRequest) -> HttpResponse:
    refused: Throttled | None = None
    if request.method == "POST":
        form = eforms.EnquiryForm(request.POST)
        # Only an accepted enquiry counts towards the limit (hkcq/core/throttle.py): a form shown
        # again with its errors costs nothing; a refused one keeps what was typed.
        targets = (request.POST.get("email", ""),)
        refused = form_throttle_check(request, form, "enquiry_submit", targets=targets)
        if refused is None and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.enquiry_submit(
                    filing=services.Filing(
                        question=data["question"],
                        details=data["details"],
                        email=data["email"],
                        phone=data["phone"],
                        language=data["language"],
                        consent=data["consent"],
                    ),
                    origin=services.Origin(
                        source="web",
                        client=idempotency.client_of(request, session=True),
                        idempotency_key=data["idempotency_key"],
                        user=request.user,
                    ),
                )
            except IdempotencyKeyReused:
                # Sent before with other content (back button, edit, send): this is a new
                # enquiry once the person confirms; a fresh key makes the next send one.
                form.add_error(None, idempotency.key_reused_message())
                fresh = request.POST.copy()
                fresh["idempotency_key"] = uuid.uuid4().hex
                form.data = fresh
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                if result.created:
                    throttle_count(request, "enquiry_submit", targets=targets)
                return redirect_to_page_top("enquiries:received", token=result.enquiry.token)
    else:
        # Replies come in the language the resident is using now, whatever their account's
        # default; they can choose another.
        initial: dict[str, Any] = {"question": request.GET.get("q", "")[:1000], "language": current_language()}
        if request.user.is_authenticated:
            initial["email"] = request.user.email
        form = eforms.EnquiryForm(initial=initial)
    response = render(
        request, "enquiries/new.html", {"form": form, "notice": _consent_notice()}, status=429 if refused else 200
    )
    return retry_after_header(response, refused) if refused else response


def enquiry_received(request: HttpRequest, token: str) -> HttpResponse:
    enquiry = _tracked(request, token)
    return render(
        request,
        "enquiries/received.html",
        {"enquiry": enquiry, "tracking_link": request.build_absolute_uri(enquiry.get_tracking_url())},
    )


def _tracked(request: HttpRequest, token: str) -> Enquiry:
    throttle(request, "tracking" if request.method in ("GET", "HEAD") else "tracking_write", targets=(token,))
    return selectors.enquiry_get_by_token(token)


def _track_write_refused(
    request: HttpRequest, token: str, refused: Throttled, *, form: forms.Form, which: str
) -> HttpResponse:
    """A reply or rating the write throttle refused, shown again with what was typed. On the
    tracking page when the case may be read: that is a read of the page, counted as one
    (``tracking``), so a refused write is no extra guess at links; when reads are over their
    limit too, the form alone (the case not read), still with what was typed."""
    try:
        throttle(request, "tracking", targets=(token,))
    except Throttled:
        context: dict[str, Any] = {"form": form, "action": request.path, "which": which}
        return form_refused(request, "enquiries/track_refused.html", context, form=form, exc=refused)
    enquiry = selectors.enquiry_get_by_token(token)
    context = _track_context(request, enquiry, token)
    context |= {"reply_form": eforms.ResidentReplyForm(), "rating_form": eforms.RatingForm(), f"{which}_form": form}
    return form_refused(request, "enquiries/track.html", context, form=form, exc=refused)


def _track_context(request: HttpRequest, enquiry: Enquiry, token: str) -> dict[str, Any]:
    return {
        "enquiry": enquiry,
        "token": token,
        # Masked even for the resident: anyone with the link sees this page, and links get
        # forwarded; the resident knows their own numbers.
        "shown": _shown_case(enquiry, False),
        # Cited entries link to the entry in the resident's preferred language.
        "conversation": _shown_messages(enquiry, include_notes=False, unmasked=False, language=enquiry.language),
        "can_reply": permissions.can_resident_act(request.user, enquiry, token, "resident_reply"),
        "can_rate": permissions.can_resident_act(request.user, enquiry, token, "rate"),
    }


def enquiry_track(request: HttpRequest, token: str) -> HttpResponse:
    enquiry = _tracked(request, token)
    context = _track_context(request, enquiry, token)
    context |= {"reply_form": eforms.ResidentReplyForm(), "rating_form": eforms.RatingForm()}
    return render(request, "enquiries/track.html", context)


@require_POST
def enquiry_track_reply(request: HttpRequest, token: str) -> HttpResponse:
    form = eforms.ResidentReplyForm(request.POST)
    try:
        enquiry = _tracked(request, token)
    except Throttled as refused:
        return _track_write_refused(request, token, refused, form=form, which="reply")
    if form.is_valid():
        try:
            services.enquiry_resident_reply(
                user=request.user, enquiry=enquiry, token=token, body=form.cleaned_data["body"]
            )
        except NotPermitted:
            messages.error(request, _("This enquiry is closed; you can no longer reply. File a new enquiry if needed."))
            return redirect_to_page_top("enquiries:track", token=token)
        except InvalidInput as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect_to_page_top("enquiries:track", token=token)
    context = _track_context(request, enquiry, token) | {"reply_form": form, "rating_form": eforms.RatingForm()}
    return render(request, "enquiries/track.html", context, status=400)


@require_POST
def enquiry_track_rate(request: HttpRequest, token: str) -> HttpResponse:
    form = eforms.RatingForm(request.POST)
    try:
        enquiry = _tracked(request, token)
    except Throttled as refused:
        return _track_write_refused(request, token, refused, form=form, which="rating")
    if form.is_valid():
        try:
            services.enquiry_rate(
                user=request.user,
                enquiry=enquiry,
                token=token,
                service=form.cleaned_data["service"],
                outcome=form.cleaned_data["outcome"],
                comment=form.cleaned_data["comment"],
            )
        except InvalidInput as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you for rating our service."))
            return redirect_to_page_top("enquiries:track", token=token)
    context = _track_context(request, enquiry, token) | {"reply_form": eforms.ResidentReplyForm(), "rating_form": form}
    return render(request, "enquiries/track.html", context, status=400)


def enquiry_find(request: HttpRequest) -> HttpResponse:
    """Send a lost tracking link again, to the address the case was filed with, given its
    reference and that address. Never an oracle: the same answer whether or not they match
    (services.enquiry_tracking_link_request), and throttled per address, reference and e-mail.
    A POST: the e-mail address must not travel in the URL (history, access logs, the Referer of
    the next page). A GET only shows the form, with a reference from the URL filled in."""
    if request.method != "POST":
        reference = (request.GET.get("reference") or "").strip()[:40]
        return render(request, "enquiries/find.html", {"form": eforms.FindForm(initial={"reference": reference})})
    form = eforms.FindForm(request.POST)
    if form.is_valid():
        reference, email = form.cleaned_data["reference"], form.cleaned_data["email"]
        try:
            throttle(request, "enquiry_find", targets=(reference, email))
        except Throttled as exc:
            return form_refused(request, "enquiries/find.html", {"form": form}, form=form, exc=exc)
        try:
            services.enquiry_tracking_link_request(reference=reference, email=email)
        except InvalidInput as exc:
            form.add_error("reference", str(exc.message))
        else:
            messages.success(
                request,
                _(
                    "If the reference number and the e-mail address belong to the same enquiry, we have sent "
                    "its tracking link to that address. Check your inbox, and your spam folder."
                ),
            )
            return redirect_to_page_top("enquiries:find")
    return render(request, "enquiries/find.html", {"form": form})


@login_required
def enquiry_mine(request: AuthedRequest) -> HttpResponse:
    page = paginate(request, selectors.enquiry_list_for_resident(request.user))
    return render(request, "enquiries/mine.html", {"page": page})
