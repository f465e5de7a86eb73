from django.urls import path

from . import api

urlpatterns = [
    path("payments/payables/", api.MyPayableList.as_view(), name="api-my-payables"),
]
