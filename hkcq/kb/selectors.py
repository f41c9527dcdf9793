"""Reads of the knowledge base, with their joins applied."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as shared_cache
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.accounts.types import Viewer
from hkcq.core.api import estimated_count
from hkcq.core.errors import NotFound
from hkcq.core.mywork import WorkCount, WorkSection
from hkcq.core.search import Analyzer, default_analyzer, group_similar
from hkcq.core.sitesearch import Result
from hkcq.core.text import fold, has_cjk, mask_personal_data, to_simplified, to_traditional
from hkcq.core.translated import EN, HANS, HANT
from hkcq.kb import permissions
from hkcq.kb.models import Entry, Gap
from hkcq.kb.search import ask, current_index, document_share, offered_filter, search_version
from hkcq.registry.permissions import user_unit_ids


def _base() -> QuerySet[Entry]:
    return Entry.objects.select_related("unit", "area")


def entry_list(*, user: Viewer = None, topic: str | None = None, state: str | None = None) -> QuerySet[Entry]:
    """Entries a person may see: everyone sees the published entries in force; staff also see
    drafts and entries under review (the secretariat all of them, officers their units')."""
    qs = _base()
    visible = offered_filter(timezone.localdate())
    if permissions.can_publish(user):
        visible = Q()
    elif permissions.can_see_drafts(user):
        visible = visible | Q(unit_id__in=user_unit_ids(user))
    qs = qs.filter(visible)
    if topic:
        qs = qs.filter(topic=topic)
    if state:
        qs = qs.filter(state=state)
    # A list shows no index terms (the largest column): not read, not decoded. In the order of
    # the (topic, slug) index, so a page is read from the index, not sorted out of every entry.
    return qs.defer("index_terms").order_by("topic", "slug")


def entry_list_count(*, user: Viewer = None, topic: str | None = None, state: str | None = None) -> int:
    """How many entries :func:`entry_list` has. The public list's count is the same for everyone
    until an entry changes: kept in the cache under the knowledge base's version (a write bumps
    it, ``search_version``) and the date, so it is exact and counted once per change, not per
    request. Staff lists (their units' drafts) are counted as they are asked, estimated when
    large (``estimated_count``)."""
    queryset = entry_list(user=user, topic=topic, state=state)
    if permissions.can_see_drafts(user) or permissions.can_publish(user):
        return estimated_count(queryset)
    counter, token = search_version()
    key = f"kb:entries:count:{timezone.localdate().isoformat()}:{counter}:{token}:{topic or ''}:{state or ''}"
    count = shared_cache.get_or_set(key, queryset.count, timeout=24 * 3600)
    return int(count) if count is not None else queryset.count()


def entry_get_for_user(*, user: Viewer, slug: str) -> Entry:
    """An entry by its stable id, if ``user`` may see it (``NotFound`` otherwise: 404 on pages
    and in the API). Published entries are public (an expired one too, marked as such); drafts
    and entries in review only for the people who may edit or publish them."""
    entry = _base().filter(slug=slug).first()
    if entry is None or (entry.state != Entry.State.PUBLISHED and not permissions.can_see_unpublished(user, entry)):
        raise NotFound()
    return entry


def topic_counts() -> dict[str, int]:

    rows = Entry.objects.filter(offered_filter(timezone.localdate())).values("topic").annotate(n=Count("id"))
    return {r["topic"]: r["n"] for r in rows}


# Gap groups are labelled with the words their questions share most, shown as people typed them
# (never a stem such as "chongq"), in the page's script. A word in at least this share of the
# knowledge base's entries is too general to say what a group is about (香港, 重庆, Chongqing);
# below MIN_ENTRIES_FOR_SHARE entries the shares say too little to judge.
GENERIC_SHARE = 2 / 3
MIN_ENTRIES_FOR_SHARE = 10
LABEL_WORDS = 5
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")


@dataclass
class GapGroup:
    gaps: list[Gap]
    terms: list[str]

    @property
    def size(self) -> int:
        return len(self.gaps)

    @property
    def first(self) -> Gap:
        return self.gaps[0]

    @property
    def ids(self) -> str:
        return ",".join(str(g.pk) for g in self.gaps)

    @property
    def languages(self) -> list[str]:
        return sorted({g.get_language_display() for g in self.gaps})


def _words(text: str, analyzer: Analyzer) -> list[tuple[str, str]]:
    """The topic words of ``text`` as (analysed term, the word as written): Latin words with
    their stem, Chinese words as segmented (not their sub-words or character bigrams). Words
    with digits are left out: numbers, references and identity data are no label."""
    out: list[tuple[str, str]] = []
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        token = match.group(0)
        if token.isascii():
            if not any(c.isdigit() for c in token):
                out.extend((term, token) for term in analyzer.base_terms(token))
            continue
        folded = fold(token)
        for unit in analyzer.base_units(token):
            word = unit[0]
            if analyzer.term_weight(word) < 1.0:
                continue
            at = folded.find(word)
            # fold() maps Chinese character for character, so the written word is at the same place.
            written = token[at : at + len(word)] if at >= 0 and len(folded) == len(token) else word
            out.append((word, written))
    return out


def _in_script(word: str, language: str) -> str:
    if not has_cjk(word):
        return word
    if language == HANT:
        return to_traditional(word)
    if language == HANS:
        return to_simplified(word)
    return word


@dataclass
class _Words:
    """The topic words of one group's questions: in how many questions each term is, and how
    each was written."""

    counts: Counter[str]
    written: dict[str, Counter[str]]

    @classmethod
    def of(cls, questions: list[str], analyzer: Analyzer) -> _Words:
        counts: Counter[str] = Counter()
        written: dict[str, Counter[str]] = {}
        for question in questions:
            seen = set()
            for term, word in _words(question, analyzer):
                written.setdefault(term, Counter())[word] += 1
                if term not in seen:
                    seen.add(term)
                    counts[term] += 1
        return cls(counts, written)

    def label(self, *, language: str, generic: Callable[[str], bool], spread: Counter[str]) -> list[str]:
        """The words in most of the group's questions, general words left out; among equals the
        word fewer other groups use (怎么办, "much" say less than 宠物猫, "hotpot"), then the
        word met first."""
        ranked = sorted(self.counts, key=lambda t: (-self.counts[t], spread[t]))
        chosen = [t for t in ranked if not generic(t)][:LABEL_WORDS]
        return list(dict.fromkeys(_in_script(self._written(t), language) for t in chosen))

    def _written(self, term: str) -> str:
        """How people wrote the word most often; lower case if anyone wrote it so (a capital at
        the start of a sentence is no proper name)."""
        forms = self.written[term]
        lower = [form for form in forms if form.islower()]
        return max(lower or forms, key=lambda form: forms[form])


def gap_groups(*, language: str = EN, include_resolved: bool = False, limit: int = 2000) -> list[GapGroup]:
    """Unanswered questions grouped by similarity, largest group first. Questions are masked
    (identity card and phone numbers, e-mail addresses) before anything is shown or compared, as
    are the labels built from them; ``language`` is the page's, for the labels' script."""
    qs = Gap.objects.all() if include_resolved else Gap.objects.filter(resolved=False)
    gaps = list(qs.order_by("-created_at")[:limit])
    for gap in gaps:
        # Stored masked (services.gap_record); masked again for any row written before that.
        gap.question = mask_personal_data(gap.question)
    analyzer = default_analyzer()
    index = current_index().index

    @cache
    def generic(term: str) -> bool:
        return len(index) >= MIN_ENTRIES_FOR_SHARE and document_share(term, index) >= GENERIC_SHARE

    grouped = [[gaps[i] for i in indexes] for indexes in group_similar([g.question for g in gaps], analyzer=analyzer)]
    words = [_Words.of([g.question for g in members], analyzer) for members in grouped]
    spread: Counter[str] = Counter()
    for group_words in words:
        spread.update(group_words.counts.keys())
    return [
        GapGroup(members, group_words.label(language=language, generic=generic, spread=spread))
        for members, group_words in zip(grouped, words, strict=True)
    ]


def search_results(query: str, language: str, user: Viewer, limit: int) -> list[Result]:
    """The site search's knowledge-base answers (hkcq.core.sitesearch): the entries ``ask``
    ranks for ``query``. Searching records no gap: only the ask page and enquiries do."""
    return [
        Result(title=a.entry.title, url=a.entry.get_absolute_url(), snippet=a.snippet)
        for a in ask(query, language, limit=min(limit, 5)).answers
    ]


def my_work(user: Viewer) -> WorkSection | None:
    """Unanswered questions (gaps) on the secretariat's "my work" page (hkcq.core.mywork)."""
    if not permissions.can_read_gaps(user):
        return None
    item = WorkCount(_("Unanswered questions"), Gap.objects.filter(resolved=False).count(), reverse("kb:gaps"))
    return WorkSection("kb", str(_("Knowledge base")), [item])
