#!/usr/bin/python3
"""Send APDUs to a reader with pyscard: an independent PC/SC client to
cross-check sscard's reads and to time the same APDU sequence.

  pyscard-apdus.py READER APDU...              one line per APDU: response hex
  pyscard-apdus.py READER --time N APDU...     N timed rounds of connect and
                                               APDUs (disconnect untimed); one
                                               line per round: seconds

T=0 61xx (GET RESPONSE) and 6Cxx (resend with Le) are resolved here, the
same way sscard does, so the two see the same final responses.
"""
import sys
import time

from smartcard.System import readers
from smartcard.scard import (SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1)


def exchange(connection, apdu):
    data, sw1, sw2 = connection.transmit(apdu)
    if sw1 == 0x6C:
        data, sw1, sw2 = connection.transmit(apdu[:-1] + [sw2] if len(apdu) > 4 else apdu + [sw2])
    collected = list(data)
    while sw1 == 0x61:
        data, sw1, sw2 = connection.transmit([0x00, 0xC0, 0x00, 0x00, sw2])
        collected += data
    return collected + [sw1, sw2]


def main():
    args = sys.argv[1:]
    reader_name = args.pop(0)
    rounds = None
    if args and args[0] == "--time":
        rounds = int(args[1])
        args = args[2:]
    apdus = [list(bytes.fromhex(a.replace(" ", ""))) for a in args]
    reader = next(r for r in readers() if str(r) == reader_name)
    if rounds is None:
        connection = reader.createConnection()
        connection.connect(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
        for apdu in apdus:
            print(bytes(exchange(connection, apdu)).hex().upper())
        connection.disconnect()
        return
    for _ in range(rounds):
        start = time.perf_counter()
        connection = reader.createConnection()
        connection.connect(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1)
        for apdu in apdus:
            exchange(connection, apdu)
        elapsed = time.perf_counter() - start
        connection.disconnect()
        print(f"{elapsed:.9f}")


if __name__ == "__main__":
    main()
