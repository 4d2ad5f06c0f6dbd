import Foundation
import QUICWire
import Testing
@testable import QUICQlog

@Suite struct QlogTraceTests {
    static let odcid = ConnectionID(literal: [0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08])
    static let reference: UInt64 = 5_000_000_000

    static func trace(groupID: String? = nil) -> QlogTrace {
        QlogTrace(title: "client \"test\" trace", vantagePoint: .client, originalDestinationCID: Self.odcid,
                  groupID: groupID, referenceNanoseconds: Self.reference, referenceTimeMilliseconds: 1_700_000_000_000)
    }

    /// A short connection: start, parameters, an Initial, state changes, 1-RTT traffic on two paths, loss.
    static var events: [QlogEvent] {
        let ms: UInt64 = 1_000_000
        let scid = ConnectionID(literal: [1, 2, 3, 4])
        return [
            QlogEvent(timeNanoseconds: reference, data: .connectionStarted(
                ipVersion: "v4", sourceIP: "10.0.0.1", destinationIP: "10.0.0.2", sourcePort: 50_000,
                destinationPort: 443, sourceCID: scid, destinationCID: Self.odcid)),
            QlogEvent(timeNanoseconds: reference, data: .parametersSet(owner: .local, parameters: [
                QlogField("initial_max_data", .unsigned(1 << 20)), QlogField("max_idle_timeout", .unsigned(30_000)),
            ])),
            QlogEvent(timeNanoseconds: reference + 1, data: .packetSent(QlogPacket(
                header: QlogPacketHeader(packetType: .initial, packetNumber: 0, version: .v1, dcid: Self.odcid,
                                         scid: scid),
                frames: [.crypto(offset: 0, length: 300), .padding(count: 900)], length: 1_200))),
            QlogEvent(timeNanoseconds: reference + 1, data: .datagramsSent(lengths: [1_200])),
            QlogEvent(timeNanoseconds: reference + 30 * ms, data: .packetReceived(QlogPacket(
                header: QlogPacketHeader(packetType: .initial, packetNumber: 0, dcid: scid, scid: Self.odcid),
                frames: [QlogFrame(.ack(AckFrame(ranges: AckRanges([0...0]), ackDelay: 0)))]))),
            QlogEvent(timeNanoseconds: reference + 30 * ms, data: .connectionStateUpdated(
                old: "attempted", new: "handshake_complete")),
            QlogEvent(timeNanoseconds: reference + 31 * ms, data: .keyUpdated(
                keyType: "client_1rtt_secret", generation: 0, trigger: "tls")),
            QlogEvent(timeNanoseconds: reference + 40 * ms, pathID: 1, data: .packetSent(QlogPacket(
                header: QlogPacketHeader(packetType: .oneRTT, packetNumber: 7, dcid: Self.odcid),
                frames: [QlogFrame(.pathAck(PathAckFrame(
                    pathID: 0, ack: AckFrame(ranges: AckRanges([0...3, 6...9]), ackDelay: 125))))]))),
            QlogEvent(timeNanoseconds: reference + 55 * ms + 500_000, pathID: 1, data: .metricsUpdated(
                QlogRecoveryMetrics(minRTT: 25, smoothedRTT: 30.5, latestRTT: 31, rttVariance: 7.25,
                                    congestionWindow: 14_720, bytesInFlight: 1_200, ssthresh: UInt64.max,
                                    pacingRate: 12_000_000))),
            QlogEvent(timeNanoseconds: reference + 60 * ms, pathID: 1, data: .congestionStateUpdated(
                old: "slow_start", new: "recovery", trigger: nil)),
            QlogEvent(timeNanoseconds: reference + 61 * ms, pathID: 0, data: .packetLost(QlogPacket(
                header: QlogPacketHeader(packetType: .oneRTT, packetNumber: 4), trigger: "time_threshold"))),
            QlogEvent(timeNanoseconds: reference + 70 * ms, data: .custom(
                name: "transport:path_assigned", fields: [QlogField("path_id", .unsigned(2))])),
        ]
    }

    static func serializedTrace() -> [UInt8] {
        var sink = QlogMemorySink()
        for event in Self.events {
            sink.log(event)
        }
        return sink.jsonSeq(trace: Self.trace())
    }

