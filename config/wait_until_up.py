"""``python -m config.wait_until_up URL [SECONDS]``: wait until a web server answers URL.

`make run` uses it to print the site's address and the demo logins only once the development
server really serves pages. Exits 0 when the server answered (any HTTP status), 1 on time-out.
"""

import sys
import time
import urllib.error
import urllib.request


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # an error page is still an answer
    except OSError:
        return False
    return True


def wait(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(url):
            return True
        time.sleep(0.3)
    return False


if __name__ == "__main__":
    sys.exit(0 if wait(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120) else 1)
