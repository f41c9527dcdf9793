from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.forms.boundfield import BoundWidget
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hkcq.core import dates
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import (
    CONVERTED,
    HANS,
    HANT,
    HTML_LANG,
    LANGUAGE_LABELS,
    MACHINE,
    Shown,
    TText,
    current_language,
    in_reader_script,
    language_label,
    text_language,
)

register = template.Library()


@register.filter
def tt(value: Any) -> str:
    """The text in the page's language, falling back to another one (plain text)."""
    return TText.from_json(value).show().text


@register.filter
def script(value: Any) -> str:
    """Plain text kept in one Chinese script (keywords as typed) in the page's script."""
    return in_reader_script(str(value or ""))


@register.filter
def day(value: Any, default: str = "") -> str:
    """A day in the page's language: "5 December 2026", "2026年12月5日" (``hkcq.core.dates``)."""
    return dates.show_date(value, default)


@register.filter
def moment(value: Any, default: str = "") -> str:
    """A date and time in the page's language: "5 December 2026, 14:30", "2026年12月5日 14:30"."""
    return dates.show_datetime(value, default)


@register.filter
def due(value: Any, default: str = "") -> str:
    """A deadline as the day it falls on: "Friday 18 December 2026" (never "Saturday, midnight")."""
    return dates.show_due(value, default)


@register.filter
def clock(value: Any, default: str = "") -> str:
    """A time of day on the 24-hour clock, Hong Kong time: "14:30" (under its day's heading)."""
    return dates.show_time(value, default)


@register.simple_tag
def period(start: Any, end: Any = None) -> SafeString:
    """A period under its day's heading: "09:00–10:30" (its end's day named when it is another),
    kept whole on one line (a narrow column of an agenda, on a page or in a PDF, broke it as
    "09:00–" / "09:30"); one that ends on another day may break only around its dash."""
    if end is not None and dates.local_day(start) != dates.local_day(end):
        return format_html(
            '<span class="text-nowrap">{}</span> – <span class="text-nowrap">{}</span>',
            dates.show_time(start),
            dates.show_datetime(end),
        )
    return format_html('<span class="text-nowrap">{}</span>', dates.show_period(start, end))


@register.filter
def by_day(items: Any, key: str) -> list[dict[str, Any]]:
    """Items grouped by the day of their ``key`` (an attribute, or an index of a tuple), for a list
    of times that shows each day once: ``{% for d in sessions|by_day:"starts_at" %}{{ d.day|day }}
    {% for s in d.items %}{{ s.starts_at|clock }}``."""

    def get(item: Any) -> Any:
        return item[int(key)] if key.isdigit() else getattr(item, key)

    return [{"day": day, "items": group} for day, group in dates.by_day(items or [], get)]


@register.filter
def weekday(value: Any) -> str:
    """The day of the week in the page's language: "Friday", "星期五"."""
    return dates.show_weekday(value)


@register.filter
def mask(value: Any) -> str:
    """Free text with identity card and phone numbers hidden (``mask_personal_data``)."""
    return mask_personal_data(str(value or ""))


def _notes(shown: Shown, value: TText) -> list[str]:
    notes: list[str] = []
    # One script converted from a machine translation in the other is still a machine
    # translation: say that (once), not that it was converted.
    source = HANT if shown.lang == HANS else HANS
    machine_source = shown.origin == CONVERTED and value.origin(source) == MACHINE
    if shown.is_fallback:
        notes.append(
            _("Not available in %(wanted)s; shown in %(shown)s.")
            % {"wanted": LANGUAGE_LABELS[shown.requested], "shown": LANGUAGE_LABELS[shown.lang]}
        )
    if shown.origin == MACHINE or machine_source:
        notes.append(_("Machine translation, pending review."))
    elif shown.origin == CONVERTED:
        notes.append(_("Converted automatically from the other Chinese script."))
    return notes


def _note_html(notes: list[str]) -> SafeString:
    return format_html('<p class="text-body-secondary small fst-italic translation-note">{}</p>', " ".join(notes))


@register.simple_tag
def ttext(value: Any, block: bool = False, note: bool = True) -> SafeString:
    """Text in the page's language. Where it falls back to another language, the span carries
    that language's ``lang`` and (for blocks) a note says so; machine or script-converted text
    is labelled too."""
    translated = TText.from_json(value)
    shown = translated.show()
    if not shown.text:
        return mark_safe("")
    # linebreaks escapes only when asked; its result is then safe to mark (and to nest below).
    body = mark_safe(linebreaks(shown.text, autoescape=True)) if block else format_html("{}", shown.text)  # noqa: S308
    notes = _notes(shown, translated) if note and block else []
    tag = "div" if block else "span"
    html = format_html('<{} lang="{}">{}</{}>', tag, shown.html_lang, body, tag) if shown.is_fallback else body
    if notes:
        html = format_html("{}{}", html, _note_html(notes))
    return mark_safe(html)  # noqa: S308 - every part above is escaped by format_html/linebreaks


