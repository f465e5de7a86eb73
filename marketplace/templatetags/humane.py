"""{% load humane %}: humane labels for audit actions, actors, ledger accounts and webhook events
(marketplace.labels, marketplace.payments.labels). Raw names stay out of what users read."""

from django import template

from marketplace import labels
from marketplace.payments.labels import account_label

register = template.Library()


@register.filter
def action_label(action):
    return labels.action_label(str(action or ""))


@register.filter
def actor_name(label):
    return labels.actor_label(str(label or ""))


@register.filter
def webhook_event(event_type):
    return labels.webhook_event_label(str(event_type or ""))


@register.filter
def ledger_account(key):
    return account_label(str(key or ""))
