"""The exchange's Django project and the kernel every app shares."""

from .celery import app as celery_app

__all__ = ("celery_app",)
