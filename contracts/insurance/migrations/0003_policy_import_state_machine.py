"""A policy import's `status` becomes its `state`, a protected FSM field (issue 15 §4): the
column is renamed, its values are unchanged."""

import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("insurance", "0002_policy_import"),
    ]

    operations = [
        migrations.RenameField(model_name="policyimport", old_name="status", new_name="state"),
        migrations.AlterField(
            model_name="policyimport",
            name="state",
            field=django_fsm.FSMField(
                choices=[
                    ("pending", "Waiting"),
                    ("running", "Checking the rows"),
                    ("failed", "Refused: nothing imported"),
                    ("done", "Imported"),
                ],
                default="pending",
                max_length=20,
                protected=True,
                verbose_name="State",
            ),
        ),
    ]
