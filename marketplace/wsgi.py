import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_wsgi_application()

from marketplace.payments.checks import refuse_to_start_if_open  # noqa: E402

refuse_to_start_if_open()

from marketplace.warmup import warm_up  # noqa: E402

# Before the first request, not during it (issue 17 §7); WARM_UP=0 skips it.
if os.environ.get("WARM_UP", "1") != "0":
    warm_up()
