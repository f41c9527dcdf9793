"""Writes for progress. Every function checks permission, validates, owns its transaction,
records the transition and calls its follow-ups (notifications, roll-up) explicitly."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.choices import Role, Side
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.permissions import require
from hkcq.core.tasks import enqueue_with_change
from hkcq.core.translated import LANGS, TText
from hkcq.core.uploads import upload_check
from hkcq.notifications.services import notify, notify_group
from hkcq.progress import permissions, rollups, selectors
from hkcq.progress.models import (
    Evidence,
    MeasureWeight,
    ProgressSettings,
    ProgressUpdate,
    ReminderLog,
    ReportingCycle,
    Status,
    UnitLanguage,
    UpdateTransition,
)
from hkcq.registry.models import Measure, Meeting, Unit

State = ProgressUpdate.State
NOTIFY_TEMPLATE = "progress/email/update_transition"
REMINDER_TEMPLATE = "progress/email/stale_digest"


# -- cycles ------------------------------------------------------------------------------------
def cycle_current() -> ReportingCycle:
    """The open reporting cycle. If none is open (a fresh installation, or between closing one
    and opening the next) one is opened from today, so a drafted update always has a cycle."""
    cycle = ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).first()
    if cycle is not None:
        return cycle
    today = timezone.localdate()
    name = TText.of(
        en=f"Reporting cycle from {today.day} {today:%B %Y}",
        zh_hant=f"{today.year}年{today.month}月{today.day}日起的匯報周期",
    )
    try:
        with transaction.atomic():
            return ReportingCycle.objects.create(name=name, opens_on=today)
    except IntegrityError:  # opened at the same moment by another request
        return ReportingCycle.objects.get(state=ReportingCycle.State.OPEN)


@transaction.atomic
def cycle_open(*, user: User, name: dict[str, str], opens_on: date, meeting: Meeting | None = None) -> ReportingCycle:
    require(permissions.can_manage_scale(user))
    if ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN).exists():
        raise InvalidInput(_("A reporting cycle is already open. Close it first."))
    text = TText().edited(name)
    if not text:
        raise InvalidInput(details={"name": [_("Enter this in at least one language.")]})
    return ReportingCycle.objects.create(name=text, opens_on=opens_on, meeting=meeting)


# -- updates -----------------------------------------------------------------------------------
def _clean_update_data(data: dict[str, Any], *, side: str, measure: Measure) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    status = data.get("status")
    if not isinstance(status, Status) or not status.is_active:
        errors["status"] = [_("Choose a status from the scale.")]
    percent = data.get("percent")
    if percent in (None, ""):
        if isinstance(status, Status) and status.default_percent is not None:
            percent = status.default_percent
        else:
            last = rollups.latest_published([measure.id]).get((measure.id, side))
            percent = last.percent if last else 0
    try:
        percent = int(percent)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errors["percent"] = [_("Enter a whole number from 0 to 100.")]
    else:
        if not 0 <= percent <= 100:
            errors["percent"] = [_("Enter a whole number from 0 to 100.")]
    if errors:
        raise InvalidInput(details=errors)
    return {**data, "percent": percent}


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, TText):
        return dict(value.texts)
    return {k.replace("_", "-"): str(v or "") for k, v in (value or {}).items() if k.replace("_", "-") in LANGS}


def _record(
    update: ProgressUpdate, *, actor: User, from_state: str, note: str = "", notify: bool = False
) -> UpdateTransition:
    return UpdateTransition.objects.create(
        update=update, from_state=from_state, to_state=update.state, actor=actor, note=note, notify_pending=notify
    )


@transaction.atomic
def update_save(
    *, user: User, measure: Measure, data: dict[str, Any], update: ProgressUpdate | None = None
) -> ProgressUpdate:
    """Create the user's side's draft for ``measure``, or edit ``update`` (a draft or a returned
    update). ``data``: status (Status), percent (int or None for the status's default),
    public_narrative and internal_narrative ({lang: text})."""
    side = permissions.user_side(user)
    if update is None:
        require(side is not None and permissions.can_draft(user, measure, side))
        assert side is not None
        update = (
            ProgressUpdate.objects.select_for_update()
            .filter(measure=measure, side=side, state__in=ProgressUpdate.OPEN_STATES)
            .first()
        )
        if update is not None and update.state not in ProgressUpdate.EDITABLE_STATES:
            raise InvalidInput(
                _(
                    "This side's update for this measure is with the secretariat; wait until it is published or returned."
                )
            )
    else:
        update = ProgressUpdate.objects.select_for_update().select_related("measure").get(pk=update.pk)
        require(permissions.can_edit(user, update))
        side, measure = update.side, update.measure
    cleaned = _clean_update_data(data, side=side, measure=measure)
    created = update is None
    if update is None:
        update = ProgressUpdate(measure=measure, side=side, cycle=cycle_current(), author=user)
    update.status = cleaned["status"]
    update.percent = cleaned["percent"]
    for name in ("public_narrative", "internal_narrative"):
        if name in cleaned:
            current = TText.from_json(getattr(update, name))
            setattr(update, name, current.edited(_texts(cleaned[name])))
    update.save()
    if created:
        _record(update, actor=user, from_state="")
    return update


def _recipients(update: ProgressUpdate, *, state: str, actor: User) -> list[User]:
    """The author, the counterpart side's secretariat and, for a confirmed update (which it
    now has to publish), the author side's secretariat; never the person who acted."""
    sides = [update.counterpart_side]
    if state == State.CONFIRMED:
        sides.append(update.side)
    people = {update.author_id: update.author}
    for person in User.objects.filter(role=Role.SECRETARIAT, side__in=sides, is_active=True):
        people[person.id] = person
    return [p for pid, p in sorted(people.items()) if pid != getattr(actor, "id", None) and p.is_active]


