from django.urls import path

from .api import QuoteView

urlpatterns = [
    path("valuations/quote", QuoteView.as_view(), name="valuation-quote"),
]
