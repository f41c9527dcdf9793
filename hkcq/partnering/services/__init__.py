"""Writes to the partnering service. Every function checks permission, validates, owns its
transaction and leaves a history record (django-simple-history, with the acting user).

One module per idea: ``profiles`` (profiles, contact people), ``members`` (sign-up, members,
facilitator desks), ``opportunities`` (posting, review, withdrawal, renewal, expiry reminders),
``interests`` (expressions of interest and introductions), ``outcomes``; ``_shared`` holds the
helpers more than one of them uses. Callers use ``services.<function>`` from here."""

from hkcq.partnering.services._shared import (
    CONTACTS_MAX,
    NAME_MAX,
    SHORT_MAX,
    TEXT_MAX,
    clean_languages,
    clean_text,
)
from hkcq.partnering.services.interests import (
    MESSAGE_MAX,
    interest_accept,
    interest_decline,
    interest_express,
    interest_forward,
    interests_expire_and_remind,
)
from hkcq.partnering.services.members import (
    account_sign_up,
    desk_mark,
    member_add,
    member_leave,
    signup_registry_organisation,
)
from hkcq.partnering.services.opportunities import (
    add_months,
    default_expiry,
    opportunities_remind_expiry,
    opportunity_create,
    opportunity_publish,
    opportunity_reject,
    opportunity_renew,
    opportunity_return,
    opportunity_submit,
    opportunity_update,
    opportunity_withdraw,
)
from hkcq.partnering.services.outcomes import outcome_record, outcome_record_external
from hkcq.partnering.services.profiles import (
    ContactIn,
    contacts_set,
    profile_create,
    profile_update,
    profile_verify,
)

__all__ = [
    "CONTACTS_MAX",
    "MESSAGE_MAX",
    "NAME_MAX",
    "SHORT_MAX",
    "TEXT_MAX",
    "ContactIn",
    "account_sign_up",
    "add_months",
    "clean_languages",
    "clean_text",
    "contacts_set",
    "default_expiry",
    "desk_mark",
    "interest_accept",
    "interest_decline",
    "interest_express",
    "interest_forward",
    "interests_expire_and_remind",
    "member_add",
    "member_leave",
    "opportunities_remind_expiry",
    "opportunity_create",
    "opportunity_publish",
    "opportunity_reject",
    "opportunity_renew",
    "opportunity_return",
    "opportunity_submit",
    "opportunity_update",
    "opportunity_withdraw",
    "outcome_record",
    "outcome_record_external",
    "profile_create",
    "profile_update",
    "profile_verify",
    "signup_registry_organisation",
]
