"""Simplified Chinese derived from the Traditional (OpenCC ``hk2s``) is in Mainland wording on every
record of the default data: the knowledge base, the registry, the partnering and exchanges
demonstration (docs/glossary.md; found by the new-user trial: 须带备, 数码相片, 亦可 on the
knowledge base's Simplified pages)."""

import re

import pytest
from django.apps import apps

from hkcq.core.translated import CONVERTED, HANS, TranslatedField, TText

# Hong Kong wording a Mainland reader does not write, as found in the seed's converted text.
HONG_KONG_ONLY = re.compile(
    "带备|带同|数码相片|亦[可须不会设]|毋须|即场|户口(?!本|簿|所在地|登记|迁移)|帐户|帐号|转帐|(?<!数码)相片|(?<!符)合资格|"
    "视乎|联络(?!处|员|办|部|官)|(?<!世界)(?<!打破)(?<![创新])纪录(?!片)|订定|订明|支援|营运商|律师行|是次|缴交|入息|幼稚园|收生|"
    "的士|食肆|巴士|乘搭|索偿|求诊|粮单|租屋|不肯定|楼价|发展商|订金|回馈(?!社会)|电脑视觉|传译|工作天|合作配对|商贸配对"
)


def converted_texts():
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, TranslatedField)]
        if not fields:
            continue
        for row in model._default_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                text = TText.from_json(value)
                if text.origin(HANS) == CONVERTED:
                    yield f"{model._meta.label} {row[0]} {name}", text.get(HANS)


def test_the_check_finds_the_reported_forms():
    for found in ["须带备：", "数码相片回执", "只凭回乡证亦可办理", "银行户口", "合资格的长者"]:
        assert HONG_KONG_ONLY.search(found), found
    for mainland in ["须携带：", "数字照片回执", "也可办理", "户口本", "符合资格", "世界纪录", "数码港"]:
        assert not HONG_KONG_ONLY.search(mainland), mainland


@pytest.mark.seed  # the default data's own converted text
@pytest.mark.django_db
def test_converted_simplified_text_of_the_default_data_is_in_mainland_wording(defaults):
    texts = list(converted_texts())
    assert sum(1 for where, _ in texts if where.startswith("kb.Entry")) >= 100  # titles and bodies
    assert any(where.startswith("registry.") for where, _ in texts)
    found = [
        f"{where}: …{text[max(0, m.start() - 10) : m.end() + 10]}…"
        for where, text in texts
        for m in HONG_KONG_ONLY.finditer(text)
    ]
    assert not found, "Hong Kong wording in converted Simplified Chinese:\n" + "\n".join(found)


@pytest.mark.seed  # an entry of the default knowledge base, as its Simplified page shows it
@pytest.mark.django_db
def test_a_knowledge_base_entry_reads_in_mainland_wording(defaults, client):
    html = client.get("/zh-hans/help/entries/residence-permit-application/").content.decode()
    assert "须携带：有效回乡证" in html and "数字照片回执" in html
    assert "带备" not in html and "数码相片" not in html