def _notify_transition(transition: UpdateTransition) -> None:
    update = transition.update
    # The status and percent as they are now: the message is rendered again when it is read
    # (in the reader's language), by which time the update may have moved on.
    context = {
        "update": update,
        "measure": update.measure,
        "actor": transition.actor,
        "note": transition.note,
        "state": transition.to_state,
        "status": update.status,
        "percent": update.percent,
    }
    for person in _recipients(update, state=transition.to_state, actor=transition.actor):
        with translation.override(person.preferred_language):
            url = update.get_absolute_url()
        notify(person, NOTIFY_TEMPLATE, context, url=url)


def update_transition_notify(*, transition_id: int) -> bool:
    """Tell the people concerned of a transition (the ``transition_notify`` task, and the
    ``notify_progress`` sweep): each a notification in their language and its e-mail, stored and
    queued in the transaction that marks the transition told. Returns whether this call told
    them (a task run twice, or a transition told meanwhile, sends nothing); a worker killed
    midway leaves nothing sent and the transition pending, for the sweep."""
    with transaction.atomic():
        transition = (
            UpdateTransition.objects.select_for_update(of=("self",))
            .select_related("update__measure", "update__author", "update__status", "actor")
            .filter(pk=transition_id, notify_pending=True)
            .first()
        )
        if transition is None:
            return False
        _notify_transition(transition)
        transition.notify_pending = False
        transition.save(update_fields=["notify_pending"])
    return True


def transitions_notify_pending(*, older_than: timedelta) -> int:
    """Tell of the transitions whose task was lost (the queue was unreachable at the commit, a
    worker was killed): those still pending after ``older_than``. Returns how many this call told."""
    cutoff = timezone.now() - older_than
    pending = UpdateTransition.objects.filter(notify_pending=True, at__lte=cutoff).order_by("at", "id")
    return sum(update_transition_notify(transition_id=pk) for pk in pending.values_list("pk", flat=True))


def _transition(
    *, user: User, update: ProgressUpdate, allowed: Any, to_state: str, note: str = "", stamp: dict[str, Any]
) -> ProgressUpdate:
    """Move ``update`` to ``to_state`` and record who did it. The people concerned are told by
    the ``transition_notify`` task once the change is committed: rendering a message in each
    reader's language and queueing its e-mail took most of a publication's time (issue 15)."""
    # local import: the task calls back into this module, so one side of the pair waits
    from hkcq.progress.tasks import transition_notify

    locked = ProgressUpdate.objects.select_for_update().select_related("measure", "author").get(pk=update.pk)
    require(allowed(user, locked))
    from_state = locked.state
    locked.state = to_state
    for name, value in stamp.items():
        setattr(locked, name, value)
    locked.save()
    transition = _record(locked, actor=user, from_state=from_state, note=note, notify=True)
    enqueue_with_change(transition_notify, transition_id=transition.pk)
    return locked


@transaction.atomic
def update_submit(*, user: User, update: ProgressUpdate) -> ProgressUpdate:
    return _transition(
        user=user,
        update=update,
        allowed=permissions.can_submit,
        to_state=State.SUBMITTED,
        stamp={"submitted_at": timezone.now(), "return_reason": ""},
    )


@transaction.atomic
def update_confirm(*, user: User, update: ProgressUpdate, note: str = "") -> ProgressUpdate:
    return _transition(
        user=user,
        update=update,
        allowed=permissions.can_confirm,
        to_state=State.CONFIRMED,
        note=note.strip(),
        stamp={"confirmed_at": timezone.now(), "confirmed_by": user},
    )


@transaction.atomic
def update_return(*, user: User, update: ProgressUpdate, reason: str) -> ProgressUpdate:
    reason = (reason or "").strip()
    if not permissions.can_return(user, update):
        raise NotPermitted()
    if not reason:
        raise InvalidInput(details={"reason": [_("Say why the update is returned, so its author can fix it.")]})
    return _transition(
        user=user,
        update=update,
        allowed=permissions.can_return,
        to_state=State.RETURNED,
        note=reason,
        stamp={"return_reason": reason, "confirmed_at": None, "confirmed_by": None},
    )


@transaction.atomic
def update_publish(*, user: User, update: ProgressUpdate) -> ProgressUpdate:
    published = _transition(
        user=user,
        update=update,
        allowed=permissions.can_publish,
        to_state=State.PUBLISHED,
        stamp={"published_at": timezone.now(), "published_by": user},
    )
    rollups.recompute_for(published.measure_id)  # the measure, its ancestors, its area, the mechanism
    return published


