"""Knowledge-base API: ask, read entries; staff write entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest, api_caller
from hkcq.core.api import ERRORS, ErrorOut, Mapped
from hkcq.core.errors import InvalidInput, UnknownReference
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.core.throttle import throttle
from hkcq.core.translated import current_language
from hkcq.kb import permissions, selectors, services
from hkcq.kb.models import Entry, Topic
from hkcq.kb.routing import ask as kb_ask
from hkcq.kb.schemas import (
    AskOut,
    AskQuery,
    EntryIn,
    EntryOut,
    EntryPatch,
    FeedbackIn,
    FeedbackOut,
    GapGroupOut,
    GapResolveIn,
    GapResolveOut,
)
from hkcq.kb.search import normalise_language
from hkcq.registry.models import Area, Unit

router = Router(tags=["knowledge base"])


@router.get("/ask", response={200: AskOut, 422: ErrorOut}, summary="Ask the knowledge base")
def ask(request: HttpRequest, params: Query[AskQuery]) -> dict[str, Any]:
    """Ranked answers to the question ``q`` in language ``lang`` (``en``, ``zh-hant``,
    ``zh-hans``): ``id`` is the entry's stable id. ``unit`` is the id of the unit that should
    handle the question; ``answered`` is false when the knowledge base does not cover it."""
    throttle(request, "ask")
    query = params.q.strip()
    if not query:
        raise InvalidInput(details={"q": [_("Type a question.")]})
    if len(query) > 500:
        raise InvalidInput(details={"q": [_("Keep the question under 500 characters.")]})
    limit = max(1, min(params.limit, 20))
    result = kb_ask(query, normalise_language(params.lang), limit=limit)
    return {
        "answers": [{"id": a.slug, "title": a.title, "snippet": a.snippet, "score": a.score} for a in result.answers],
        "unit": result.unit.ext_id if result.unit else None,
        "answered": result.answered,
    }


@router.get("/kb/entries", response=list[EntryOut], summary="List knowledge-base entries")
@paginate(LimitOffsetPagination)
def list_entries(request: HttpRequest, topic: str | None = None, state: str | None = None) -> Mapped:
    """Published entries in force; staff also see drafts and entries in review they may edit."""
    user = api_caller(request)
    return Mapped(
        selectors.entry_list(user=user, topic=topic, state=state),
        EntryOut.of,
        count=lambda: selectors.entry_list_count(user=user, topic=topic, state=state),
    )


@router.get("/kb/entries/{slug}", response={200: EntryOut, 404: ErrorOut})
def get_entry(request: HttpRequest, slug: str) -> dict[str, Any]:
    return EntryOut.of(selectors.entry_get_for_user(user=api_caller(request), slug=slug))


def _data(payload: Schema) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in payload.dict(exclude_unset=True).items():
        if name == "topic" and value not in Topic.values:
            raise InvalidInput(details={"topic": [_("Choose a valid topic.")]})
        if name == "unit":
            found = Unit.objects.filter(ext_id=value).first()
            if found is None:
                raise UnknownReference(details={"unit": [_("No unit has this id.")]})
            data["unit"] = found
        elif name == "area":
            area = Area.objects.filter(ext_id=value).first() if value else None
            if value and area is None:
                raise UnknownReference(details={"area": [_("No co-operation area has this id.")]})
            data["area"] = area
        elif isinstance(value, dict):
            data[name] = {k.replace("_", "-"): v for k, v in value.items()}
        else:
            data[name] = value
    return data


@router.post("/kb/entries", response={201: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def create_entry(request: AuthedRequest, payload: EntryIn) -> Status[dict[str, Any]]:
    data = _data(payload)
    data["slug"] = data.pop("id")
    entry = services.entry_create(user=request.auth, data=data)
    return Status(201, EntryOut.of(get_object_or_404(Entry.objects.select_related("unit", "area"), pk=entry.pk)))


@router.patch("/kb/entries/{slug}", response={200: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def update_entry(request: AuthedRequest, slug: str, payload: EntryPatch) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.auth, slug=slug)
    entry = services.entry_update(user=request.auth, entry=entry, data=_data(payload))
    return EntryOut.of(selectors.entry_get_for_user(user=request.auth, slug=entry.slug))


@router.post("/kb/entries/{slug}/submit", response={200: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def submit_entry(request: AuthedRequest, slug: str) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.auth, slug=slug)
    return EntryOut.of(services.entry_submit(user=request.auth, entry=entry))


@router.post("/kb/entries/{slug}/publish", response={200: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def publish_entry(request: AuthedRequest, slug: str) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.auth, slug=slug)
    return EntryOut.of(services.entry_publish(user=request.auth, entry=entry))


@router.post("/kb/entries/{slug}/unpublish", response={200: EntryOut, **ERRORS}, auth=STAFF_AUTH)
def unpublish_entry(request: AuthedRequest, slug: str) -> dict[str, Any]:
    entry = selectors.entry_get_for_user(user=request.auth, slug=slug)
    return EntryOut.of(services.entry_unpublish(user=request.auth, entry=entry))


# -- feedback and gaps -----------------------------------------------------------------------------
@router.post(
    "/kb/entries/{slug}/feedback",
    response={201: FeedbackOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="'This answered my question' on a published entry (anyone)",
)
def entry_feedback(request: HttpRequest, slug: str, payload: FeedbackIn) -> Status[dict[str, Any]]:
    throttle(request, "kb_feedback")
    entry = selectors.entry_get_for_user(user=None, slug=slug)
    feedback = services.feedback_record(entry=entry, question=payload.q.strip(), language=current_language())
    return Status(201, {"entry": entry.slug, "helpful": feedback.helpful})


@router.get(
    "/kb/gaps",
    response={200: list[GapGroupOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="Unanswered questions grouped by similarity, largest group first",
)
@paginate(LimitOffsetPagination)
def list_gaps(request: AuthedRequest) -> Any:
    require(permissions.can_read_gaps(request.auth))
    return [GapGroupOut.of(group) for group in selectors.gap_groups(language=current_language())]


@router.post(
    "/kb/gaps/resolve",
    response={200: GapResolveOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Mark unanswered questions as dealt with",
)
def resolve_gaps(request: AuthedRequest, payload: GapResolveIn) -> dict[str, Any]:
    return {"resolved": services.gap_resolve(user=request.auth, gap_ids=payload.ids)}
