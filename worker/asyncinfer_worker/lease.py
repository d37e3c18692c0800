"""The clock of the processing lease: when a delivery's hold on a request ends, and how long a
copy that found the request held stays away before SQS delivers it again.

A lease ends at the holding invocation's deadline. Lambda stops an invocation at its timeout, so
after that instant the holder has finished or died, and another delivery may take the request
over. Nothing renews a lease: no heartbeat can keep a dead holder's request stuck, and no
heartbeat is needed, since an invocation cannot outlive its deadline.
"""

from __future__ import annotations

import math

from asyncinfer_shared.results_table import epoch_ms

# SQS refuses a visibility timeout above 12 hours.
SQS_MAX_VISIBILITY_SECONDS = 43200
# The first retry of a copy that found its request held: the holder usually finishes within a
# batch's time (seconds), and then the copy finds the request terminal and is acknowledged.
BUSY_RETRY_FIRST_SECONDS = 2


def invocation_deadline_ms(context: object, fallback_seconds: int) -> int:
    """Epoch milliseconds after which this invocation is certainly over. Without a Lambda context
    (a direct call, a script) there is no deadline to read: `fallback_seconds` from now."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    remaining_ms = remaining() if callable(remaining) else fallback_seconds * 1000
    return epoch_ms() + int(remaining_ms)


def busy_retry_delay_seconds(
    receive_count: int, max_receive_count: int, lease_expires_at_ms: int, now_ms: int
) -> int:
    """Seconds a copy that found its request held stays invisible.

    Doubling from BUSY_RETRY_FIRST_SECONDS, because the holder usually finishes soon; never past
    the lease, when a dead holder's request is free to take over; and the whole lease when the
    next receive is the message's last, so a copy never spends its last receive (and lands in the
    DLQ) while its holder may still finish.
    """
    lease_seconds = max(1, math.ceil((lease_expires_at_ms - now_ms) / 1000))
    if receive_count + 1 >= max_receive_count:
        delay = lease_seconds
    else:
        # The shift is capped where it already passes SQS's maximum.
        backoff = BUSY_RETRY_FIRST_SECONDS << min(max(receive_count - 1, 0), 15)
        delay = min(lease_seconds, backoff)
    return min(delay, SQS_MAX_VISIBILITY_SECONDS)
