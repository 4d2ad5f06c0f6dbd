import Testing
import QUICWire
@testable import QUICTransport

@Suite("Stream counts")
struct StreamCountsTests {
    @Test func localStreamsStopAtThePeersLimit() {
        var counts = StreamCounts(localInitiator: .client, direction: .bidirectional, peerLimit: 2, localLimit: 10)
        #expect(counts.openLocal() == StreamID(rawValue: 0))
        #expect(counts.openLocal() == StreamID(rawValue: 4))
        #expect(counts.openLocal() == nil)
        #expect(counts.blockedReport() == 2)
        #expect(counts.blockedReport() == nil)
        counts.raiseLocalLimit(to: 1)
        #expect(counts.openLocal() == nil)
        counts.raiseLocalLimit(to: 3)
        #expect(counts.openLocal() == StreamID(rawValue: 8))
    }

    @Test func peerStreamsOpenImplicitlyAndRespectTheLimit() throws {
        var counts = StreamCounts(localInitiator: .server, direction: .unidirectional, peerLimit: 0, localLimit: 5)
        // Client-initiated unidirectional streams are 2, 6, 10, ...
        #expect(try counts.referenceFromPeer(StreamID(rawValue: 10)) == .openedRemote(0...2))
        #expect(try counts.referenceFromPeer(StreamID(rawValue: 6)) == .existingRemote)
        #expect(try counts.referenceFromPeer(StreamID(rawValue: 18)) == .openedRemote(3...4))
        do {
            _ = try counts.referenceFromPeer(StreamID(rawValue: 22))
            Issue.record("stream beyond the limit accepted")
        } catch {
            #expect(error.code == .streamLimitError)
        }
        do {
            _ = try counts.referenceFromPeer(StreamID(rawValue: 3))
            Issue.record("unopened local stream accepted")
        } catch {
            #expect(error.code == .streamStateError)
        }
    }

    @Test func closingPeerStreamsRaisesTheLimitInSteps() throws {
        var counts = StreamCounts(localInitiator: .server, direction: .bidirectional, peerLimit: 0, localLimit: 4)
        _ = try counts.referenceFromPeer(StreamID(rawValue: 12))
        #expect(counts.remoteStreamClosed() == nil)
        #expect(counts.remoteStreamClosed() == 6)
        #expect(counts.remoteStreamClosed() == nil)
        #expect(counts.remoteStreamClosed() == 8)
        #expect(try counts.referenceFromPeer(StreamID(rawValue: 28)) == .openedRemote(4...7))
    }
}
