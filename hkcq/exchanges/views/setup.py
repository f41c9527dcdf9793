"""Organisers set up events, sessions and questions, and edit a round's settings and an exchange
record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError
from hkcq.core.history import history_entries
from hkcq.core.permissions import require_page
from hkcq.core.views import edit_page
from hkcq.exchanges import forms as xforms
from hkcq.exchanges import permissions, selectors, services
from hkcq.exchanges.models import (
    Event,
    Question,
    Session,
)
from hkcq.exchanges.views._shared import _organised


def _history_context(request: HttpRequest, obj: Any) -> dict[str, Any]:
    return {
        "history_of": obj,
        "history": history_entries(obj),
        "show_change_details": permissions.can_organise_event(
            request.user, obj.event if hasattr(obj, "event") else obj
        ),
    }


@login_required
def event_create(request: AuthedRequest) -> HttpResponse:
    require_page(permissions.can_create_event(request.user))
    return edit_page(
        request,
        form_class=xforms.EventForm,
        initial={"organiser_units": list(request.user.units.all())},
        title=_("New event"),
        cancel_url=reverse("exchanges:events"),
        save=lambda d: services.event_create(user=request.user, data=d),
        success_url=lambda event: reverse("exchanges:organise", args=[event.pk]),
    )


@login_required
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return edit_page(
        request,
        form_class=xforms.EventForm,
        instance=event,
        title=_("Edit event"),
        cancel_url=reverse("exchanges:organise", args=[event.pk]),
        save=lambda d: services.event_update(user=request.user, event=event, data=d),
        success_url=lambda saved: reverse("exchanges:organise", args=[saved.pk]),
        template="exchanges/edit.html",
        context={
            **_history_context(request, event),
            "delete_url": reverse("exchanges:event_delete", args=[event.pk]),
            "delete_label": _("Delete this event"),
        },
    )


def _confirm_delete(
    request: HttpRequest, *, delete: Any, title: str, question: str, cancel_url: str, done_url: str
) -> HttpResponse:
    """GET: ask; POST: delete through the service (a refusal is shown, nothing changed)."""
    error = ""
    if request.method == "POST":
        try:
            delete()
        except DomainError as exc:
            error = exc.text()
        else:
            messages.success(request, _("Deleted."))
            return redirect(done_url)
    return render(
        request,
        "exchanges/confirm_delete.html",
        {"title": title, "question": question, "cancel_url": cancel_url, "error": error},
        status=400 if error else 200,
    )


@login_required
def event_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    return _confirm_delete(
        request,
        delete=lambda: services.event_delete(user=request.user, event=event),
        title=_("Delete this event"),
        question=_("Delete “%(title)s”? Only an event nobody has registered for can be deleted.")
        % {"title": event.title},
        cancel_url=reverse("exchanges:event_edit", args=[event.pk]),
        done_url=reverse("exchanges:events"),
    )


def _organise_url(event: Event) -> str:
    return reverse("exchanges:organise", args=[event.pk])


def _event_part_edit(
    request: AuthedRequest,
    event: Event,
    part: Session | Question | None,
    *,
    form_class: Callable[..., BaseForm],
    titles: tuple[str, str],
    delete: tuple[str, str],
    save: Callable[[dict[str, Any]], Any],
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """A session's or a registration question's page under the organise page: ``titles`` (new,
    edit); an existing one shows its history and a link to ``delete`` (the URL name, its label)."""
    extra = {}
    if part is not None:
        extra = {
            **_history_context(request, part),
            "delete_url": reverse(delete[0], args=[event.pk, part.pk]),
            "delete_label": delete[1],
        }
    return edit_page(
        request,
        form_class=form_class,
        instance=part,
        initial=initial,
        title=titles[1] if part else titles[0],
        cancel_url=_organise_url(event),
        save=save,
        success_url=_organise_url(event),
        template="exchanges/edit.html",
        context=extra,
    )


def _event_part_delete(
    request: AuthedRequest, event: Event, *, delete: Callable[[], None], title: str, question: str
) -> HttpResponse:
    return _confirm_delete(
        request,
        delete=delete,
        title=title,
        question=question,
        cancel_url=_organise_url(event),
        done_url=_organise_url(event),
    )


@login_required
def session_edit(request: AuthedRequest, pk: int, session_id: int | None = None) -> HttpResponse:
    event = _organised(request, pk)
    session = get_object_or_404(Session, pk=session_id, event=event) if session_id else None
    return _event_part_edit(
        request,
        event,
        session,
        form_class=xforms.SessionForm,
        titles=(_("New session"), _("Edit session")),
        delete=("exchanges:session_delete", _("Delete this session")),
        save=lambda d: services.session_save(user=request.user, event=event, data=d, session=session),
    )


@login_required
def session_delete(request: AuthedRequest, pk: int, session_id: int) -> HttpResponse:
    event = _organised(request, pk)
    session = get_object_or_404(Session, pk=session_id, event=event)
    return _event_part_delete(
        request,
        event,
        delete=lambda: services.session_delete(user=request.user, session=session),
        title=_("Delete this session"),
        question=_("Delete the session “%(title)s”?") % {"title": session.title},
    )


@login_required
def question_edit(request: AuthedRequest, pk: int, question_id: int | None = None) -> HttpResponse:
    event = _organised(request, pk)
    question = get_object_or_404(Question, pk=question_id, event=event) if question_id else None
    return _event_part_edit(
        request,
        event,
        question,
        form_class=xforms.QuestionForm,
        initial=None if question else {"position": event.questions.count()},
        titles=(_("New registration question"), _("Edit registration question")),
        delete=("exchanges:question_delete", _("Delete this question")),
        save=lambda d: services.question_save(user=request.user, event=event, data=d, question=question),
    )


@login_required
def question_delete(request: AuthedRequest, pk: int, question_id: int) -> HttpResponse:
    event = _organised(request, pk)
    question = get_object_or_404(Question, pk=question_id, event=event)
    return _event_part_delete(
        request,
        event,
        delete=lambda: services.question_delete(user=request.user, question=question),
        title=_("Delete this question"),
        question=_("Delete the question “%(label)s”?") % {"label": question.label},
    )


@login_required
def round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, pk=pk)  # 404 when hidden from the user
    require_page(permissions.can_organise_round(request.user, round_))
    return edit_page(
        request,
        form_class=xforms.RoundForm,
        instance=round_,
        title=_("Edit the round's settings"),
        cancel_url=round_.get_absolute_url(),
        save=lambda d: services.round_update(user=request.user, round_=round_, data=d),
        template="exchanges/edit.html",
        context={"history_of": round_, "history": history_entries(round_), "show_change_details": True},
    )


@login_required
def record_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """An exchange record: its dates, activities over the years and completion report."""
    record = selectors.record_get_for_user(user=request.user, pk=pk)
    assert record.pair is not None
    url = reverse("exchanges:record", args=[record.pk])
    return edit_page(
        request,
        form_class=xforms.RecordForm,
        initial={"starts_on": record.starts_on, "ends_on": record.ends_on, "report": record.completion_report},
        title=_("Exchange record"),
        cancel_url=record.pair.round.get_absolute_url(),
        save=lambda d: services.record_update(
            user=request.user,
            record=record,
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            activity=d["activity"],
            report=d["report"],
        ),
        success_url=url,
        template="exchanges/record.html",
        context={
            "record": record,
            "history_of": record,
            "history": history_entries(record),
            "show_change_details": True,
        },
    )
