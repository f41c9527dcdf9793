"""Events and rounds API (issue 14). Errors have the one shape of config/api.py.

Rounds are created from one document, the same shape as the spreadsheet upload; participants
are named by the organiser's own external ids throughout.

One router (``_shared.router``, mounted by config/api.py), its operations added by the modules
below. They are imported in this order on purpose: the OpenAPI document lists the paths in the
order the operations were added, the same as before the API was split into modules: that is why
each module holds a run of the former file's operations in their order (``parity``: those added
for issue 11)."""

from hkcq.exchanges.api._shared import router

# isort: off
from hkcq.exchanges.api import events, rounds, registrations, parity  # noqa: F401 (they add the operations)
# isort: on

# The operation ids stay those published before the split (hkcq_exchanges_api_<function>): ninja
# would otherwise derive them from each function's module, and clients generated from the
# document name operations by them.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        _operation.operation_id = _operation.operation_id or f"hkcq_exchanges_api_{_operation.view_func.__name__}"

__all__ = ["router"]
