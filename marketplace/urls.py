from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import error_views, health_views, rulebook_views, views
from .accounts.views import password_reset_paths
from .security import ExchangeLoginView

api_v1 = [
    path("", include("marketplace.api_urls")),
    path("", include("listings.api_urls")),
    path("", include("valuation.api_urls")),
    path("", include("contracts.api_urls")),
    path("", include("contracts.documents.api_urls")),
    path("", include("marketplace.payments.api_urls")),
]

urlpatterns = [
    path("healthz", health_views.healthz, name="healthz"),
    path("readyz", health_views.readyz, name="readyz"),
    path("metrics", health_views.metrics_view, name="metrics"),
    path("console/health/", health_views.health_page, name="health"),
    path("django-admin/", admin.site.urls),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "accounts/login/",
        ExchangeLoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    *password_reset_paths(),
    path("accounts/", include("marketplace.accounts.urls")),
    path("console/", views.dashboard, name="dashboard"),
    path("console/notifications/", views.notifications, name="notifications"),
    path("console/profile/", views.profile, name="profile"),
    path("console/sms/", views.sms_log, name="sms_log"),
    path("console/rules/", rulebook_views.rulebook_index, name="rulebook"),
    path("console/rules/<str:key>/", rulebook_views.rulebook_edit, name="rulebook_edit"),
    path(
        "console/rules/values/<int:pk>/remove/",
        rulebook_views.rulebook_reset,
        name="rulebook_reset",
    ),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    # Unknown /api/ addresses are JSON 404s for every method, not the public site's pages.
    re_path(r"^api/(?P<rest>.*)$", error_views.API_NOT_FOUND),
    path("payments/", include("marketplace.payments.urls")),
    path("desk/", include("marketplace.desk.urls")),
    path("listings/", include("listings.urls")),
    path("valuation/", include("valuation.urls")),
    path("deals/", include("contracts.urls")),
    path("documents/", include("contracts.documents.urls")),
    path("insurance/", include("contracts.insurance.urls")),
    path("verify/", include("contracts.documents.verify_urls")),
    path("storage/", include("contracts.storage.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves everything else (the public site); keep it last.
urlpatterns += [path("", include(wagtail_urls))]

# Errors: JSON under /api/, the site's pages elsewhere; an unavailable database is a 503.
handler400 = "marketplace.error_views.bad_request"
handler403 = "marketplace.error_views.permission_denied"
handler404 = "marketplace.error_views.page_not_found"
handler500 = "marketplace.error_views.server_error"
