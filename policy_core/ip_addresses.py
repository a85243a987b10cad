"""Which IP address a URL's host is, read as a resolver and a browser read it.

A host is an IP address in more forms than the dotted four numbers:
``inet_aton`` (and so every resolver, and LinkChecker) reads ``0x7f.1``,
``0177.0.0.1``, ``2130706433`` and ``127.1`` as 127.0.0.1, and browsers read
them the same way (the WHATWG URL standard's IPv4 parser), after decoding
``%31``-style escapes and mapping full-width digits and dots (``１２７。０。０。１``)
as IDNA does. IPv6 comes in brackets, and ``::ffff:127.0.0.1`` is an IPv4
address in IPv6 dress. So the text of a host says nothing until it is parsed:
every rule about addresses (a processor's URL names no address; the link
check connects to public addresses only) asks this module, which parses it
once, the way those readers do.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import unquote

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# The WHATWG URL standard reads a host whose last label is a number (decimal,
# or hex after 0x) as an IPv4 address, and refuses the URL if it is not one.
_NUMERIC_LABEL = re.compile(r"[0-9]+|0[xX][0-9a-fA-F]*")


class NotAnAddress(ValueError):
    """A host written as a number that is no IP address (browsers refuse the URL)."""


def canonical_host(host: str) -> str:
    """*host* as a browser reads it: escapes decoded, IDNA-mapped, lower case, no final dot."""
    text = unquote(host).strip()
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1].lower()
    if ":" in text:
        return text.lower()
    try:
        # IDNA maps what a browser maps before reading the host: full-width
        # digits, ideographic full stops, upper case.
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return text.lower().removesuffix(".")


def host_address(host: str) -> IPAddress | None:
    """The IP address *host* is, or None when it is a name.

    *host* is a URL's host as written (brackets, escapes, a trailing dot and
    an IPv6 zone allowed), or an address as a resolver answers it. Raises
    :class:`NotAnAddress` for a host written as a number that is no address.
    """
    text = canonical_host(host)
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            raise NotAnAddress(f"{host!r} is no IP address") from None
    if not _NUMERIC_LABEL.fullmatch(text.rpartition(".")[2]):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        raise NotAnAddress(f"{host!r} is written as an IP address but is none") from None


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet (not loopback, private, link-local, ...)."""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
