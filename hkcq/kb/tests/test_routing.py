"""Routing (hkcq.kb.routing): the unit model learns from the units' remits and the entries they
own, in three languages; it follows every change of a unit or an entry; the catch-all is chosen
only when no other unit is confident."""

import pytest

from hkcq.core.search import analyze
from hkcq.core.translated import TText
from hkcq.kb import routing
from hkcq.kb.models import Entry, UnitProfile
from hkcq.kb.services import unit_profiles_refresh
from hkcq.registry.models import Unit


@pytest.fixture(autouse=True)
def _fresh_model():
    routing.invalidate()
    yield
    routing.invalidate()


def unit_of(question: str, language: str = "en") -> str | None:
    unit = routing.ask(question, language).unit
    return unit.ext_id if unit else None


# -- the stored profiles, and questions routed among the sample units (tests of the seed) --------------
@pytest.mark.seed
def test_loading_the_defaults_gives_every_active_unit_a_profile(defaults):
    units = Unit.objects.filter(is_active=True)
    assert UnitProfile.objects.filter(unit__in=units).count() == units.count()
    profile = UnitProfile.objects.get(unit__ext_id="cq_market_regulation")
    # Its remit in English and in Chinese (translated, then converted for Simplified), its entries.
    assert "consumer" in profile.terms and "消费者" in profile.terms
    assert profile.entries == Entry.objects.filter(unit=profile.unit, state="published").count() > 0


@pytest.mark.seed
def test_a_remit_is_in_three_languages_and_the_model_reads_the_mainland_wording(defaults):
    remit = TText.from_json(Unit.objects.get(ext_id="cq_medical_security").remit)
    assert remit.origins["zh-hant"] == "machine" and remit.origins["zh-hans"] == "machine"
    assert "医保" in remit.get("zh-hans") and "医保" not in analyze(remit.get("zh-hant"))
    profile = UnitProfile.objects.get(unit__ext_id="cq_medical_security")
    assert "医保" in profile.terms  # a Simplified word the Traditional text does not use
    # A converted Simplified text adds nothing the Traditional has not said.
    converted = TText.of(en="Tax", zh_hant="個人所得稅")
    assert routing.text_terms(converted.to_json()) == analyze("Tax") + analyze("個人所得稅")


# -- questions in each language -----------------------------------------------------------------------
@pytest.mark.seed
@pytest.mark.parametrize(
    ("question", "language", "unit"),
    [
        # Answered by an entry: the entry's unit.
        ("How do I convert my Hong Kong driving licence in Chongqing?", "en", "cq_traffic_police"),
        ("回鄉證就快過期，喺重慶點換？", "zh-hant", "cq_exit_entry"),
        ("在重庆怎么提取住房公积金", "zh-hans", "cq_hpf"),
        ("想apply居住證，要咩文件？", "zh-hant", "cq_exit_entry"),
        # Not answered by any entry; the unit's remit covers it.
        # Answered by another unit's entry (a justice entry on disputes, confidence 0.33-0.37), but
        # the remit of market regulation (consumer complaints) outweighs it.
        ("Where can I complain about a consumer dispute with a shop in Chongqing?", "en", "cq_market_regulation"),
        ("喺重慶同間舖有消費糾紛，可以去邊度投訴？", "zh-hant", "cq_market_regulation"),
        ("孩子要打预防针，在重庆哪里接种？", "zh-hans", "cq_health"),
        ("公司拖欠工资，去哪里申请劳动仲裁？", "zh-hans", "cq_hrss"),
    ],
)
def test_questions_go_to_the_unit_whose_remit_or_entries_cover_them(defaults, question, language, unit):
    assert unit_of(question, language) == unit


@pytest.mark.seed
def test_an_enquirys_question_outweighs_its_details(defaults):
    """The residence permit's entries answer the question (the exit-entry bureau's). Taken with
    details about work, rent and insurance, the search and the unit model both went to the
    medical security bureau (found by the lead on the held-out enquiries): the question alone
    is routed when the knowledge base answers it (routing.ask's ``details``), as enquiry
    submission asks it."""
    question = "香港居民怎么办理重庆的居住证？"
    details = "我去年来重庆工作，现在自己租房住，公司帮我交了社保和医保，不知道要准备什么材料。"
    assert unit_of(f"{question} {details}", "zh-hans") == "cq_medical_security"  # all of it as one text
    assert routing.ask(question, "zh-hans", details=details).unit.ext_id == "cq_exit_entry"
    english = routing.ask(
        "How do Hong Kong residents apply for a Chongqing residence permit?",
        "en",
        details="I started work here last year, rent a flat and my employer pays my social and medical insurance.",
    )
    assert english.unit.ext_id == "cq_exit_entry"
    # Details count where the question alone is not answered: then question and details together.
    assert not routing.ask("你好", "zh-hans").answered
    wages = "公司拖欠我三个月工资，去哪里申请劳动仲裁？"
    vague = routing.ask("你好", "zh-hans", details=wages)
    assert vague.unit == routing.ask(f"你好 {wages}", "zh-hans").unit
    assert vague.unit.ext_id == "cq_hrss"


