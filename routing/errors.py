"""Routing errors: small and explicit, so callers can answer each case kindly."""


class RoutingError(Exception):
    """Base of every routing error."""


class CounselorOffline(RoutingError):
    """The counselor must go online first."""


class CounselorBusy(RoutingError):
    """The counselor still holds conversations (transfer or close them first)."""


class CounselorFull(RoutingError):
    """The counselor is at their capacity."""


class QueueEmpty(RoutingError):
    """Nobody is waiting whom this counselor may take."""


class TicketGone(RoutingError):
    """The ticket or offer is no longer there to take (taken, timed out, or the person left)."""


class NotYours(RoutingError):
    """The conversation is held by another counselor."""


class WrongLanguage(RoutingError):
    """The counselor does not speak the person's language."""
