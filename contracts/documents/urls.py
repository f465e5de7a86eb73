from django.urls import path

from . import views

app_name = "contract_documents"

urlpatterns = [
    path("file/<int:pk>/", views.document_download, name="document_download"),
    path(
        "certificate/<str:number>/<slug:kind>/",
        views.notice_download,
        name="notice_download",
    ),
    path("contracts/", views.my_contracts, name="my_contracts"),
    path("contract/<str:number>/", views.contract_page, name="contract"),
    path("contract/<str:number>/code/", views.contract_send_code, name="send_code"),
    path("contract/<str:number>/sign/", views.contract_sign, name="sign"),
    path("payment/<str:number>/", views.payment_page, name="payment"),
    path("centre/", views.centre_contracts, name="centre_contracts"),
    path("station/", views.station_signing, name="station_signing"),
    path("station/contract/<str:number>/", views.station_contract, name="station_contract"),
    path("staff/", views.staff_documents, name="staff_documents"),
    path("staff/batch/", views.staff_batch, name="staff_batch"),
    path("staff/batch/<int:pk>/progress/", views.batch_progress, name="batch_progress"),
    path("staff/rent-overdue/", views.rent_overdue, name="rent_overdue"),
    path("staff/deal/<str:number>/", views.staff_deal, name="staff_deal"),
    path("staff/deal/<str:number>/regenerate/", views.staff_regenerate, name="staff_regenerate"),
    path("staff/deal/<str:number>/issue/", views.staff_issue, name="staff_issue"),
    path("staff/deal/<str:number>/runner-up/", views.staff_runner_up, name="staff_runner_up"),
    path("staff/deal/<str:number>/relist/", views.staff_relist, name="staff_relist"),
]

# Public verification: included at /verify/ by marketplace/urls.py (names without namespace).
verify_patterns = [
    path("", views.verify_index, name="verify_index"),
    path("<str:number>/", views.verify, name="verify"),
]