@pytest.mark.seed
def test_a_question_the_knowledge_base_does_not_answer_goes_to_the_unit_whose_remit_covers_it(defaults):
    result = routing.ask("公司拖欠我三个月工资，老板不接电话，我可以去哪里申请劳动仲裁？", "zh-hans")
    assert result.unit is not None and result.unit.ext_id == "cq_hrss"


@pytest.mark.seed
def test_a_question_nobody_covers_goes_to_the_catch_all(defaults):
    assert unit_of("重庆哪里的火锅最正宗？", "zh-hans") == "cq_hkmao"


# The search takes this as answered (confidence 0.14, at search.MIN_CONFIDENCE): "trails" is not
# in the knowledge base and is corrected to "train" (the train-tickets entry); the correction and
# its ideas now count half (search.analyse_query), which took the confidence from 0.20 to 0.14, not
# below the threshold. Answered, the catch-all gets no CATCH_ALL_WEIGHT, and the unit model's
# posterior from the weak words left ("good", "near") outweighs the answers' vote. The weights
# chosen by cross-validation decide so; the remedy is abstention that knows a question's main
# words are unknown to every entry and remit ("hiking"), not a weight set here.
@pytest.mark.seed
@pytest.mark.xfail(
    strict=True, reason="the search answers it on a corrected word; the unit model then picks on weak words"
)
def test_a_question_the_search_wrongly_answers_and_nobody_covers_goes_to_the_catch_all(defaults):
    assert unit_of("Any good hiking trails near Chongqing?") == "cq_hkmao"


# -- following changes (on units made here; the sample ones too, when the default data is loaded) ------
def water_unit() -> Unit:
    """A new unit whose remit covers tap water, with one published entry on something else (a
    unit takes enquiries once it owns a published entry: routing.MIN_ENTRIES)."""
    unit = Unit.objects.create(
        ext_id="cq_water_test",
        side="chongqing",
        name=TText.of(en="Chongqing Water Supply Office", zh_hant="重慶市供水辦公室"),
        remit=TText.of(
            en="Tap water supply, drinking water quality and water bills.",
            zh_hant="自來水供應、飲用水水質及水費。",
        ),
    )
    Entry.objects.create(
        slug="water-office-hours-test",
        topic="general",
        title=TText.of(en="Opening hours of the service hall", zh_hant="服務大廳辦公時間"),
        body=TText.of(en="The service hall opens on working days.", zh_hant="服務大廳於工作日開放。"),
        unit=unit,
        state="published",
    )
    return unit


def unit_with_an_entry(name: str, remit: str, title: str) -> Unit:
    """A Chongqing unit ``cq_<name>_test`` with ``remit`` and one published entry titled ``title``."""
    unit = Unit.objects.create(
        ext_id=f"cq_{name}_test", side="chongqing", name=TText.of(en=f"{name} bureau"), remit=TText.of(en=remit)
    )
    Entry.objects.create(
        slug=f"{name}-entry-test",
        topic="general",
        title=TText.of(en=title),
        body=TText.of(en=f"{title}: ask the bureau."),
        unit=unit,
        state="published",
    )
    return unit


def test_the_catch_all_is_not_chosen_when_a_new_units_remit_matches(db, django_capture_on_commit_callbacks):
    question = "The tap water in my flat is yellow; is the drinking water quality safe?"
    assert unit_of(question) != "cq_water_test"
    with django_capture_on_commit_callbacks(execute=True):
        unit = water_unit()
    assert UnitProfile.objects.get(unit=unit).entries == 1
    # No entry answers it; the new unit's remit covers it, in each language.
    assert unit_of(question) == "cq_water_test"
    assert unit_of("自來水好黃，水質有冇問題？", "zh-hant") == "cq_water_test"
    assert unit_of("自来水水质有问题找谁", "zh-hans") == "cq_water_test"
    assert unit_of("tap water 好黃，飲唔飲得？", "zh-hant") == "cq_water_test"


