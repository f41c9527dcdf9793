"""Search behaviour: what a resident types, in any script or mix, finds the right entry;
entries that are not offered are never answers; questions not covered are not pretended."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hkcq.core.search import Analyzer, Index, analyze, default_analyzer, edit_distance, group_similar, stem
from hkcq.kb.models import Entry
from hkcq.kb.search import ask, invalidate
from hkcq.kb.services import entries_reindex
from hkcq.kb.tests.factories import PERMIT_RENEWAL, EntryFactory, citable_entries_make, everyday_entries_make


def slugs(result, n=3):
    return [a.slug for a in result.answers[:n]]


# -- the analyzer ---------------------------------------------------------------------------------
def test_traditional_and_simplified_fold_to_the_same_terms():
    assert analyze("回鄉證續期") == analyze("回乡证续期")
    assert analyze("ＨＯＭＥ Return PERMIT") == analyze("home return permit")


def test_glossary_joins_english_chinese_and_abbreviations():
    concept = "~home_return_permit"
    for text in ["Home Return Permit", "回鄉證", "回乡证", "HRP", "港澳居民來往內地通行證"]:
        assert concept in analyze(text), text
    assert concept not in analyze("residence permit")


def test_code_switched_text_is_split_into_both_languages():
    terms = analyze("我想renew個回鄉證")
    assert "renew" in terms
    assert "回乡证" in terms
    assert "~renew" in terms and "~home_return_permit" in terms


def test_cantonese_particles_are_dropped_and_colloquial_words_map_to_concepts():
    terms = analyze("回鄉證唔見咗，點算？")
    assert "~lost" in terms
    for particle in ["咗", "唔", "点算"]:
        assert particle not in terms


def test_unknown_chinese_words_still_match_through_bigrams():
    analyzer = default_analyzer()
    assert "会计" in analyzer.analyze("註冊會計師") or "会计师" in analyzer.analyze("註冊會計師")


def test_light_stemming_meets_plurals_and_verb_forms():
    assert stem("permits") == stem("permit")
    assert stem("renewing") == stem("renewed") == stem("renew")
    assert stem("policies") == stem("policy")


def test_edit_distance_counts_transpositions_as_one():
    assert edit_distance("passport", "passprot") == 1
    assert edit_distance("renewal", "renewl") == 1
    assert edit_distance("abc", "xyz", limit=2) == 3


def test_index_weights_fields_and_corrects_misspellings():
    analyzer = Analyzer(glossary_path=None)
    index = Index({"title": 3.0, "body": 1.0})
    index.add("a", {"title": analyzer.analyze("Driving licence"), "body": analyzer.analyze("About cars and roads")})
    index.add("b", {"title": analyzer.analyze("Cars"), "body": analyzer.analyze("Your driving licence at home")})
    index.add("c", {"title": analyzer.analyze("Tax"), "body": analyzer.analyze("Income tax rules")})
    index.freeze()
    assert [h.key for h in index.search(analyzer.analyze("driving licence"))][:2] == ["a", "b"]
    assert index.correct(stem("licnece")) == stem("licence")
    assert index.correct(stem("income")) is None  # known words are left alone
    assert index.search(analyzer.analyze("pets")) == []
    assert index.document_frequency(stem("licence")) == 2 and index.document_frequency("pets") == 0


def test_groups_keep_each_idea_of_a_question_together():
    analyzer = default_analyzer()
    units = analyzer.base_units("我想renew個回鄉證")
    groups = analyzer.groups(units)
    permit = next(g for g in groups if "~home_return_permit" in g)
    assert "回乡证" in permit  # the word and its concept are one idea
    assert next(g for g in groups if "renew" in g) != permit
    # Grouping loses and adds nothing: the same terms as analyze().
    assert sorted(t for g in groups for t in g) == sorted(analyzer.analyze("我想renew個回鄉證"))
    # A glossary phrase of several words becomes one group.
    assert ["home", "return", "permit", "~home_return_permit"] in analyzer.groups(
        analyzer.base_units("home return permit")
    )


def test_ceiling_bounds_scores_and_counts_an_unknown_idea_once():
    analyzer = default_analyzer()
    index = Index({"body": 1.0})
    for key, text in enumerate(["renew the home return permit", "income tax", "driving licence", "school places"]):
        index.add(key, {"body": analyzer.analyze(text)})
    index.freeze()
    question = analyzer.groups(analyzer.base_units("renew home return permit"))
    top = index.search([t for g in question for t in g])[0]
    assert top.key == 0 and top.score <= index.ceiling(question)
    # A word no entry has, typed once or three times, is one idea the answer does not cover.
    once = index.ceiling(analyzer.groups(analyzer.base_units("renew permit hotpot")))
    known = index.ceiling(analyzer.groups(analyzer.base_units("renew permit")))
    assert once > known
    thrice = index.ceiling(analyzer.groups(analyzer.base_units("renew permit hotpot hotpot hotpot")))
    assert thrice - known < 2 * (once - known)
    # A synonym the entries never use ("HRP") does not count against the idea they do cover.
    assert not index.has("hrp")
    expected = (index.k1 + 1) * index.idf("~home_return_permit")
    assert index.ceiling(analyzer.groups(analyzer.base_units("HRP"))) == pytest.approx(expected)


def test_similar_texts_are_grouped_across_languages():
    groups = group_similar(
        [
            "How do I renew my Home Return Permit?",
            "回鄉證點樣續期",
            "Where can I watch a concert?",
            "renewing the home return permit",
        ]
    )
    assert groups == [[0, 1, 3], [2]]


# -- ask on the sample knowledge base -----------------------------------------------------------------
@pytest.mark.seed
@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("How do I renew my Home Return Permit?", "en", "mtp-renewal"),
        ("回鄉證到期點續", "zh-hant", "mtp-renewal"),
        ("回乡证到期了怎么续", "zh-hans", "mtp-renewal"),
        ("我想renew個回鄉證", "zh-hant", "mtp-renewal"),
        ("回鄉證唔見咗點算", "zh-hant", "mtp-lost-in-mainland"),
        ("home retrun permit renewl", "en", "mtp-renewal"),
        ("驾照", "zh-hans", "driving-licence-conversion"),
        ("公積金", "zh-hant", "hpf-contributions"),
    ],
)
def test_ask_finds_the_entry_whatever_is_typed(defaults, query, language, expected):
    result = ask(query, language)
    assert expected in slugs(result), (query, slugs(result, 5))
    assert result.answered


def test_an_entry_about_an_idea_outranks_one_that_only_mentions_it():
    """The Residence Permit's renewal entry mentions the Home Return Permit twice (bring it; update
    the record after renewing it) and shares "renew" and "expires" with the question; the entry
    about renewing the Home Return Permit names it in its title and question forms."""
    from hkcq.kb import search
    from hkcq.kb.indexing import index_fields, subject_terms

    analyzer = default_analyzer()
    about = {
        "title": analyzer.analyze("Renewing your Mainland Travel Permit (Home Return Permit)"),
        "questions": analyzer.analyze("How do I renew my Home Return Permit in Chongqing?"),
        "body": analyzer.analyze("You need not go back to Hong Kong to renew the permit when it has expired."),
    }
    mentions = {
        "title": analyzer.analyze("Renewing or replacing your Residence Permit"),
        "questions": analyzer.analyze("My residence permit expires next year, how do I renew it?"),
        "body": analyzer.analyze(
            "Bring your valid Home Return Permit. If you have renewed your Home Return Permit, ask whether "
            "your record needs updating. Renew before it expires."
        ),
    }
    others = [
        {"title": analyzer.analyze(t), "questions": [], "body": analyzer.analyze(f"Show your Home Return Permit. {t}")}
        for t in ("Train tickets", "Mobile numbers", "Bank accounts", "Hotels")
    ]
    assert "~@home_return_permit" in subject_terms(about)
    assert "~@home_return_permit" not in subject_terms(mentions)
    assert not any(t.startswith("~@") and "chongqing" in t for t in subject_terms(about))  # a facet: where
    index = Index(search.FIELD_WEIGHTS, k1=search.K1)
    for key, fields in enumerate([mentions, about, *others]):
        index.add(key, index_fields(fields))
    built = search._Built((), index.freeze(), dict.fromkeys(range(6), 1))
    for question in ("My HRP expires soon, how do I renew it?", "回鄉證就快到期，點續？"):
        assert search.rank(built, question).hits[0].key == 1, question


def test_the_ideas_a_spelling_correction_brings_count_as_weak_as_the_corrected_word():
    from hkcq.kb import search
    from hkcq.kb.indexing import index_fields

    analyzer = default_analyzer()
    index = Index(search.FIELD_WEIGHTS, k1=search.K1)
    index.add(1, index_fields({"title": analyzer.analyze("Buying train tickets"), "questions": [], "body": []}))
    index.freeze()
    guessed = search.analyse_query(index, "hiking trails")  # "trails" is corrected to "train"
    assert "train" in guessed.terms and "~train_flight" in guessed.terms
    assert guessed.weight("~train_flight") == guessed.weight("~@train_flight") == guessed.weight("train") < 1.0
    typed = search.analyse_query(index, "train tickets")
    assert typed.weight("~train_flight") == typed.weight("~@train_flight") == 1.0


@pytest.mark.seed
@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("My HRP expires soon, how to renew it in Chongqing?", "en"),
        ("My Home Return Permit expires soon, how do I renew it?", "en"),
        ("How do I renew my Home Return Permit in Chongqing?", "en"),
        ("我的回乡证快过期了，怎么续？", "zh-hans"),
    ],
)
def test_the_home_return_permit_renewal_ranks_above_the_residence_permit_renewal(defaults, query, language):
    found = slugs(ask(query, language), 5)
    assert found[0] == "mtp-renewal", found


@pytest.mark.seed
def test_answers_come_in_the_requested_language(defaults):
    en = ask("Home Return Permit renewal", "en")
    hant = ask("Home Return Permit renewal", "zh-hant")
    hans = ask("Home Return Permit renewal", "zh-hans")
    assert en.answers[0].title.startswith("Renewing")
    assert hant.answers[0].title == "續領港澳居民來往內地通行證（回鄉證）"
    assert hans.answers[0].title == "续领港澳居民来往内地通行证（回乡证）"
    assert all(isinstance(a.score, float) and a.score > 0 for a in en.answers)
    assert en.answers[0].snippet


@pytest.mark.seed
def test_the_suggested_unit_is_the_responsible_unit_of_the_answer(defaults):
    result = ask("I want to convert my Hong Kong driving licence", "en")
    assert result.unit is not None and result.unit.ext_id == "cq_traffic_police"


@pytest.mark.seed
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("I need to use my Hong Kong birth certificate in Chongqing", "hk-documents-attestation"),
        ("出世紙拎上重慶用點算", "hk-documents-attestation"),  # the entry says 出生紀錄
        ("BB可唔可以申請居住證", "residence-permit-eligibility"),  # the entry says 未滿16歲 / child
    ],
)
def test_colloquial_synonyms_the_entry_never_uses_still_answer(defaults, query, expected):
    result = ask(query, "zh-hant")
    assert expected in slugs(result), (query, slugs(result, 5))
    assert result.answered


@pytest.mark.seed
def test_out_of_scope_question_is_not_pretended(defaults):
    result = ask("Which hotpot restaurant in Chongqing is the most authentic?", "en")
    assert result.answered is False
    result = ask("重慶邊間火鍋最好食？", "zh-hant")
    assert result.answered is False


@pytest.mark.seed
@pytest.mark.parametrize("query", ["How much is hotpot?", "how much does it cost in Chongqing", "在重慶申請要幾耐"])
def test_matching_only_question_words_and_places_is_no_answer(defaults, query):
    # "how much", "apply", "how long" and the place names say what kind of question it is, not
    # what it is about: entries that share only those words do not answer it.
    result = ask(query, "en")
    assert result.answers  # something shares words with it …
    assert result.answered is False  # … but the platform does not pretend


@pytest.mark.seed
def test_a_facet_with_a_topic_is_answered(defaults):
    result = ask("回鄉證幾多錢", "zh-hant")
    assert result.answered and slugs(result, 1) == ["mtp-renewal"]


def test_empty_question_has_no_answer(db):
    result = ask("   ", "en")
    assert result.answers == [] and result.answered is False and result.unit is None


def test_expired_future_and_unpublished_entries_are_never_offered(db):
    today = timezone.localdate()
    entry = EntryFactory.create(title={"en": "Keeping a koi pond: permit"}, body={"en": "Apply for a koi pond permit."})
    assert entry.slug in slugs(ask("koi pond permit", "en"))

    entry.effective_to = today - timedelta(days=1)
    entry.save()
    assert entry.slug not in slugs(ask("koi pond permit", "en"), 10)

    entry.effective_from, entry.effective_to = today + timedelta(days=3), None
    entry.save()
    assert entry.slug not in slugs(ask("koi pond permit", "en"), 10)

    entry.effective_from = today
    entry.state = Entry.State.DRAFT
    entry.save()
    assert entry.slug not in slugs(ask("koi pond permit", "en"), 10)

    entry.state = Entry.State.PUBLISHED
    entry.save()
    assert entry.slug in slugs(ask("koi pond permit", "en"))


def test_the_index_follows_edits_without_a_restart(db):
    everyday_entries_make()
    entry = EntryFactory.create(title={"en": "Getting a mobile phone number", "zh-hant": "申請手機號碼"})
    assert ask("koi pond permit", "en").answered is False
    entry.title = {"en": "Keeping a koi pond: permit", "zh-hant": "養錦鯉魚池許可"}
    entry.save()
    assert slugs(ask("koi pond permit", "en"), 1) == [entry.slug]


def test_stale_index_terms_are_analysed_in_memory_and_stored_by_the_reindex_service(db):
    citable_entries_make()
    Entry.objects.filter(slug=PERMIT_RENEWAL).update(index_terms={}, index_version=1)
    invalidate()
    assert PERMIT_RENEWAL in slugs(ask("renew Home Return Permit", "en"))
    # Asking only reads: the stored terms are rewritten by the service (run by load_defaults).
    assert Entry.objects.get(slug=PERMIT_RENEWAL).index_terms == {}
    assert entries_reindex() == 1
    assert Entry.objects.get(slug=PERMIT_RENEWAL).index_terms["title"]
