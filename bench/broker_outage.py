"""How long a web request waits when the Celery broker is down, and that nothing raises.

Publishes a task (as ``config.dispatch.publish_on_commit`` does after a COMMIT) to two kinds of
dead Redis broker on this machine, with the project's settings:

- refused: nothing listens on the port (the broker process is down);
- silent: the port accepts connections but never answers (a hung or overloaded broker).

Run from the top of the checkout:  python bench/broker_outage.py [--runs 10]
Prints, per kind, the median and the worst time of a publish and how many were handed over.
"""

import argparse
import os
import socket
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs

    import django

    django.setup()
    import logging

    logging.getLogger("config.dispatch").setLevel(logging.CRITICAL)
    from config.celery import app
    from config.dispatch import publish
    from config.settings.base import broker_transport_options
    from reviews.tasks import detect_conflicts

    def measure(port: int) -> tuple[list[float], int]:
        url = f"redis://127.0.0.1:{port}/0"
        app.conf.update(
            broker_url=url,
            task_always_eager=False,
            broker_transport_options=broker_transport_options(url),
        )
        app._pool = None
        app.amqp._producer_pool = None
        publish(detect_conflicts, 0)  # imports the Redis client once per process
        times, handed = [], 0
        for _ in range(runs):
            started = time.monotonic()
            handed += publish(detect_conflicts, 0)
            times.append(time.monotonic() - started)
        return times, handed

    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    refused_port = free.getsockname()[1]
    free.close()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1024)
    for kind, port in (("refused", refused_port), ("silent", silent.getsockname()[1])):
        times, handed = measure(port)
        print(
            f"{kind:8} runs={runs} median={statistics.median(times):.3f}s "
            f"max={max(times):.3f}s handed_over={handed} (0 expected; none raised)"
        )
    silent.close()


if __name__ == "__main__":
    main()