# -- evidence ----------------------------------------------------------------------------------
@transaction.atomic
def evidence_add(
    *,
    user: User,
    update: ProgressUpdate,
    title: str,
    upload: UploadedFile | None = None,
    link: str = "",
    is_public: bool = False,
) -> Evidence:
    require(permissions.can_edit(user, update))
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the evidence a title.")]
    if upload is None and not link:
        errors["upload"] = [_("Attach a file or give a link.")]
    content_type = ""
    if upload is not None:
        try:
            content_type = upload_check(upload, kind="evidence", field="upload")
        except InvalidInput as exc:
            errors.update(exc.details)
    if errors:
        raise InvalidInput(details=errors)
    evidence = Evidence(update=update, title=title.strip(), link=link, is_public=is_public, added_by=user)
    if upload is not None:
        evidence.content_type = content_type[:100]
        evidence.size = upload.size or 0
        evidence.file.save(upload.name or "evidence", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_remove(*, user: User, evidence: Evidence) -> None:
    require(permissions.can_edit(user, evidence.update))
    evidence.delete()


# -- the scale, weights and settings -----------------------------------------------------------
@transaction.atomic
def status_save(*, user: User, data: dict[str, Any], status: Status | None = None) -> Status:
    require(permissions.can_manage_scale(user))
    status = Status.objects.select_for_update().get(pk=status.pk) if status is not None else Status()
    errors: dict[str, list[str]] = {}
    key = data.get("key", status.key)
    if not key:
        errors["key"] = [_("Give the status a key.")]
    elif Status.objects.filter(key=key).exclude(pk=status.pk).exists():
        errors["key"] = [_("Another status already has this key.")]
    percent = data.get("default_percent", status.default_percent)
    if percent is not None and not 0 <= int(percent) <= 100:
        errors["default_percent"] = [_("Enter a whole number from 0 to 100.")]
    if "name" in data and not TText.from_json(status.name).edited(_texts(data["name"])):
        errors["name"] = [_("Enter this in at least one language.")]
    if errors:
        raise InvalidInput(details=errors)
    for name, value in data.items():
        if name == "name":
            status.name = TText.from_json(status.name).edited(_texts(value))
        elif name in {"key", "default_percent", "position", "is_terminal", "is_ongoing", "is_active"}:
            setattr(status, name, value)
    status.save()
    # The order decides joint statuses.
    rollups.recompute()
    return status


@transaction.atomic
def settings_save(*, user: User, rollup_method: str, stale_after_days: int) -> ProgressSettings:
    require(permissions.can_manage_scale(user))
    errors: dict[str, list[str]] = {}
    if rollup_method not in ProgressSettings.Method.values:
        errors["rollup_method"] = [_("Choose plain or weighted.")]
    if not 1 <= int(stale_after_days) <= 3650:
        errors["stale_after_days"] = [_("Enter a number of days from 1 to 3650.")]
    if errors:
        raise InvalidInput(details=errors)
    current = ProgressSettings.load()
    current.rollup_method = rollup_method
    current.stale_after_days = int(stale_after_days)
    current.save()
    rollups.recompute()
    return current


@transaction.atomic
def weight_set(*, user: User, measure: Measure, weight: Any) -> MeasureWeight:
    require(permissions.can_manage_scale(user))
    try:
        value = Decimal(str(weight))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(details={"weight": [_("Enter a number of 0 or more.")]}) from exc
    if not value.is_finite() or value < 0 or value >= 10000:
        raise InvalidInput(details={"weight": [_("Enter a number of 0 or more.")]})
    row, _created = MeasureWeight.objects.update_or_create(measure=measure, defaults={"weight": value})
    rollups.recompute_for(measure.id)
    return row


# -- staleness reminders ---------------------------------------------------------------------
def unit_language(unit: Unit) -> str:
    row = UnitLanguage.objects.filter(unit=unit).first()
    if row is not None:
        return row.language
    return "zh-hant" if unit.side == Side.HONG_KONG else "zh-hans"


def stale_reminders_send(*, now: datetime | None = None) -> list[ReminderLog]:
    """Send one digest per unit that has stale measures, in the unit's language, at most once
    per unit per calendar day (in the platform's time zone). Returns the reminders sent now."""

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent: list[ReminderLog] = []
    days = ProgressSettings.load().stale_after_days
    for unit, items in selectors.stale_by_unit(now=now).items():
        members = [u for u in unit.members.all() if u.is_active]
        if not members or not items:
            continue
        language = unit_language(unit)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    log = ReminderLog.objects.create(
                        unit=unit,
                        sent_on=today,
                        language=language,
                        measure_count=len(items),
                        recipient_count=len(members),
                    )
            except IntegrityError:
                continue  # this unit has had today's digest already
            notify_group(
                members,
                language,
                REMINDER_TEMPLATE,
                {"unit": unit, "items": items, "days": days},
                url=_queue_url(language),
            )
        sent.append(log)
    return sent


def _queue_url(language: str) -> str:
    with translation.override(language):
        return reverse("progress:queue")


def since(days: int, *, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)
