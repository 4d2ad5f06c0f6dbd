import Testing
import QUICWire
@testable import QUICTransport

@Suite("Stream states")
struct StreamStateTests {
    @Test func sendingPartFollowsFigure2() {
        var state = SendStreamState.ready
        state.onDataSent()
        #expect(state == .send)
        state.onAllDataAcknowledged()
        #expect(state == .send)
        state.onFinSent()
        #expect(state == .dataSent)
        #expect(state.canReset)
        state.onAllDataAcknowledged()
        #expect(state == .dataReceived && state.isTerminal)
        #expect(!state.canReset)
        state.onResetSent()
        #expect(state == .dataReceived)

        var reset = SendStreamState.send
        reset.onResetSent()
        #expect(reset == .resetSent)
        reset.onFinSent()
        #expect(reset == .resetSent)
        reset.onResetAcknowledged()
        #expect(reset == .resetReceived && reset.isTerminal)
    }

    @Test func receivingPartFollowsFigure3() {
        var state = ReceiveStreamState.receive
        state.onFinReceived()
        #expect(state == .sizeKnown)
        state.onAllDataReceived()
        #expect(state == .dataReceived)
        state.onResetReceived()
        #expect(state == .dataReceived)
        state.onAllDataRead()
        #expect(state == .dataRead && state.isTerminal)

        var reset = ReceiveStreamState.sizeKnown
        reset.onResetReceived()
        #expect(reset == .resetReceived)
        reset.onAllDataReceived()
        #expect(reset == .resetReceived)
        reset.onResetRead()
        #expect(reset == .resetRead && reset.isTerminal)
    }

    @Test(arguments: [
        // (stream, local initiator, peer may send data, peer may send MAX_STREAM_DATA/STOP_SENDING)
        (UInt64(0), StreamID.Initiator.client, true, true),
        (UInt64(1), StreamID.Initiator.client, true, true),
        (UInt64(2), StreamID.Initiator.client, false, true),
        (UInt64(3), StreamID.Initiator.client, true, false),
        (UInt64(2), StreamID.Initiator.server, true, false),
        (UInt64(3), StreamID.Initiator.server, false, true),
    ])
    func directionRules(stream: UInt64, local: StreamID.Initiator, peerSends: Bool, peerReceives: Bool) {
        let id = StreamID(rawValue: stream)
        let sendAllowed = (try? StreamFrameRules.checkPeerSends(on: id, localInitiator: local, frameType: 0x08)) != nil
        let receiveAllowed =
            (try? StreamFrameRules.checkPeerReceives(on: id, localInitiator: local, frameType: 0x11)) != nil
        #expect(sendAllowed == peerSends)
        #expect(receiveAllowed == peerReceives)
    }
}
