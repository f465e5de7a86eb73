"""Access checks and small helpers shared by the listings views."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from marketplace import permissions as policy
from marketplace.storage import private_file_response

from ..selectors import listing_get_for_user


def role_required(*roles):
    """Only users whose role is in `roles` (superusers always) may open the view. Kept for
    callers outside this app; the listings views ask the policy (listings/permissions.py)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


operator_required = policy.permission_required("listings.use_station_console")
staff_required = policy.permission_required("listings.use_review_console")


def scoped_listing(request, pk):
    try:
        return listing_get_for_user(user=request.user, pk=pk)
    except Exception as exc:  # DoesNotExist or bad pk: the same 404 either way
        raise Http404 from exc


def private_file(field, filename=None):
    """Serve a private upload (never through MEDIA_URL) after the caller checked the scope."""
    if not field:
        raise Http404
    return private_file_response(field, filename=filename or field.name.rsplit("/", 1)[-1])


def apply_domain_error(form, exc, field_map=None):
    """Show a DomainError next to the form field it names (or above the form)."""
    field = (field_map or {}).get(exc.field, exc.field)
    if field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        form.add_error(None, str(exc.message))
