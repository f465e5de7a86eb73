from django.urls import path

from . import views

app_name = "storage"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/new/<int:household_id>/", views.offer_new, name="offer_new"),
    path("offers/<int:pk>/", views.offer_detail, name="offer"),
    path("offers/<int:pk>/decide/", views.offer_decide, name="offer_decide"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contract_pdf"),
    path(
        "contracts/<int:pk>/sign-household/", views.contract_sign_household, name="sign_household"
    ),
    path("contracts/<int:pk>/sign-centre/", views.contract_sign_centre, name="sign_centre"),
    path("guarantees/", views.instalment_list, name="instalments"),
    path("guarantees/<int:pk>/pay/", views.instalment_pay, name="instalment_pay"),
    path("station/", views.station_households, name="station"),
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/map/", views.block_map, name="block_map"),
    path("blocks/<int:pk>/", views.block_detail, name="block"),
    path("blocks/<int:pk>/list/", views.block_list_it, name="block_list_it"),
    path("exposure/", views.exposure, name="exposure"),
]
