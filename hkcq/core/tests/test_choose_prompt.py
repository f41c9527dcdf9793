"""Django's empty choice "---------" is never shown: every form of the platform offers it as a
translated prompt ("Choose…", "請選擇…", "请选择…"), in the selects a form draws."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.utils import translation

import hkcq
from hkcq.core.forms import DASHES

PROMPT = {"en": "Choose…", "zh-hant": "請選擇…", "zh-hans": "请选择…"}


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module in pkgutil.walk_packages(hkcq.__path__, "hkcq."):
        if ".tests" in module.name or ".migrations" in module.name or not module.name.endswith(".forms"):
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if inspect.isclass(value) and issubclass(value, forms.BaseForm) and value.__module__ == module.name:
                found[f"{module.name}.{name}"] = value
    return [found[k] for k in sorted(found)]


def _drawn(form_class: type[forms.BaseForm]) -> str | None:
    """The form's fields as drawn, made with no arguments, or None when it cannot be made alone."""
    try:
        form = form_class()
        return "".join(str(form[name]) for name in form.fields)
    except (TypeError, ValueError, AttributeError):  # needs its page's arguments (a queryset), or a base
        return None


def test_the_platforms_forms_are_found():
    names = {c.__name__ for c in _form_classes()}
    assert {"MeasureForm", "DecisionForm", "HolidayForm"} <= names or len(names) > 30


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_no_form_shows_djangos_dashes_as_its_empty_choice(lang):
    drawn = 0
    dashes = []
    with translation.override(lang):
        for form_class in _form_classes():
            html = _drawn(form_class)
            if html is None:
                continue
            drawn += 1
            if DASHES in html:
                dashes.append(form_class.__module__ + "." + form_class.__name__)
    assert drawn > 20
    assert not dashes, dashes


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_registry_edit_page_prompts_in_its_language(secretariat_hk, client, lang):
    from hkcq.registry.tests.factories import AreaFactory, UnitFactory

    AreaFactory.create()  # choices to offer after the prompt
    UnitFactory.create()
    client.force_login(secretariat_hk)
    html = client.get(f"/{lang}/measures/new/").content.decode()
    assert DASHES not in html
    assert f">{PROMPT[lang]}</option>" in html
