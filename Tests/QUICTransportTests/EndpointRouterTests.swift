import QUICTestSupport
import Testing

@testable import QUICTransport
@testable import QUICWire

@Suite("Endpoint connection router")
struct EndpointRouterTests {
    let server = NetworkAddress.ipv4(203, 0, 113, 1, port: 443)
    let alice = NetworkAddress.ipv4(192, 0, 2, 1, port: 50_000)
    let bob = NetworkAddress.ipv4(192, 0, 2, 2, port: 50_000)
    let a = ConnectionID(literal: [1, 1, 1, 1, 1, 1, 1, 1])
    let b = ConnectionID(literal: [2, 2, 2, 2, 2, 2, 2, 2])
    let c = ConnectionID(literal: [3, 3, 3, 3])

    @Test("Connection IDs route to their handle; a second owner is refused")
    func connectionIDs() {
        var router = ConnectionRouter<Int>()
        do {
            let result = router.insert(self.a, for: 1)
            #expect(result)
        }
        do {
            let result = router.insert(self.b, for: 1)
            #expect(result)
        }
        do {
            let result = router.insert(self.c, for: 2)
            #expect(result)
        }
        do {
            let result = router.insert(self.a, for: 1)
            #expect(result, "re-inserting for the same handle is harmless")
        }
        do {
            let result = router.insert(self.a, for: 2)
            #expect(!result, "a connection ID identifies one connection")
        }
        #expect(router.lookup(self.a) == 1)
        #expect(router.lookup(self.b) == 1)
        #expect(router.lookup(self.c) == 2)
        #expect(router.lookup(.empty) == nil)
        #expect(router.connectionIDCount == 3)
        #expect(router.handleCount == 2)
        do {
            let result = router.remove(self.a)
            #expect(result == 1)
        }
        do {
            let result = router.remove(self.a)
            #expect(result == nil)
        }
        #expect(router.lookup(self.a) == nil)
        #expect(router.connectionIDs(for: 1) == [self.b])
        do {
            let result = router.insert(self.a, for: 2)
            #expect(result, "a removed connection ID is free again")
        }
        do {
            let result = router.remove(self.b)
            #expect(result == 1)
        }
        #expect(router.handleCount == 1, "a handle without routes is forgotten")
    }

    @Test("Two clients choosing the same Initial connection ID from different addresses do not collide")
    func initialCollisions() {
        var router = ConnectionRouter<String>()
        do {
            let result = router.insertInitial(self.a, remote: self.alice, for: "alice")
            #expect(result)
        }
        do {
            let result = router.insertInitial(self.a, remote: self.bob, for: "bob")
            #expect(result)
        }
        do {
            let result = router.insertInitial(self.a, remote: self.alice, for: "mallory")
            #expect(!result)
        }
        #expect(router.lookupInitial(self.a, remote: self.alice) == "alice")
        #expect(router.lookupInitial(self.a, remote: self.bob) == "bob")
        #expect(router.lookup(self.a) == nil, "client-chosen IDs are not server connection IDs")
        do {
            let result = router.removeInitial(self.a, remote: self.alice)
            #expect(result == "alice")
        }
        #expect(router.lookupInitial(self.a, remote: self.alice) == nil)
        #expect(router.lookupInitial(self.a, remote: self.bob) == "bob")
    }

