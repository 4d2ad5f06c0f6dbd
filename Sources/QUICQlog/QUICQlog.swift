/// QUICQlog: structured event logging in qlog, serialized as JSON Text Sequences (RFC 7464).
///
/// Draft versions followed, chosen because they are what qvis reads as a streaming (`.sqlog`) file:
/// - draft-ietf-quic-qlog-main-schema-03: `QlogFileSeq` header record with `"qlog_format": "JSON-SEQ"` and
///   `"qlog_version": "0.3"`, a single `trace` with `vantage_point` and `common_fields` (`time_format`
///   "relative", `reference_time` in milliseconds, `group_id`, `protocol_type`), then one record per event
///   `{"time": <ms since reference_time>, "name": "<category>:<event>", "data": {...}}`.
/// - draft-ietf-quic-qlog-quic-events-03: event names (`transport:packet_sent`, `recovery:metrics_updated`,
///   `recovery:packet_lost` — singular in -03 —, `connectivity:connection_state_updated`, ...), the
///   `PacketHeader` fields and the `$QuicFrame` definitions (`frame_type` strings, `acked_ranges` as
///   `[[from, to], ...]`, RTTs in milliseconds).
///
/// Where -03 is silent this module uses the later drafts' names: the DATAGRAM frame ("datagram"),
/// ACK_FREQUENCY / IMMEDIATE_ACK ("ack_frequency", "immediate_ack"), and the draft-ietf-quic-multipath frames
/// named after the draft in lowercase ("path_ack", "path_abandon", "path_status_backup", "max_path_id", ...),
/// each carrying `path_id`. Events about one path carry a top-level `path_id` member (-03 §5: "events can
/// contain any amount of custom fields"). The ODCID is written as `odcid`, because main-schema-03 §6.2
/// requires lowercase field names in JSON-SEQ. `security:key_updated` omits the secret values on purpose.
///
/// Nothing here reads a clock: events carry a nanosecond timestamp from the caller's clock, and a `QlogTrace`
/// turns it into milliseconds relative to its reference. Building events allocates, so logging is meant to be
/// enabled on request, not on the default fast path.
public enum QUICQlog {}
