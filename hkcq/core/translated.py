"""Content in three languages with the provenance of each variant.

A :class:`TText` holds the English, Traditional Chinese and Simplified Chinese variants of
one piece of user-visible text and, for each, whether a person wrote it, a machine
translated it, or OpenCC converted it from the other Chinese script. It is stored in one
JSON column by :class:`TranslatedField`.

Invariant kept on every write: when one Chinese variant is missing (or was itself a
conversion) it is derived from the other with OpenCC and marked ``converted``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hkcq.core.text import hong_kong_forms, is_simplified, mainland_forms, to_simplified, to_traditional

EN = "en"
HANT = "zh-hant"
HANS = "zh-hans"
LANGS: tuple[str, ...] = (EN, HANT, HANS)

HUMAN = "human"
MACHINE = "machine"
CONVERTED = "converted"
ORIGINS = (HUMAN, MACHINE, CONVERTED)

ORIGIN_LABELS = {
    HUMAN: _("written by a person"),
    MACHINE: _("machine-translated"),
    CONVERTED: _("converted automatically between Chinese scripts"),
}
LANGUAGE_LABELS = {
    EN: _("English"),
    HANT: _("Traditional Chinese"),
    HANS: _("Simplified Chinese"),
}


# A CJK ideograph carries about as much as a short word: text whose ideographs, weighted so,
# outnumber its Latin letters is Chinese, whatever box it was typed into ("Hong Kong (香港)" is
# English; "重庆物流有限公司" is not).
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
CHINESE_IN_ENGLISH = _(
    "This box is for English, but the text is in Chinese: put it in the Traditional or Simplified "
    "Chinese box (the other Chinese script is filled in for you)."
)


def looks_chinese(text: str) -> bool:
    ideographs = len(_IDEOGRAPH.findall(text or ""))
    return ideographs >= 2 and ideographs * 3 > len(_LATIN.findall(text))


def chinese_in_english(texts: dict[str, str]) -> bool:
    """Whether the English variant of ``{lang: text}`` is written in Chinese: a person typed
    into the wrong box, and storing it would show Chinese as English and convert nothing."""
    return looks_chinese(texts.get(EN, ""))


def text_language(text: str) -> str:
    """The language a text of unknown language is written in (one box, a spreadsheet cell):
    English, or the Chinese script its characters are in."""
    if not looks_chinese(text):
        return EN
    return HANS if is_simplified(text) else HANT


def language_label(code: str) -> str:
    """A language's name in the reader's language (英文, 繁體中文), as filters, tables and
    statistics name it; only the language switcher names each language in itself."""
    return str(LANGUAGE_LABELS.get(code, code))


# BCP 47 tags for the lang attribute of text shown in a language other than the page's.
HTML_LANG = {EN: "en", HANT: "zh-Hant", HANS: "zh-Hans"}

FALLBACKS = {
    EN: (EN, HANT, HANS),
    HANT: (HANT, HANS, EN),
    HANS: (HANS, HANT, EN),
}


def current_language() -> str:
    lang = (get_language() or EN).lower()
    if lang.startswith("zh"):
        return HANS if ("hans" in lang or lang in {"zh-cn", "zh-sg"}) else HANT
    return EN


def in_reader_script(text: str, lang: str | None = None) -> str:
    """Text held in one Chinese script only (an opportunity's keywords, a word quoted from a
    question) in the reader's script: Traditional on Traditional pages, Simplified on Simplified
    ones; English pages and Latin text get it as written."""
    lang = lang or current_language()
    if not text or lang == EN:
        return text
    return to_traditional(text) if lang == HANT else to_simplified(text)


@dataclass(frozen=True)
class Shown:
    """One variant chosen for display."""

    text: str
    lang: str
    origin: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.requested

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class TText:
    texts: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    # -- construction -------------------------------------------------------------
    @classmethod
    def of(cls, en: str = "", zh_hant: str = "", zh_hans: str = "", origin: str = HUMAN) -> TText:
        texts = {EN: en, HANT: zh_hant, HANS: zh_hans}
        texts = {k: v.strip() for k, v in texts.items() if v and v.strip()}
        return cls(texts, {k: origin for k in texts}).normalised()

    @classmethod
    def typed(cls, text: str, origin: str = HUMAN) -> TText:
        """Text typed in one box that does not say its language (a round's title on the upload
        page, a spreadsheet cell): kept as the language it is written in, so it is shown and
        tagged (``lang``) as that language, not as English."""
        text = (text or "").strip()
        if not text:
            return cls()
        return cls({text_language(text): text}, {text_language(text): origin}).normalised()

    @classmethod
    def from_json(cls, value: Any) -> TText:
        if isinstance(value, TText):
            return value
        if not value:
            return cls()
        if isinstance(value, str):
            return cls.typed(value)
        origins = dict(value.get("origin") or {})
        texts = {k: str(value[k]) for k in LANGS if value.get(k)}
        if texts.get(EN) and not texts.get(HANT) and not texts.get(HANS) and looks_chinese(texts[EN]):
            # Chinese stored as English (typed into one box before its language was recognised):
            # read as the Chinese it is, so that it is shown, converted and tagged as Chinese.
            return cls.typed(texts[EN], origins.get(EN, HUMAN))
        if origins.get(HANS) == CONVERTED and texts.get(HANS):
            # Converted before conversions followed Mainland usage: read in today's form.
            texts[HANS] = mainland_forms(texts[HANS])
        if origins.get(HANT) == CONVERTED and texts.get(HANT):
            # Likewise converted before a Hong Kong form was added (合作伙伴 → 合作夥伴): today's form.
            texts[HANT] = hong_kong_forms(texts[HANT])
        return cls(texts, {k: origins.get(k, HUMAN) for k in texts})

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {k: self.texts[k] for k in LANGS if self.texts.get(k)}
        data["origin"] = {k: self.origins[k] for k in LANGS if self.texts.get(k)}
        return data

    # -- the OpenCC invariant ---------------------------------------------------------
    def normalised(self) -> TText:
        texts = {k: v for k, v in self.texts.items() if v}
        origins = {k: self.origins.get(k, HUMAN) for k in texts}
        hant_is_source = HANT in texts and origins[HANT] != CONVERTED
        hans_is_source = HANS in texts and origins[HANS] != CONVERTED
        if hant_is_source and not hans_is_source:
            texts[HANS], origins[HANS] = to_simplified(texts[HANT]), CONVERTED
        elif hans_is_source and not hant_is_source:
            texts[HANT], origins[HANT] = to_traditional(texts[HANS]), CONVERTED
        elif not hant_is_source and not hans_is_source:
            texts.pop(HANT, None)
            texts.pop(HANS, None)
            origins.pop(HANT, None)
            origins.pop(HANS, None)
        return TText(texts, origins)

    def edited(self, new_texts: dict[str, str]) -> TText:
        """Apply what a person typed: changed variants become ``human``; untouched ones keep
        their provenance; an emptied Chinese variant is derived again from the other."""
        texts: dict[str, str] = {}
        origins: dict[str, str] = {}
        for lang in LANGS:
            new = (new_texts.get(lang) or "").strip()
            if not new:
                continue
            texts[lang] = new
            unchanged = self.texts.get(lang, "").strip() == new
            origins[lang] = self.origins.get(lang, HUMAN) if unchanged else HUMAN
        return TText(texts, origins).normalised()

    # -- reading ------------------------------------------------------------------------
    def __bool__(self) -> bool:
        return any(self.texts.values())

    def __str__(self) -> str:
        return self.show().text

    def get(self, lang: str) -> str:
        return self.texts.get(lang, "")

    def origin(self, lang: str) -> str | None:
        return self.origins.get(lang) if self.texts.get(lang) else None

    def show(self, lang: str | None = None) -> Shown:
        requested = lang or current_language()
        for candidate in FALLBACKS.get(requested, LANGS):
            if self.texts.get(candidate):
                return Shown(self.texts[candidate], candidate, self.origins[candidate], requested)
        return Shown("", requested, HUMAN, requested)

    @property
    def en(self) -> str:
        return self.get(EN)

    @property
    def zh_hant(self) -> str:
        return self.get(HANT)

    @property
    def zh_hans(self) -> str:
        return self.get(HANS)

    def all_text(self) -> str:
        return " ".join(self.texts.get(k, "") for k in LANGS)


class TranslatedFormField(forms.MultiValueField):
    """Three inputs (EN, 繁, 简) in one fieldset. Cleans to ``{lang: text}``."""

    def __init__(self, *, multiline: bool = False, required: bool = True, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        fields = tuple(forms.CharField(required=False) for _lang in LANGS)
        widget = TranslatedWidget(multiline=multiline)
        super().__init__(fields=fields, require_all_fields=False, required=required, widget=widget, **kwargs)
        self.required = required

    def compress(self, data_list: list[str]) -> dict[str, str]:
        data_list = list(data_list or ["", "", ""])
        return {lang: (data_list[i] or "").strip() for i, lang in enumerate(LANGS)}

    def clean(self, value: Any) -> dict[str, str]:
        if not isinstance(value, (list, tuple)):
            value = self.widget.decompress(value)
        cleaned = self.compress([str(v or "") for v in value])
        if self.required and not any(cleaned.values()):
            raise ValidationError(_("Enter this in at least one language."), code="required")
        if chinese_in_english(cleaned):
            raise ValidationError(CHINESE_IN_ENGLISH, code="chinese_in_english")
        return cleaned

    def has_changed(self, initial: Any, data: Any) -> bool:
        initial_list = self.widget.decompress(initial)
        data_list = data if isinstance(data, (list, tuple)) else self.widget.decompress(data)
        return [str(x or "").strip() for x in initial_list] != [str(x or "").strip() for x in data_list]


class TranslatedWidget(forms.MultiWidget):
    template_name = "core/widgets/translated.html"

    def __init__(self, multiline: bool = False, attrs: dict[str, Any] | None = None) -> None:
        def make() -> forms.Widget:
            if multiline:
                return forms.Textarea(attrs={"rows": 4, "class": "form-control"})
            return forms.TextInput(attrs={"class": "form-control"})

        self.multiline = multiline
        super().__init__(widgets=[make() for _lang in LANGS], attrs=attrs)

    def decompress(self, value: Any) -> list[str]:
        t = TText.from_json(value)
        return [t.get(lang) for lang in LANGS]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        origins: list[str | None] = [None, None, None]
        if isinstance(value, (TText, dict)):
            t = TText.from_json(value)
            origins = [t.origin(lang) for lang in LANGS]
        for sub, lang, origin in zip(context["widget"]["subwidgets"], LANGS, origins, strict=True):
            sub["lang_label"] = LANGUAGE_LABELS[lang]
            sub["html_lang"] = HTML_LANG[lang]
            # Each box holds text in its own language, whatever the page's: say so (screen
            # readers, spelling checkers, input methods).
            sub["attrs"] = {**sub.get("attrs", {}), "lang": HTML_LANG[lang]}
            sub["origin_label"] = ORIGIN_LABELS[origin] if origin and origin != HUMAN else ""
        return context


class TranslatedField(models.JSONField):
    """A model field holding a :class:`TText`."""

    description = "Text in English, Traditional Chinese and Simplified Chinese"

    def __init__(self, *args: Any, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        if kwargs.get("default") is dict:
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> TText:
        return TText.from_json(super().from_db_value(value, expression, connection))

    def to_python(self, value: Any) -> TText:
        return TText.from_json(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, (TText, dict, str)) or value is None:
            value = TText.from_json(value).normalised().to_json()
        return super().get_prep_value(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = TText.from_json(getattr(model_instance, self.attname)).normalised()
        setattr(model_instance, self.attname, value)
        return value

    def value_from_object(self, obj: models.Model) -> TText:
        return TText.from_json(getattr(obj, self.attname))

    def value_to_string(self, obj: models.Model) -> Any:
        """What the serialisers (``dumpdata``, ``backup``) write: the stored JSON, not a TText."""
        return self.value_from_object(obj).to_json()

    def save_form_data(self, instance: models.Model, data: Any) -> None:
        current = TText.from_json(getattr(instance, self.attname))
        new = data if isinstance(data, dict) and "origin" not in data else TText.from_json(data).texts
        setattr(instance, self.attname, current.edited(new))

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        if not self.blank and not TText.from_json(value):
            raise ValidationError(_("Enter this in at least one language."), code="blank")
        # What was given, not how it reads: Chinese typed into the English box is refused, though
        # such text stored before is read as the Chinese it is (TText.from_json).
        given = value.texts if isinstance(value, TText) else value if isinstance(value, dict) else {}
        if chinese_in_english({EN: str(given.get(EN) or "")}):
            raise ValidationError(CHINESE_IN_ENGLISH, code="chinese_in_english")

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return TranslatedFormField(
            multiline=self.multiline,
            required=not self.blank,
            label=kwargs.get("label", capfirst(self.verbose_name) if self.verbose_name else None),
            help_text=kwargs.get("help_text", self.help_text),
        )
