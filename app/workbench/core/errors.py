"""Errors a user can cause, each with a message they can act on.

The GUI shows `str(error)`; the command line prints it on one line and exits non-zero.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: something the user can fix or needs to know. The message is shown as is."""


class NotAnIncident(WorkbenchError):
    """The file is not an incident file (another SQLite file, or not SQLite at all)."""


class IncidentTooNew(WorkbenchError):
    """The incident was written by a newer version of the workbench."""


class IncidentNeedsUpgrade(WorkbenchError):
    """An older incident opened read-only: it must be opened for writing once to be upgraded."""


class IncidentLocked(WorkbenchError):
    """Another workbench already has the incident open for writing."""


class IncidentReadOnly(WorkbenchError):
    """A change was attempted on an incident opened read-only."""


class IncidentExists(WorkbenchError):
    """`new` would overwrite an existing file."""


class EvidenceRefused(WorkbenchError):
    """One file could not be added; the rest of the batch goes on."""


class EvidenceChanged(WorkbenchError):
    """A file changed on disk while it was being read: it was not added."""


class Cancelled(WorkbenchError):
    """The user cancelled long work; nothing half-done was kept."""


class NotFound(WorkbenchError):
    """A media item, post or other object named by the user does not exist in the incident."""


class BadInput(WorkbenchError):
    """A value given by the user is out of range or malformed."""


class MediaUnreadable(WorkbenchError):
    """The bytes are kept as evidence, but their pixels or frames cannot be decoded (corrupt, too large, unknown)."""


class IncidentDamaged(WorkbenchError):
    """SQLite reports the incident file as damaged (a disk error, a truncated copy, an edited byte)."""


class IncidentBusy(WorkbenchError):
    """Another process held the incident's lock for longer than we wait."""
