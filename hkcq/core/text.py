"""Chinese script conversion and text folding, shared by every app.

OpenCC converters are built once per process: building one reads its dictionaries.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

import opencc


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


# OpenCC converts characters, not usage: after ``hk2s`` a converted text still says 「一带一路」,
# 资讯, 透过, 须带备, 数码相片 and 亦可. MAINLAND_FORMS holds the Hong Kong forms and their Mainland
# equivalents that hold whatever the context (docs/glossary.md, "Simplified Chinese: Hong Kong or
# Taiwan words" and "Content converted to Simplified Chinese"); ambiguous ones (讯息, 档案, 储存,
# 资料 on its own) are left. The table is applied to Simplified text (after OpenCC, and again when
# a stored conversion is read), so its keys are Simplified. Matching is longest first and a key
# can map to itself: that keeps a word that contains a shorter key (符合资格 for 合资格, 世界纪录 for
# 纪录, 数码港 for 数码) as it is. OpenCC's own phrase config (``hk2sp``, HKPhrasesRev) was checked:
# its ~80 phrases are mostly transliterated Western names; its few usage entries (搜尋, 滑鼠,
# 資料夾, 寬頻, 硬碟, 私隱, 記憶體, 游標, 作業系統) are here, so that stored conversions read in
# today's forms too.
_KEEP = (
    # words that contain a key below and are Mainland usage as they are
    "符合资格",
    "世界纪录",
    "纪录片",
    "创纪录",
    "打破纪录",
    "新纪录",
    "数码港",
    "数码相机",
    "数码产品",
    "户口本",
    "户口簿",
    "户口所在地",
    "户口登记",
    "户口迁移",
    "农业户口",
    "城镇户口",
    "常住户口",
    "联络处",
    "联络员",
    "联络办",
    "联络部",
    "联络官",
    "期货合约",
    "期权合约",
    "物业管理",
    "物业服务",
    "物业公司",
    "物业费",
    "执照副本",
    "帐篷",
    "帐幕",
    "蚊帐",
    "营帐",
    "帷帐",
    "帐子",
    "纱帐",
    "床帐",
    "程式化",
    "传送带",
    "回馈社会",
    "回馈社区",
    "回馈家乡",
    "起计算",
    "破纪录",
    "反之亦然",
    "亦步亦趋",
    "不亦乐乎",
    "携带备",
    "携带同",
    "带同事",
    "带同学",
)
MAINLAND_FORMS = {
    **{word: word for word in _KEEP},
    # punctuation
    "「": "“",
    "」": "”",
    "『": "‘",
    "』": "’",
    # computing and the interface (the glossary's table)
    "资讯": "信息",
    "透过": "通过",
    "个人资料": "个人信息",
    "应用程式": "应用程序",
    "电脑程式": "计算机程序",
    "程式语言": "编程语言",
    "程式": "程序",
    "电脑视觉": "计算机视觉",
    "上载": "上传",
    "网路": "网络",
    "软体": "软件",
    "伺服器": "服务器",
    "萤幕": "屏幕",
    "视窗": "窗口",
    "滑鼠": "鼠标",
    "游标": "光标",
    "硬碟": "硬盘",
    "记忆体": "内存",
    "宽频": "宽带",
    "作业系统": "操作系统",
    "资料夹": "文件夹",
    "搜寻": "搜索",
    "列印": "打印",
    "网志": "博客",
    "登入": "登录",
    "电邮地址": "电子邮箱",
    "电邮": "电子邮件",
    "连结": "链接",
    "预设": "默认",
    "栏位": "字段",
    "多谢": "谢谢",
    "储存格": "单元格",
    "试算表": "电子表格",
    "活页簿": "工作簿",
    "字元": "字符",
    "权杖": "令牌",
    "介面": "界面",
    "选单": "菜单",
    "范本": "模板",
    "识别码": "编号",
    "私隐": "隐私",
    "数码相片": "数字照片",
    "数码": "数字",
    "相片": "照片",
    "纪录": "记录",
    # the glossary's terms of the platform where the two places use different words
    "传译员": "口译员",
    "传译": "口译",
    "预设回复": "常用回复",
    "工作天": "工作日",
    "公众假期": "公共假期",
    "优先次序": "优先级",
    "合作配对": "合作对接",
    "商贸配对": "商贸对接",
    "配对服务单位": "对接服务单位",
    "建议的合作伙伴": "推荐的合作伙伴",
    # accounts and money
    "帐": "账",
    "户口": "账户",
    "供款纪录": "缴费记录",
    "公积金供款": "公积金缴存",
    "供款": "缴费",
    "缴交": "缴纳",
    "订金": "定金",
    "楼价": "房价",
    "物业": "房产",
    "发展商": "开发商",
    "入息": "收入",
    "粮单": "工资单",
    "索偿": "索赔",
    # documents and procedures
    "带备": "携带",
    "带同": "携带",
    "银行户口": "银行账户",
    "须带备": "须携带",
    "请带备": "请携带",
    "并带备": "并携带",
    "可带备": "可携带",
    "需带备": "需携带",
    "要带备": "要携带",
    "可带同": "可携带",
    "请带同": "请携带",
    "须带同": "须携带",
    "并带同": "并携带",
    "正本": "原件",
    "副本": "复印件",
    "即场": "现场",
    "毋须": "无须",
    "亲身到": "亲自到",
    "亲身在": "亲自在",
    "亲身领取": "亲自领取",
    "亲身办理": "亲自办理",
    "亲身递交": "亲自递交",
    "预早": "提前",
    "订定": "制定",
    "订明": "规定",
    "划一": "统一",
    "是次": "此次",
    "草拟": "起草",
    "合约": "合同",
    "起计": "起计算",
    "编配": "分配",
    "缴费年期": "缴费年限",
    "修业年期": "修业年限",
    "该段年期": "该段年限",
    "证件资料": "证件信息",
    "登记资料": "登记信息",
    "账户资料": "账户信息",
    "帐户资料": "账户信息",
    "申请资料": "申请材料",
    "一般资料": "一般信息",
    "更多资料": "更多信息",
    "联络方法": "联系方式",
    "联络": "联系",
    "合资格": "符合资格",
    "不肯定": "不确定",
    "领牌": "领证",
    "持牌": "持证",
    "印载": "印有",
    "传送": "发送",
    "细阅": "仔细阅读",
    "回馈": "反馈",
    "受惠": "受益",
    "支援": "支持",
    # everyday life
    "租屋": "租房",
    "的士": "出租车",
    "食肆": "餐馆",
    "乘搭": "乘坐",
    "巴士": "公交车",
    "营运商": "运营商",
    "营运者": "运营方",
    "电讯营运商": "电信运营商",
    "电讯商": "电信运营商",
    "电讯": "电信",
    "数据用量": "流量",
    "求诊": "就诊",
    "急诊部": "急诊科",
    "公营医疗": "公立医疗",
    # education and work
    "幼稚园": "幼儿园",
    "收生": "招生",
    "报读": "报考",
    "修读": "攻读",
    "专上学生": "大专院校学生",
    "恒常化": "常态化",
    "艺团": "艺术团体",
    "律师行": "律师事务所",
}
# Forms that need a little context: 亦 before a verb or adverb is 也 (亦可 → 也可; 亦然, 亦即 and
# 不亦乐乎 stay); "视乎 … 而定" is "视 … 而定", and 视乎 otherwise "取决于".
MAINLAND_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("亦(?=[可不须需会设接鼓要未提把在只以与是有能应已将获为属非无没得由对包涵支欢适同])"), "也"),
    (re.compile("视乎([^。；，]{1,20}?)而定"), r"视\1而定"),
    (re.compile("视乎"), "取决于"),
)
# OpenCC s2hk keeps "合作伙伴" as one phrase although it turns "伙伴" alone into "夥伴"; Hong Kong
# writes 合作夥伴 (docs/glossary.md).
HONG_KONG_FORMS = {"“": "「", "”": "」", "‘": "『", "’": "』", "合作伙伴": "合作夥伴"}


def _longest_first(words: list[str] | dict[str, str]) -> re.Pattern[str]:
    """One pattern matching any of ``words``, the longest at a place first: the words as a trie,
    so that each place of a text tries one branch per character instead of every word."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(build(trie))


_MAINLAND = _longest_first(MAINLAND_FORMS)
_HONG_KONG = re.compile("|".join(re.escape(k) for k in HONG_KONG_FORMS))


@lru_cache(maxsize=4096)
def mainland_forms(text: str) -> str:
    """Converted Simplified text in Mainland usage (quotation marks “ ”, 信息, 通过, 携带, 也可).
    Cached: every read of a stored conversion passes here (``TText.from_json``)."""
    if not text:
        return text
    text = _MAINLAND.sub(lambda m: MAINLAND_FORMS[m.group(0)], text)
    for pattern, replacement in MAINLAND_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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

    Traditional (Hong Kong variants included) and Simplified forms of a word fold to the same
    string, so a search typed in either script finds text written in the other. Not
    :func:`to_simplified`: a folded text keeps its words (no Mainland wording pass).
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    # hk2s, not t2s: Hong Kong writes some characters in variant forms (衞生, 櫃枱) that t2s leaves
    # as they are, so "卫生署" did not find "衞生署" (found by the new-user trial: keywords typed in
    # Traditional were not found from Simplified).
    text = _converter("hk2s").convert(text)
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
