"""Event and round pages. Thin: parse, call a selector or a service, render.

One module per part of the site: ``events`` (everyone's and a participant's pages), ``organiser``
(an event's organiser), ``rounds`` and ``setup`` (setting up events, sessions and questions; a
round's settings, an exchange record). urls.py names the views through this package."""

from hkcq.exchanges.views.events import (
    REGISTERED,
    event_detail,
    event_list,
    event_register,
    meeting_answer,
    meeting_feedback,
    meeting_request,
    my_agenda,
    my_availability,
    my_cancel,
    my_event,
)
from hkcq.exchanges.views.organiser import (
    organise,
    organise_cards,
    organise_grid,
    organise_phase,
    organise_schedule,
    registration_action,
)
from hkcq.exchanges.views.rounds import (
    ROUND_ACTIONS,
    pair_answer,
    round_action,
    round_detail,
    round_list,
    round_ranks,
    round_upload,
)
from hkcq.exchanges.views.setup import (
    event_create,
    event_delete,
    event_edit,
    question_delete,
    question_edit,
    record_edit,
    round_edit,
    session_delete,
    session_edit,
)

__all__ = [
    "REGISTERED",
    "event_list",
    "event_detail",
    "event_register",
    "my_event",
    "my_cancel",
    "my_availability",
    "meeting_request",
    "meeting_answer",
    "meeting_feedback",
    "my_agenda",
    "organise",
    "organise_schedule",
    "organise_phase",
    "registration_action",
    "organise_grid",
    "organise_cards",
    "round_list",
    "round_upload",
    "round_detail",
    "ROUND_ACTIONS",
    "round_action",
    "round_ranks",
    "pair_answer",
    "event_create",
    "event_edit",
    "event_delete",
    "session_edit",
    "session_delete",
    "question_edit",
    "question_delete",
    "round_edit",
    "record_edit",
]
