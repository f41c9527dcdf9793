"""The gaps page: unanswered questions kept and shown without personal data, grouped under
labels made of the questions' own topic words, in the page's script."""

import importlib
import re

import pytest
from django.apps import apps
from django.test import Client

from hkcq.core.text import MASK
from hkcq.kb import selectors
from hkcq.kb.models import Feedback, Gap
from hkcq.kb.search import document_share
from hkcq.kb.services import feedback_record, gap_record
from hkcq.kb.tests.factories import EntryFactory, everyday_entries_make

PERSONAL = ("91234567", "9123 4567", "A123456", "chan.tai-man@example.org", "13800138000")


def labels(html: str) -> list[str]:
    """The label of every group heading on the gaps page ("2 questions — weather, winter")."""
    return [
        m.split(" — ", 1)[1] if " — " in m else "" for m in re.findall(r'<h2 class="h6 card-title"[^>]*>([^<]*)<', html)
    ]


@pytest.fixture
def everyday(db):
    """A knowledge base in which Chongqing and Hong Kong are general words (in most entries)."""
    return everyday_entries_make()


def test_gaps_are_kept_masked(db):
    gap = gap_record("what is the weather like in chongqing in winter, call me 91234567", "en", "ask")
    gap.refresh_from_db()
    assert gap.question == f"what is the weather like in chongqing in winter, call me {MASK}"
    gap_record("我的身份證 A123456(7)，電郵 chan.tai-man@example.org，想問重慶天氣", "zh-hant", "enquiry")
    for text in PERSONAL:
        assert not Gap.objects.filter(question__contains=text).exists()
    entry = EntryFactory.create()
    feedback = feedback_record(entry=entry, question="renew permit, phone 13800138000", language="en")
    feedback.refresh_from_db()
    assert feedback.question == f"renew permit, phone {MASK}"


def test_asking_again_within_the_hour_is_still_one_gap(everyday):
    client = Client()
    question = "what is the weather like in chongqing in winter, call me 91234567"
    client.get("/en/help/ask/", {"q": question})
    client.get("/en/help/ask/", {"q": question})
    assert Gap.objects.count() == 1
    assert "91234567" not in Gap.objects.get().question


def test_the_gaps_page_shows_no_personal_data(everyday, secretariat_hk):
    gap_record("what is the weather like in chongqing in winter, call me 91234567", "en", "ask")
    gap_record("Chongqing weather in winter? Write to chan.tai-man@example.org or 9123 4567", "en", "enquiry")
    # A row kept before questions were stored masked.
    Gap.objects.create(
        question="winter weather in Chongqing, HKID A123456(7), 13800138000", language="en", source="ask"
    )
    client = Client()
    client.force_login(secretariat_hk)
    html = client.get("/en/help/gaps/").content.decode()
    assert "what is the weather like in chongqing in winter, call me" in html
    for text in PERSONAL:
        assert text not in html
    (label,) = labels(html)
    assert set(label.split(", ")[:2]) == {"weather", "winter"}  # in all three questions
    assert not re.search(r"\d", label) and MASK not in label


def test_labels_are_written_words_without_general_ones(everyday):
    gap_record("Quarantine and vaccinations for dogs moving to Chongqing", "en", "ask")
    gap_record("Which vaccinations does my dog need before moving from Hong Kong to Chongqing?", "en", "ask")
    (group,) = selectors.gap_groups(language="en")
    assert group.size == 2
    assert group.terms[:1] == ["vaccinations"]  # as typed, not the stem "vaccin"
    assert "dogs" in group.terms or "dog" in group.terms
    for general in ("Chongqing", "chongq", "Hong", "Kong", "hong", "kong"):
        assert general not in group.terms
    # General: in most of the knowledge base's entries.
    assert document_share("chongq") >= selectors.GENERIC_SHARE
    assert document_share("香港") >= selectors.GENERIC_SHARE
    assert document_share("vaccin") < selectors.GENERIC_SHARE


@pytest.mark.parametrize(
    ("lang", "pet", "place"),
    [("zh-hant", "寵物貓", ("重慶", "重庆")), ("zh-hans", "宠物猫", ("重庆", "重慶")), ("en", "宠物猫", ("重庆",))],
)
def test_labels_are_in_the_script_of_the_page(everyday, secretariat_hk, lang, pet, place):
    gap_record("我想带宠物猫到重庆怎么办", "zh-hans", "ask")
    client = Client()
    client.force_login(secretariat_hk)
    html = client.get(f"/{lang}/help/gaps/").content.decode()
    (label,) = labels(html)
    assert label.split(", ")[0] == pet  # the page's script; as typed on the English page
    for word in place:
        assert word not in label


def test_a_word_in_many_groups_comes_after_the_group_own_words(everyday):
    gap_record("我想带宠物猫到重庆过冬天", "zh-hans", "ask")
    gap_record("冬天下雪吗，天气预报说气温多少度，要穿羽绒服和雪靴吗", "zh-hans", "ask")
    gap_record("冬天哪间火锅店最好吃，麻辣锅底推荐，要排队订位吗", "zh-hans", "ask")
    groups = selectors.gap_groups(language="zh-hans")
    assert len(groups) > 1
    (cat,) = [g for g in groups if "宠物猫" in g.first.question]
    assert cat.terms[:2] == ["宠物猫", "冬天"]  # both in its one question; 冬天 in every group


def test_the_migration_masks_questions_kept_before(db):
    Gap.objects.create(question="call me 91234567", language="en", source="ask")
    Gap.objects.create(question="nothing personal", language="en", source="ask")
    entry = EntryFactory.create()
    Feedback.objects.create(entry=entry, question="HKID A123456(7)", language="en")
    migration = importlib.import_module("hkcq.kb.migrations.0003_mask_gap_questions")
    migration.mask_questions(apps, None)
    assert sorted(Gap.objects.values_list("question", flat=True)) == [f"call me {MASK}", "nothing personal"]
    assert Feedback.objects.get().question == f"HKID {MASK}"
