"""The interface's wording, held to docs/glossary.md: Simplified Chinese in Mainland words, one
term per concept, and one translation per message in each language."""

import ast
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings

from hkcq.core.management.commands.compile_translations import catalogue_paths

# Hong Kong or Taiwan words that a Mainland reader should not meet in Simplified Chinese, with what
# to write instead (docs/glossary.md). Keep this list and the glossary together.
HONG_KONG_WORDS = {
    "登入": "登录",
    "登出": "退出登录",
    "帐户": "账户",
    "帐号": "账号",
    "电邮": "电子邮件 / 电子邮箱",
    "连结": "链接",
    "讯息": "消息 / 信息",
    "透过": "通过",
    "预设": "默认",
    "栏位": "字段 / 列",
    "多谢": "谢谢 / 感谢",
    "物件": "对象",
    "个人资料": "个人信息",
    "资料夹": "文件夹",
    "档案": "文件",
    "上载": "上传",
    "汇入": "导入",
    "汇出": "导出",
    "储存": "保存",
    "试算表": "电子表格",
    "活页簿": "工作簿",
    "程式": "程序 / 脚本",
    "字元": "字符",
    "权杖": "令牌",
    "纪录": "记录",
    "介面": "界面 / 接口",
    "选单": "菜单",
    "范本": "模板",
    "识别码": "编号",
    "资讯": "信息",
    "伺服器": "服务器",
    "软体": "软件",
    "网路": "网络",
    "视窗": "窗口",
    "萤幕": "屏幕",
    "滑鼠": "鼠标",
    "列印": "打印",
    "搜寻": "搜索",
    "网志": "博客",
    "「": "“",
    "」": "”",
    "带备": "携带",
    "带同": "携带",
    "数码": "数字",
    "毋须": "无须",
    "营运商": "运营商",
    "电讯": "电信",
    "的士": "出租车",
    "亦可": "也可",
    "亦不": "也不",
}
# One term per concept, in both Chinese scripts.
NOT_OUR_TERMS = {
    # 字體/字体 is a typeface: the scripts are 繁體中文 and 簡體中文.
    "zh_Hant": {"範疇": "合作領域", "市民": "居民", "香港／重慶合作會議": "港渝合作會議", "字體": "繁體／簡體中文"},
    "zh_Hans": {"范畴": "合作领域", "市民": "居民", "香港／重庆合作会议": "港渝合作会议", "字体": "繁体／简体中文"},
}

CATALOGUES = catalogue_paths()


def _language(path: Path) -> str:
    return path.parts[-3]


def _translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def _found(words: dict[str, str], texts: list[tuple[str, str]]) -> list[str]:
    return [
        f"{where}: {word} → {instead}: {text[:60]}"
        for where, text in texts
        for word, instead in words.items()
        if word in text
    ]


@pytest.mark.parametrize("path", [p for p in CATALOGUES if _language(p) == "zh_Hans"], ids=lambda p: p.parts[-5])
def test_simplified_catalogues_use_mainland_words(path):
    texts = [(entry.msgid[:40], text) for entry in polib.pofile(str(path)) for text in _translations(entry)]
    found = _found(HONG_KONG_WORDS, texts)
    assert not found, "Hong Kong words in Simplified Chinese (docs/glossary.md):\n" + "\n".join(found)


def _simplified_literals() -> list[tuple[str, str]]:
    """Every ``zh_hans="…"`` written in the code (service descriptions, default names)."""
    texts = []
    root = Path(settings.BASE_DIR) / "hkcq"
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if keyword.arg == "zh_hans" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                        texts.append((f"{path.relative_to(root)}:{value.lineno}", value.value))
    return texts


def test_simplified_text_in_the_code_uses_mainland_words():
    texts = _simplified_literals()
    assert len(texts) > 20  # the Open311 service descriptions at least
    found = _found(HONG_KONG_WORDS, texts)
    assert not found, "Hong Kong words in Simplified Chinese (docs/glossary.md):\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_one_term_per_concept(language):
    texts = [
        (f"{path.parts[-5]} {entry.msgid[:40]}", text)
        for path in CATALOGUES
        if _language(path) == language
        for entry in polib.pofile(str(path))
        for text in _translations(entry)
    ]
    found = _found(NOT_OUR_TERMS[language], texts)
    assert not found, "Terms other than the glossary's (docs/glossary.md):\n" + "\n".join(found)


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_a_message_has_one_translation_in_each_language(language):
    """At run time one catalogue's translation of a message wins for every page, so two catalogues
    that translate it differently show one of them in the wrong place. A word that names two
    things takes a message context instead."""
    seen: dict[tuple[str | None, str], dict[str, str]] = defaultdict(dict)
    for path in CATALOGUES:
        if _language(path) == language:
            for entry in polib.pofile(str(path)):
                seen[(entry.msgctxt, entry.msgid)][path.parts[-5]] = _translations(entry)[0]
    differing = {key[1]: by_catalogue for key, by_catalogue in seen.items() if len(set(by_catalogue.values())) > 1}
    assert not differing, differing


