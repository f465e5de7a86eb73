"""The one way a service moves an object along its state machine (STYLE.md, docs/architecture.md).

Every state field is a django-fsm-2 `FSMField(protected=True)`: it cannot be assigned, only
changed by a thin `@transition` method on the model, whose `conditions=` carry the side
conditions. A service locks the row and calls `transition(obj, "method", ...)`, which calls the
transition, saves the object and writes the audit event (`marketplace.audit`) in the caller's
transaction, so the hash-chained audit log is the one transition log of the exchange.
"""

from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from . import audit
from .errors import Conflict


def wrong_state(obj) -> Exception:
    """The default refusal: a `Conflict` naming the object's current state."""
    return Conflict(
        _("This is not possible in the current state (%(state)s).")
        % {"state": obj.get_state_display()}
    )


def transition(
    obj, method, *, actor=None, action=None, payload=None, refuse=None, fields=None, **kwargs
):
    """Call `obj.<method>(**kwargs)`, save `obj` and record `action` in the audit log.

    `action` defaults to `<model>.<method>`; the audit payload holds the states `from` and `to`
    and `payload`. A transition not allowed from the current state, or whose conditions fail,
    raises `refuse(obj)` (default: `wrong_state`) and nothing is saved. `fields`: save only the
    state and these fields (the ones the transition and its caller changed) instead of the row.
    """
    before = obj.state
    try:
        getattr(obj, method)(**kwargs)
    except TransitionNotAllowed as exc:
        raise (refuse or wrong_state)(obj) from exc
    obj.save(update_fields=None if fields is None else ["state", *fields])
    audit.record(
        action=action or f"{obj._meta.model_name}.{method}",
        obj=obj,
        actor=actor,
        payload={"from": before, "to": obj.state, **(payload or {})},
    )
    return obj
