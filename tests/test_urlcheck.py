"""How tools/urlcheck.py classifies each answer a link can get, offline.

A pytest-httpserver on 127.0.0.1 plays every case; each test also checks the
check ended within the bound its policy sets (a bound, not a benchmark).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
from werkzeug import Response

from tools.urlcheck import Checker, HostLimiter, Policy, retry_after_seconds

FAST = Policy(timeout=1.0, retries=2, backoff=0.05, retry_after_cap=3.0, host_interval=0.0,
              workers=8, run_cap=10.0)


def check(url: str, policy: Policy = FAST):
    started = time.monotonic()
    result = Checker(policy).check(url)
    return result, time.monotonic() - started


def test_200_is_ok(httpserver):
    httpserver.expect_request("/page").respond_with_data("hello")
    result, _ = check(httpserver.url_for("/page"))
    assert (result.status, result.code, result.attempts) == ("ok", 200, 1)


def test_301_then_200_is_a_permanent_redirect(httpserver):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/new")}))
    httpserver.expect_request("/new").respond_with_data("moved here")
    result, _ = check(httpserver.url_for("/old"))
    assert result.status == "redirected"
    assert [(r.code, r.kind) for r in result.redirects] == [(301, "permanent")]
    assert result.detail.endswith(httpserver.url_for("/new"))


def test_302_is_reported_as_temporary(httpserver):
    httpserver.expect_request("/today").respond_with_response(
        Response(status=302, headers={"Location": "/elsewhere"}))
    httpserver.expect_request("/elsewhere").respond_with_data("here for now")
    result, _ = check(httpserver.url_for("/today"))
    assert result.status == "redirected"
    assert [(r.code, r.kind) for r in result.redirects] == [(302, "temporary")]


def test_302_to_the_home_page_is_a_soft_failure(httpserver):
    httpserver.expect_request("/legal/dpa/").respond_with_response(
        Response(status=302, headers={"Location": "/"}))
    httpserver.expect_request("/").respond_with_data("welcome")
    result, _ = check(httpserver.url_for("/legal/dpa/"))
    assert result.status == "soft-failure"
    assert "home page" in result.detail


def test_redirect_to_a_login_page_is_a_soft_failure(httpserver):
    httpserver.expect_request("/terms").respond_with_response(
        Response(status=302, headers={"Location": "/account/login?next=/terms"}))
    httpserver.expect_request("/account/login").respond_with_data("sign in")
    result, _ = check(httpserver.url_for("/terms"))
    assert result.status == "soft-failure"
    assert "login page" in result.detail


def test_403_is_a_soft_failure_not_broken(httpserver):
    httpserver.expect_request("/walled").respond_with_data("no", status=403)
    result, _ = check(httpserver.url_for("/walled"))
    assert result.status == "soft-failure"
    assert result.code == 403


@pytest.mark.parametrize("code", [404, 410])
def test_404_and_410_are_broken_without_retrying(httpserver, code):
    httpserver.expect_request("/gone").respond_with_data("gone", status=code)
    result, _ = check(httpserver.url_for("/gone"))
    assert (result.status, result.code, result.attempts) == ("broken", code, 1)


def test_429_with_retry_after_is_waited_for_then_ok(httpserver):
    httpserver.expect_oneshot_request("/busy").respond_with_response(
        Response(status=429, headers={"Retry-After": "1"}))
    httpserver.expect_request("/busy").respond_with_data("ready")
    result, seconds = check(httpserver.url_for("/busy"))
    assert (result.status, result.attempts) == ("ok", 2)
    assert 1.0 <= seconds < 1.0 + FAST.timeout * 2


def test_429_asking_past_the_cap_is_not_waited_for(httpserver):
    httpserver.expect_request("/later").respond_with_response(
        Response(status=429, headers={"Retry-After": "3600"}))
    result, seconds = check(httpserver.url_for("/later"))
    assert result.status == "timeout"
    assert "cap" in result.detail
    assert seconds < FAST.retry_after_cap


def test_500_then_200_is_retried_with_backoff(httpserver):
    httpserver.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    httpserver.expect_request("/flaky").respond_with_data("fine")
    result, seconds = check(httpserver.url_for("/flaky"))
    assert (result.status, result.attempts) == ("ok", 2)
    assert seconds >= FAST.backoff


def test_500_every_time_is_broken_after_the_retries(httpserver):
    httpserver.expect_request("/down").respond_with_data("oops", status=503)
    result, _ = check(httpserver.url_for("/down"))
    assert (result.status, result.code, result.attempts) == ("broken", 503, 1 + FAST.retries)


def test_slower_than_the_timeout_is_a_timeout_within_its_bound(httpserver):
    def slow(request):
        time.sleep(FAST.timeout + 1)
        return Response("too late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    policy = Policy(timeout=0.5, retries=1, backoff=0.05, host_interval=0.0, run_cap=10.0)
    result, seconds = check(httpserver.url_for("/slow"), policy)
    assert result.status == "timeout"
    assert result.attempts == 2
    # Two attempts of 0.5 s and one backoff, whatever the server does.
    assert seconds < 2 * policy.timeout + policy.backoff + 0.5


def test_refused_connection_is_broken():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result, _ = check(f"http://127.0.0.1:{port}/")
    assert result.status == "broken"
    assert "refused" in result.detail


def test_redirect_loop_is_broken(httpserver):
    httpserver.expect_request("/a").respond_with_response(
        Response(status=302, headers={"Location": "/b"}))
    httpserver.expect_request("/b").respond_with_response(
        Response(status=302, headers={"Location": "/a"}))
    result, _ = check(httpserver.url_for("/a"))
    assert (result.status, result.detail) == ("broken", "redirect loop")


def test_mailto_is_never_resolved():
    result, _ = check("mailto:psf@python.org")
    assert result.status == "ok"
    assert result.attempts == 0
    assert "not resolved" in result.detail


def test_the_hard_cap_holds_when_a_host_never_answers():
    # A listener that accepts connections and never says a word.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    port = silent.getsockname()[1]
    policy = Policy(timeout=5.0, retries=5, backoff=0.5, host_interval=0.0, workers=4,
                    run_cap=1.5)
    try:
        started = time.monotonic()
        results = Checker(policy).check_all(f"http://127.0.0.1:{port}/{n}" for n in range(10))
        seconds = time.monotonic() - started
    finally:
        silent.close()
    assert {r.status for r in results} == {"timeout"}
    assert len(results) == 10
    assert seconds < policy.run_cap + 1.5


def test_requests_to_one_host_are_spaced_out(httpserver):
    starts: list[float] = []
    lock = threading.Lock()

    def note(request):
        with lock:
            starts.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request("/n").respond_with_handler(note)
    policy = Policy(timeout=2.0, host_interval=0.2, workers=5, run_cap=10.0)
    results = Checker(policy).check_all(httpserver.url_for("/n") + f"?{i}" for i in range(5))
    assert {r.status for r in results} == {"ok"}
    # Five requests, one slot each 0.2 s: the last cannot start before 0.8 s.
    assert max(starts) - min(starts) >= 4 * policy.host_interval - 0.05


def test_the_rate_limit_is_per_host():
    limiter = HostLimiter(interval=0.5)
    deadline = time.monotonic() + 10
    started = time.monotonic()
    for host in ("a.example", "b.example", "c.example"):
        assert limiter.wait(host, deadline)
    assert time.monotonic() - started < 0.25  # three hosts: no waiting
    assert limiter.wait("a.example", deadline)
    assert time.monotonic() - started >= 0.45  # the same host again: its slot
    assert not limiter.wait("a.example", time.monotonic())  # no slot before the deadline


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_header_forms(header, expected):
    assert retry_after_seconds(header) == expected
