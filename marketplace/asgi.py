import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
application = get_asgi_application()

from marketplace.payments.checks import refuse_to_start_if_open  # noqa: E402

refuse_to_start_if_open()
