"""A real streaming replica of the local PostgreSQL cluster, for tests/replica/ and `make bench`:
the Python side of scripts/pg_replica.sh, which owns every step (slot, base backup, start, wait
for streaming, sync, stop, and sweeping what dead runs left)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support import free_port

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg_replica.sh"
PORT_TAKEN = 75  # the script's exit status when another process got the port first


def _script(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], check=False, **kwargs)  # noqa: S603,S607


class Standby:
    """Started by the constructor; it has replayed everything the primary had written when the
    constructor returns. If this process dies without stop(), the script's watcher stops it."""

    def __init__(self):
        # Outside pytest's private temp folders: the postgres OS user must reach it.
        self.dir = tempfile.mkdtemp(prefix="case-replica-")
        try:
            for _ in range(3):
                self.port = free_port()
                # A base backup copies the whole shared cluster: minutes when it is large.
                done = _script("start", self.dir, str(self.port), str(os.getpid()), timeout=1800)
                if done.returncode != PORT_TAKEN:
                    break
            if done.returncode:
                raise RuntimeError(
                    f"scripts/pg_replica.sh start failed with status {done.returncode} (see above)"
                )
        except BaseException:
            self.stop()
            raise
        self.slot = Path(self.dir, "slot").read_text().strip()

    def sync(self, seconds: int = 300) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        done = _script("sync", self.dir, str(seconds), capture_output=True, text=True)
        if done.returncode:
            raise AssertionError(f"the replica did not catch up:\n{done.stderr}")

    def stop(self) -> None:
        _script("stop", self.dir, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)
