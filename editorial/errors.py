"""Domain errors raised by the editorial services. Views turn them into HTTP statuses
(``status``); the admin turns them into messages. Each carries a message meant for people."""


class WorkflowError(Exception):
    status = 409

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(WorkflowError):  # noqa: N818 - the domain's own word
    """The submission is not in a state that allows this step (409 Conflict)."""


class NotPermitted(WorkflowError):  # noqa: N818
    """The actor may not take this step (403)."""

    status = 403


class InvalidInput(WorkflowError):  # noqa: N818
    """The request itself is wrong: missing comment, wrong revision (400)."""

    status = 400


class ReviewerNotEligible(WorkflowError):  # noqa: N818
    """This board member cannot be assigned to this submission (409). The subclasses say
    why; the chair's suggestions show the same reasons."""


class ReviewerIsAuthor(ReviewerNotEligible):
    pass


class ReviewerInactive(ReviewerNotEligible):
    pass


class ReviewerAtCapacity(ReviewerNotEligible):
    pass


class ReviewerConflicted(ReviewerNotEligible):
    pass


class AlreadyAssigned(ReviewerNotEligible):
    pass
