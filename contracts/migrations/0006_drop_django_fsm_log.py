"""django-fsm-log is no longer installed: the hash-chained audit log is the one transition log.

Every transition goes through `marketplace.fsm.transition`, which writes an audit event with the
states `from` and `to`, so the StateLog table duplicated the audit log. Its table is dropped if it
exists (a database that never had it is untouched); reversing leaves it dropped, since the app
that owned it is gone. The rows of `django_migrations` for `django_fsm_log` stay, harmlessly.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_auction_state_on_fsm")]

    operations = [
        migrations.RunSQL(
            "DROP TABLE IF EXISTS django_fsm_log_statelog",
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
