"""Writes to the knowledge base. Every function checks permission, validates, owns its
transaction and records who made the change (for the history)."""

from __future__ import annotations

from collections.abc import Iterable
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
from hkcq.kb.indexing import ANALYZER_VERSION, entry_fields_terms
from hkcq.kb.models import Entry, Feedback, Gap, UnitProfile
from hkcq.kb.routing import PROFILE_VERSION, profile_terms, text_terms
from hkcq.kb.search import normalise_language
from hkcq.registry.models import Unit

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


# -- the routing model's unit profiles (hkcq.kb.routing reads them) --------------------------------
def unit_profiles_refresh(unit_ids: Iterable[int] | None = None, *, stale_only: bool = False) -> int:
    """Recompute and store the routing profiles of ``unit_ids`` (every unit when None): an active
    unit's remit and name and the published entries it owns; an inactive or deleted unit loses
    its profile. ``stale_only``: only profiles missing or computed under another
    ``PROFILE_VERSION``. Returns how many profiles were written or removed."""
    units = Unit.objects.all() if unit_ids is None else Unit.objects.filter(pk__in=set(unit_ids))
    active = {u.pk: u for u in units.filter(is_active=True)}
    gone = UnitProfile.objects.exclude(unit_id__in=active)
    if unit_ids is not None:
        gone = gone.filter(unit_id__in=set(unit_ids))
    changed = gone.delete()[0]
    if stale_only:
        current = UnitProfile.objects.filter(unit_id__in=active, index_version=PROFILE_VERSION)
        for unit_id in current.values_list("unit_id", flat=True):
            active.pop(unit_id, None)
    if not active:
        return changed
    entries: dict[int, list[dict[str, list[str]]]] = {unit_id: [] for unit_id in active}
    published = Entry.objects.filter(unit_id__in=active, state=Entry.State.PUBLISHED).order_by("id")
    for entry in published.iterator(chunk_size=500):
        # Entries analysed under an older analyzer are analysed here, in memory, as the search does.
        fields = entry.index_terms if entry.index_version == ANALYZER_VERSION else entry_fields_terms(entry)
        entries[entry.unit_id].append(fields or {})
    for unit_id, unit in active.items():
        terms = profile_terms(remit=text_terms(unit.remit), name=text_terms(unit.name), entries=entries[unit_id])
        UnitProfile.objects.update_or_create(
            unit_id=unit_id,
            defaults={"terms": terms, "entries": len(entries[unit_id]), "index_version": PROFILE_VERSION},
        )
        changed += 1
    return changed


def unit_profiles_refresh_on_commit(unit_ids: Iterable[int | None]) -> None:
    """Refresh the profiles of ``unit_ids`` once the current transaction commits (a unit or an
    entry changed). Several changes in one transaction refresh each unit once."""
    ids = {u for u in unit_ids if u is not None}
    if not ids:
        return
    scheduled = timezone.now()

    def refresh() -> None:
        done = UnitProfile.objects.filter(unit_id__in=ids, updated_at__gt=scheduled).values_list("unit_id", flat=True)
        todo = ids - set(done)
        if todo:
            unit_profiles_refresh(todo)

    transaction.on_commit(refresh)


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
