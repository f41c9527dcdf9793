"""An interpreter's name in the three languages (a TranslatedField, as people's names are in the
registry). A name stored before is kept as written: under Traditional Chinese when it is in Chinese
(the Simplified derived from it), under English otherwise. The demonstration's interpreter, English-only until now, gets its three languages, and
so do the city and description of the demonstration's organisations where they are still the
English-only ones the loader wrote (a person's change is left alone)."""

from django.db import migrations, models

import hkcq.core.translated

# The demonstration event's interpreter (seed/exchanges.yaml) as it was loaded before.
DEMONSTRATION = {
    "Demonstration interpreter A": {
        "en": "Demonstration interpreter A",
        "zh-hant": "示範傳譯員甲",
        "origin": {"en": "human", "zh-hant": "machine"},
    }
}
_CJK = "\u3400-\u9fff\uf900-\ufaff"


def names_translated(apps, schema_editor):
    import re

    Interpreter = apps.get_model("exchanges", "Interpreter")
    for interpreter in Interpreter.objects.all():
        name = (interpreter.old_name or "").strip()
        if name in DEMONSTRATION:
            value = DEMONSTRATION[name]
        elif re.search(f"[{_CJK}]", name):
            value = {"zh-hant": name, "origin": {"zh-hant": "human"}}
        else:
            value = {"en": name, "origin": {"en": "human"}}
        Interpreter.objects.filter(pk=interpreter.pk).update(name=value)


def names_plain(apps, schema_editor):
    Interpreter = apps.get_model("exchanges", "Interpreter")
    for interpreter in Interpreter.objects.all():
        name = interpreter.name or {}
        plain = name.get("en") or name.get("zh-hant") or name.get("zh-hans") or ""
        Interpreter.objects.filter(pk=interpreter.pk).update(old_name=plain[:200])


# The demonstration organisations' texts as hkcq/exchanges/loading.py wrote them before, and now.
DEMO_TEXTS = {
    "city": {
        "Hong Kong": {"en": "Hong Kong", "zh-hant": "香港", "origin": {"en": "human", "zh-hant": "human"}},
        "Chongqing": {"en": "Chongqing", "zh-hans": "重庆", "origin": {"en": "human", "zh-hans": "human"}},
    },
    "description": {
        "A made-up organisation for the demonstration event.": {
            "en": "A made-up organisation for the demonstration event.",
            "zh-hant": "為示範活動虛構的機構。",
            "origin": {"en": "human", "zh-hant": "machine"},
        }
    },
}


def demo_profiles_translated(apps, schema_editor):
    Profile = apps.get_model("partnering", "OrganisationProfile")
    for profile in Profile.objects.filter(ext_id__startswith="exchanges-", is_demo=True):
        changed = {}
        for name, translations in DEMO_TEXTS.items():
            texts = getattr(profile, name).texts
            if set(texts) == {"en"} and texts["en"] in translations:
                changed[name] = translations[texts["en"]]
        if changed:
            Profile.objects.filter(pk=profile.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0003_participant_last_result"),
        ("partnering", "0004_match_changes"),
    ]

    operations = [
        migrations.AlterModelOptions(name="interpreter", options={"ordering": ["id"]}),
        migrations.RenameField(model_name="interpreter", old_name="name", new_name="old_name"),
        migrations.AddField(
            model_name="interpreter",
            name="name",
            field=hkcq.core.translated.TranslatedField(default=dict, verbose_name="name"),
        ),
        migrations.RunPython(names_translated, names_plain),
        # (a default, so that the migration can be reversed on a table with rows)
        migrations.AlterField(
            model_name="interpreter", name="old_name", field=models.CharField(default="", max_length=200)
        ),
        migrations.RemoveField(model_name="interpreter", name="old_name"),
        migrations.RunPython(demo_profiles_translated, migrations.RunPython.noop),
    ]
