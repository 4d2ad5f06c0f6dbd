#!/usr/bin/env python3
"""Validate a qlog file in the JSON-SEQ serialization (draft-ietf-quic-qlog-main-schema-03 section 6.2).

Checks: the file is a sequence of RFC 7464 records (RS 0x1E, JSON text, LF); every record parses as a JSON
object; the first record is the header with qlog_format "JSON-SEQ", a qlog_version, and a trace object with
vantage_point.type and common_fields.reference_time; every later record is an event with a numeric time, a
"category:event" name and an object data; event times never decrease.

Usage: check-qlog.py FILE.sqlog   (exit 0 when valid, 1 with a message otherwise; Python 3 stdlib only)
"""

import json
import sys

RS = b"\x1e"
VANTAGE_POINT_TYPES = {"client", "server", "network", "unknown"}


class Invalid(Exception):
    pass


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def records(data):
    if not data:
        raise Invalid("file is empty")
    if not data.startswith(RS):
        raise Invalid("file does not start with a record separator (0x1E)")
    for index, chunk in enumerate(data.split(RS)[1:]):
        if not chunk.endswith(b"\n"):
            raise Invalid(f"record {index}: does not end with a line feed")
        try:
            value = json.loads(chunk.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise Invalid(f"record {index}: not valid JSON: {error}") from None
        if not isinstance(value, dict):
            raise Invalid(f"record {index}: not a JSON object")
        yield index, value


def check_header(header):
    if header.get("qlog_format") != "JSON-SEQ":
        raise Invalid(f"header: qlog_format is {header.get('qlog_format')!r}, expected 'JSON-SEQ'")
    if not isinstance(header.get("qlog_version"), str):
        raise Invalid("header: qlog_version missing or not a string")
    trace = header.get("trace")
    if not isinstance(trace, dict):
        raise Invalid("header: trace missing or not an object")
    vantage_point = trace.get("vantage_point")
    if not isinstance(vantage_point, dict) or vantage_point.get("type") not in VANTAGE_POINT_TYPES:
        raise Invalid("header: trace.vantage_point.type missing or not client/server/network/unknown")
    common = trace.get("common_fields")
    if not isinstance(common, dict) or not is_number(common.get("reference_time")):
        raise Invalid("header: trace.common_fields.reference_time missing or not a number")


def check_event(index, event, previous_time):
    time = event.get("time")
    if not is_number(time):
        raise Invalid(f"event record {index}: time missing or not a number")
    name = event.get("name")
    if not isinstance(name, str) or ":" not in name:
        raise Invalid(f"event record {index}: name missing or not 'category:event'")
    if not isinstance(event.get("data"), dict):
        raise Invalid(f"event record {index}: data missing or not an object")
    if previous_time is not None and time < previous_time:
        raise Invalid(f"event record {index}: time {time} is before the previous event's {previous_time}")
    return time


def check(data):
    count = 0
    previous_time = None
    for index, value in records(data):
        if index == 0:
            check_header(value)
        else:
            previous_time = check_event(index, value, previous_time)
        count += 1
    return count - 1


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.sqlog", file=sys.stderr)
        return 1
    try:
        with open(argv[1], "rb") as file:
            events = check(file.read())
    except OSError as error:
        print(f"{argv[1]}: cannot read: {error}", file=sys.stderr)
        return 1
    except Invalid as error:
        print(f"{argv[1]}: invalid qlog: {error}", file=sys.stderr)
        return 1
    print(f"{argv[1]}: valid JSON-SEQ qlog, {events} events")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
