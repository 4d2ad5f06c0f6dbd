import QUICTransport
import QUICWire
import Testing

@Suite("Scheduling basics")
struct SchedulingBasicsTests {
    @Test func pathSelectionHoldsUpToCapacityInline() {
        var selection = PathSelection()
        #expect(selection.isEmpty)
        for id in 0..<PathID(PathSelection.capacity) {
            let appended = selection.append(id * 3)
            #expect(appended)
        }
        #expect(selection.isFull)
        let overflowed = !selection.append(99)
        #expect(overflowed)
        #expect(Array(selection) == [0, 3, 6, 9, 12, 15, 18, 21])
        #expect(selection == [0, 3, 6, 9, 12, 15, 18, 21])
        #expect(selection != [0, 3])
        #expect(PathSelection(7) == [7])
        #expect(selection.description == "[0, 3, 6, 9, 12, 15, 18, 21]")
    }

    @Test func decisionAccessors() {
        #expect(SchedulingDecision.wait.paths.isEmpty)
        #expect(SchedulingDecision.wait.primaryPath == nil)
        #expect(SchedulingDecision.send(on: [4, 2]).primaryPath == 4)
    }

    @Test func windowAndPacingLimitOrdinaryPacketsButNotProbesOrAcks() {
        var path = snapshot(1, rtt: 10, cwnd: 12_000, inFlight: 11_000)
        #expect(path.availableWindow == 1_000)
        #expect(!path.hasRoom(for: 1_200, packetClass: .streamData))
        #expect(path.hasRoom(for: 1_000, packetClass: .streamData))
        #expect(path.hasRoom(for: 1_200, packetClass: .control))
        #expect(path.hasRoom(for: 1_200, packetClass: .probe))
        path.bytesInFlight = 20_000
        #expect(path.availableWindow == 0)
        path.bytesInFlight = 0
        path.pacingBudget = 500
        #expect(!path.hasRoom(for: 1_200, packetClass: .datagram))
    }

    @Test func statusDecidesWhoCarriesTraffic() {
        #expect(snapshot(1, rtt: 10).carriesTraffic)
        #expect(snapshot(1, rtt: 10, status: .backup).carriesTraffic)
        #expect(!snapshot(1, rtt: 10, status: .abandoned).carriesTraffic)
        #expect(!snapshot(1, rtt: 10, status: .validating, validated: false).carriesTraffic)
        #expect(!snapshot(1, rtt: 10, validated: false).carriesTraffic)
        let probe = SendIntent(kind: .pinned(1), packetClass: .probe, size: 1200)
        #expect(snapshot(1, rtt: 10, status: .validating, validated: false).canSendPinned(probe))
        #expect(!snapshot(1, rtt: 10, status: .validating, validated: false).canSendPinned(packet))
        #expect(!snapshot(1, rtt: 10, status: .abandoned).canSendPinned(probe))
    }

    @Test func estimatesOfRateAndDelivery() {
        let path = snapshot(1, rtt: 100, cwnd: 10_000)
        #expect(path.estimatedRate == 100_000)
        #expect(path.estimatedDelivery(of: 1_000, now: 5) == 5 + milliseconds(50))
        // Window full: one more window's worth of data takes one RTT to drain first.
        let full = snapshot(1, rtt: 100, cwnd: 10_000, inFlight: 10_000)
        #expect(full.estimatedDelivery(of: 10_000, now: 0) == milliseconds(150))
        #expect(snapshot(1, rtt: 100).estimatedDelivery(of: 1, now: .max) == .max)
    }

    @Test func retransmissionIntentDefaults() {
        let retransmission = SendIntent(size: 100, isRetransmission: true, lostOnPath: 2)
        #expect(retransmission.packetClass == .retransmission)
        #expect(SendIntent(size: 100).packetClass == .streamData)
        #expect(SendIntent(kind: .pinned(3), size: 1).pinnedPath == 3)
        #expect(SendIntent(kind: .redundant, size: 1).pinnedPath == nil)
    }
}
