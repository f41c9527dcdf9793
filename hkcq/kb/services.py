"""Writes to the knowledge base. Every function checks permission, validates, owns its
transaction and records who made the change (for the history)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.services import fields_apply, record_save
from hkcq.core.text import mask_personal_data
from hkcq.kb import permissions
from hkcq.kb.indexing import ANALYZER_VERSION
from hkcq.kb.models import Entry, Feedback, Gap
from hkcq.kb.search import normalise_language

EDIT_FIELDS = (
    "topic",
    "title",
    "body",
    "question_forms",
    "unit",
    "area",
    "source",
    "effective_from",
    "effective_to",
    "review_note",
)
MAX_QUESTION = 2000


def _entry_save(entry: Entry, *, user: User, reason: str) -> None:
    # The write bumps the search version (a database trigger, in this transaction): every
    # process's next question maps the index of the changed knowledge base.
    record_save(entry, user=user, reason=reason)


@transaction.atomic
def entry_create(*, user: User, data: dict[str, Any]) -> Entry:
    unit = data.get("unit")
    require(permissions.can_create_entry_for_unit(user, getattr(unit, "pk", None)))
    entry = Entry(state=Entry.State.DRAFT)
    fields_apply(entry, data, allowed=(*EDIT_FIELDS, "slug"))
    _entry_save(entry, user=user, reason="Created")
    return entry


@transaction.atomic
def entry_update(*, user: User, entry: Entry, data: dict[str, Any]) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require(permissions.can_edit_entry(user, entry))
    data = {k: v for k, v in data.items() if k != "slug"}
    new_unit = data.get("unit")
    if new_unit is not None and new_unit.pk != entry.unit_id:
        # Handing an entry to another unit is the secretariat's call.
        require(permissions.can_publish(user))
    fields_apply(entry, data, allowed=(*EDIT_FIELDS, "slug"))
    if entry.state == Entry.State.PUBLISHED and not permissions.can_publish(user):
        # An officer's change to a published entry goes back for review before it is offered again.
        entry.state = Entry.State.IN_REVIEW
    _entry_save(entry, user=user, reason="Edited")
    return entry


@transaction.atomic
def entry_submit(*, user: User, entry: Entry) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require(permissions.can_edit_entry(user, entry))
    if entry.state != Entry.State.DRAFT:
        raise InvalidInput(_("Only a draft can be submitted for review."))
    entry.state = Entry.State.IN_REVIEW
    _entry_save(entry, user=user, reason="Submitted for review")
    return entry


@transaction.atomic
def entry_publish(*, user: User, entry: Entry) -> Entry:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require(permissions.can_publish(user))
    if entry.state == Entry.State.PUBLISHED:
        raise InvalidInput(_("This entry is already published."))
    entry.state = Entry.State.PUBLISHED
    entry.published_at = timezone.now()
    _entry_save(entry, user=user, reason="Published")
    return entry


@transaction.atomic
def entry_unpublish(*, user: User, entry: Entry, note: str = "") -> Entry:
    """Return a published (or in-review) entry to draft, with an optional note for its unit."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    require(permissions.can_publish(user))
    if entry.state == Entry.State.DRAFT:
        raise InvalidInput(_("This entry is already a draft."))
    entry.state = Entry.State.DRAFT
    _entry_save(entry, user=user, reason=note.strip()[:100] or "Returned to draft")
    return entry


def entries_reindex(*, stale_only: bool = True) -> int:
    """Re-analyse entries (after the analyzer or glossary changed). No history rows."""
    qs = Entry.objects.all()
    if stale_only:
        qs = qs.exclude(index_version=ANALYZER_VERSION)
    count = 0
    for entry in qs.iterator():
        entry.save_without_historical_record(update_fields=["index_terms", "index_version"])  # type: ignore[attr-defined]
        count += 1
    return count


def _clean_question(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise InvalidInput(details={"question": [_("Type a question.")]})
    return question[:MAX_QUESTION]


def gap_question(question: str) -> str:
    """A question as a gap keeps it: trimmed, cut, and masked (identity card and phone numbers,
    e-mail addresses). A gap is kept only to show where the knowledge base needs a new entry,
    which the personal data in it never helps with; the enquiry itself keeps what was typed."""
    return mask_personal_data(_clean_question(question))


def gap_record(question: str, language: str, source: str) -> Gap:
    """Record a question the knowledge base did not answer, for the gaps page, masked
    (:func:`gap_question`). ``source`` is ``"ask"`` (the ask page found no confident answer) or
    ``"enquiry"`` (it became a case)."""
    if source not in Gap.Source.values:
        raise InvalidInput(details={"source": [_("Unknown source.")]})
    lang = {"en": "en", "zh-hant": "zh-hant", "zh-hans": "zh-hans"}[normalise_language(language)]
    return Gap.objects.create(question=gap_question(question), language=lang, source=source)


def feedback_record(*, entry: Entry, question: str, language: str, helpful: bool = True) -> Feedback:
    """ "This answered my question": counted per entry; the question is kept masked, as a gap's."""
    lang = normalise_language(language)
    return Feedback.objects.create(
        entry=entry,
        question=mask_personal_data((question or "").strip()[:MAX_QUESTION]),
        language=lang,
        helpful=helpful,
    )


@transaction.atomic
def gap_resolve(*, user: User, gap_ids: list[int]) -> int:
    require(permissions.can_read_gaps(user))
    return Gap.objects.filter(pk__in=gap_ids, resolved=False).update(resolved=True)
