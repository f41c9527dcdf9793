"""Notifications keep their message template and parameters, to be shown in the reader's language.

Rows written before keep their text; their ``language`` is the one they were rendered in (the
recipient's preferred language when they were sent), so a page can mark it as such.
"""

from django.db import migrations, models


def stored_language(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    User = apps.get_model("accounts", "User")
    codes = {"en", "zh-hant", "zh-hans"}
    for user_id, language in User.objects.filter(notifications__isnull=False).values_list("id", "preferred_language").distinct():
        Notification.objects.filter(recipient_id=user_id, language="").update(
            language=language if language in codes else "en"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="template",
            field=models.CharField(blank=True, max_length=200, verbose_name="message template"),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="message parameters"),
        ),
        migrations.AddField(
            model_name="notification",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language of the stored text"),
        ),
        migrations.RunPython(stored_language, migrations.RunPython.noop),
    ]
