"""Which errors are the database's fault (it is away, locked, read-only, full), not the
update's: intake waits those out instead of setting the update aside."""

from __future__ import annotations

from sqlalchemy import exc

# SQLSTATE classes and codes: connection exception, read-only transaction, insufficient
# resources (disk full, out of memory), operator intervention (shutdown), system error (I/O).
FAULT_CLASSES = ("08", "53", "57", "58")
FAULT_CODES = ("25006",)
SQLITE_FAULTS = ("readonly", "read-only", "locked", "disk i/o", "full", "unable to open",
                 "no such table", "query_only")


def is_database_fault(error: BaseException) -> bool:
    if isinstance(error, (exc.DisconnectionError, exc.TimeoutError, exc.InterfaceError,
                          ConnectionError, OSError)):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    code = str(getattr(error.orig, "sqlstate", "") or "")
    if code:
        return code in FAULT_CODES or code[:2] in FAULT_CLASSES
    message = str(error.orig).lower()
    return isinstance(error, exc.OperationalError) and any(
        fault in message for fault in SQLITE_FAULTS)
