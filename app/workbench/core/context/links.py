"""Links as evidence: URLs normalised the same way wherever they were seen, and resolved to registrable domains.

Normalising lower-cases the scheme and host, turns an internationalised host into its ASCII (IDNA) form, drops the
default port, the fragment and tracking parameters (`utm_*`, `fbclid`, `gclid` ...), and keeps everything else
as written, so two links count as the same only when they would fetch the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from workbench.core.context.psl import SuffixRules, default_rules, split_host
from workbench.core.errors import BadInput

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "si",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "yclid",
        "twclid",
        "ref_src",
        "ref_url",
        "s_cid",
        "spm",
    }
)
_URL_IN_TEXT = re.compile(r"""(?i)\b(?:https?://|www\.)[^\s<>"'`{}|\\^\[\]]+""")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    n = name.lower()
    return n.startswith("utm_") or n in TRACKING_PARAMS


def _idna_host(host: str) -> str:
    h = host.strip().rstrip(".").lower()
    if h.isascii():
        return h
    try:
        return h.encode("idna").decode("ascii")
    except UnicodeError:
        from workbench.core.context.psl import _to_ascii

        return _to_ascii(h)


def normalise_url(url: str) -> str:
    """The canonical form of a link (see the module docstring). Raises BadInput when it is not an http(s) link."""
    text = url.strip().strip("<>\"'")
    if text.lower().startswith("www."):
        text = "http://" + text
    if "://" not in text:
        raise BadInput(f"{url!r} is not a web link (no scheme).")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise BadInput(f"{url!r} is not a valid link ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadInput(f"{url!r} is not a web link ({scheme}:).")
    host = parts.hostname
    if not host:
        raise BadInput(f"{url!r} has no host.")
    host = _idna_host(host)
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)])
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def urls_in_text(text: str) -> list[str]:
    """Links written in free text (posts, bios), trailing punctuation removed."""
    out = []
    for match in _URL_IN_TEXT.findall(text or ""):
        u = match.rstrip(".,;:!?)")
        if u.count("(") < u.count(")"):
            u = u.rstrip(")")
        out.append(u)
    return list(dict.fromkeys(out))


@dataclass(frozen=True)
class ResolvedLink:
    url: str  # normalised
    host: str  # ASCII
    domain: str  # registrable, ASCII (or the host itself for an IP address or a bare suffix)
    unicode_domain: str
    suffix: str


def resolve(url: str, rules: SuffixRules | None = None) -> ResolvedLink:
    norm = normalise_url(url)
    host = urlsplit(norm).hostname or ""
    parts = split_host(host, rules or default_rules())
    domain = parts.registrable or parts.host
    try:
        unicode_domain = domain.encode("ascii").decode("idna")
    except UnicodeError:
        unicode_domain = domain
    return ResolvedLink(norm, parts.host, domain, unicode_domain, parts.suffix)