@register.simple_tag
def tnote(value: Any) -> SafeString:
    """The note ``ttext`` gives a block (shown in another language, machine-translated, converted
    between scripts), for an inline text: ``{% ttext x %}{% tnote x %}``."""
    translated = TText.from_json(value)
    notes = _notes(translated.show(), translated)
    if not notes:
        return mark_safe("")
    return format_html(
        '<span class="d-block text-body-secondary small fst-italic translation-note">{}</span>', " ".join(notes)
    )


@register.simple_tag
def tfallback(value: Any) -> SafeString:
    """For a title: the note that it is shown in another language ("Not available in English;
    shown in Traditional Chinese"), and nothing else (``tnote`` also labels converted text)."""
    translated = TText.from_json(value)
    shown = translated.show()
    if not shown.text or not shown.is_fallback:
        return mark_safe("")
    note = _("Not available in %(wanted)s; shown in %(shown)s.") % {
        "wanted": LANGUAGE_LABELS[shown.requested],
        "shown": LANGUAGE_LABELS[shown.lang],
    }
    return format_html('<span class="d-block text-body-secondary small fst-italic translation-note">{}</span>', note)


# Punctuation that joins the parts of a line. Chinese takes full-width marks and no space after
# them (2023年5月11日，重慶; 負責單位：重慶…); English takes ASCII marks and a space.
PUNCTUATION = {
    "comma": (", ", "，"),
    "enum": (", ", "、"),  # between the items of a list
    # between names that may hold commas themselves (units, parties)
    "names": ("; ", "、"),
    # between a label and its value ("Status: Adopted", "状态：已采纳")
    "colon": (": ", "："),
    "(": (" (", "（"),
    ")": (")", "）"),
    "after-colon": (" ", ""),  # after a translated label that ends in a colon ("Reason:", "原因：")
    "sentence": (" ", ""),  # between two translated sentences
    # between the date or time of a dated line and what happened then ("5 December 2026 — Created",
    # "2026年12月5日 00:27，已建立"): never the time run into the event ("00:27已建立")
    "dated": (" — ", "，"),
    # before what explains the part before it (a change's reason): "… (by Chan) — typo", "…（由陳）——筆誤"
    "dash": (" — ", "——"),
}


@register.simple_tag
def punct(mark: str) -> str:
    english, chinese = PUNCTUATION[mark]
    return chinese if current_language() in (HANT, HANS) else english


@register.filter
def text_lang(text: Any) -> str:
    """The ``lang`` of a person's text of no declared language (a suggestion as its sender
    typed it): the language it is written in ("zh-Hant", "zh-Hans", "en"), whatever the page's."""
    return HTML_LANG[text_language(str(text or ""))]


@register.filter
def language_name(code: Any) -> str:
    """A language's name in the page's language ("繁體中文"), never its code ("zh-hant")."""
    return language_label(str(code or ""))


@register.filter
def listing(values: Any) -> str:
    """Items joined as a list in the page's language: "a, b" or "甲、乙"."""
    return punct("enum").join(str(v) for v in values or [])


@register.filter
def ends_in_mark(label: Any) -> bool:
    """Whether a label already ends in a question mark or a colon (ASCII or full-width), so that
    "label: error" would read "Are you…?:" – the error summary then joins them without one."""
    return str(label or "").rstrip().endswith(("?", "？", ":", "："))


@register.filter
def summary_label(bound_field: Any) -> str:
    """What the error summary calls a field: its short name where its label is a sentence (a
    consent box, ``hkcq.core.forms.summary_name``), else its label."""
    return str(getattr(bound_field.field, "summary_label", None) or bound_field.label or bound_field.name)


@register.simple_tag
def tlines(value: Any) -> SafeString:
    """A text of one item per line (an agenda) as an ordered list in the page's language; a
    fallback list carries its language's ``lang`` and the same note as ``ttext``."""
    translated = TText.from_json(value)
    shown = translated.show()
    lines = [line.strip() for line in shown.text.splitlines() if line.strip()]
    if not lines:
        return mark_safe("")
    items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
    lang = format_html(' lang="{}"', shown.html_lang) if shown.is_fallback else ""
    html = format_html("<ol{}>{}</ol>", lang, items)
    notes = _notes(shown, translated)
    if notes:
        html = format_html("{}{}", html, _note_html(notes))
    return html


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, Any]]:
    request: HttpRequest | None = context.get("request")
    current = context.get("LANGUAGE_CODE", settings.LANGUAGE_CODE)
    links = []
    for code, name in settings.LANGUAGES:
        url = "/" if request is None else translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, page: int) -> str:
    """The current URL with ``page`` replaced, keeping every other filter."""
    request: HttpRequest = context["request"]
    params = request.GET.copy()
    params["page"] = str(page)
    return "?" + urlencode(sorted(params.lists()), doseq=True)


@register.filter
def choice_groups(field: Any) -> list[tuple[str, list[Any]]]:
    """A field's options as ``core/_field.html`` lays out a group of checkboxes or radios: ``[(group
    label or "", [option, …])]``, in order. Choices grouped by the form (an event's meeting times
    under their days) keep their groups' labels; iterating the field itself gives the options flat,
    and two days' "09:00" could not be told apart."""

    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    return [
        (group or "", [BoundWidget(widget, option, field.form.renderer) for option in options])
        for group, options, _index in widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    ]
