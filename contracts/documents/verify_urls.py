"""Public verification pages, mounted at /verify/ (URL names `verify_index`, `verify`)."""

from .urls import verify_patterns

urlpatterns = verify_patterns
