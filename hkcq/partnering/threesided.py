"""Three-sided projects (the HKTDC Belt and Road model: project owners, investors and
professional-service providers). For an investment project with an interested investor (an
open or accepted expression of interest between an ``investment_project`` and an investor), it
suggests the published "professional service offered" opportunities of the kinds the pair still
lacks — legal, accounting, financial advisory — with the reasons in the reader's language.

"Still lacks": neither organisation offers that service itself (a live "service offered" of
that kind), and neither has been introduced to a provider of it (an accepted interest between
one of them and such an opportunity). Candidates come from the match index (the retrieval index
of "service offered" opportunities, queried with the project's text, its areas and the service
kind), never from a scan of all providers; each kind's best few are scored exactly: languages
that cover both organisations, the project's areas and sector, a provider on either side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from hkcq.core.choices import Side
from hkcq.core.translated import current_language
from hkcq.partnering import matching
from hkcq.partnering.models import (
    Interest,
    Opportunity,
    OpportunityType,
    OrganisationProfile,
    ServiceKind,
    WorkLanguage,
)
from hkcq.registry.models import Area

# What a cross-border investment needs from professional firms, in this order.
NEEDED: tuple[str, ...] = (ServiceKind.LEGAL, ServiceKind.ACCOUNTING, ServiceKind.FINANCIAL)
PER_KIND = 3


@dataclass(frozen=True)
class Trio:
    """The project and the investor side of an interest."""

    project: Opportunity
    investor_profile_id: int
    investor_opportunity: Opportunity | None


def trio_of(interest: Interest) -> Trio | None:
    """The investment project and the investor of an interest, or None when the interest is not
    between the two (or is declined, withdrawn or expired)."""
    if interest.status not in (Interest.Status.OPEN, Interest.Status.ACCEPTED):
        return None
    opportunity, offered = interest.opportunity, interest.from_opportunity
    if opportunity.type == OpportunityType.INVESTMENT_PROJECT:
        if offered is not None and offered.type != OpportunityType.INVESTOR:
            offered = None
        return Trio(opportunity, interest.from_profile_id, offered)
    if opportunity.type == OpportunityType.INVESTOR:
        project = offered
        if project is None or project.type != OpportunityType.INVESTMENT_PROJECT:
            project = (
                matching.live_opportunities()
                .filter(profile_id=interest.from_profile_id, type=OpportunityType.INVESTMENT_PROJECT)
                .order_by("-published_at", "-id")
                .first()
            )
        if project is None:
            return None
        return Trio(project, opportunity.profile_id, opportunity)
    return None


def covered_kinds(profile_ids: Sequence[int]) -> set[str]:
    """The professional services the organisations already have: offered by one of them, or
    from a provider one of them was introduced to."""
    own = matching.live_opportunities().filter(profile_id__in=profile_ids, type=OpportunityType.SERVICE_OFFERED)
    introduced = Interest.objects.filter(status=Interest.Status.ACCEPTED).filter(
        Q(from_profile_id__in=profile_ids, opportunity__type=OpportunityType.SERVICE_OFFERED)
        | Q(opportunity__profile_id__in=profile_ids, from_opportunity__type=OpportunityType.SERVICE_OFFERED)
    )
    kinds = set(own.values_list("service_kind", flat=True))
    kinds |= set(
        introduced.filter(opportunity__type="service_offered").values_list("opportunity__service_kind", flat=True)
    )
    kinds |= set(
        introduced.filter(from_opportunity__type="service_offered").values_list(
            "from_opportunity__service_kind", flat=True
        )
    )
    return kinds


@dataclass(frozen=True)
class Provider:
    pk: int
    service_kind: str
    score: float
    languages: tuple[str, ...]  # languages the provider shares with both organisations
    areas: tuple[int, ...]  # the project's areas the provider also names
    side: str
    same_sector: bool


def providers(interest: Interest, *, per_kind: int = PER_KIND) -> list[Provider]:
    """Providers of each lacking kind, best first within a kind, kinds in ``NEEDED`` order; at
    most one opportunity per organisation, never one of the pair's own."""
    trio = trio_of(interest)
    if trio is None:
        return []
    index = matching.current_index()
    project = index.docs.get(trio.project.pk)
    if project is None:  # the project is no longer live
        return []
    pair = {trio.project.profile_id, trio.investor_profile_id}
    investor_languages = set(_languages(trio.investor_profile_id))
    both = set(project.languages) & investor_languages or set(project.languages) | investor_languages
    lacking = [kind for kind in NEEDED if kind not in covered_kinds(list(pair))]
    services = index.by_type.get(OpportunityType.SERVICE_OFFERED)
    out: list[Provider] = []
    seen: set[int] = set(pair)
    for kind in lacking:
        if services is None:
            break
        query = [*project.terms, *(f"#area:{a}" for a in project.areas), f"#service:{kind}", f"#service:{kind}"]
        found: list[Provider] = []
        for pk in dict.fromkeys(services.search(query, matching.CANDIDATES)):
            doc = index.docs.get(pk)
            if doc is None or doc.service_kind != kind or doc.profile_id in seen:
                continue
            languages = tuple(code for code in doc.languages if code in both)
            areas = tuple(a for a in project.areas if a in doc.areas)
            same_sector = doc.sector_id == project.sector_id or (
                project.sector_parent_id is not None and doc.sector_parent_id == project.sector_parent_id
            )
            score = (
                0.4 * (len(languages) / len(both) if both else 0.0)
                + 0.35 * (len(areas) / len(project.areas) if project.areas else 0.0)
                + 0.15 * same_sector
                + 0.1
            )
            score /= 1 + 0.1 * (index.per_profile[doc.profile_id] - 1)  # fair exposure
            found.append(Provider(pk, kind, round(score, 4), languages, areas, doc.side, same_sector))
        found.sort(key=lambda p: (-p.score, p.pk))
        taken = 0
        for provider in found:
            owner = index.docs[provider.pk].profile_id
            if owner in seen or taken == per_kind:
                continue
            seen.add(owner)
            out.append(provider)
            taken += 1
    return out


def _languages(profile_id: int) -> tuple[str, ...]:
    langs = OrganisationProfile.objects.filter(pk=profile_id).values_list("languages", flat=True).first()
    return tuple(langs or ())


def reasons(provider: Provider, *, lang: str | None = None) -> list[str]:
    """Why the provider is suggested to the pair, in ``lang`` (the active language by default)."""
    lang = lang or current_language()
    kinds = dict(ServiceKind.choices)
    out = [
        _("%(service)s: neither of you offers it or has been introduced to a firm that does.")
        % {"service": kinds[provider.service_kind]}
    ]
    if provider.languages:
        labels = dict(WorkLanguage.choices)
        joined = ("、" if lang != "en" else ", ").join(str(labels[c]) for c in provider.languages)
        out.append(_("Works in %(languages)s, as both of you do.") % {"languages": joined})
    if provider.areas:
        names = [a.name.show(lang).text for a in Area.objects.filter(pk__in=provider.areas).order_by("position", "pk")]
        out.append(
            _("Works in the project's areas: %(areas)s.") % {"areas": ("、" if lang != "en" else ", ").join(names)}
        )
    if provider.same_sector:
        out.append(_("Knows the project's sector."))
    out.append(_("Based in %(side)s.") % {"side": Side(provider.side).label})
    return out
