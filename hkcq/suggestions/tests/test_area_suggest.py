"""The suggested co-operation area of a suggestion: from the areas' names, measures and the
knowledge-base questions filed under them (with the units that answer them), in three languages;
held on a fixed labelled set (tests/data/area_suggestions.yaml; bench/suggestion_areas.py)."""

from pathlib import Path

import pytest
import yaml

from hkcq.suggestions import similarity
from hkcq.suggestions.selectors import area_suggest

from .conftest import submit

DATA = Path(__file__).parent / "data" / "area_suggestions.yaml"


@pytest.mark.seed  # the real co-operation areas
@pytest.mark.parametrize(
    "text",
    ["More Cantonese service at the exit-entry hall", "出入境大廳多啲廣東話服務", "出入境大厅多一些粤语服务"],
)
def test_a_suggestion_about_the_exit_entry_hall_is_filed_under_facilitation(defaults, text):
    area = area_suggest(text)
    assert area is not None and area.ext_id == "facilitation-hk-people"


@pytest.mark.seed
def test_the_submitted_suggestion_carries_the_suggested_area(defaults):
    s = submit(title="More Cantonese service at the exit-entry hall", text="Please.")
    assert s.suggested_area is not None and s.suggested_area.ext_id == "facilitation-hk-people"


@pytest.mark.seed
def test_the_labelled_suggestions_get_their_area(defaults):
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))["suggestions"]
    assert len(items) >= 30 and {i["lang"] for i in items} == {"en", "zh_hant", "zh_hans"}
    right = sum(
        1 for i in items if (a := area_suggest(f"{i['title']} {i['text']}")) is not None and a.ext_id == i["area"]
    )
    # bench/suggestion_areas.py: 29 of 31 (0.935); the areas' whole texts as one document each: 29
    # with the exit-entry hall given no area.
    assert right / len(items) >= 0.9


def test_a_group_is_judged_by_its_closest_items_and_only_when_it_stands_out():
    docs = [
        ("travel", "exit-entry hall service counter"),
        ("travel", "permit renewal at the exit-entry hall"),
        *(("trade", f"trade fair number {n} for enterprises and investment") for n in range(20)),
        ("trade", "opening hours of the service counter"),
        ("travel", "opening hours of the service counter"),
    ]
    text, group = (lambda d: d[1]), (lambda d: d[0])
    # The travel group's two items are short; the trade group's many items do not outweigh them.
    assert similarity.best_group("queue at the exit-entry hall", docs, text, group) == "travel"
    assert similarity.best_group("a trade fair for enterprises", docs, text, group) == "trade"
    # Equally close to both, or close to neither: no suggestion.
    assert similarity.best_group("opening hours", docs, text, group) is None
    assert similarity.best_group("hotpot", docs, text, group) is None
