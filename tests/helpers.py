"""Helpers shared by test modules."""

PORTAL_URLS = [
    "/",
    "/famille/",
    "/inscriptions/",
    "/reservations/",
    "/factures/",
    "/documents/",
    "/historique/",
    "/documentation/",
    "/contact/",
]


def in_threads(count, target):
    """Run target(index) in `count` threads released together; return the exceptions raised.

    Each thread has its own database connection (closed at the end), as app server workers do.
    """
    import threading

    from django.db import connection

    errors = []
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except Exception as exc:  # reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
