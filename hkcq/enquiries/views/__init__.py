"""Enquiry pages: the resident's (file, track, reply, rate, "My enquiries") and the staff
workspace (queue, case page, canned replies). Thin: parse, call a selector or service, render.

One module per page group: ``resident`` (the resident's pages), ``queue_page`` (the staff queue),
``case_page`` (the case page, the reply being written and the staff actions), ``canned`` (canned
replies), ``statistics_pages``, ``service_level_pages`` (service levels and unit supervisors);
``_shared`` holds what a reader may see of a case, used by the tracking and case pages. The URL
modules use ``views.<view>`` from here."""

from hkcq.enquiries.views.canned import (
    canned_edit,
    canned_list,
)
from hkcq.enquiries.views.case_page import (
    CASE_ACTIONS,
    case,
    case_accept,
    case_action,
    case_citations,
    case_close,
    case_draft,
    case_note,
    case_priority,
    case_reply,
    case_transfer,
)
from hkcq.enquiries.views.queue_page import (
    QueueRow,
    queue,
)
from hkcq.enquiries.views.resident import (
    enquiry_find,
    enquiry_mine,
    enquiry_new,
    enquiry_received,
    enquiry_track,
    enquiry_track_rate,
    enquiry_track_reply,
)
from hkcq.enquiries.views.service_level_pages import (
    sla_policy_create,
    sla_policy_edit,
    sla_policy_list,
    supervisor_list,
    supervisor_remove,
)
from hkcq.enquiries.views.statistics_pages import (
    statistics_full,
    statistics_public,
)

__all__ = [
    "canned_edit",
    "canned_list",
    "CASE_ACTIONS",
    "case",
    "case_accept",
    "case_action",
    "case_citations",
    "case_close",
    "case_draft",
    "case_note",
    "case_priority",
    "case_reply",
    "case_transfer",
    "QueueRow",
    "queue",
    "enquiry_find",
    "enquiry_mine",
    "enquiry_new",
    "enquiry_received",
    "enquiry_track",
    "enquiry_track_rate",
    "enquiry_track_reply",
    "sla_policy_create",
    "sla_policy_edit",
    "sla_policy_list",
    "supervisor_list",
    "supervisor_remove",
    "statistics_full",
    "statistics_public",
]
