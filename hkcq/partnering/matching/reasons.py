"""What the reader is told: why each suggestion is made, and when there is none, why and what to do
(in the reader's language)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hkcq.core.choices import Side
from hkcq.core.search import CONCEPT_PREFIX
from hkcq.core.translated import current_language
from hkcq.partnering.analysis import concept_label
from hkcq.partnering.matching.index import (
    OFFERS,
    Doc,
)
from hkcq.partnering.matching.live import current_index
from hkcq.partnering.matching.scoring import Match, rank
from hkcq.partnering.models import (
    COMPLEMENTS,
    Opportunity,
    OpportunityType,
    Sector,
    WorkLanguage,
)
from hkcq.registry.models import Area


# -- reasons in the reader's language --------------------------------------------------------------
def _join(items: Sequence[str], lang: str) -> str:
    return ("、" if lang != "en" else ", ").join(items)


@dataclass(frozen=True)
class Names:
    """What the reasons of one list name, read once for the whole list: the reader's sector and
    the co-operation areas any suggestion shares with it (in the areas' order)."""

    sector: Sector | None
    areas: tuple[Area, ...]

    @classmethod
    def of(cls, me: Doc, matches: Sequence[Match]) -> Names:
        sector = (
            Sector.objects.filter(pk=me.sector_id).first() if any(m.forward.sector == 1.0 for m in matches) else None
        )
        wanted = {a for m in matches for a in m.forward.areas}
        areas = tuple(Area.objects.filter(pk__in=wanted).order_by("position", "pk")) if wanted else ()
        return cls(sector, areas)


def explained(opportunity: Opportunity, *, limit: int = 10, lang: str | None = None) -> list[tuple[Match, list[str]]]:
    """``suggestions`` with each one's reasons in ``lang``: one catch-up check and at most two
    queries for the names, however many suggestions (what the page and the API show)."""
    index = current_index()
    me = index.docs.get(opportunity.pk)
    if me is None:
        return []
    found = rank(index, me, limit=limit)
    names = Names.of(me, found)
    return [(m, reasons(m, me, lang=lang, names=names)) for m in found]


def reasons(match: Match, me: Doc, *, lang: str | None = None, names: Names | None = None) -> list[str]:
    """Why ``match`` is suggested to the owner of ``me``, as sentences in ``lang`` (the active
    language by default). ``names``: read for a whole list at once (else read here)."""
    lang = lang or current_language()
    names = names or Names.of(me, [match])
    types = dict(OpportunityType.choices)
    told: set[str] = set()
    if match.mutual is not None:
        theirs, yours = match.mutual
        told.update(theirs + yours)
        out = [
            _(
                "Two offers that answer each other: they offer %(theirs)s, which yours names; you offer %(yours)s, which theirs names."
            )
            % {
                "theirs": _join([concept_label(t, lang) for t in theirs[:3]], lang),
                "yours": _join([concept_label(t, lang) for t in yours[:3]], lang),
            }
        ]
    else:
        out = [
            _("They posted “%(theirs)s”, which answers your “%(yours)s”.")
            % {"theirs": types[match.doc.type], "yours": types[me.type]}
        ]
    shared = list(dict.fromkeys(match.forward.shared_terms + match.backward.shared_terms))
    concepts = [concept_label(t, lang) for t in shared if t.startswith(CONCEPT_PREFIX) and t not in told][:4]
    if concepts:
        out.append(_("Both write about %(topics)s.") % {"topics": _join(concepts, lang)})
    if match.forward.sector == 1.0:
        sector = names.sector
        out.append(_("Both in %(sector)s.") % {"sector": sector.name.show(lang).text if sector else ""})
    elif match.forward.sector > 0:
        out.append(_("Related sectors."))
    if match.forward.areas:
        shown = [a.name.show(lang).text for a in names.areas if a.pk in match.forward.areas]
        out.append(_("Both interested in %(areas)s.") % {"areas": _join(shown, lang)})
    if match.forward.languages:
        labels = dict(WorkLanguage.choices)
        out.append(
            _("Both work in %(languages)s.")
            % {"languages": _join([str(labels[c]) for c in match.forward.languages], lang)}
        )
    if match.forward.other_side:
        out.append(_("A partner on the other side: %(side)s.") % {"side": Side(match.doc.side).label})
    return out


# -- when there is no suggestion: why, and what to do ----------------------------------------------
def _quoted(text: str, lang: str) -> str:
    return f"「{text}」" if lang == "zh-hant" else f"“{text}”"


def matched_with(kind: str) -> list[str]:
    """The types an opportunity of type ``kind`` is matched with (an offer: other offers too)."""
    return list(dict.fromkeys([*COMPLEMENTS.get(kind, ()), *(OFFERS if kind in OFFERS else ())]))


def why_none(opportunity: Opportunity, *, lang: str | None = None) -> list[str]:
    """Why ``opportunity`` has no suggestion and what its owner can do, as sentences in ``lang``
    (what the page and the API show instead of an empty list)."""
    lang = lang or current_language()
    status = opportunity.status
    if status in (Opportunity.Status.DRAFT, Opportunity.Status.RETURNED):
        return [
            _(
                "Suggestions are made for published opportunities: submit this one for review, and a "
                "facilitator of your side publishes it."
            )
        ]
    if status == Opportunity.Status.SUBMITTED:
        return [
            _("Suggestions are made for published opportunities: a facilitator of your side reviews this one first.")
        ]
    if status != Opportunity.Status.PUBLISHED:
        return [_("Withdrawn and rejected opportunities get no suggestions.")]
    if not opportunity.is_live():
        return [_("This opportunity has expired and gets no suggestions: renew it to be matched again.")]
    labels = dict(OpportunityType.choices)
    answers = [_quoted(str(labels[k]), lang) for k in COMPLEMENTS.get(opportunity.type, ())]
    out = [
        _("No suggestion yet: no published opportunity fits this one."),
        _("Opportunities of this type (%(type)s) are matched with: %(types)s.")
        % {"type": labels[opportunity.type], "types": _join(answers, lang)},
    ]
    if opportunity.type in OFFERS:
        index = current_index()
        me = index.docs.get(opportunity.pk)
        wants = index.wants(me) if me is not None else []
        if wants:
            out.append(
                _(
                    "As an offer, it is also matched with the other side's offers of what it names "
                    "(%(topics)s) whose text names what you offer; none is published yet."
                )
                % {"topics": _join([concept_label(t, lang) for t in wants[:4]], lang)}
            )
        else:
            out.append(
                _(
                    "As an offer, it is also matched with the other side's offers when each names what "
                    "the other offers, but its text names nothing it is looking for."
                )
            )
        out.append(
            _(
                "To find what you need, post a request for it (for example a business request or a "
                "professional service needed): it is matched with the offers that answer it. Or name what "
                "you are looking for in this offer's keywords (an edit is reviewed again before it is "
                "published)."
            )
        )
    else:
        out.append(_("You can also look through the marketplace and express interest in an opportunity yourself."))
    out.append(_("New opportunities are matched as soon as they are published."))
    return out
