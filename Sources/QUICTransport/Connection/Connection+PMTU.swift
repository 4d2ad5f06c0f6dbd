import QUICRecovery

/// PMTU black-hole handling (RFC 8899 §4.3, RFC 9000 §14.4): when datagrams of the size DPLPMTUD found stop
/// getting through, fall back to the base size so the connection recovers, and let the search run again.
extension Connection {
    /// Feeds acknowledged packets of the application data space to the black-hole detector.
    func pmtuObserveAcknowledged(_ packets: [SentPacket<SentPacketContents>], space: PacketNumberSpace) {
        guard space == .applicationData else { return }
        for packet in packets where !packet.payload.isPMTUProbe {
            self.path.blackHole.onAcknowledged(packetNumber: packet.packetNumber, size: packet.size)
        }
    }

    /// Feeds lost packets to the black-hole detector and falls back when it sees a black hole.
    func pmtuObserveLost(_ packets: [SentPacket<SentPacketContents>], now: QUICInstant) {
        for packet in packets where packet.payload.level == .oneRTT && !packet.payload.isPMTUProbe {
            self.path.blackHole.onLost(packetNumber: packet.packetNumber, size: packet.size)
        }
        self.pmtuFallBackIfBlackHole(now: now)
    }

    /// A probe timeout fired in `space`.
    func pmtuObserveProbeTimeout(space: PacketNumberSpace, now: QUICInstant) {
        guard space == .applicationData else { return }
        let large = self.path.recovery.tracker(.applicationData).packets.contains {
            $0.isInFlight && !$0.payload.isPMTUProbe && $0.size > PMTUDiscovery.baseSize
        }
        self.path.blackHole.onProbeTimeout(largePacketsInFlight: large)
        self.pmtuFallBackIfBlackHole(now: now)
    }

    private func pmtuFallBackIfBlackHole(now: QUICInstant) {
        guard self.path.blackHole.isBlackHole else { return }
        self.path.blackHole.reset()
        guard self.path.pmtu.currentSize > PMTUDiscovery.baseSize else { return }
        self.path.pmtu.onBlackHoleDetected(now: now.nanosecondsSinceOrigin)
        self.path.recovery.setMaxDatagramSize(self.path.pmtu.currentSize)
        self.stats.pmtuBlackHoles += 1
    }
}

extension SentPacketContents {
    /// Whether the packet is a DPLPMTUD probe (PING + PADDING of the size being tried).
    var isPMTUProbe: Bool {
        self.frames.contains { if case .pmtuProbe = $0 { return true } else { return false } }
    }
}
