from django.urls import path

from .token_views import ObtainExpiringAuthToken

urlpatterns = [
    path("auth/token/", ObtainExpiringAuthToken.as_view(), name="api-token"),
]
