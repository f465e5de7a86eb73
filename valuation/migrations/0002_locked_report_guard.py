"""On PostgreSQL, refuse changes to a locked valuation report in the database too (R-VAL-3).

ValuationReport.save() already refuses; this also stops QuerySet.update() and raw SQL. A locked
report may receive its PDF once (pdf, pdf_sha256 while pdf_sha256 is still empty).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION valuation_report_locked_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'valuation report % is locked (R-VAL-3): DELETE refused', OLD.id;
    END IF;
    IF OLD.pdf_sha256 <> ''
       OR (to_jsonb(NEW) - 'pdf' - 'pdf_sha256') <> (to_jsonb(OLD) - 'pdf' - 'pdf_sha256') THEN
        RAISE EXCEPTION 'valuation report % is locked (R-VAL-3): UPDATE refused', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS valuation_report_locked ON valuation_valuationreport;
CREATE TRIGGER valuation_report_locked
    BEFORE UPDATE OR DELETE ON valuation_valuationreport
    FOR EACH ROW WHEN (OLD.locked_at IS NOT NULL)
    EXECUTE FUNCTION valuation_report_locked_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS valuation_report_locked ON valuation_valuationreport;
DROP FUNCTION IF EXISTS valuation_report_locked_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("valuation", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
