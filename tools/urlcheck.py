"""Check URLs the way a scheduled CI job must: bounded, polite and patient.

Each URL gets one of five statuses:

=============  ============================================================
ok             answered 2xx
redirected     answered 2xx after redirects, each reported as permanent
               (301, 308) or temporary (302, 303, 307)
soft-failure   answered, but not with the page: redirected to the site's
               home page or a login page, or 401/403 (a login wall or a bot
               block); a warning, to be looked at by a person
broken         404, 410 or another 4xx, a 5xx that outlasted the retries, a
               refused connection, a redirect loop
timeout        no answer within the per-attempt timeout, on every attempt,
               or the run's hard cap reached first
=============  ============================================================

The rules for CI reality, all in :class:`Policy`: a timeout per attempt and a
hard cap on the whole run (no attempt or wait outlives it); retries with
exponential backoff after a 5xx, a timeout or a connection error; a 429's
``Retry-After`` honoured up to a cap; a minimum interval between requests to
one host; ``mailto:`` and other non-HTTP URLs are never resolved.

Why this is written here rather than taken from Sphinx's linkcheck builder or
LinkChecker (both of which ``tools/linkcheck.py`` also runs): neither bounds
the whole run while retrying with backoff, neither rate-limits per host while
honouring ``Retry-After`` with a cap, and neither recognises a redirect to a
home page or a login page as a failure. The HTTP itself is ``requests``.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import requests

USER_AGENT = "psf-policies-linkcheck/1.0 (+https://policies.python.org/)"
PERMANENT_REDIRECTS = {301, 308}
LOGIN_PATH = re.compile(
    r"(^|/)(login|log-in|signin|sign-in|sso|auth|account/login)(/|$|\?)", re.IGNORECASE
)
# What a failed connection comes down to, as requests words it deep in its message.
KNOWN_REASONS = (
    "Connection refused",
    "Name or service not known",
    "Temporary failure in name resolution",
    "No address associated with hostname",
    "certificate verify failed",
    "Connection reset by peer",
)
STATUS_ORDER = ("ok", "redirected", "soft-failure", "timeout", "broken")


@dataclass(frozen=True)
class Policy:
    """How patient and how polite a run is; the defaults suit a CI job."""

    timeout: float = 15.0  # seconds per attempt (connect, then each read)
    retries: int = 2  # attempts after the first, for a 5xx, 429, timeout or refused connection
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    retry_after_cap: float = 60.0  # longest 429 Retry-After honoured, in seconds
    host_interval: float = 0.1  # seconds between requests to one host (10 a second)
    max_redirects: int = 10
    workers: int = 64  # threads; most of a check is waiting on the network
    run_cap: float = 300.0  # hard cap on the whole run, in seconds


@dataclass
class Redirect:
    code: int
    kind: str  # "permanent" or "temporary"
    location: str


@dataclass
class Result:
    url: str
    status: str
    detail: str
    code: int | None = None
    redirects: list[Redirect] = field(default_factory=list)
    attempts: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict:
        return asdict(self)


class HostLimiter:
    """At most one request start per *interval* seconds to each host.

    Each caller reserves the next free slot under a lock and sleeps outside
    it, so waiting on one host never holds up another.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, deadline: float) -> bool:
        """Sleep until *host* may be asked again; False if that is past *deadline*."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            if start >= deadline:
                return False
            self._next[host] = start + self.interval
        time.sleep(start - now)
        return True


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _soft_failure(url: str, final_url: str) -> str | None:
    start, end = urlsplit(url), urlsplit(final_url)
    if end.path in ("", "/") and not end.query and start.path not in ("", "/"):
        return f"redirects to the site's home page {final_url}"
    if LOGIN_PATH.search(end.path) and not LOGIN_PATH.search(start.path):
        return f"redirects to a login page {final_url}"
    return None


class _Attempt(Exception):
    """One attempt that may succeed if tried again."""

    def __init__(
        self, status: str, detail: str, code: int | None = None, wait: float | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.wait = status, detail, code, wait


class Checker:
    """Checks URLs concurrently under one :class:`Policy`."""

    def __init__(self, policy: Policy = Policy()) -> None:
        self.policy = policy
        self.limiter = HostLimiter(policy.host_interval)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.max_redirects = self.policy.max_redirects
            self._local.session = session
        return session

    def check(self, url: str, deadline: float | None = None) -> Result:
        """Check one URL; no attempt or wait goes past *deadline* (monotonic)."""
        started = time.monotonic()
        if deadline is None:
            deadline = started + self.policy.run_cap
        result = self._check(url, deadline)
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def _check(self, url: str, deadline: float) -> Result:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Result(url, "ok", f"not resolved ({parts.scheme or 'no'} scheme)")
        host = parts.netloc.lower()
        attempts = 0
        delay = self.policy.backoff
        while True:
            if not self.limiter.wait(host, deadline):
                return Result(url, "timeout", "the run's hard cap was reached", attempts=attempts)
            attempts += 1
            try:
                result = self._attempt(url, deadline)
                result.attempts = attempts
                return result
            except _Attempt as failure:
                pause = delay if failure.wait is None else failure.wait
                delay *= 2
                out_of_time = time.monotonic() + pause >= deadline
                if attempts > self.policy.retries or out_of_time:
                    detail = failure.detail
                    if out_of_time and attempts <= self.policy.retries:
                        detail += " (no time left in the run's hard cap to retry)"
                    return Result(url, failure.status, detail, failure.code, attempts=attempts)
                time.sleep(pause)

    def _attempt(self, url: str, deadline: float) -> Result:
        remaining = deadline - time.monotonic()
        timeout = min(self.policy.timeout, remaining)
        try:
            response = self._session().get(url, timeout=timeout, stream=True)
            response.close()
        except requests.TooManyRedirects as error:
            chain = [r.url for r in error.response.history] if error.response is not None else []
            loop = len(chain) != len(set(chain))
            detail = "redirect loop" if loop else f"more than {self.policy.max_redirects} redirects"
            return Result(url, "broken", detail)
        except requests.Timeout:
            reason = "no answer within the run's hard cap" if timeout < self.policy.timeout else (
                f"no answer within {self.policy.timeout:g} s"
            )
            raise _Attempt("timeout", reason) from None
        except requests.ConnectionError as error:
            raise _Attempt("broken", f"connection failed: {short_reason(str(error))}") from None
        except requests.RequestException as error:
            return Result(url, "broken", f"request failed: {short_reason(str(error))}")

        code = response.status_code
        redirects = [
            Redirect(
                hop.status_code,
                "permanent" if hop.status_code in PERMANENT_REDIRECTS else "temporary",
                hop.headers.get("Location", ""),
            )
            for hop in response.history
        ]
        described = f"{code} {response.reason}"
        if code == 429:
            wanted = retry_after_seconds(response.headers.get("Retry-After"))
            if wanted is not None and wanted > self.policy.retry_after_cap:
                return Result(url, "timeout", f"{described}: Retry-After {wanted:g} s is past the "
                              f"{self.policy.retry_after_cap:g} s cap", code, redirects)
            raise _Attempt("timeout", f"{described} (rate limited)", code, wanted)
        if code >= 500:
            raise _Attempt("broken", described, code)
        if code in (401, 403):
            return Result(url, "soft-failure", f"{described}: a login wall or a bot block", code,
                          redirects)
        if code >= 400:
            return Result(url, "broken", described, code, redirects)
        if redirects:
            soft = _soft_failure(url, response.url)
            if soft:
                return Result(url, "soft-failure", soft, code, redirects)
            hops = ", ".join(f"{r.code} {r.kind}" for r in redirects)
            return Result(url, "redirected", f"{hops} to {response.url}", code, redirects)
        return Result(url, "ok", described, code)

    def check_all(self, urls) -> list[Result]:
        """Check *urls* concurrently; the whole run ends within ``policy.run_cap``."""
        urls = list(dict.fromkeys(urls))
        deadline = time.monotonic() + self.policy.run_cap
        pool = ThreadPoolExecutor(max_workers=self.policy.workers, thread_name_prefix="urlcheck")
        futures = {url: pool.submit(self.check, url, deadline) for url in urls}
        # Every attempt and wait stops at the deadline; the grace covers a
        # request that is past its timeout but still unwinding.
        wait(futures.values(), timeout=max(0.0, deadline - time.monotonic()) + 1.0)
        pool.shutdown(wait=False, cancel_futures=True)
        return [
            future.result()
            if future.done() and not future.cancelled()
            else Result(url, "timeout", "not checked within the run's hard cap")
            for url, future in futures.items()
        ]


def short_reason(text: str) -> str:
    """The gist of a connection error's long message."""
    return next((known for known in KNOWN_REASONS if known in text), text[:200])
