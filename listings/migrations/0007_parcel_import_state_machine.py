"""A parcel import's `status` becomes its `state`, a protected FSM field (issue 15 §4): the
column is renamed, its values are unchanged."""

import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0006_private_storage"),
    ]

    operations = [
        migrations.RenameField(model_name="parcelimport", old_name="status", new_name="state"),
        migrations.AlterField(
            model_name="parcelimport",
            name="state",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "Waiting"),
                    ("running", "Checking the rows"),
                    ("failed", "Refused: nothing imported"),
                    ("checked", "Checked (trial run): nothing imported"),
                    ("done", "Imported"),
                ],
                default="pending",
                max_length=20,
                protected=True,
                verbose_name="State",
            ),
        ),
    ]