def test_the_model_follows_a_change_of_remit_and_a_deactivated_unit(db, django_capture_on_commit_callbacks):
    question = "Who handles complaints about noisy construction sites at night?"
    with django_capture_on_commit_callbacks(execute=True):
        unit = water_unit()
        # Another unit, whose remit shares a word with the question (where it goes until then).
        unit_with_an_entry("neighbours", "Complaints about neighbours.", "Neighbourhood committees")
    assert unit_of(question) != "cq_water_test"
    with django_capture_on_commit_callbacks(execute=True):
        unit.remit = TText.of(en="Construction site noise at night and building works permits.")
        unit.save()
    assert unit_of(question) == "cq_water_test"
    with django_capture_on_commit_callbacks(execute=True):
        unit.is_active = False
        unit.save()
    assert not UnitProfile.objects.filter(unit=unit).exists()
    assert unit_of(question) != "cq_water_test"


def test_the_model_follows_entries_published_moved_and_withdrawn(db, django_capture_on_commit_callbacks):
    question = "Can I fly a drone over the Yangtze in Chongqing?"
    with django_capture_on_commit_callbacks(execute=True):
        commerce, tax = (
            unit_with_an_entry("commerce", "Trade fairs and investment promotion.", "Trade fairs"),
            unit_with_an_entry("tax", "Individual income tax.", "Paying income tax"),
        )
    before = UnitProfile.objects.get(unit=commerce).entries
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.create(
            slug="drone-flying-test",
            topic="general",
            title=TText.of(en="Flying a drone in Chongqing", zh_hant="在重慶放無人機"),
            body=TText.of(en="Drone flights over the rivers need a permit.", zh_hant="在江面放無人機須申請許可。"),
            question_forms=TText.of(en="Can I fly a drone in Chongqing?", zh_hant="喺重慶可唔可以放無人機？"),
            unit=commerce,
            state="published",
        )
    assert UnitProfile.objects.get(unit=commerce).entries == before + 1
    drone = analyze("drone")[0]
    assert drone in UnitProfile.objects.get(unit=commerce).terms
    assert unit_of(question) == commerce.ext_id
    with django_capture_on_commit_callbacks(execute=True):
        entry.unit = tax
        entry.save()
    assert drone not in UnitProfile.objects.get(unit=commerce).terms
    assert drone in UnitProfile.objects.get(unit=tax).terms
    assert unit_of(question) == tax.ext_id
    with django_capture_on_commit_callbacks(execute=True):
        entry.state = "draft"
        entry.save()
    assert drone not in UnitProfile.objects.get(unit=tax).terms


def test_refreshing_only_stale_profiles_leaves_current_ones(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unit = water_unit()
    assert unit_profiles_refresh(stale_only=True) == 0
    UnitProfile.objects.filter(unit=unit).update(index_version=0, terms={})
    assert unit_profiles_refresh(stale_only=True) == 1
    assert UnitProfile.objects.get(unit=unit).terms


def test_the_model_is_checked_by_one_primary_key_read_and_every_profile_write_bumps_it(
    db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        water_unit()
        unit_with_an_entry("tax", "Individual income tax.", "Paying income tax")
    routing.current_model()
    before = routing._current_key()
    with django_assert_num_queries(1):
        routing.current_model()
    UnitProfile.objects.filter(unit__ext_id="cq_tax_test").update(terms={"x": 1.0})
    after = routing._current_key()
    assert after is not None and after != before
    UnitProfile.objects.filter(unit__ext_id="cq_tax_test").delete()
    assert routing._current_key() != after
    assert all(
        unit.ext_id != "cq_tax_test"
        for unit in [routing.Unit.objects.get(pk=u) for u in routing.current_model().log_probabilities]
    )


# -- the combination, on a model of three made-up units -------------------------------------------------
def test_the_unit_model_combines_remits_answers_and_the_catch_all_only_when_nothing_answers():
    water, shops, catch_all = 1, 2, 3
    model = routing.UnitModel(
        {
            water: {"tap": 6.0, "water": 6.0, "bill": 2.0},
            shops: {"refund": 6.0, "shop": 6.0, "bill": 2.0},
            catch_all: {"hotpot": 1.0, "live": 6.0},
        },
        fallback=catch_all,
    )
    # Nothing answers: the unit whose profile fits, not the catch-all.
    assert model.route(["tap", "water"], [], 0.0, answered=False).unit_id == water
    # Nothing answers and no unit fits (no known term): the catch-all, by its weight alone.
    nothing = model.route(["karaoke"], [], 0.0, answered=False)
    assert nothing.unit_id == catch_all and nothing.catch_all
    # The same question answered by entries of the shops unit: their vote decides.
    assert model.route(["bill"], [(shops, 10.0), (shops, 8.0)], 0.9, answered=True).unit_id == shops
    # A confident answer of another unit does not outweigh a profile that clearly fits.
    assert model.route(["tap", "water", "tap"], [(shops, 10.0)], 0.2, answered=True).unit_id == water
    # Posteriors are probabilities.
    assert abs(sum(model.scores(["bill"]).values()) - 1.0) < 1e-9
