"""Locust users for the load benchmark (bench/load_bench.py starts locust with this file).

Examiner: logs in through the real login form (CSRF token from the page), then loops with no
think time: search a number in a random spelling (302 to its family), open the family page,
download one of its documents. Health: /healthz only, the floor under the same concurrency.
Every sample is kept and written as JSON at exit so the bench computes exact percentiles.
"""

import itertools
import json
import os
import random
import re
import time
from collections import defaultdict

import gevent
from gevent.event import Event
from locust import HttpUser, constant, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "case-demo-2026")
FAMILIES = int(os.environ.get("LOAD_FAMILIES", "10000"))
STRIDE = int(os.environ.get("LOAD_STRIDE", "20"))  # every STRIDE-th family has documents
OFFICES = ["AU", "CA", "GB", "US", "EP", "JP", "KR", "CN", "IL", "NZ", "SG", "IN", "BR"]
TIMEOUT = 30
LOGIN_TIMEOUT = 120
USERS = int(os.environ.get("LOAD_USERS", "64"))
# The measured window opens once every user has logged in (logins hash passwords on purpose
# slowly and would otherwise crowd the first seconds) and lasts LOAD_SECONDS.
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))

_samples: dict[str, list[float]] = defaultdict(list)
_window = {"first": None, "last": None}
_seq = itertools.count(1)
_logged_in = itertools.count(1)
_all_in = Event()


@events.request.add_listener
def _record(request_type, name, response_time, exception, **kwargs):
    if exception is None and not name.startswith("login") and _all_in.is_set():
        now = time.time()
        _window["first"] = _window["first"] or now - response_time / 1000
        _window["last"] = now
        _samples[name].append(response_time)


@events.quitting.add_listener
def _dump(environment, **kwargs):
    path = os.environ.get("LOAD_RESULT")
    if path:
        with open(path, "w") as fh:
            json.dump({"samples": _samples, "window": _window}, fh)


def _arrive(environment) -> None:
    """Barrier: wait until every user is ready; the last one opens the window and sets its end."""
    if next(_logged_in) == USERS:
        _window["all logged in"] = time.time()
        _all_in.set()
        gevent.spawn_later(SECONDS, environment.runner.quit)
    _all_in.wait()


def spelling(rng: random.Random, g: int) -> str:
    """One family member's number, written the way examiners type it."""
    us, ep, jp, ca = f"{g:06d}", 14_000_000 + g, f"{g:06d}", 2_800_000 + g
    return rng.choice(
        [
            f"US 13/{us[:3]},{us[3:]}",
            f"US13{us}",
            f"us 13/{us}",
            f"EP{ep}",
            f"EP {str(ep)[:2]} {str(ep)[2:5]} {str(ep)[5:]}",
            f"ep {ep}",
            f"JP 2014-{jp}",
            f"jp 2014 {jp}",
            f"CA {ca:,}",
            f"CA{ca}",
            f"ca {ca}",
        ]
    )


class Examiner(HttpUser):
    wait_time = constant(0)  # closed loop: capacity, not a think-time model

    def on_start(self):
        try:
            self.log_in()
        finally:  # a failed login is counted as an error; it must not hold the others back
            _arrive(self.environment)

    def log_in(self):
        n = next(_seq)
        self.rng = random.Random(n)
        # Each simulated examiner is its own client address, as behind the real proxy.
        self.client.headers["X-Forwarded-For"] = f"10.{n // 250}.{n % 250}.7"
        email = f"examiner@{OFFICES[n % len(OFFICES)].lower()}.demo"
        for _attempt in range(3):
            form = self.client.get("/accounts/login/", name="login (form)", timeout=TIMEOUT)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text or "")
            with self.client.post(
                "/accounts/login/",
                data={
                    "login": email,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={"Referer": f"{self.host}/accounts/login/"},
                allow_redirects=False,
                name="login (post)",
                # Password hashing is slow on purpose; 64 at once queue behind each other.
                timeout=LOGIN_TIMEOUT,
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    return
                response.failure(f"login as {email}: {response.status_code}")
        raise StopUser()  # counted as errors above; a user that cannot log in stops

    @task
    def search_family_download(self):
        g = STRIDE * self.rng.randint(1, FAMILIES // STRIDE)
        with self.client.get(
            "/search/",
            params={"q": spelling(self.rng, g)},
            allow_redirects=False,
            name="search (302)",
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302 or not target.startswith("/families/"):
                response.failure(f"search: {response.status_code} {target!r}")
                return
        with self.client.get(
            target, name="family page", timeout=TIMEOUT, catch_response=True
        ) as response:
            docs = re.findall(r'href="(/documents/\d+/content)"', response.text)
            if response.status_code != 200 or not docs:
                response.failure(f"family page: {response.status_code}, {len(docs)} documents")
                return
        with self.client.get(
            self.rng.choice(docs), name="document download", timeout=TIMEOUT, catch_response=True
        ) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"download: {response.status_code}")


class Health(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        _arrive(self.environment)

    @task
    def healthz(self):
        self.client.get("/healthz", name="/healthz (floor)", timeout=TIMEOUT)
