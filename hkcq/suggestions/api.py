"""Suggestions API: public reads of published suggestions, submitting and supporting for
everyone, moderation and answers for staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest, api_caller
from hkcq.core import idempotency
from hkcq.core.api import ERRORS, ErrorOut, IsoDate, Mapped, TextOut
from hkcq.core.errors import NotPermitted, UnknownReference
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.throttle import throttle, throttle_check, throttle_count
from hkcq.registry.models import Area, Decision, Measure, Meeting, Unit
from hkcq.suggestions import digest as digests
from hkcq.suggestions import permissions, selectors, services
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.references import reference_normalise
from hkcq.suggestions.schemas import (
    ApproveIn,
    DigestOut,
    MergeIn,
    RedactIn,
    RejectIn,
    RespondIn,
    SimilarOut,
    StaffSuggestionOut,
    SubmitIn,
    SuggestionAreaIn,
    SuggestionOut,
    SuggestionSubmittedOut,
    SuggestionTrackOut,
    SupportIn,
    SupportOut,
)

router = Router(tags=["suggestions"])


def _area(ext_id: str | None) -> Area | None:
    if not ext_id:
        return None
    area = Area.objects.filter(ext_id=ext_id).first()
    if area is None:
        raise UnknownReference(details={"area": [_("No co-operation area has this id.")]})
    return area


def _unit(ext_id: str | None) -> Unit | None:
    if not ext_id:
        return None
    unit = Unit.objects.filter(ext_id=ext_id).first()
    if unit is None:
        raise UnknownReference(details={"unit": [_("No unit has this id.")]})
    return unit


# -- public -------------------------------------------------------------------------------------
@router.get("/suggestions", response=list[SuggestionOut], summary="Published suggestions, newest first")
@paginate(LimitOffsetPagination)
def list_suggestions(
    request: HttpRequest, area: str | None = None, status: str | None = None, q: str | None = None
) -> Mapped:
    return Mapped(
        selectors.published_list(area=area, status=status, query=q).prefetch_related("merged"), SuggestionOut.of
    )


@router.get("/suggestions/answered", response=list[SuggestionOut], summary="'You said, we did': answered suggestions")
@paginate(LimitOffsetPagination)
def list_answered(request: HttpRequest, area: str | None = None, status: str | None = None) -> Mapped:
    return Mapped(selectors.answered(area=area, status=status).prefetch_related("merged"), SuggestionOut.of)


@router.get("/suggestions/similar", response=SimilarOut, summary="Similar published suggestions and the likely area")
def similar(request: HttpRequest, text: str = "") -> dict[str, Any]:
    text = text[:5000]
    area = selectors.area_suggest(text)
    return {
        "suggested_area": area.ext_id if area else None,
        "similar": [SuggestionOut.of(s) for s in selectors.similar_published(text)],
    }


@router.post(
    "/suggestions",
    response={200: SuggestionSubmittedOut, 201: SuggestionSubmittedOut, **ERRORS},
    summary="Make a suggestion (anyone)",
)
def submit(request: HttpRequest, payload: SubmitIn) -> Status[dict[str, Any]]:
    """Idempotent for the same client (the same API token, else the same address): the same
    `Idempotency-Key` header (or, without one, the same content within ten minutes) returns the
    suggestion already stored, with status 200; the same key with other content is refused
    (409). Another client never gets it back."""
    user = api_caller(request)
    # Per address, and per inbox or account (a signed-in resident's own e-mail address).
    targets = (payload.email, getattr(user, "email", "") or "")
    # Only an accepted new suggestion counts (hkcq/core/throttle.py).
    throttle_check(request, "suggestion_submit", targets=targets)
    result = services.suggestion_submit_idempotent(
        user=user,
        title=payload.title,
        text=payload.text,
        language=payload.language,
        area=_area(payload.area),
        anonymous=payload.anonymous,
        name=payload.name,
        email=payload.email,
        ip_address=idempotency.client_address(request) or None,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        client=idempotency.client_of(request),
    )
    suggestion = result.suggestion
    if result.created:
        throttle_count(request, "suggestion_submit", targets=targets)
    return Status(
        201 if result.created else 200,
        {
            "reference": suggestion.reference,
            "tracking_token": suggestion.tracking_token,
            "state": suggestion.state,
            "suggested_area": suggestion.suggested_area.ext_id if suggestion.suggested_area else None,
            "similar": [s.reference for s in selectors.similar_published(f"{payload.title} {payload.text}")],
        },
    )


@router.get(
    "/suggestions/track/{token}", response={200: SuggestionTrackOut, 404: ErrorOut}, summary="Follow your suggestion"
)
def track(request: HttpRequest, token: str) -> dict[str, Any]:
    throttle(request, "tracking", targets=(token,))
    s = selectors.tracked_get(token)
    return {
        "reference": s.reference,
        "title": s.title,
        "text": s.text,
        "state": s.state,
        "status": s.status,
        "response": TextOut.of(s.response),
        "merged_into": s.merged_into.reference if s.merged_into_id and s.merged_into else None,
        "public": s.is_public,
    }


@router.get("/suggestions/moderation", response={200: list[StaffSuggestionOut], **ERRORS}, auth=STAFF_AUTH)
@paginate(LimitOffsetPagination)
def moderation_queue(request: AuthedRequest, state: str | None = None) -> Mapped:
    user = request.auth
    if not (permissions.can_moderate(user) or getattr(user, "is_officer", False)):
        raise NotPermitted()
    rows = selectors.queue(user, state=state).select_related("merged_into")
    return Mapped(rows.prefetch_related("merged"), StaffSuggestionOut.of)


@router.get("/suggestions/digest", response={200: DigestOut, **ERRORS}, auth=STAFF_AUTH)
def digest(
    request: AuthedRequest, meeting: str | None = None, start: IsoDate | None = None, end: IsoDate | None = None
) -> dict[str, Any]:
    """The digest for a communication meeting (since the previous one) or for a period."""
    if not permissions.can_read_digest(request.auth):
        raise NotPermitted()
    found = None
    if meeting:
        found = get_object_or_404(Meeting, ext_id=meeting, kind=Meeting.Kind.COMMUNICATION)
        start, end = digests.period_for_meeting(found)
    if end is None:
        end = dt.date.today()  # up to today when neither a meeting nor an end is given
    d = digests.build(start=start, end=end, meeting=found)
    status_values = [v for v, _label in d.statuses]
    return {
        "start": d.start,
        "end": d.end,
        "meeting": found.ext_id if found else None,
        "states": d.states,
        "rows": [
            {"area": name, "counts": dict(zip(status_values, values, strict=True)), "total": total}
            for name, values, total in d.rows
        ],
        "total": d.total,
        "themes": [
            {
                "title": t.title,
                "suggestions": [s.reference for s in t.suggestions],
                "voices": t.voices,
                "quote": t.quote_text,
            }
            for t in d.themes
        ],
        "answered": [s.reference for s in d.answered],
    }


@router.get("/suggestions/{reference}", response={200: SuggestionOut, 404: ErrorOut})
def get_suggestion(request: HttpRequest, reference: str) -> dict[str, Any]:
    return SuggestionOut.of(selectors.published_get(reference))


@router.post("/suggestions/{reference}/support", response={200: SupportOut, **ERRORS}, summary="Support a suggestion")
def support(request: HttpRequest, reference: str, payload: SupportIn) -> dict[str, Any]:
    suggestion = selectors.published_get(reference)
    user = api_caller(request)
    session_key = ""
    if user is None and not payload.email:
        if not request.session.session_key:
            request.session["suggestions"] = True
            request.session.save()
        session_key = request.session.session_key or ""
    counted = services.suggestion_support(
        suggestion=suggestion, user=user, email=payload.email, session_key=session_key
    )
    suggestion.refresh_from_db()
    return {"counted": counted, "voices": suggestion.voices}


# -- staff --------------------------------------------------------------------------------------
def _staff_get(request: AuthedRequest, reference: str) -> Suggestion:
    return selectors.suggestion_get_for_user(user=request.auth, reference=reference)


def _staff_out(reference: str) -> dict[str, Any]:
    s = (
        Suggestion.objects.select_related("area", "suggested_area", "unit", "measure", "decision", "merged_into")
        .prefetch_related("merged")
        .get(reference=reference)
    )
    return StaffSuggestionOut.of(s)


@router.get("/suggestions/{reference}/staff", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def staff_view(request: AuthedRequest, reference: str) -> dict[str, Any]:
    return _staff_out(_staff_get(request, reference).reference or "")


@router.post("/suggestions/{reference}/approve", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def approve(request: AuthedRequest, reference: str, payload: ApproveIn) -> dict[str, Any]:
    """Publish. Without ``public_title``/``public_text`` the automatically masked texts are used."""
    s = _staff_get(request, reference)
    title, text = services.redaction_proposal(s)
    services.suggestion_approve(
        user=request.auth,
        suggestion=s,
        public_title=payload.public_title if payload.public_title is not None else title,
        public_text=payload.public_text if payload.public_text is not None else text,
        area=_area(payload.area) if payload.area is not None else (s.area or s.suggested_area),
        unit=_unit(payload.unit),
    )
    return _staff_out(s.reference or "")


@router.post("/suggestions/{reference}/reject", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def reject(request: AuthedRequest, reference: str, payload: RejectIn) -> dict[str, Any]:
    s = _staff_get(request, reference)
    services.suggestion_reject(user=request.auth, suggestion=s, reason=payload.reason, note=payload.note)
    return _staff_out(s.reference or "")


@router.post("/suggestions/{reference}/redact", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def redact(request: AuthedRequest, reference: str, payload: RedactIn) -> dict[str, Any]:
    s = _staff_get(request, reference)
    services.suggestion_redact(
        user=request.auth,
        suggestion=s,
        public_title=payload.public_title,
        public_text=payload.public_text,
    )
    return _staff_out(s.reference or "")


@router.post("/suggestions/{reference}/area", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def set_area(request: AuthedRequest, reference: str, payload: SuggestionAreaIn) -> dict[str, Any]:
    s = _staff_get(request, reference)
    services.suggestion_set_area(user=request.auth, suggestion=s, area=_area(payload.area), unit=_unit(payload.unit))
    return _staff_out(s.reference or "")


@router.post("/suggestions/{reference}/merge", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def merge(request: AuthedRequest, reference: str, payload: MergeIn) -> dict[str, Any]:
    """Merge this suggestion into the published one ``into``; returns the target."""
    s = _staff_get(request, reference)
    canonical = reference_normalise(payload.into)
    target = Suggestion.objects.filter(reference=canonical).first() if canonical else None
    if target is None:
        raise UnknownReference(details={"into": [_("No suggestion has this reference.")]})
    services.suggestion_merge(user=request.auth, duplicate=s, target=target)
    return _staff_out(target.reference or "")


@router.post("/suggestions/{reference}/response", response={200: StaffSuggestionOut, **ERRORS}, auth=STAFF_AUTH)
def respond(request: AuthedRequest, reference: str, payload: RespondIn) -> dict[str, Any]:
    """Set the status and the public response; "not_adopted" needs a reason."""
    s = _staff_get(request, reference)
    measure = Measure.objects.filter(ext_id=payload.measure).first() if payload.measure else None
    decision = Decision.objects.filter(ext_id=payload.decision).first() if payload.decision else None
    if payload.measure and measure is None:
        raise UnknownReference(details={"measure": [_("No measure has this id.")]})
    if payload.decision and decision is None:
        raise UnknownReference(details={"decision": [_("No decision has this id.")]})
    services.suggestion_respond(
        user=request.auth,
        suggestion=s,
        status=payload.status,
        response=payload.response.as_texts() if payload.response else None,
        reason=payload.reason.as_texts() if payload.reason else None,
        measure=measure,
        decision=decision,
    )
    return _staff_out(s.reference or "")
