"""Small asyncio helpers shared by the process's background tasks."""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Task, seconds: float = 10.0) -> bool:
    """Cancel ``task`` and wait at most ``seconds`` for it to end; True when it ended.

    Never waits for ever: on Python 3.11 a cancellation that lands as an inner ``wait_for``
    completes can be swallowed (a library's included), and the task then runs on. Such a task
    is logged by name and left behind rather than holding up shutdown.
    """
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if not done:
        logger.warning("%s did not end within %g s of being cancelled", task.get_name(), seconds)
        return False
    if not task.cancelled() and task.exception() is not None:
        logger.error("%s ended with an error", task.get_name(), exc_info=task.exception())
    return True