    @Test func everyRecordParsesWithHeaderFirst() throws {
        let records = try JSONTestSupport.records(Self.serializedTrace())
        #expect(records.count == 1 + Self.events.count)
        let header = try JSONTestSupport.parseObject(try #require(records.first))
        #expect(header["qlog_format"] as? String == "JSON-SEQ")
        #expect(header["qlog_version"] as? String == "0.3")
        #expect(header["title"] as? String == "client \"test\" trace")
        let trace = try #require(header["trace"] as? [String: Any])
        #expect((trace["vantage_point"] as? [String: Any])?["type"] as? String == "client")
        let common = try #require(trace["common_fields"] as? [String: Any])
        #expect(JSONTestSupport.number(common["reference_time"]) == 1_700_000_000_000)
        #expect(common["time_format"] as? String == "relative")
        #expect(common["odcid"] as? String == "8394c8f03e515708")
        #expect(common["group_id"] as? String == "8394c8f03e515708")
        #expect(common["protocol_type"] as? [String] == ["QUIC"])

        var previous = -Double.infinity
        for (record, event) in zip(records.dropFirst(), Self.events) {
            let object = try JSONTestSupport.parseObject(record)
            let time = try #require(JSONTestSupport.number(object["time"]))
            #expect(time >= previous)
            previous = time
            #expect(time == event.relativeMilliseconds(since: Self.reference))
            #expect(object["name"] as? String == event.name)
            #expect(object["data"] is [String: Any])
            #expect(JSONTestSupport.number(object["path_id"]) == event.pathID.map { Double($0) })
        }
    }

    @Test func eventNamesFollowQuicEvents03() {
        #expect(Self.events.map(\.name) == [
            "connectivity:connection_started", "transport:parameters_set", "transport:packet_sent",
            "transport:datagrams_sent", "transport:packet_received", "connectivity:connection_state_updated",
            "security:key_updated", "transport:packet_sent", "recovery:metrics_updated",
            "recovery:congestion_state_updated", "recovery:packet_lost", "transport:path_assigned",
        ])
    }

    @Test func timesAreRelativeMilliseconds() {
        let event = QlogEvent(timeNanoseconds: Self.reference + 55_500_000, data: .ping)
        #expect(event.relativeMilliseconds(since: Self.reference) == 55.5)
        #expect(event.relativeMilliseconds(since: Self.reference + 56_000_000) == -0.5)
        #expect(QlogEvent(timeNanoseconds: .max, data: .ping).relativeMilliseconds(since: 0) > 0)
        #expect(QlogEvent(timeNanoseconds: 0, data: .ping).relativeMilliseconds(since: .max) < 0)
    }

    @Test func packetEventData() throws {
        let records = try JSONTestSupport.records(Self.serializedTrace())
        let sent = try JSONTestSupport.parseObject(records[3])
        let data = try #require(sent["data"] as? [String: Any])
        let header = try #require(data["header"] as? [String: Any])
        #expect(header["packet_type"] as? String == "initial")
        #expect(JSONTestSupport.number(header["packet_number"]) == 0)
        #expect(header["version"] as? String == "00000001")
        #expect(header["dcid"] as? String == "8394c8f03e515708")
        #expect(header["scid"] as? String == "01020304")
        #expect((data["raw"] as? [String: Any]).flatMap { JSONTestSupport.number($0["length"]) } == 1_200)
        let frames = try #require(data["frames"] as? [[String: Any]])
        #expect(frames.map { $0["frame_type"] as? String } == ["crypto", "padding"])

        let pathSent = try JSONTestSupport.parseObject(records[8])
        let pathData = try #require(pathSent["data"] as? [String: Any])
        #expect((pathData["header"] as? [String: Any])?["packet_type"] as? String == "1RTT")
        let pathAck = try #require((pathData["frames"] as? [[String: Any]])?.first)
        #expect((pathAck["acked_ranges"] as? [[NSNumber]])?.map { $0.map(\.uint64Value) } == [[0, 3], [6, 9]])
        #expect(JSONTestSupport.number(pathAck["ack_delay"]) == 1)

        let lost = try JSONTestSupport.parseObject(records[11])
        #expect((lost["data"] as? [String: Any])?["trigger"] as? String == "time_threshold")
    }

    @Test func metricsUseQlogFieldNames() throws {
        let records = try JSONTestSupport.records(Self.serializedTrace())
        let metrics = try #require(try JSONTestSupport.parseObject(records[9])["data"] as? [String: Any])
        #expect(JSONTestSupport.number(metrics["min_rtt"]) == 25)
        #expect(JSONTestSupport.number(metrics["smoothed_rtt"]) == 30.5)
        #expect(JSONTestSupport.number(metrics["latest_rtt"]) == 31)
        #expect(JSONTestSupport.number(metrics["rtt_variance"]) == 7.25)
        #expect(JSONTestSupport.number(metrics["congestion_window"]) == 14_720)
        #expect(JSONTestSupport.number(metrics["bytes_in_flight"]) == 1_200)
        #expect((metrics["ssthresh"] as? NSNumber)?.uint64Value == UInt64.max)
        #expect(JSONTestSupport.number(metrics["pacing_rate"]) == 12_000_000)
        #expect(metrics["pto_count"] == nil)
        #expect(QlogRecoveryMetrics.milliseconds(nanoseconds: 25_500_000) == 25.5)
    }

    @Test func explicitGroupIDWins() throws {
        let bytes = QlogMemorySink().jsonSeq(trace: Self.trace(groupID: "conn-7"))
        let header = try JSONTestSupport.parseObject(try #require(try JSONTestSupport.records(bytes).first))
        let common = (header["trace"] as? [String: Any])?["common_fields"] as? [String: Any]
        #expect(common?["group_id"] as? String == "conn-7")
    }
}

extension QlogEventData {
    /// A stand-in event for time tests.
    static let ping = QlogEventData.custom(name: "transport:ping", fields: [])
}
