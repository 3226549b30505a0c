"""Routing errors: small and explicit, so callers can answer each case kindly."""


class RoutingError(Exception):
    """Base of every routing error."""


class CounselorOffline(RoutingError):
    """The counselor must go online first."""


class CounselorBusy(RoutingError):
    """The counselor already holds a conversation."""


class QueueEmpty(RoutingError):
    """Nobody is waiting."""
