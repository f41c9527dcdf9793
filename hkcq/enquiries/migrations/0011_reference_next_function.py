# On PostgreSQL an enquiry's number is taken by one statement, `SELECT enquiries_reference_next(year)`
# (issue 15: the request looked the year's sequence up in the catalogue first, then took the number,
# two round trips). The function takes the next value of the year's sequence and, on the year's
# first case, makes the sequence, starting after the year's counter (as hkcq.enquiries.references
# did before). Two first cases at once: one makes it, the other uses it. SQLite numbers from the
# counter row and needs nothing.

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION enquiries_reference_next(for_year integer) RETURNS bigint AS $$
DECLARE
    seq_name text := 'enquiries_reference_' || for_year;
    start_at bigint;
BEGIN
    BEGIN
        RETURN nextval(seq_name::regclass);
    EXCEPTION WHEN undefined_table THEN
        NULL;  -- the year's first case
    END;
    SELECT COALESCE(MAX(last), 0) + 1 INTO start_at FROM enquiries_referencecounter WHERE year = for_year;
    BEGIN
        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s', seq_name, start_at);
    EXCEPTION WHEN unique_violation OR duplicate_table OR duplicate_object THEN
        NULL;  -- another first case made it meanwhile
    END;
    RETURN nextval(seq_name::regclass);
END
$$ LANGUAGE plpgsql
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)  # no placeholders: format()'s %I and %s are SQL's


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS enquiries_reference_next(integer)")


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0010_service_level_version"),
    ]

    operations = [migrations.RunPython(forward, backward)]
