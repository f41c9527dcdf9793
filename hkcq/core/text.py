"""Chinese script conversion and text folding, shared by every app.

OpenCC converters are built once per process: building one reads its dictionaries.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

import opencc


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# OpenCC converts characters, not usage: after ``hk2s`` a converted text still says 「一带一路」,
# 资讯 and 透过. These are the Hong Kong forms docs/glossary.md replaces in Simplified Chinese
# that have one Mainland equivalent whatever the context (ambiguous ones, such as 讯息, are left).
MAINLAND_FORMS = {
    "「": "“",
    "」": "”",
    "『": "‘",
    "』": "’",
    "资讯": "信息",
    "透过": "通过",
    "个人资料": "个人信息",
    "应用程式": "应用程序",
    "电脑程式": "计算机程序",
    "上载": "上传",
    "网路": "网络",
    "软体": "软件",
    "伺服器": "服务器",
    "萤幕": "屏幕",
    "搜寻": "搜索",
    "列印": "打印",
    # Found in the knowledge base's converted answers (trial of 5 December 2026): Hong Kong usage
    # that hk2s leaves as it is.
    "带备": "携带",
    "带同": "携带",
    "数码": "数字",
    "毋须": "无须",
    "帐户": "账户",
    "帐号": "账号",
    "银行户口": "银行账户",  # 户口 alone is also the household registration: only the bank's is sure
    "营运商": "运营商",
    "电讯": "电信",
    "的士": "出租车",
    "纪录": "记录",  # records; the set phrases of sport keep 纪录
    "世界纪录": "世界纪录",
    "破纪录": "破纪录",
    "纪录片": "纪录片",
    "连结": "链接",
    "多谢": "谢谢",
    # 亦 reads as Hong Kong written Chinese where the Mainland writes 也; the set phrases keep it.
    "亦": "也",
    "反之亦然": "反之亦然",
    "亦步亦趋": "亦步亦趋",
    "不亦乐乎": "不亦乐乎",
}
# OpenCC s2hk keeps "合作伙伴" as one phrase although it turns "伙伴" alone into "夥伴"; Hong Kong
# writes 合作夥伴 (docs/glossary.md).
HONG_KONG_FORMS = {"“": "「", "”": "」", "‘": "『", "’": "』", "合作伙伴": "合作夥伴"}
_MAINLAND = re.compile("|".join(re.escape(k) for k in sorted(MAINLAND_FORMS, key=len, reverse=True)))
_HONG_KONG = re.compile("|".join(re.escape(k) for k in HONG_KONG_FORMS))


def mainland_forms(text: str) -> str:
    """Converted Simplified text in Mainland usage (quotation marks “ ”, 信息, 通过)."""
    return _MAINLAND.sub(lambda m: MAINLAND_FORMS[m.group(0)], text) if text else text


def hong_kong_forms(text: str) -> str:
    """Converted Traditional text in Hong Kong usage (「 」, 合作夥伴): what :func:`to_traditional`
    applies after OpenCC, for text converted before a form was added here."""
    return _HONG_KONG.sub(lambda m: HONG_KONG_FORMS[m.group(0)], text) if text else text


def to_simplified(text: str) -> str:
    """Hong Kong Traditional → Simplified (OpenCC ``hk2s``), in Mainland usage (:func:`mainland_forms`)."""
    return mainland_forms(_converter("hk2s").convert(text)) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Hong Kong Traditional (OpenCC ``s2hk``), with Hong Kong quotation marks 「 」."""
    return _HONG_KONG.sub(lambda m: HONG_KONG_FORMS[m.group(0)], _converter("s2hk").convert(text)) if text else text


def is_simplified(text: str) -> bool:
    """Whether Chinese text is written in Simplified characters: converting it to Traditional
    changes more of its characters than converting it to Simplified does (text both scripts write
    alike counts as Traditional, whose Simplified is then the same)."""
    if not text:
        return False
    to_t = _converter("s2hk").convert(text)
    to_s = _converter("hk2s").convert(text)
    changed_to_t = sum(a != b for a, b in zip(text, to_t, strict=False))
    changed_to_s = sum(a != b for a, b in zip(text, to_s, strict=False))
    return changed_to_t > changed_to_s


_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold text for matching: width, case and script differences removed.

    Traditional and Simplified forms of a word fold to the same string, so a search
    typed in either script finds text written in the other.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _converter("t2s").convert(text)
    return _SPACE.sub(" ", text).strip()


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _jieba():
    import jieba  # local import: jieba loads its dictionary on import; only Chinese text needs it

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def segment(text: str) -> list[str]:
    """Words of ``text``: whitespace-separated runs, with runs of Chinese split by jieba."""
    words: list[str] = []
    for run in text.split():
        if has_cjk(run) and len(run) > 2:
            words.extend(w for w in _jieba().lcut(run) if w.strip())
        else:
            words.append(run)
    return words


# Personal data in free text. Hong Kong identity card: one or two letters, six digits and a
# check character, usually written with the last one in brackets — A123456(7), AB987654(A).
# Mainland resident identity card: 17 digits and a digit or X. Phone numbers: Hong Kong (8
# digits, optionally +852) and Mainland mobiles (11 digits from 1[3-9], optionally +86).
_HKID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d{6}\s*(?:\(\s*[0-9Aa]\s*\)|[0-9Aa])(?![A-Za-z0-9])")
_MAINLAND_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
# A phone number stands alone: no letter, digit or "_" joined to it, and it is not one of the
# groups of an identifier made of hexadecimal groups joined by "-" (a UUID such as
# 1f2e3d4c-0a34-4123-8567-b36d12345678, a task id 0a34-9123-4567-b36d): those are never masked in
# part. A phone number after a word and "-" (a slug: call-me-91234567) is still masked.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z_+])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9A-Za-z_])"
    r"|(?<![0-9A-Za-z_+])(?:(?:\+|00)?852[\s-]?)?[2-9]\d{3}[\s-]?\d{4}(?![0-9A-Za-z_])"
)
_HEX_ID = re.compile(r"(?<![0-9A-Za-z_])[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)+(?![0-9A-Za-z_])")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def _identifier_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` has a UUID or hexadecimal groups joined by "-" with a letter among them
    (9123-4567 alone has none and is a phone number)."""
    spans = [m.span() for m in _UUID.finditer(text)]
    spans += [m.span() for m in _HEX_ID.finditer(text) if re.search(r"[A-Fa-f]", m.group())]
    return spans


def _mask_phones(text: str) -> str:
    spans = _identifier_spans(text)

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        inside = any(a <= start and end <= b for a, b in spans)
        return match.group() if inside else MASK

    return _PHONE.sub(replace, text)


# E-mail addresses, so that one typed into a question or a URL is hidden like a phone number.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
MASK = "▇▇▇"


def mask_personal_data(text: str) -> str:
    """``text`` with Hong Kong and Mainland identity numbers, phone numbers and e-mail
    addresses masked.

    Used wherever free text leaves the person entitled to see it: lists, exports,
    notifications to other units, logs. The original is kept on the record.
    """
    if not text:
        return text
    for pattern in (_EMAIL, _HKID, _MAINLAND_ID):
        text = pattern.sub(MASK, text)
    return _mask_phones(text)


def contains_personal_data(text: str) -> bool:
    return mask_personal_data(text) != text
