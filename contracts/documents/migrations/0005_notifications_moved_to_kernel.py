"""Notifications moved to the kernel (marketplace.Notification) so every app can notify:
copy the rows, then drop this app's table."""

from django.db import migrations

FIELDS = ("id", "recipient_id", "subject", "body", "url", "created_at", "read_at", "emailed_at")


def _reset_sequence(model, schema_editor):
    from django.core.management.color import no_style

    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def copy_to_kernel(apps, schema_editor):
    """Ids are kept: an e-mail task queued before the move names its notification by id."""
    Old = apps.get_model("contract_documents", "Notification")
    New = apps.get_model("marketplace", "Notification")
    batch = [New(**{f: getattr(n, f) for f in FIELDS}) for n in Old.objects.order_by("id")]
    New.objects.bulk_create(batch, batch_size=1000)
    _reset_sequence(New, schema_editor)


def copy_back(apps, schema_editor):
    Old = apps.get_model("contract_documents", "Notification")
    New = apps.get_model("marketplace", "Notification")
    batch = [Old(**{f: getattr(n, f) for f in FIELDS}) for n in New.objects.order_by("id")]
    Old.objects.bulk_create(batch, batch_size=1000)
    _reset_sequence(Old, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("contract_documents", "0004_default_reason_labels"),
        ("marketplace", "0005_notifications"),
    ]

    operations = [
        migrations.RunPython(copy_to_kernel, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
