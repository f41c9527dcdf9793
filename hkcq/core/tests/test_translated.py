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
