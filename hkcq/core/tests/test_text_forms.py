import pytest

from hkcq.core.search import default_analyzer
from hkcq.core.text import fold, mainland_forms, to_simplified, to_traditional
from hkcq.core.translated import CONVERTED, HANS, HANT, HUMAN, TText


def test_hong_kong_traditional_writes_partner_as_hong_kong_does():
    # Found in the trial: a converted opportunity title read "合作伙伴" on the Hong Kong pages.
    assert to_traditional("寻找工业人工智能科研合作伙伴") == "尋找工業人工智能科研合作夥伴"
    assert to_traditional("“伙伴”") == "「夥伴」"


# -- Simplified text derived from Traditional takes Mainland wording (docs/glossary.md) -------------


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        # Found in the new-user trial on the knowledge base's Simplified pages.
        ("須帶備：有效回鄉證", "须携带：有效回乡证"),
        ("須提供近照或數碼相片回執", "须提供近照或数字照片回执"),
        ("部分服務只憑回鄉證亦可辦理", "部分服务只凭回乡证也可办理"),
        ("可帶同現有回鄉證，不少窗口可即場拍照", "可携带现有回乡证，不少窗口可现场拍照"),
        ("開立銀行戶口及電子支付帳戶", "开立银行账户及电子支付账户"),
        ("已毋須申請就業證", "已无须申请就业证"),
        ("可聯絡香港特區政府駐成都經濟貿易辦事處", "可联系香港特区政府驻成都经济贸易办事处"),
        ("請保存出入境日期紀錄", "请保存出入境日期记录"),
        ("可貸金額視乎帳戶餘額", "可贷金额取决于账户余额"),
        ("交易限額視乎應用程式而定", "交易限额视应用程序而定"),
        ("合資格的香港私家車", "符合资格的香港私家车"),
        ("「一帶一路」", "“一带一路”"),
    ],
)
def test_converted_simplified_uses_mainland_wording(traditional, simplified):
    assert to_simplified(traditional) == simplified


@pytest.mark.parametrize(
    "kept",
    # Mainland words that contain a Hong Kong form: left as they are.
    ["符合资格", "世界纪录", "香港数码港", "帐篷", "户口本", "驻香港联络办公室", "即使如此亦然", "营业执照副本"],
)
def test_mainland_words_that_contain_a_hong_kong_form_are_kept(kept):
    assert mainland_forms(kept) == kept
    assert to_simplified(to_traditional(kept)) == kept


def test_a_stored_conversion_is_read_in_todays_mainland_wording():
    # Converted before the phrase was in the table: read in today's form, without a re-save.
    stored = TText.from_json({HANT: "須帶備數碼相片", HANS: "须带备数码相片", "origin": {HANT: HUMAN, HANS: CONVERTED}})
    assert stored.get(HANS) == "须携带数字照片"
    # What a person wrote in Simplified is theirs: never rewritten.
    written = TText.from_json({HANS: "须带备数码相片", "origin": {HANS: HUMAN}})
    assert written.get(HANS) == "须带备数码相片"


@pytest.mark.parametrize(
    ("hong_kong", "standard", "simplified"), [("衞生署", "衛生署", "卫生署"), ("櫃枱", "櫃檯", "柜台")]
)
def test_hong_kong_variant_characters_fold_with_both_scripts(hong_kong, standard, simplified):
    # Found by the new-user trial: a keyword typed as Hong Kong writes it (衞生) was not found
    # from Simplified (卫生); t2s leaves the Hong Kong variants as they are.
    assert fold(hong_kong) == fold(standard) == fold(simplified) == simplified
    analyze = default_analyzer().analyze
    assert analyze(hong_kong) == analyze(simplified)
