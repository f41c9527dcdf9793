"""Service levels, unit supervisors and escalations move from the calendars app to enquiries
(issue 10: they are the enquiries' concern; the calendars keep the working days).

The rows stay where they are: the models are taken over in the migration state only (the
calendars app lets go of them in its 0005, before this), then their tables are renamed to the
enquiries app's names (AlterModelTable; the escalations' "people told" table with them), and
the content types follow, so permissions and admin history keep pointing at the same models.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import hkcq.core.translated
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MOVED = ['slapolicy', 'historicalslapolicy', 'historicalunitsupervisor', 'escalation', 'unitsupervisor']


def content_types_follow(apps, schema_editor, source="calendars", target="enquiries"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def content_types_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="enquiries", target="calendars")


class Migration(migrations.Migration):

    dependencies = [
        ('calendars', '0005_service_levels_to_enquiries'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('enquiries', '0006_link_request'),
        ('registry', '0002_history_of_many_to_many'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SlaPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                        ('name', hkcq.core.translated.TranslatedField(verbose_name='name')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('ack_days', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('365'))], verbose_name='acknowledge within (working days)')),
                        ('reply_days', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('365'))], verbose_name='reply within (working days)')),
                        ('is_default', models.BooleanField(default=False, help_text='New enquiries get this priority unless one is chosen.', verbose_name='default priority')),
                    ],
                    options={
                        'db_table': 'calendars_slapolicy',
                        'verbose_name': 'service level',
                        'verbose_name_plural': 'service levels',
                        'ordering': ['position', 'code'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalSlaPolicy',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('code', models.SlugField(max_length=40, verbose_name='code')),
                        ('name', hkcq.core.translated.TranslatedField(verbose_name='name')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                        ('ack_days', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('365'))], verbose_name='acknowledge within (working days)')),
                        ('reply_days', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.25')), django.core.validators.MaxValueValidator(Decimal('365'))], verbose_name='reply within (working days)')),
                        ('is_default', models.BooleanField(default=False, help_text='New enquiries get this priority unless one is chosen.', verbose_name='default priority')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'calendars_historicalslapolicy',
                        'verbose_name': 'historical service level',
                        'verbose_name_plural': 'historical service levels',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='HistoricalUnitSupervisor',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.TextField(null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.unit', verbose_name='unit')),
                        ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='supervisor')),
                    ],
                    options={
                        'db_table': 'calendars_historicalunitsupervisor',
                        'verbose_name': 'historical unit supervisor',
                        'verbose_name_plural': 'historical unit supervisors',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Escalation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('acknowledge', 'Acknowledgement late'), ('reply', 'Reply late')], max_length=20, verbose_name='kind')),
                        ('deadline', models.DateTimeField(verbose_name='deadline')),
                        ('recipients', models.PositiveIntegerField(default=0, verbose_name='number of people told')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='escalated')),
                        ('enquiry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='enquiries.enquiry')),
                        ('told', models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='people told')),
                        ('unit', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.unit')),
                    ],
                    options={
                        'db_table': 'calendars_escalation',
                        'verbose_name': 'escalation',
                        'verbose_name_plural': 'escalations',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(fields=('enquiry', 'kind', 'deadline'), name='one_escalation_per_deadline')],
                    },
                ),
                migrations.CreateModel(
                    name='UnitSupervisor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervisors', to='registry.unit', verbose_name='unit')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='supervised_units', to=settings.AUTH_USER_MODEL, verbose_name='supervisor')),
                    ],
                    options={
                        'db_table': 'calendars_unitsupervisor',
                        'verbose_name': 'unit supervisor',
                        'verbose_name_plural': 'unit supervisors',
                        'ordering': ['unit', 'user'],
                        'constraints': [models.UniqueConstraint(fields=('unit', 'user'), name='one_supervision_per_unit_and_user')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='slapolicy', table=None),
        migrations.AlterModelTable(name='historicalslapolicy', table=None),
        migrations.AlterModelTable(name='historicalunitsupervisor', table=None),
        migrations.AlterModelTable(name='escalation', table=None),
        migrations.AlterModelTable(name='unitsupervisor', table=None),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
