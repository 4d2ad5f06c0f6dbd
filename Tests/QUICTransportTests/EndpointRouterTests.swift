import QUICTestSupport
import Testing

@testable import QUICTransport
@testable import QUICWire

/// `#expect` cannot evaluate a mutating call on a local variable; through a reference it can, so each
/// assertion states the call it checks. (A bare Bool-returning mutating call is still expanded on a copy, hence
/// `== true`.)
private final class RouterBox<Handle: Hashable & Sendable> {
    var router = ConnectionRouter<Handle>()
}

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
        let box = RouterBox<Int>()
        #expect(box.router.insert(self.a, for: 1) == true)
        #expect(box.router.insert(self.b, for: 1) == true)
        #expect(box.router.insert(self.c, for: 2) == true)
        #expect(box.router.insert(self.a, for: 1) == true, "re-inserting for the same handle is harmless")
        #expect(box.router.insert(self.a, for: 2) == false, "a connection ID identifies one connection")
        #expect(box.router.lookup(self.a) == 1)
        #expect(box.router.lookup(self.b) == 1)
        #expect(box.router.lookup(self.c) == 2)
        #expect(box.router.lookup(.empty) == nil)
        #expect(box.router.connectionIDCount == 3)
        #expect(box.router.handleCount == 2)
        #expect(box.router.remove(self.a) == 1)
        #expect(box.router.remove(self.a) == nil)
        #expect(box.router.lookup(self.a) == nil)
        #expect(box.router.connectionIDs(for: 1) == [self.b])
        #expect(box.router.insert(self.a, for: 2) == true, "a removed connection ID is free again")
        #expect(box.router.remove(self.b) == 1)
        #expect(box.router.handleCount == 1, "a handle without routes is forgotten")
    }

    @Test("Two clients choosing the same Initial connection ID from different addresses do not collide")
    func initialCollisions() {
        let box = RouterBox<String>()
        #expect(box.router.insertInitial(self.a, remote: self.alice, for: "alice") == true)
        #expect(box.router.insertInitial(self.a, remote: self.bob, for: "bob") == true)
        #expect(box.router.insertInitial(self.a, remote: self.alice, for: "mallory") == false)
        #expect(box.router.lookupInitial(self.a, remote: self.alice) == "alice")
        #expect(box.router.lookupInitial(self.a, remote: self.bob) == "bob")
        #expect(box.router.lookup(self.a) == nil, "client-chosen IDs are not server connection IDs")
        #expect(box.router.removeInitial(self.a, remote: self.alice) == "alice")
        #expect(box.router.lookupInitial(self.a, remote: self.alice) == nil)
        #expect(box.router.lookupInitial(self.a, remote: self.bob) == "bob")
    }

    @Test("Zero-length connection IDs route by 4-tuple")
    func fourTuples() {
        let box = RouterBox<Int>()
        let first = FourTuple(local: self.server, remote: self.alice)
        let second = FourTuple(local: self.server, remote: self.bob)
        #expect(box.router.insert(first, for: 1) == true)
        #expect(box.router.insert(second, for: 2) == true)
        #expect(box.router.insert(first, for: 2) == false)
        #expect(box.router.lookup(first) == 1)
        #expect(box.router.route(destination: .empty, isInitialOrZeroRTT: false, tuple: second) == 2)
        #expect(box.router.route(destination: .empty, isInitialOrZeroRTT: false,
                             tuple: FourTuple(local: self.server, remote: self.server)) == nil)
        #expect(box.router.remove(first) == 1)
        #expect(box.router.lookup(first) == nil)
        #expect(box.router.handleCount == 1)
    }

    @Test("removeAll drops every route of a connection and nothing else")
    func removeAll() {
        let box = RouterBox<Int>()
        let tuple = FourTuple(local: self.server, remote: self.alice)
        box.router.insert(self.a, for: 1)
        box.router.insert(self.b, for: 1)
        box.router.insertInitial(self.c, remote: self.alice, for: 1)
        box.router.insert(tuple, for: 1)
        box.router.insert(self.c, for: 2)
        let removed = box.router.removeAll(for: 1)
        #expect(Set(removed) == [self.a, self.b])
        #expect(box.router.lookup(self.a) == nil)
        #expect(box.router.lookup(self.b) == nil)
        #expect(box.router.lookupInitial(self.c, remote: self.alice) == nil)
        #expect(box.router.lookup(tuple) == nil)
        #expect(box.router.lookup(self.c) == 2)
        #expect(box.router.handleCount == 1)
        #expect(box.router.removeAll(for: 1).isEmpty)
        #expect(box.router.insert(self.a, for: 3) == true)
    }

    @Test("Datagrams route by their first packet's header")
    func routeHeaders() {
        let box = RouterBox<Int>()
        box.router.insert(self.b, for: 1)
        box.router.insertInitial(self.a, remote: self.alice, for: 1)
        let fromAlice = FourTuple(local: self.server, remote: self.alice)
        let fromBob = FourTuple(local: self.server, remote: self.bob)
        func long(_ type: LongPacketType, _ destination: ConnectionID) -> PacketHeader {
            .long(LongHeader(version: .v1, type: type, destinationConnectionID: destination,
                             sourceConnectionID: self.c, token: [], packetNumberOffset: 0, packetEnd: 0))
        }
        #expect(box.router.route(long(.initial, self.a), tuple: fromAlice) == 1)
        #expect(box.router.route(long(.zeroRTT, self.a), tuple: fromAlice) == 1)
        #expect(box.router.route(long(.initial, self.a), tuple: fromBob) == nil, "another client's Initial")
        #expect(box.router.route(long(.handshake, self.a), tuple: fromAlice) == nil,
                "Handshake packets use the server's connection IDs")
        #expect(box.router.route(long(.handshake, self.b), tuple: fromBob) == 1, "migration keeps the route")
        let short = PacketHeader.short(ShortHeader(destinationConnectionID: self.b, packetNumberOffset: 9,
                                                   packetEnd: 30))
        #expect(box.router.route(short, tuple: fromBob) == 1)
        let shortToInitialID = PacketHeader.short(ShortHeader(destinationConnectionID: self.a, packetNumberOffset: 9,
                                                              packetEnd: 30))
        #expect(box.router.route(shortToInitialID, tuple: fromAlice) == nil)
        let negotiation = PacketHeader.versionNegotiation(VersionNegotiationPacket(
            destinationConnectionID: self.b.bytes[...], sourceConnectionID: [], supportedVersions: [.v1]))
        #expect(box.router.route(negotiation, tuple: fromAlice) == 1)
        let longNegotiation = PacketHeader.versionNegotiation(VersionNegotiationPacket(
            destinationConnectionID: ArraySlice(repeating: 2, count: 21), sourceConnectionID: [],
            supportedVersions: [.v1]))
        #expect(box.router.route(longNegotiation, tuple: fromAlice) == nil)
        let unsupported = PacketHeader.unsupportedVersion(UnsupportedVersionHeader(
            version: QUICVersion(rawValue: 7), destinationConnectionID: self.b.bytes[...], sourceConnectionID: []))
        #expect(box.router.route(unsupported, tuple: fromAlice) == nil)
    }

    @Test("Seeded inserts and removals agree with a dictionary model")
    func modelCheck() {
        var random = SplitMix64(seed: 11)
        let box = RouterBox<Int>()
        var model: [ConnectionID: Int] = [:]
        let ids = (0..<40).map { _ in ConnectionID(literal: random.bytes(random.int(1...3))) }
        for _ in 0..<2_000 {
            let id = ids[random.int(0...ids.count - 1)]
            let handle = random.int(0...5)
            switch random.int(0...3) {
            case 0, 1:
                let accepted = box.router.insert(id, for: handle)
                #expect(accepted == (model[id] == nil || model[id] == handle))
                if model[id] == nil { model[id] = handle }
            case 2:
                #expect(box.router.remove(id) == model.removeValue(forKey: id))
            default:
                let removed = box.router.removeAll(for: handle)
                let expected = model.filter { $0.value == handle }.map(\.key)
                #expect(Set(removed) == Set(expected))
                model = model.filter { $0.value != handle }
            }
            #expect(box.router.lookup(id) == model[id])
        }
        #expect(box.router.connectionIDCount == model.count)
        #expect(box.router.handleCount == Set(model.values).count)
    }
}
