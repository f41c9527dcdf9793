"""A round's document (the API's body, or the rows of an upload): its problems, the links its
entries name, and the round created from it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput
from hkcq.core.permissions import require
from hkcq.core.templatetags.hkcq import listing
from hkcq.core.translated import TText
from hkcq.exchanges import permissions
from hkcq.exchanges.models import (
    Participant,
    Round,
    RoundKind,
)
from hkcq.exchanges.services._shared import Link, _area_required, _link_resolve, _log
from hkcq.registry.models import Area

ROUND_LANGUAGES = ("en", "zh-hant", "zh-hans")  # the language a round's entry is told its result in


class DocumentProblem(NamedTuple):
    """One problem with a round document: ``where`` is the API's key for it ("kind", "title",
    "area", "applicants", "applicant a1", …); ``entry`` names the entry it is about (its side,
    "applicants" or "hosts", and its position there), so that an upload can say which row."""

    where: str
    message: str
    entry: tuple[str, int] | None = None


SIDES = (("applicants", "applicant"), ("hosts", "host"))


def places_problem(value: Any) -> str:
    """What is wrong with a host's places (the API's ``capacity``, an upload's cell), naming the value."""
    return _("Places must be a whole number of at least 1, not %(value)s.") % {"value": value}


def _area_find(value: Any) -> Area | None:
    """A round's co-operation area: the area itself, or its stable id (as the API names it)."""
    if isinstance(value, Area):
        return value
    return Area.objects.filter(ext_id=str(value).strip()).first() if value else None


def _entry_id(entry: Any) -> str:
    return str(entry.get("id", "") if isinstance(entry, dict) else "").strip()


def _entry_problems(entry: dict[str, Any], side: str, other: set[str], kind: Any) -> list[str]:
    """What is wrong with one entry's ranking, places and language."""
    problems = []
    ranks = [str(r).strip() for r in entry.get("ranks") or []]
    applicants = side == "applicants"
    twice = sorted({r for r in ranks if ranks.count(r) > 1})
    if twice:
        message = (
            _("Hosts ranked more than once: %(ids)s.")
            if applicants
            else _("Applicants ranked more than once: %(ids)s.")
        )
        problems.append(message % {"ids": listing(twice)})
    unknown = [r for r in dict.fromkeys(ranks) if r not in other]
    if unknown:
        message = (
            _("Not a host of this round: %(ids)s.") if applicants else _("Not an applicant of this round: %(ids)s.")
        )
        problems.append(message % {"ids": listing(unknown)})
    if not applicants:
        capacity = entry.get("capacity", 1)
        if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
            problems.append(places_problem(capacity))
        elif kind == RoundKind.SISTER_SCHOOL and capacity != 1:
            problems.append(_("A sister-school pairing is one to one: every host has 1 place."))
    language = entry.get("language")
    if language not in (None, "") and language not in ROUND_LANGUAGES:
        problems.append(
            _("The language %(value)s is not one of %(codes)s.")
            % {"value": language, "codes": listing(ROUND_LANGUAGES)}
        )
    return problems


def round_document_problems(data: dict[str, Any]) -> list[DocumentProblem]:
    """Every problem with a round document (the API's body, or the rows of an upload), each with
    the entry it is about: the same rules for ``POST /rounds``, the upload page and the API's
    upload."""
    problems: list[DocumentProblem] = []
    kind = data.get("kind")
    if kind not in RoundKind.values:
        problems.append(DocumentProblem("kind", _("Choose internship, sister_school or exchange.")))
    title = data.get("title")
    if not (title.strip() if isinstance(title, str) else title):
        problems.append(DocumentProblem("title", _("Give the round a title.")))
    area = data.get("area")
    if not area:
        problems.append(DocumentProblem("area", _area_required()))
    elif _area_find(area) is None:
        problems.append(DocumentProblem("area", _("No co-operation area has the id %(id)s.") % {"id": area}))
    ids = {side: [_entry_id(e) for e in data.get(side) or []] for side, _label in SIDES}
    for side, label in SIDES:
        other = set(ids["hosts" if side == "applicants" else "applicants"])
        seen: set[str] = set()
        for index, entry in enumerate(data.get(side) or []):
            if not isinstance(entry, dict):
                entry = {}
            ext_id = ids[side][index]
            here = (side, index)
            where = f"{label} {entry.get('id')}"
            if not ext_id:
                problems.append(DocumentProblem(side, _("Every entry needs an id."), here))
            elif ext_id in seen:
                message = (
                    _("Another applicant has the same id, %(id)s.")
                    if side == "applicants"
                    else _("Another host has the same id, %(id)s.")
                )
                problems.append(DocumentProblem(side, message % {"id": ext_id}, here))
            seen.add(ext_id)
            problems.extend(DocumentProblem(where, m, here) for m in _entry_problems(entry, side, other, kind))
    return problems + _document_links(data)[0]


