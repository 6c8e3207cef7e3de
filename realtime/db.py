"""The database work of sockets runs in a pool of threads, each with its own connection,
rather than all in one thread: many sockets opening, a resume or the beacon never hold
up a post, and the posts of different boards run side by side."""

from functools import partial

from channels.db import database_sync_to_async

in_a_thread = partial(database_sync_to_async, thread_sensitive=False)
