"""Readable numbers per county and year (GP-, JY-, JZ-…): one allocator for every sequence table."""

from django.db import transaction


def next_in_sequence(model, **key) -> int:
    """Increment and return `last` of the sequence row `key`, creating the row on first use.

    `model` has a unique constraint over the `key` fields and a `last` counter defaulting to 0.
    The row lock serialises concurrent callers until the caller's transaction ends, so two
    numbers are never the same; the insert-or-ignore avoids a race on the first number of a year.
    """
    with transaction.atomic():
        model.objects.bulk_create([model(**key, last=0)], ignore_conflicts=True)
        sequence = model.objects.select_for_update().get(**key)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return sequence.last