def round_document_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Problems with a round document, by where (the API's error details)."""
    errors: dict[str, list[str]] = {}
    for problem in round_document_problems(data):
        errors.setdefault(problem.where, []).append(problem.message)
    return errors


def _document_links(data: dict[str, Any]) -> tuple[list[DocumentProblem], dict[tuple[str, str], Link]]:
    """The links a round document gives its entries (``"profile"``: a profile's number or stable
    id; ``"email"``: an existing account's address), resolved, with the problems by entry: an
    unknown profile or address, or one profile or account named by two entries of one side."""
    errors: list[DocumentProblem] = []
    links: dict[tuple[str, str], Link] = {}
    for role, label, key in ((Participant.APPLICANT, "applicant", "applicants"), (Participant.HOST, "host", "hosts")):
        profiles: dict[int, str] = {}
        accounts: dict[int, str] = {}
        for index, entry in enumerate(data.get(key) or []):
            if not isinstance(entry, dict):
                continue
            ext_id = str(entry.get("id", "")).strip()
            where, here = f"{label} {entry.get('id')}", (key, index)
            (profile, account), problems = _link_resolve(entry.get("profile"), entry.get("email"))
            for messages in problems.values():
                errors.extend(DocumentProblem(where, message, here) for message in messages)
            if profile is not None:
                if profile.pk in profiles:
                    message = _("This organisation is already linked to %(id)s on this side.") % {
                        "id": profiles[profile.pk]
                    }
                    errors.append(DocumentProblem(where, message, here))
                profiles.setdefault(profile.pk, ext_id)
            if account is not None:
                if account.pk in accounts:
                    message = _("This account is already linked to %(id)s on this side.") % {"id": accounts[account.pk]}
                    errors.append(DocumentProblem(where, message, here))
                accounts.setdefault(account.pk, ext_id)
            if profile is not None or account is not None:
                links[(role, ext_id)] = (profile, account)
    return errors, links


def round_create(*, user: User, data: dict[str, Any], organiser_units: Iterable[Any] = ()) -> Round:
    """Create a round with its participants, capacities and rankings from one document (the
    API's JSON, or an upload's rows): {"kind", "title", "area", "applicants": [{"id", "ranks",
    "name"?, "language"?, "profile"?, "email"?}], "hosts": [{"id", "capacity", "ranks", "name"?,
    "language"?, "profile"?, "email"?}]}. ``area`` (an Area or its stable id) is required: a round
    serves the co-operation framework, and its pairs are counted under that area. ``profile`` (an organisation profile's number or stable
    id) and ``email`` (an existing account's address) link an entry to the people who are told
    its result and answer for it; an entry without either is answered for by the organiser."""
    require(permissions.can_create_round(user))
    errors = round_document_check(data)
    if errors:
        raise InvalidInput(_("The round could not be created: some entries are not valid."), details=errors)
    with transaction.atomic():
        round_ = _round_open(user=user, data=data, organiser_units=organiser_units)
        Participant.objects.bulk_create(_round_entries(round_, data))
        _log(round_, user, "created", f"{len(data.get('applicants') or [])} / {len(data.get('hosts') or [])}")
    return round_


def _round_open(*, user: User, data: dict[str, Any], organiser_units: Iterable[Any]) -> Round:
    """The round a checked document describes, organised by ``organiser_units`` (by default the
    units of the person creating it)."""
    title = data["title"]
    area = _area_find(data["area"])
    if area is None:  # the document check reports it first; never a round without its area
        raise InvalidInput(
            _("The round could not be saved: see the fields marked."), details={"area": [_area_required()]}
        )
    round_ = Round.objects.create(
        kind=data["kind"],
        title=TText.typed(title) if isinstance(title, str) else TText.of(**title),
        created_by=user,
        tie_break_seed=int(data.get("tie_break_seed") or 0),
        area=area,
        ranking_deadline=data.get("ranking_deadline"),
        response_deadline=data.get("response_deadline"),
    )
    units = list(organiser_units) or list(user.units.all())
    if units:
        round_.organiser_units.set(units)
    return round_


def _entry_language(entry: dict[str, Any]) -> str:
    """The language an entry's messages go out in (checked: one of ROUND_LANGUAGES; none: English)."""
    value = str(entry.get("language") or "")
    return value if value in ROUND_LANGUAGES else "en"


def _round_entries(round_: Round, data: dict[str, Any]) -> list[Participant]:
    """A checked document's entries as the round's participants (not yet saved): the applicants,
    then the hosts with their places, each linked to the profile and account it names."""
    _errors, links = _document_links(data)

    def entry(role: str, row: dict[str, Any], **extra: Any) -> Participant:
        ext_id = str(row["id"]).strip()
        profile, account = links.get((role, ext_id), (None, None))
        return Participant(
            round=round_,
            role=role,
            profile=profile,
            user=account,
            ext_id=ext_id,
            name=str(row.get("name") or "")[:300],
            ranks=[str(r) for r in row.get("ranks") or []],
            language=_entry_language(row),
            **extra,
        )

    return [entry(Participant.APPLICANT, a) for a in data.get("applicants") or []] + [
        entry(Participant.HOST, h, capacity=int(h.get("capacity", 1))) for h in data.get("hosts") or []
    ]
