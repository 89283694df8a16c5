"""A separate process that writes one batch to an index (for the concurrency and crash tests).

    python -m tests.store_worker LOCATION BATCH COUNT [--hold SECONDS] [--hang-after N]

Prints ``began TIME`` once inside its batch, ``ready`` after ``--hang-after``
documents (and then sleeps inside the batch until it is killed), ``committing
TIME`` when its batch is done and ``committed`` after the commit; a StoreError
is printed as ``StoreError: MESSAGE`` with exit status 3.
"""

from __future__ import annotations

import argparse
import time

from newsdedup.errors import StoreError
from newsdedup.store import open_store
from tests.store_helpers import SETTINGS, batch_document


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("location")
    parser.add_argument("batch")
    parser.add_argument("count", type=int)
    parser.add_argument(
        "--hold", type=float, default=0.0, help="seconds to wait inside the batch before commit"
    )
    parser.add_argument(
        "--hang-after", type=int, default=None, help="documents after which to hang, uncommitted"
    )
    args = parser.parse_args()
    try:
        store = open_store(args.location, SETTINGS)
        with store.transaction():
            print("began", time.time(), flush=True)
            for number in range(args.count):
                if number == args.hang_after:
                    print("ready", flush=True)
                    while True:
                        time.sleep(60)
                store.add_document(*batch_document(args.batch, number))
            time.sleep(args.hold)
            print("committing", time.time(), flush=True)
        print("committed", flush=True)
        store.close()
    except StoreError as error:
        print(f"StoreError: {error}", flush=True)
        return 3
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
