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


def wrong_state(obj, *, field="state") -> Exception:
    """The default refusal: a `Conflict` naming the object's current state (of `field`)."""
    return Conflict(
        _("This is not possible in the current state (%(state)s).")
        % {"state": getattr(obj, f"get_{field}_display")()}
    )


def state_field(obj, method) -> str:
    """The name of the FSM field the transition `method` of `obj` moves (a model may have more
    than one machine: a payable's `state` and a deposit payable's `disposition`)."""
    meta = getattr(getattr(type(obj), method), "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(obj).__name__}.{method} is not a transition")
    return meta.field if isinstance(meta.field, str) else meta.field.name


def transition(
    obj, method, *, actor=None, action=None, payload=None, refuse=None, fields=None, **kwargs
):
    """Call `obj.<method>(**kwargs)`, save `obj` and record `action` in the audit log.

    `action` defaults to `<model>.<method>`; the audit payload holds the states `from` and `to`
    (of the field the transition moves, usually `state`) and `payload`. A transition not allowed
    from the current state, or whose conditions fail, raises `refuse(obj)` (default:
    `wrong_state`) and nothing is saved. `fields`: save only the state and these fields (the ones
    the transition and its caller changed) instead of the row.
    """
    name = state_field(obj, method)
    before = getattr(obj, name)
    try:
        getattr(obj, method)(**kwargs)
    except TransitionNotAllowed as exc:
        raise (refuse(obj) if refuse else wrong_state(obj, field=name)) from exc
    obj.save(update_fields=None if fields is None else [name, *fields])
    audit.record(
        action=action or f"{obj._meta.model_name}.{method}",
        obj=obj,
        actor=actor,
        payload={"from": before, "to": getattr(obj, name), **(payload or {})},
    )
    return obj
