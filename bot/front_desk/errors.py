"""Why the front desk could not do something: each message is a sentence to show staff as it is."""


class FrontDeskError(Exception):
    """Base of the front desk's refusals."""


class NoSuchAppointment(FrontDeskError):
    pass


class CannotMark(FrontDeskError):
    """Cancelled, moved, or not yet the day of the visit."""


class NoSuchStaff(FrontDeskError):
    pass


class NoSuchLocation(FrontDeskError):
    pass
