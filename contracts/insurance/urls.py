from django.urls import path

from . import views

app_name = "insurance"

urlpatterns = [
    path("insurer/", views.insurer_queue, name="insurer_queue"),
    path("insurer/import/", views.import_home, name="import_home"),
    path("insurer/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("insurer/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("policy/<str:number>/", views.policy_page, name="policy"),
    path("policy/<str:number>/claim/", views.claim_report, name="claim_report"),
    path("claim/<str:number>/", views.claim_page, name="claim"),
    path("claim/<str:number>/survey/", views.claim_survey, name="claim_survey"),
    path("claim/<str:number>/approve/", views.claim_approve, name="claim_approve"),
    path("claim/<str:number>/reject/", views.claim_reject, name="claim_reject"),
    path("claim/<str:number>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("claim/<str:number>/replanting/", views.claim_replanting, name="claim_replanting"),
    path("claim/<str:number>/inspect/", views.claim_inspect, name="claim_inspect"),
    path("claim/<str:number>/photo/<int:pk>/", views.photo, name="photo"),
    path("inspections/", views.inspector_desk, name="inspector_desk"),
    path("station/", views.station_claims, name="station_claims"),
    path("report/", views.county_report, name="county_report"),
]
