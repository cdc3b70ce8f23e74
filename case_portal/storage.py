"""How a stored file reaches the person allowed to have it: the one helper every download uses.

The caller has done the access check. From the local disk the file is streamed; from object
storage it is streamed from the bucket in chunks, or, with S3_SIGNED_URLS=1, the browser is sent
to a signed URL that expires in S3_SIGNED_URL_SECONDS (downloads only: the inline viewer stays on
our origin, which the page's Content-Security-Policy requires).
"""

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header


def is_object_storage(storage) -> bool:
    return hasattr(storage, "stream") and hasattr(storage, "bucket_name")


def file_response(
    request,
    fieldfile,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
    missing: str = "The file is missing.",
):
    """A response with the file's bytes (or a redirect to them); Http404(missing) if it is gone."""
    storage = fieldfile.storage
    if not fieldfile.name:
        raise Http404(missing)
    if is_object_storage(storage) and as_attachment and settings.S3_SIGNED_URLS:
        # Else the bucket would answer a missing object with its own XML error page.
        if not storage.exists(fieldfile.name):
            raise Http404(missing)
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
            raise Http404(missing) from exc
        response = FileResponse(
            body, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
        response.block_size = 64 * 1024  # fewer, larger reads from a socket or a disk
        if length is not None:
            response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
