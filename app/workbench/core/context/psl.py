"""Registrable domains by the Public Suffix List, offline: the list is a file bundled in `resources/publicsuffix/`.

The algorithm is the list's own (https://publicsuffix.org/list/): the longest matching rule wins, `*.` wildcards
match one label, `!` exceptions beat them, and an unlisted top-level label counts as a suffix (rule `*`). Both the
ICANN and the private sections are used, so `alice.github.io` is its own registrable domain, as browsers see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.core.errors import BadInput
from workbench.core.paths import resources_dir

LIST_FILE = "public_suffix_list.dat"


def list_path() -> Path:
    """The bundled list, in the resources folder's `publicsuffix/`."""
    return resources_dir() / "publicsuffix" / LIST_FILE


@dataclass(frozen=True)
class SuffixRules:
    rules: frozenset[str]
    wildcards: frozenset[str]  # "ck" for "*.ck"
    exceptions: frozenset[str]  # "www.ck" for "!www.ck"
    private: frozenset[str]  # rules from the private section (for the record only)

    @classmethod
    def parse(cls, text: str) -> SuffixRules:
        rules: set[str] = set()
        wildcards: set[str] = set()
        exceptions: set[str] = set()
        private: set[str] = set()
        in_private = False
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("// ===BEGIN PRIVATE"):
                in_private = True
            if not line or line.startswith("//"):
                continue
            rule = line.split()[0].lower()
            rule = _to_ascii(rule) if not rule.isascii() else rule
            if rule.startswith("!"):
                exceptions.add(rule[1:])
            elif rule.startswith("*."):
                wildcards.add(rule[2:])
            else:
                rules.add(rule)
            if in_private:
                private.add(rule.lstrip("!*."))
        return cls(frozenset(rules), frozenset(wildcards), frozenset(exceptions), frozenset(private))

    def suffix_length(self, labels: list[str]) -> int:
        """How many trailing labels of `labels` form the public suffix (at least 1)."""
        best = 1
        n = len(labels)
        for i in range(n):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return n - i - 1
            if candidate in self.rules:
                best = max(best, n - i)
            parent = ".".join(labels[i + 1 :])
            if i + 1 < n and parent in self.wildcards:
                best = max(best, n - i)
        return best


@lru_cache(maxsize=1)
def default_rules() -> SuffixRules:
    path = list_path()
    try:
        return SuffixRules.parse(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(
            f"The public suffix list is missing ({path}); reinstall the workbench or set WORKBENCH_RESOURCES."
        ) from exc


def _to_ascii(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label)
        else:
            try:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
            except UnicodeError as exc:
                raise BadInput(f"{host!r} is not a valid internationalised host name.") from exc
    return ".".join(labels)


@dataclass(frozen=True)
class DomainParts:
    host: str  # ASCII (punycode), lower case
    suffix: str  # the public suffix, e.g. "co.uk"
    registrable: str | None  # e.g. "bbc.co.uk"; None when the host is itself a suffix or an IP address


def split_host(host: str, rules: SuffixRules | None = None) -> DomainParts:
    """The public suffix and registrable domain of an ASCII or Unicode host name."""
    rules = rules or default_rules()
    h = host.strip().rstrip(".").lower()
    if not h:
        raise BadInput("An empty host name has no domain.")
    if _is_ip(h):
        return DomainParts(h, "", None)
    h = _to_ascii(h) if not h.isascii() else h
    labels = h.split(".")
    if any(not label for label in labels):
        raise BadInput(f"{host!r} is not a host name (empty label).")
    n = rules.suffix_length(labels)
    suffix = ".".join(labels[-n:]) if n else ""
    registrable = ".".join(labels[-(n + 1) :]) if len(labels) > n else None
    return DomainParts(h, suffix, registrable)


def registrable_domain(host: str, rules: SuffixRules | None = None) -> str | None:
    return split_host(host, rules).registrable


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
