"""The parcel import in the staff console: upload, progress indicator, report of bad rows."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from ..forms import ImportForm
from ..selectors import parcel_import_list_for_user
from ..services_import import parcel_import_start
from .common import staff_required


@staff_required
def import_home(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = parcel_import_start(
            upload=form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            actor=request.user,
        )
        return redirect("listings:import_detail", pk=job.pk)
    jobs = parcel_import_list_for_user(request.user)[:20]
    return render(
        request,
        "listings/imports/home.html",
        {"form": form, "jobs": jobs},
        status=400 if request.method == "POST" else 200,
    )


def _job(request, pk):
    job = parcel_import_list_for_user(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@staff_required
def import_detail(request, pk):
    return render(request, "listings/imports/detail.html", {"job": _job(request, pk)})


@staff_required
def import_status(request, pk):
    """Polled by the progress indicator."""
    job = _job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "total": job.total,
            "processed": job.processed,
            "percent": job.percent,
            "imported": job.imported,
            "errors": len(job.errors),
            "finished": job.finished,
        }
    )
