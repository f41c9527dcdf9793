"""Mask personal data in the questions already kept as gaps and answer feedback: from now on they
are stored masked (hkcq.kb.services.gap_question); the rows written before are masked here."""

from django.db import migrations

from hkcq.core.text import mask_personal_data


def mask_questions(apps, schema_editor):
    for name in ("Gap", "Feedback"):
        model = apps.get_model("kb", name)
        for pk, question in model.objects.exclude(question="").values_list("pk", "question").iterator():
            masked = mask_personal_data(question)
            if masked != question:
                model.objects.filter(pk=pk).update(question=masked)


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_entry_updated_index")]

    operations = [migrations.RunPython(mask_questions, migrations.RunPython.noop)]
