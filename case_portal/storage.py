"""How a stored file reaches the person allowed to have it: the one helper every download uses.

The caller has done the access check. From the local disk the file is streamed; from object
storage it is streamed from the bucket in chunks, or, with S3_SIGNED_URLS=1, the browser is sent
to a signed URL that expires in S3_SIGNED_URL_SECONDS (downloads only: the inline viewer stays on
our origin, which the page's Content-Security-Policy requires).
"""

import logging

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

STORAGE_DOWN = gettext_lazy(
    "The portal cannot reach its file storage right now, so the file cannot be sent. Nothing "
    "is wrong with the file itself; try again in a few minutes."
)


class FileMissing(Http404):
    """The file is gone: a 404 whose message (the caller's `missing=` text) the person reads."""


class StorageUnreachable(Exception):
    """The storage did not answer (bucket or disk down): a 503 page, or JSON from the API
    (case_portal.middleware.StorageUnreachableMiddleware, case_portal.api.errors)."""


def is_object_storage(storage) -> bool:
    return hasattr(storage, "stream") and hasattr(storage, "bucket_name")


def _unreachable(name: str, exc: OSError) -> StorageUnreachable:
    logger.warning("storage unreachable while sending %s: %s", name, exc)
    return StorageUnreachable(STORAGE_DOWN)


def storage_answers(fieldfile) -> None:
    """Open and close the file: StorageUnreachable if the storage does not answer (a file that
    is gone is the caller's to report). For a response streamed after it, such as a ZIP of many
    files, whose status cannot change once the first byte is sent."""
    try:
        fieldfile.storage.open(fieldfile.name, "rb").close()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _unreachable(fieldfile.name, exc) from exc


def file_response(
    request,
    fieldfile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    missing: str = "The file is missing.",
):
    """A response with the file's bytes (or a redirect to them); FileMissing(missing) if it is
    gone, StorageUnreachable if the storage does not answer (before any byte is sent)."""
    storage = fieldfile.storage
    if not fieldfile.name:
        raise FileMissing(missing)
    if is_object_storage(storage) and as_attachment and settings.S3_SIGNED_URLS:
        # Else the bucket would answer a missing object with its own XML error page.
        try:
            found = storage.exists(fieldfile.name)
        except OSError as exc:
            raise _unreachable(fieldfile.name, exc) from exc
        if not found:
            raise FileMissing(missing)
        url = storage.url(
            fieldfile.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition_header(True, filename),
                "ResponseCacheControl": "private, no-store",
            },
        )
        response = HttpResponseRedirect(url)
    else:
        try:
            if is_object_storage(storage):
                body, length = storage.stream(fieldfile.name)
            else:
                body, length = fieldfile.open("rb"), None
        except FileNotFoundError as exc:
            raise FileMissing(missing) from exc
        except OSError as exc:
            raise _unreachable(fieldfile.name, exc) from exc
        response = FileResponse(
            body, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
        response.block_size = 64 * 1024  # fewer, larger reads from a socket or a disk
        if length is not None:
            response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
