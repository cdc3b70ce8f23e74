"""The S3-compatible storage backend (django-storages), chosen in settings when S3_BUCKET is set.

Its faults speak the same language as a local disk's: any failure to write or read is an
OSError (a missing object a FileNotFoundError), so the services that already turn a full disk
into "storage unavailable, nothing was saved" do the same for an unreachable bucket.
"""

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

_FAULTS = (BotoCoreError, ClientError, S3UploadFailedError)

# Uploads go up in 5 MiB parts, at most two in memory at once, whatever the file's size.
PART_BYTES = 5 * 1024 * 1024


def _transfer_config() -> TransferConfig:
    config = TransferConfig(
        multipart_threshold=PART_BYTES,
        multipart_chunksize=PART_BYTES,
        max_concurrency=2,
        io_chunksize=256 * 1024,
    )
    config.max_in_memory_upload_chunks = 2
    return config


class ReportStorage(S3Storage):
    """Report files, packages and statistics PDFs in one bucket, never public."""

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults.update(
            file_overwrite=False,  # two uploads never share a name
            default_acl=None,
            querystring_auth=True,
            querystring_expire=settings.S3_SIGNED_URL_SECONDS,
            signature_version="s3v4",
            # Files read whole (package builds) spill to a temporary file past this size.
            max_memory_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
            transfer_config=_transfer_config(),
        )
        return defaults

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except _FAULTS as exc:
            raise OSError(f"object storage refused {name}: {exc}") from exc

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except _FAULTS as exc:
            raise OSError(f"object storage could not open {name}: {exc}") from exc

    def exists(self, name):
        try:
            return super().exists(name)
        except _FAULTS as exc:
            raise OSError(f"object storage could not look up {name}: {exc}") from exc

    def delete(self, name):
        try:
            return super().delete(name)
        except _FAULTS as exc:
            raise OSError(f"object storage could not delete {name}: {exc}") from exc

    def stream(self, name: str):
        """(body, length) of a stored object, read from the network in chunks as it is sent."""
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.bucket.Object(key).get()
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from exc
            raise OSError(f"object storage could not read {name}: {exc}") from exc
        except BotoCoreError as exc:
            raise OSError(f"object storage could not read {name}: {exc}") from exc
        return answer["Body"], answer["ContentLength"]
