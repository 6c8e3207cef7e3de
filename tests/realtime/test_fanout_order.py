"""A board's events reach its sockets in the order of their seq, even when two writes'
threads publish them in the other order; a gap that stays is not waited for long."""

import asyncio

from realtime.fanout import RETRY_AFTER, InOrder, fanout
from tests.servers import RedisServer


def event(seq):
    return {"type": "board.event", "seq": seq}


def seqs(events):
    return [e["seq"] for e in events]


def test_events_that_come_early_wait_for_the_ones_before():
    order = InOrder()
    assert seqs(order.arrived(event(5))) == [5]
    assert seqs(order.arrived(event(7))) == []
    assert seqs(order.arrived(event(8))) == []
    assert seqs(order.arrived(event(6))) == [6, 7, 8]
    assert seqs(order.arrived(event(9))) == [9]


def test_a_gap_that_stays_lets_the_rest_go_in_order():
    order = InOrder()
    order.arrived(event(1))
    order.arrived(event(4))
    order.arrived(event(3))
    assert seqs(order.overdue()) == [3, 4]
    assert seqs(order.arrived(event(5))) == [5]
    assert seqs(order.arrived(event(2))) == [2]  # late: the sockets skip it, clients resume


class Reader:
    def __init__(self):
        self.heard = []

    async def board_message(self, message):
        self.heard.append(message)


async def test_boards_subscribed_all_at_once_each_hear_their_messages(needs_redis):
    """A connect storm subscribes many boards at the same moment: none is missed."""
    boards = {900_000 + n: Reader() for n in range(40)}
    await asyncio.gather(*(fanout.watch(board, reader) for board, reader in boards.items()))
    try:
        for board in boards:
            fanout.publish(board, {"type": "board.presence", "board": board})
        for _ in range(50):
            if all(reader.heard for reader in boards.values()):
                break
            await asyncio.sleep(0.1)
        assert {board: [m["board"] for m in r.heard] for board, r in boards.items()} == {
            board: [board] for board in boards
        }
    finally:
        for board, reader in boards.items():
            await fanout.unwatch(board, reader)


async def test_boards_are_heard_again_after_redis_was_down_for_a_while(settings):
    """Redis away longer than a retry (the first resubscription fails too): once it is
    back, the board's messages come again."""
    redis_server = RedisServer()
    redis_server.start()
    settings.REDIS_URL = redis_server.url
    fanout.loop = None  # a listener on this Redis
    reader, board = Reader(), 950_000
    try:
        await fanout.watch(board, reader)
        redis_server.stop()
        await asyncio.sleep(RETRY_AFTER * 2.5)  # at least one failed resubscription
        redis_server.start()  # the same port
        fanout._publisher = None
        for _ in range(50):
            fanout.publish(board, {"type": "board.presence", "board": board})
            await asyncio.sleep(0.2)
            if reader.heard:
                break
        assert reader.heard, "no message after Redis came back"
    finally:
        await fanout.unwatch(board, reader)
        redis_server.stop()
        fanout.loop, fanout._publisher = None, None
