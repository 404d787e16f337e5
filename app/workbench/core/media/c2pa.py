"""Content Credentials (C2PA): read and validate a file's manifest store, offline, and say plainly what it means.

Uses `c2pa-python` (the C2PA reference implementation, c2pa-rs) with network look-ups switched off: no remote
manifests, no OCSP. No trust list is bundled, so a correctly signed manifest validates as "Valid" (intact, the
signature checks out) but its signer is reported as not on a known trust list; "Trusted" appears only if the
library is configured with one. Without the library, only the presence of a C2PA JUMBF box is detected.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NO_CREDENTIALS = (
    "No Content Credentials (C2PA) found. Most cameras and platforms do not add them; "
    "their absence says nothing about authenticity."
)


@dataclass(frozen=True)
class C2paAction:
    """One recorded action (c2pa.created, c2pa.edited, c2pa.opened ...)."""

    action: str
    when: str | None = None
    software_agent: str | None = None
    digital_source_type: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ContentCredentials:
    """What the active manifest says and whether it validated.

    `validation_state` is the library's verdict: "Invalid" (the manifest or the content it covers does not
    check out), "Valid" (intact and correctly signed), "Trusted" (and the signer is on a configured trust list),
    or None when nothing was read. `validation_failures` lists the failing checks as "code: explanation".
    """

    present: bool
    message: str
    validation_state: str | None = None
    signer: str | None = None
    signer_organisation: str | None = None
    signed_at: str | None = None
    claim_generator: str | None = None
    title: str | None = None
    actions: tuple[C2paAction, ...] = ()
    ingredients: tuple[str, ...] = ()
    validation_failures: tuple[str, ...] = ()
    manifest_count: int = 0
    reader: str = ""
    manifest_store: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["actions"] = [asdict(a) for a in self.actions]
        data["ingredients"] = list(self.ingredients)
        data["validation_failures"] = list(self.validation_failures)
        return data


def _reader_name() -> str:
    try:
        from importlib.metadata import version

        import c2pa

        return f"c2pa-python {version('c2pa-python')} (c2pa-rs {c2pa.sdk_version()})"
    except Exception:  # the library is optional; its absence is reported, not raised
        return "workbench JUMBF box detection (c2pa-python not installed)"


def has_c2pa_box(data: bytes) -> bool:
    """Whether the bytes hold a JUMBF superbox labelled "c2pa" (a C2PA manifest store), without parsing it."""
    at = data.find(b"jumb")
    while at >= 0:
        # The description box ("jumd") follows; its label "c2pa" sits within its first few dozen bytes.
        if b"c2pa" in data[at : at + 64]:
            return True
        at = data.find(b"jumb", at + 4)
    return False


def read_content_credentials(source: Path | bytes, *, mime: str | None = None) -> ContentCredentials:
    """Read and validate the C2PA manifest store of a file (path or bytes), without any network access.

    `mime` helps the library where the bytes alone are ambiguous; it detects the format otherwise.
    """
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        import c2pa
    except ImportError:
        return _presence_only(data)
    reader_name = _reader_name()
    context = c2pa.Context.from_dict({"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
    try:
        reader = c2pa.Reader.try_create(mime, io.BytesIO(data), None, context)
    except c2pa.C2paError.NotSupported:
        if has_c2pa_box(data):
            return ContentCredentials(
                True,
                "C2PA data is present, but the file format is not one the C2PA library can validate.",
                reader=reader_name,
            )
        return ContentCredentials(False, NO_CREDENTIALS, reader=reader_name)
    except c2pa.C2paError as exc:
        if not has_c2pa_box(data):
            return ContentCredentials(
                False, f"{NO_CREDENTIALS} (The C2PA library could not parse the file: {exc}.)", reader=reader_name
            )
        return ContentCredentials(
            True,
            f"C2PA data is present but cannot be read ({exc}): it may be damaged or cut.",
            validation_state="Invalid",
            reader=reader_name,
        )
    if reader is None:
        return ContentCredentials(False, NO_CREDENTIALS, reader=reader_name)
    with reader:
        import json

        store: dict[str, Any] = json.loads(reader.json())
    return _describe(store, reader_name)


def _presence_only(data: bytes) -> ContentCredentials:
    reader = _reader_name()
    if has_c2pa_box(data):
        return ContentCredentials(
            True,
            "C2PA data is present, but it was not validated: the C2PA library is not installed.",
            reader=reader,
        )
    return ContentCredentials(False, NO_CREDENTIALS, reader=reader)


def _describe(store: dict[str, Any], reader: str) -> ContentCredentials:
    manifests: dict[str, Any] = store.get("manifests") or {}
    active = manifests.get(store.get("active_manifest") or "", {})
    state = store.get("validation_state")
    signature = active.get("signature_info") or {}
    actions: list[C2paAction] = []
    for assertion in active.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for item in (assertion.get("data") or {}).get("actions") or []:
                actions.append(_action(item))
    failures = _failures(store)
    untrusted = any(f.startswith("signingCredential.untrusted") for f in failures)
    signer = signature.get("common_name") or signature.get("issuer")
    if state == "Invalid":
        message = (
            "Content Credentials are present but do NOT validate: the file or its manifest was changed after "
            "signing, or the manifest is damaged."
        )
    elif state == "Trusted":
        message = f"Content Credentials present, valid and signed by a trusted signer ({signer})."
    elif state == "Valid":
        message = f"Content Credentials present and intact, signed by {signer}"
        message += "; that signer is not on a trust list known to the workbench." if untrusted else "."
    else:
        message = f"Content Credentials present; validation state: {state or 'unknown'}."
    message += " They record what the signer's software declared, not whether the content is true."
    return ContentCredentials(
        present=True,
        message=message,
        validation_state=state,
        signer=signer,
        signer_organisation=signature.get("issuer"),
        signed_at=signature.get("time"),
        claim_generator=_generator(active),
        title=active.get("title"),
        actions=tuple(actions),
        ingredients=tuple(str(i.get("title") or i.get("label") or "?") for i in active.get("ingredients") or []),
        validation_failures=tuple(failures),
        manifest_count=len(manifests),
        reader=reader,
        manifest_store=store,
    )


def _action(item: dict[str, Any]) -> C2paAction:
    agent = item.get("softwareAgent")
    if isinstance(agent, dict):
        agent = " ".join(str(agent[k]) for k in ("name", "version") if agent.get(k))
    return C2paAction(
        action=str(item.get("action", "?")),
        when=item.get("when"),
        software_agent=agent if isinstance(agent, str) else None,
        digital_source_type=item.get("digitalSourceType"),
        description=item.get("description"),
    )


def _generator(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("claim_generator_info")
    if isinstance(info, list) and info:
        first = info[0]
        return " ".join(str(first[k]) for k in ("name", "version") if first.get(k)) or None
    generator = manifest.get("claim_generator")
    return str(generator) if generator else None


def _failures(store: dict[str, Any]) -> list[str]:
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    entries = results.get("failure") or store.get("validation_status") or []
    return [f"{e.get('code')}: {e.get('explanation', '')}".rstrip(": ") for e in entries]
