"""On PostgreSQL, refuse UPDATE and DELETE on the audit log (it is append-only)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION marketplace_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused on marketplace_auditevent', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS marketplace_auditevent_no_change ON marketplace_auditevent;
CREATE TRIGGER marketplace_auditevent_no_change
    BEFORE UPDATE OR DELETE ON marketplace_auditevent
    FOR EACH ROW EXECUTE FUNCTION marketplace_auditevent_append_only();
"""
# TRUNCATE is left to the database owner: Django's test flush and a deliberate reset use it.

DROP = """
DROP TRIGGER IF EXISTS marketplace_auditevent_no_change ON marketplace_auditevent;
DROP FUNCTION IF EXISTS marketplace_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
