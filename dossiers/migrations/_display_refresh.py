"""Refreshing stored display forms after the number reader changed them (data migrations).

`display` is written when a row is stored; when the reader shows an office's numbers in
another form, a migration calls :func:`displays_refresh` for those offices. Keys stay as they
are. (Django's migration loader skips modules whose name starts with an underscore.)
"""

BATCH = 2000


def _refresh(rows, model):
    from dossiers.numbers import InvalidNumber, format_display

    changed = []
    for row in rows:
        try:
            shown = format_display(row.key, kind="application")
        except InvalidNumber:
            continue  # a key the reader no longer takes keeps what it showed
        if shown != row.display:
            row.display = shown
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, ["display"])
            changed = []
    model.objects.bulk_update(changed, ["display"])


def displays_refresh(apps, offices):
    """Applications and priority claims of these offices show what the reader shows today."""
    Application = apps.get_model("dossiers", "Application")
    PriorityClaim = apps.get_model("dossiers", "PriorityClaim")
    _refresh(
        Application.objects.filter(office__code__in=offices)
        .only("pk", "key", "display")
        .iterator(),
        Application,
    )
    _refresh(
        PriorityClaim.objects.filter(office_code__in=offices)
        .only("pk", "key", "display")
        .iterator(),
        PriorityClaim,
    )
