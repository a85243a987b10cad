"""Run LinkChecker so that it never connects to an address inside the machine or its network.

``python tools/address_guard.py --allow 127.0.0.1:8000 -- [LinkChecker's arguments]``

A page can link to, or redirect to, a loopback, private or link-local
address (``http://169.254.169.254/``, ``http://127.0.0.1:631/``), and a
public name can resolve to one. What counts is the address a connection is
made to, not the URL's text: every connection LinkChecker makes (each link,
each redirect, each ``robots.txt``) first asks ``socket.getaddrinfo`` for the
addresses to connect to, and connects to what it answers. The guard answers
in its place: only public addresses and those given with ``--allow`` (the
server of the built site) are handed on; a URL with no address left fails
with ``AddressBlocked``, and one whose name does not resolve with
``NameNotResolved``, each a short message LinkChecker reports whole.

Why a launcher rather than a LinkChecker plugin: LinkChecker runs its
plugins after a connection is made, too late to stop it, and loads them from
the user's data folder, skipping one it does not trust without failing. The
launcher installs the guard before LinkChecker starts.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from dns.exception import DNSException

# Run as a script with -P (tools/ would shadow LinkChecker's `linkcheck`):
# the project's folder, appended last, holds the one reading of an address.
sys.path.append(str(Path(__file__).resolve().parents[1]))
from policy_core import ip_addresses  # noqa: E402

# The guard answers in the resolver's place, so its refusals are resolution
# errors. LinkChecker reports one of dnspython's as the URL's result, whole;
# urllib3 would bury an OSError in a long message that LinkChecker then cuts.
# (LinkChecker's own LinkCheckerError would do too, but importing LinkChecker
# installs `_` among the builtins of whatever process imports this module.)


class AddressBlocked(DNSException):
    """A connection the guard refused: the name has no public address."""


class NameNotResolved(DNSException):
    """The name has no address at all."""


def is_public(address: str) -> bool:
    """True for an address, as a resolver answers it, on the public internet."""
    return ip_addresses.is_public(ip_addresses.host_address(address))


def install(allowed: set[tuple[str, int]]) -> None:
    """Make every connection of this process resolve through the guard.

    *allowed* holds the (address, port) pairs that may be connected to although
    they are not public.
    """
    resolve = socket.getaddrinfo

    def guarded_getaddrinfo(host, port, *args, **kwargs):
        try:
            answers = resolve(host, port, *args, **kwargs)
        except socket.gaierror as error:
            raise NameNotResolved(f"{host}: {error.strerror or error}") from None
        kept = [answer for answer in answers if is_public(answer[4][0]) or answer[4][:2] in allowed]
        if not kept:
            addresses = ", ".join(sorted({answer[4][0] for answer in answers}))
            named = "" if addresses == str(host) else f"{host} is "
            raise AddressBlocked(f"{named}{addresses}, not a public address: not connected")
        return kept

    socket.getaddrinfo = guarded_getaddrinfo


def address_and_port(text: str) -> tuple[str, int]:
    """``127.0.0.1:8000`` or ``[::1]:8000`` as a pair."""
    host, _, port = text.rpartition(":")
    address = ip_addresses.host_address(host)
    if address is None:
        raise ValueError(f"{host!r} is no IP address")
    return str(address), int(port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow", type=address_and_port, action="append", default=[],
                        metavar="ADDRESS:PORT", help="may be connected to (repeatable)")
    parser.add_argument("linkchecker_args", nargs=argparse.REMAINDER,
                        help="LinkChecker's arguments, after --")
    args = parser.parse_args(argv)
    install(set(args.allow))
    from linkcheck.command.linkchecker import linkchecker

    extra = args.linkchecker_args
    sys.argv = ["linkchecker", *(extra[1:] if extra[:1] == ["--"] else extra)]
    sys.exit(linkchecker())


if __name__ == "__main__":
    main()
