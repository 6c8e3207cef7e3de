import time


class TokenBucket:
    """Allows `rate` events per second on average, in bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def allow(self, cost: float = 1) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True

    def is_full(self) -> bool:
        elapsed = time.monotonic() - self.updated
        return self.tokens + elapsed * self.rate >= self.burst
