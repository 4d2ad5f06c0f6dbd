import QUICWire

extension QlogFrame {
    /// The qlog form of a decoded or about-to-be-sent frame.
    ///
    /// - Parameter ackDelayExponent: the exponent that scales the ACK Delay field of ACK and PATH_ACK frames
    ///   (RFC 9000 §18.2: the sender's ack_delay_exponent transport parameter, default 3); qlog logs the
    ///   delay in milliseconds.
    public init(_ frame: Frame, ackDelayExponent: UInt8 = 3) {
        switch frame {
        case .padding(let count):
            self = .padding(count: count)
        case .ping:
            self = .ping
        case .ack(let ack):
            self = .ack(ranges: ack.ranges, ackDelayMilliseconds: Self.milliseconds(ack.ackDelay, ackDelayExponent),
                        ecn: ack.ecn)
        case .resetStream(let reset):
            self.init(frameType: "reset_stream", fields: [
                QlogField("stream_id", .unsigned(reset.streamID)),
                QlogField("error_code", .unsigned(reset.applicationErrorCode)),
                QlogField("final_size", .unsigned(reset.finalSize)),
            ])
        case .stopSending(let stop):
            self.init(frameType: "stop_sending", fields: [
                QlogField("stream_id", .unsigned(stop.streamID)),
                QlogField("error_code", .unsigned(stop.applicationErrorCode)),
            ])
        case .crypto(let crypto):
            self = .crypto(offset: crypto.offset, length: crypto.data.count)
        case .newToken(let token):
            self.init(frameType: "new_token", fields: [
                QlogField("token", .object([QlogField("length", .signed(Int64(token.token.count))),
                                            QlogField("data", .hex(Array(token.token)))])),
            ])
        case .stream(let stream):
            self = .stream(id: stream.streamID, offset: stream.offset, length: stream.data.count, fin: stream.fin)
        case .maxData(let maximum):
            self = .maxData(maximum)
        case .maxStreamData(let frame):
            self.init(frameType: "max_stream_data", fields: [
                QlogField("stream_id", .unsigned(frame.streamID)),
                QlogField("maximum", .unsigned(frame.maximumStreamData)),
            ])
        case .maxStreams(let frame):
            self.init(frameType: "max_streams", fields: [
                QlogField("stream_type", .string(Self.streamType(frame.bidirectional))),
                QlogField("maximum", .unsigned(frame.maximumStreams)),
            ])
        case .dataBlocked(let limit):
            self.init(frameType: "data_blocked", fields: [QlogField("limit", .unsigned(limit))])
        case .streamDataBlocked(let frame):
            self.init(frameType: "stream_data_blocked", fields: [
                QlogField("stream_id", .unsigned(frame.streamID)),
                QlogField("limit", .unsigned(frame.maximumStreamData)),
            ])
        case .streamsBlocked(let frame):
            self.init(frameType: "streams_blocked", fields: [
                QlogField("stream_type", .string(Self.streamType(frame.bidirectional))),
                QlogField("limit", .unsigned(frame.maximumStreams)),
            ])
        case .newConnectionID(let frame):
            self = .newConnectionID(pathID: frame.pathID, sequenceNumber: frame.sequenceNumber,
                                    retirePriorTo: frame.retirePriorTo, connectionID: frame.connectionID,
                                    statelessResetToken: frame.statelessResetToken)
        case .retireConnectionID(let frame):
            var fields: [QlogField] = []
            if let pathID = frame.pathID {
                fields.append(QlogField("path_id", .unsigned(UInt64(pathID))))
            }
            fields.append(QlogField("sequence_number", .unsigned(frame.sequenceNumber)))
            self.init(frameType: frame.pathID == nil ? "retire_connection_id" : "path_retire_connection_id",
                      fields: fields)
        case .pathChallenge(let data):
            self = .pathChallenge(data)
        case .pathResponse(let data):
            self.init(frameType: "path_response", fields: [QlogField("data", .hex(Self.bigEndianBytes(data)))])
        case .connectionClose(let close):
            self = .connectionClose(isApplicationError: close.isApplicationError, errorCode: close.errorCode,
                                    reason: close.reasonText,
                                    triggerFrameType: close.isApplicationError ? nil : close.frameType)
        case .handshakeDone:
            self.init(frameType: "handshake_done")
        case .datagram(let datagram):
            self = .datagram(length: datagram.data.count)
        case .ackFrequency(let frame):
            self.init(frameType: "ack_frequency", fields: [
                QlogField("sequence_number", .unsigned(frame.sequenceNumber)),
                QlogField("ack_eliciting_threshold", .unsigned(frame.ackElicitingThreshold)),
                // The frame carries microseconds (draft-ietf-quic-ack-frequency §4); qlog uses milliseconds.
                QlogField("request_max_ack_delay", .double(Double(frame.requestedMaxAckDelay) / 1_000)),
                QlogField("reordering_threshold", .unsigned(frame.reorderingThreshold)),
            ])
        case .immediateAck:
            self.init(frameType: "immediate_ack")
        default:
            self.init(multipath: frame, ackDelayExponent: ackDelayExponent)
        }
    }