# What the enquiry pages call things, in Simplified: texts officers send from the canned replies
# use the same words (咨询, 信息, 追踪链接), not the Hong Kong ones.
ENQUIRY_WORDS_HANS = {
    "查询": "咨询",
    "资料": "信息",
    "跟踪链接": "追踪链接",
    "跟踪页面": "追踪页面",
    "这宗": "该 / 本次",
}


def test_simplified_seed_texts_use_mainland_words():
    import yaml

    seed = Path(settings.BASE_DIR) / "seed"
    texts = []
    for path in sorted(seed.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rows in data.values() if isinstance(data, dict) else []:
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict):
                    texts += [(f"{path.name} {row.get('id')} {k}", v) for k, v in row.items() if k.endswith("zh_hans")]
    assert any(where.startswith("canned_replies.yaml") for where, _text in texts)
    found = _found(HONG_KONG_WORDS, texts)
    found += _found(ENQUIRY_WORDS_HANS, [t for t in texts if t[0].startswith("canned_replies.yaml")])
    assert not found, "Hong Kong words in Simplified Chinese (docs/glossary.md):\n" + "\n".join(found)


# A Chinese date is written without spaces, "2023年5月" (docs/glossary.md, Dates); a placeholder
# for the year or the day is no different ("%(year)s年").
SPACED_DATE = re.compile(r"(?:\d{4}|%\(\w+\)[sd])\s+年|年\s+(?:\d|%\()|(?:\d|[sd])\s+月\s*(?:\d|%\()|月\s+(?:\d|%\()")


def test_the_spaced_date_check_finds_the_reported_form():
    assert SPACED_DATE.search("於 2023 年 5 月設立") and SPACED_DATE.search("%(year)s 年")
    assert not SPACED_DATE.search("於2023年5月設立，最近 90 日；%(count)s 個工作天")


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_chinese_dates_take_no_spaces(language):
    texts = [
        f"{path.parts[-5]} {entry.msgid[:40]}: {text}"
        for path in CATALOGUES
        if _language(path) == language
        for entry in polib.pofile(str(path))
        for text in _translations(entry)
        if SPACED_DATE.search(text)
    ]
    assert not texts, "Chinese dates with spaces (write 2023年5月):\n" + "\n".join(texts)


def test_converted_simplified_seed_texts_use_mainland_words():
    """The seed's Chinese is written in Traditional Chinese and converted (hk2s and the Mainland
    forms, hkcq.core.text.to_simplified): what a zh-hans reader sees of it holds no Hong Kong
    word either. The knowledge base's answers said 带备, 数码 and 亦可 (found by the trial of
    5 December 2026)."""
    import yaml

    from hkcq.core.text import to_simplified

    seed = Path(settings.BASE_DIR) / "seed"
    texts = []
    for path in sorted(seed.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rows in data.values() if isinstance(data, dict) else [data]:
            for row in rows if isinstance(rows, list) else []:
                if isinstance(row, dict):
                    texts += [
                        (f"{path.name} {row.get('id')} {k}", to_simplified(v))
                        for k, v in row.items()
                        if k.endswith("zh_hant") and isinstance(v, str)
                    ]
    assert any(where.startswith("kb_entries.yaml") for where, _text in texts)
    # 储存额 is the Mainland's own term for a social-insurance account's balance.
    words = {w: instead for w, instead in HONG_KONG_WORDS.items() if w != "储存"}
    found = _found(words, texts)
    assert not found, "Hong Kong words in converted Simplified Chinese (docs/glossary.md):\n" + "\n".join(found)


def test_set_phrases_keep_their_yi():
    from hkcq.core.text import to_simplified

    assert to_simplified("反之亦然，你亦可帶備回鄉證及出生紀錄") == "反之亦然，你也可携带回乡证及出生记录"
    assert to_simplified("打破世界紀錄") == "打破世界纪录"