    @Test("Zero-length connection IDs route by 4-tuple")
    func fourTuples() {
        var router = ConnectionRouter<Int>()
        let first = FourTuple(local: self.server, remote: self.alice)
        let second = FourTuple(local: self.server, remote: self.bob)
        do {
            let result = router.insert(first, for: 1)
            #expect(result)
        }
        do {
            let result = router.insert(second, for: 2)
            #expect(result)
        }
        do {
            let result = router.insert(first, for: 2)
            #expect(!result)
        }
        #expect(router.lookup(first) == 1)
        #expect(router.route(destination: .empty, isInitialOrZeroRTT: false, tuple: second) == 2)
        #expect(router.route(destination: .empty, isInitialOrZeroRTT: false,
                             tuple: FourTuple(local: self.server, remote: self.server)) == nil)
        do {
            let result = router.remove(first)
            #expect(result == 1)
        }
        #expect(router.lookup(first) == nil)
        #expect(router.handleCount == 1)
    }

    @Test("removeAll drops every route of a connection and nothing else")
    func removeAll() {
        var router = ConnectionRouter<Int>()
        let tuple = FourTuple(local: self.server, remote: self.alice)
        router.insert(self.a, for: 1)
        router.insert(self.b, for: 1)
        router.insertInitial(self.c, remote: self.alice, for: 1)
        router.insert(tuple, for: 1)
        router.insert(self.c, for: 2)
        let removed = router.removeAll(for: 1)
        #expect(Set(removed) == [self.a, self.b])
        #expect(router.lookup(self.a) == nil)
        #expect(router.lookup(self.b) == nil)
        #expect(router.lookupInitial(self.c, remote: self.alice) == nil)
        #expect(router.lookup(tuple) == nil)
        #expect(router.lookup(self.c) == 2)
        #expect(router.handleCount == 1)
        do {
            let result = router.removeAll(for: 1)
            #expect(result.isEmpty)
        }
        do {
            let result = router.insert(self.a, for: 3)
            #expect(result)
        }
    }

    @Test("Datagrams route by their first packet's header")
    func routeHeaders() {
        var router = ConnectionRouter<Int>()
        router.insert(self.b, for: 1)
        router.insertInitial(self.a, remote: self.alice, for: 1)
        let fromAlice = FourTuple(local: self.server, remote: self.alice)
        let fromBob = FourTuple(local: self.server, remote: self.bob)
        func long(_ type: LongPacketType, _ destination: ConnectionID) -> PacketHeader {
            .long(LongHeader(version: .v1, type: type, destinationConnectionID: destination,
                             sourceConnectionID: self.c, token: [], packetNumberOffset: 0, packetEnd: 0))
        }
        #expect(router.route(long(.initial, self.a), tuple: fromAlice) == 1)
        #expect(router.route(long(.zeroRTT, self.a), tuple: fromAlice) == 1)
        #expect(router.route(long(.initial, self.a), tuple: fromBob) == nil, "another client's Initial")
        #expect(router.route(long(.handshake, self.a), tuple: fromAlice) == nil,
                "Handshake packets use the server's connection IDs")
        #expect(router.route(long(.handshake, self.b), tuple: fromBob) == 1, "migration keeps the route")
        let short = PacketHeader.short(ShortHeader(destinationConnectionID: self.b, packetNumberOffset: 9,
                                                   packetEnd: 30))
        #expect(router.route(short, tuple: fromBob) == 1)
        let shortToInitialID = PacketHeader.short(ShortHeader(destinationConnectionID: self.a, packetNumberOffset: 9,
                                                              packetEnd: 30))
        #expect(router.route(shortToInitialID, tuple: fromAlice) == nil)
        let negotiation = PacketHeader.versionNegotiation(VersionNegotiationPacket(
            destinationConnectionID: self.b.bytes[...], sourceConnectionID: [], supportedVersions: [.v1]))
        #expect(router.route(negotiation, tuple: fromAlice) == 1)
        let longNegotiation = PacketHeader.versionNegotiation(VersionNegotiationPacket(
            destinationConnectionID: ArraySlice(repeating: 2, count: 21), sourceConnectionID: [],
            supportedVersions: [.v1]))
        #expect(router.route(longNegotiation, tuple: fromAlice) == nil)
        let unsupported = PacketHeader.unsupportedVersion(UnsupportedVersionHeader(
            version: QUICVersion(rawValue: 7), destinationConnectionID: self.b.bytes[...], sourceConnectionID: []))
        #expect(router.route(unsupported, tuple: fromAlice) == nil)
    }

    @Test("Seeded inserts and removals agree with a dictionary model")
    func modelCheck() {
        var random = SplitMix64(seed: 11)
        var router = ConnectionRouter<Int>()
        var model: [ConnectionID: Int] = [:]
        let ids = (0..<40).map { _ in ConnectionID(literal: random.bytes(random.int(1...3))) }
        for _ in 0..<2_000 {
            let id = ids[random.int(0...ids.count - 1)]
            let handle = random.int(0...5)
            switch random.int(0...3) {
            case 0, 1:
                let accepted = router.insert(id, for: handle)
                #expect(accepted == (model[id] == nil || model[id] == handle))
                if model[id] == nil { model[id] = handle }
            case 2:
                do {
                    let result = router.remove(id)
                    #expect(result == model.removeValue(forKey: id))
                }
            default:
                let removed = router.removeAll(for: handle)
                let expected = model.filter { $0.value == handle }.map(\.key)
                #expect(Set(removed) == Set(expected))
                model = model.filter { $0.value != handle }
            }
            #expect(router.lookup(id) == model[id])
        }
        #expect(router.connectionIDCount == model.count)
        #expect(router.handleCount == Set(model.values).count)
    }
}
