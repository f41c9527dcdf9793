"""Lengths of what people type into enquiries."""

MAX_TEXT = 10000
MAX_REASON = 2000
