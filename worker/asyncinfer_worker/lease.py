"""The clock of the processing lease: when a delivery's hold on a request ends.

A lease ends at the holding invocation's deadline. Lambda stops an invocation at its timeout, so
after that instant the holder has finished or died, and another delivery may take the request
over. Nothing renews a lease: no heartbeat can keep a dead holder's request stuck, and no
heartbeat is needed, since an invocation cannot outlive its deadline.
"""

from __future__ import annotations

from asyncinfer_shared.results_table import epoch_ms


def invocation_deadline_ms(context: object, fallback_seconds: int) -> int:
    """Epoch milliseconds after which this invocation is certainly over. Without a Lambda context
    (a direct call, a script) there is no deadline to read: `fallback_seconds` from now."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    remaining_ms = remaining() if callable(remaining) else fallback_seconds * 1000
    return epoch_ms() + int(remaining_ms)
