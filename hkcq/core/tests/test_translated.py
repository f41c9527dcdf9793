from hkcq.core.text import fold
from hkcq.core.translated import CONVERTED, HUMAN, TText


def test_missing_simplified_is_converted_from_traditional_and_marked():
    t = TText.of(en="Home Return Permit", zh_hant="續領回鄉證")
    assert t.zh_hans == "续领回乡证"
    assert t.origin("zh-hans") == CONVERTED
    assert t.origin("zh-hant") == HUMAN


def test_missing_traditional_is_converted_from_simplified():
    t = TText.of(zh_hans="回乡证到期了在重庆哪里换")
    assert t.zh_hant == "回鄉證到期了在重慶哪裏換"
    assert t.origin("zh-hant") == CONVERTED


def test_editing_source_reconverts_the_converted_variant_and_keeps_untouched_provenance():
    t = TText.from_json({"en": "A", "zh-hant": "香港", "origin": {"en": "machine", "zh-hant": "human"}}).normalised()
    edited = t.edited({"en": "A", "zh-hant": "重慶", "zh-hans": t.zh_hans})
    assert edited.origin("en") == "machine"
    assert edited.zh_hans == "重庆"
    assert edited.origin("zh-hans") == CONVERTED


def test_fallback_says_which_language_is_shown():
    shown = TText.of(zh_hant="只有中文").show("en")
    assert shown.is_fallback and shown.lang == "zh-hant" and shown.text == "只有中文"


def test_fold_removes_script_and_case_differences():
    assert fold("回鄉證 HOME") == fold("回乡证 home")


def test_chinese_typed_into_the_english_box_is_refused_by_every_form_and_model_field():
    import pytest
    from django.core.exceptions import ValidationError

    from hkcq.core.translated import TranslatedField, TranslatedFormField, looks_chinese

    # English that names a place in Chinese is English; Chinese with an English word is Chinese
    assert not looks_chinese("Hong Kong (香港) and Chongqing (重慶) logistics")
    assert not looks_chinese("Supply-chain finance")
    assert looks_chinese("我们提供 supply chain 金融服务，覆盖重庆与香港两地")
    assert looks_chinese("霧都物流")

    field = TranslatedFormField()
    with pytest.raises(ValidationError) as refused:
        field.clean(["霧都物流有限公司", "", ""])
    assert refused.value.code == "chinese_in_english"
    assert field.clean(["", "霧都物流有限公司", ""])["zh-hant"] == "霧都物流有限公司"
    with pytest.raises(ValidationError):
        TranslatedField().validate({"en": "重庆物流"}, None)
    TranslatedField().validate({"en": "Chongqing Logistics", "zh-hans": "重庆物流"}, None)
