"""Consoles of the listings app (mounted at /listings/; the public index lives at that path too,
served by Wagtail, so no pattern here matches the empty path or a listing-page slug)."""

from django.urls import path

from .views import imports, review, station

app_name = "listings"

urlpatterns = [
    path("station/", station.station_home, name="station_home"),
    path("station/household/<int:household_pk>/", station.station_pick, name="station_pick"),
    path("station/terms/", station.station_terms, name="station_terms"),
    path("station/entrustment/", station.station_entrust, name="station_entrust"),
    path(
        "station/entrustment/print/",
        station.station_entrust_print,
        name="station_entrust_print",
    ),
    path("station/listings/<int:pk>/", station.station_listing, name="station_listing"),
    path(
        "station/listings/<int:pk>/submit/",
        station.station_listing_submit,
        name="station_listing_submit",
    ),
    path(
        "station/listings/<int:pk>/edit/", station.station_listing_edit, name="station_listing_edit"
    ),
    path("summary/<int:pk>.pdf", station.listing_summary_pdf, name="summary_pdf"),
    path("mine/", station.my_listings, name="mine"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/approve/", review.review_approve, name="review_approve"),
    path("review/<int:pk>/return/", review.review_return, name="review_return"),
    path("review/<int:pk>/publish/", review.review_publish, name="review_publish"),
    path("review/<int:pk>/withdraw/", review.review_withdraw, name="review_withdraw"),
    path(
        "review/<int:pk>/valuation/attach/",
        review.review_attach_report,
        name="review_attach_report",
    ),
    path(
        "review/<int:pk>/valuation/benchmark/",
        review.review_value_with_benchmark,
        name="review_value_benchmark",
    ),
    path("review/<int:pk>/entrustment/", review.review_entrustment_scan, name="review_entrustment"),
    path(
        "review/<int:pk>/consent/<int:encumbrance_pk>/",
        review.review_consent_document,
        name="review_consent",
    ),
    path("import/", imports.import_home, name="import_home"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:pk>/status/", imports.import_status, name="import_status"),
]
