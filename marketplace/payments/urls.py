from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("checkout/<int:pk>/", views.checkout, name="checkout"),
    path("checkout/<int:pk>/pay/", views.checkout_pay, name="checkout_pay"),
    path("checkout/<int:pk>/start/", views.checkout_start, name="checkout_start"),
    path("mine/", views.my_payments, name="my_payments"),
    path("payables/", views.payable_list, name="payable_list"),
    path("payables/<int:pk>/", views.payable_detail, name="payable_detail"),
    path("payables/<int:pk>/refund/", views.payable_refund, name="payable_refund"),
    path("ledger/", views.ledger_index, name="ledger"),
    path("ledger/account/<str:key>/", views.ledger_account, name="ledger_account"),
    path(
        "ledger/subject/<str:app_label>/<str:model>/<str:object_id>/",
        views.ledger_subject,
        name="ledger_subject",
    ),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/batches/new/", views.payout_batch_new, name="payout_batch_new"),
    path("payouts/batches/<int:pk>/export/", views.payout_batch_export, name="payout_batch_export"),
    path("payouts/batches/<int:pk>/sent/", views.payout_batch_sent, name="payout_batch_sent"),
    path(
        "payouts/batches/<int:pk>/confirmed/",
        views.payout_batch_confirmed,
        name="payout_batch_confirmed",
    ),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/run/", views.reconciliation_run, name="reconciliation_run"),
]
