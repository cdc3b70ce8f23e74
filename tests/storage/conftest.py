"""A real S3-API server (moto's standalone server) on loopback, one per test session, and a
fresh bucket per test that the portal's default storage points at."""

import subprocess
import sys
import urllib.request
import uuid

import boto3
import pytest

from tests.support import free_port, wait_for

KEYS = {"aws_access_key_id": "portal-test", "aws_secret_access_key": "portal-test-secret"}
REGION = "eu-west-1"


class S3Server:
    def __init__(self, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(self._up, timeout=60, what="the S3 server to answer")

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the S3 server exited with {self.proc.returncode}")
        try:
            with urllib.request.urlopen(self.url, timeout=2):  # noqa: S310 (loopback)
                return True
        except OSError:
            return False

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, region_name=REGION, **KEYS)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()

    def env(self, bucket: str) -> dict:
        """The environment a portal process needs to use this bucket, and nothing else."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_REGION": REGION,
            "AWS_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        }


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, monkeypatch):
    """An empty bucket, set as the portal's default storage exactly as settings.py does it."""
    name = f"case-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    for key, value in s3_server.env(name).items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)  # boto3 reads credentials from the environment
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "case_portal.s3.ReportStorage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_server.url,
                "region_name": REGION,
                "location": "",
                "addressing_style": "path",
            },
        },
    }
    return name


def keys(s3_server, bucket: str) -> list[str]:
    listing = s3_server.client().list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))
