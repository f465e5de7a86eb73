"""Documents API under /api/v1/ (read-only; the verification is public)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "deals/<str:number>/contracts/", api.DealContractsView.as_view(), name="api-deal-contracts"
    ),
    path("certificates/<str:number>/", api.CertificateView.as_view(), name="api-certificate"),
    path(
        "certificates/<str:number>/notices/<slug:kind>/pdf/",
        api.NoticePdfView.as_view(),
        name="api-notice-pdf",
    ),
    path("deal-documents/<int:pk>/pdf/", api.DocumentPdfView.as_view(), name="api-document-pdf"),
    path("verify/<str:number>/", api.VerifyView.as_view(), name="api-verify"),
]
