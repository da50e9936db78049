"""A prescriber's own signature image, printed on the lab orders they order (issue 6, item 4).

    png = services.my_signature.own_signature(actor)            # None: not set yet
    services.my_signature.set_own_signature(actor, pad_png)     # None removes it

Only a person who signs clinical records (permission record.sign: a dermatologist) has a
prescriber signature, and only their own: nobody sets another person's. The image is
kept where the order printer reads it (services/lab_printing: the clinic setting
`prescriber_signatures`, user id -> base64 PNG), and every change is a "user change" audit
event with the image's SHA-256 (never the image itself).
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from isoface_desk.documents.images import png_size
from isoface_desk.errors import InputError, NotFound
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.services.labs.lab_printing import SIGNATURES_SETTING
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.canonical import sha256_hex
from isoface_desk.storage.repositories import clinic as clinic_repo

__all__ = ["MAX_SIGNATURE_BYTES", "MySignatureService"]

log = logging.getLogger("isoface.signature")

#: A drawn signature is a few kilobytes; this keeps the clinic settings small.
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_SIDE = 4000  # pixels


def check_signature_png(png: bytes) -> None:
    """Refuse what is not a PNG the order printer can draw (InputError, plain words)."""
    if not png:
        raise InputError("The signature is empty: draw it first.")
    if len(png) > MAX_SIGNATURE_BYTES:
        raise InputError("The signature image is too large (at most 512 KB).")
    try:
        png_size(png, MAX_SIDE)
    except ValueError as exc:
        raise InputError(f"The signature is not a usable PNG image: {exc}.") from None


class MySignatureService(ServiceBase):
    def own_signature(self, actor: Actor) -> bytes | None:
        """The signed-in prescriber's stored signature image (None when not set)."""
        with self._read(actor, Permission.RECORD_SIGN) as session:
            clinic = clinic_repo.get_clinic(session)
        stored = _stored(clinic.settings if clinic is not None else {})
        text = stored.get(str(actor.user_id))
        if text is None:
            return None
        try:
            return base64.b64decode(text, validate=True)
        except (ValueError, binascii.Error):
            return None

    def set_own_signature(self, actor: Actor, png: bytes | None) -> None:
        """Store (or, with None, remove) the signed-in prescriber's own signature image;
        the next order they print carries it. Audited as a "user change"."""
        if png is not None:
            check_signature_png(png)
        with self._unit(actor, Permission.RECORD_SIGN) as session:
            change: dict[str, Any] = (
                {"change": "signature", "png_sha256": sha256_hex(png)}
                if png is not None
                else {"change": "signature removed"}
            )
            # The event first: it locks the audit chain, so two prescribers saving at
            # the same moment update the shared setting one after the other.
            append_event(session, actor.username, "user change", "user", actor.user_id, change)
            clinic = clinic_repo.get_clinic(session)
            if clinic is None:
                raise NotFound("The clinic has not been set up yet.")
            stored = _stored(clinic.settings)
            if png is None:
                stored.pop(str(actor.user_id), None)
            else:
                stored[str(actor.user_id)] = base64.b64encode(png).decode("ascii")
            clinic_repo.update_settings(session, **{SIGNATURES_SETTING: stored})
        log.info("prescriber signature of user %d %s", actor.user_id,
                 "stored" if png is not None else "removed")  # fmt: skip


def _stored(settings: dict[str, Any]) -> dict[str, str]:
    value = settings.get(SIGNATURES_SETTING)
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}