    /// The draft-ietf-quic-multipath frames (the two connection-ID frames are handled with their base forms).
    private init(multipath frame: Frame, ackDelayExponent: UInt8) {
        switch frame {
        case .pathAck(let pathAck):
            let ack = pathAck.ack
            self.init(frameType: "path_ack", fields: [QlogField("path_id", .unsigned(UInt64(pathAck.pathID)))]
                      + Self.ackFields(ranges: ack.ranges,
                                       ackDelayMilliseconds: Self.milliseconds(ack.ackDelay, ackDelayExponent),
                                       ecn: ack.ecn))
        case .pathAbandon(let abandon):
            self.init(frameType: "path_abandon", fields: [
                QlogField("path_id", .unsigned(UInt64(abandon.pathID))),
                QlogField("error_code", .unsigned(abandon.errorCode)),
            ])
        case .pathStatusBackup(let status):
            self.init(frameType: "path_status_backup", fields: Self.pathStatusFields(status))
        case .pathStatusAvailable(let status):
            self.init(frameType: "path_status_available", fields: Self.pathStatusFields(status))
        case .maxPathID(let maximum):
            self.init(frameType: "max_path_id", fields: [QlogField("maximum_path_id", .unsigned(UInt64(maximum)))])
        case .pathsBlocked(let maximum):
            self.init(frameType: "paths_blocked", fields: [QlogField("maximum_path_id", .unsigned(UInt64(maximum)))])
        case .pathCIDsBlocked(let blocked):
            self.init(frameType: "path_cids_blocked", fields: [
                QlogField("path_id", .unsigned(UInt64(blocked.pathID))),
                QlogField("next_sequence_number", .unsigned(blocked.nextSequenceNumber)),
            ])
        default:
            // Unreachable: every other case is handled by init(_:ackDelayExponent:). Logged as qlog's
            // UnknownFrame rather than trapping.
            self.init(frameType: "unknown", fields: [QlogField("raw_frame_type", .unsigned(frame.frameType))])
        }
    }

    private static func pathStatusFields(_ status: PathStatusFrame) -> [QlogField] {
        [QlogField("path_id", .unsigned(UInt64(status.pathID))),
         QlogField("sequence_number", .unsigned(status.sequenceNumber))]
    }

    private static func streamType(_ bidirectional: Bool) -> String {
        bidirectional ? "bidirectional" : "unidirectional"
    }

    /// RFC 9000 §19.3: the ACK Delay field is "a variable-length integer encoding the acknowledgment delay in
    /// microseconds [...] decoded by multiplying the value in the field by 2 to the power of the
    /// ack_delay_exponent". Computed in floating point, so a hostile 62-bit value cannot overflow.
    private static func milliseconds(_ ackDelay: UInt64, _ exponent: UInt8) -> Double {
        Double(ackDelay) * Double(sign: .plus, exponent: Int(exponent), significand: 1) / 1_000
    }
}
