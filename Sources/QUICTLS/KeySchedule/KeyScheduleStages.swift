extension KeySchedule {
    /// The first stage: the Early Secret, from a PSK or from zeros (RFC 8446 §7.1).
    public struct EarlyStage: Sendable {
        public let hash: TLSHashAlgorithm
        /// Early Secret = HKDF-Extract(0, PSK), with Hash.length zero bytes for both when there is no PSK.
        public let earlySecret: [UInt8]

        /// Starts the schedule.
        ///
        /// - Parameter psk: the resumption or external PSK, or nil for a full handshake ("if PSK is not in use,
        ///   the IKM is a string of Hash.length bytes set to 0").
        public init(hash: TLSHashAlgorithm, psk: [UInt8]? = nil) {
            self.hash = hash
            let zeros = [UInt8](repeating: 0, count: hash.length)
            self.earlySecret = hash.extract(salt: zeros, inputKeyMaterial: psk ?? zeros)
        }

        /// binder_key = Derive-Secret(Early Secret, "ext binder" | "res binder", "").
        public func binderKey(_ kind: PSKKind) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.earlySecret,
                label: kind.binderLabel,
                transcriptHash: self.hash.emptyHash
            )
        }

        /// client_early_traffic_secret = Derive-Secret(Early Secret, "c e traffic", ClientHello).
        public func clientEarlyTrafficSecret(clientHelloHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.earlySecret,
                label: "c e traffic",
                transcriptHash: clientHelloHash
            )
        }

        /// early_exporter_master_secret = Derive-Secret(Early Secret, "e exp master", ClientHello).
        public func earlyExporterMasterSecret(clientHelloHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.earlySecret,
                label: "e exp master",
                transcriptHash: clientHelloHash
            )
        }

        /// Moves to the Handshake Secret: HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE).
        ///
        /// - Parameter sharedSecret: the (EC)DHE or hybrid shared secret from ``KeyShare``, or nil in psk_ke
        ///   mode, where the IKM is Hash.length zero bytes.
        public func handshakeStage(sharedSecret: [UInt8]?) -> HandshakeStage {
            let salt = HKDFLabel.deriveSecret(
                self.hash,
                secret: self.earlySecret,
                label: "derived",
                transcriptHash: self.hash.emptyHash
            )
            let ikm = sharedSecret ?? [UInt8](repeating: 0, count: self.hash.length)
            let secret = self.hash.extract(salt: salt, inputKeyMaterial: ikm)
            return HandshakeStage(hash: self.hash, handshakeSecret: secret)
        }
    }

    /// The second stage: the Handshake Secret and the handshake traffic secrets.
    public struct HandshakeStage: Sendable {
        public let hash: TLSHashAlgorithm
        public let handshakeSecret: [UInt8]

        /// client_handshake_traffic_secret = Derive-Secret(Handshake Secret, "c hs traffic",
        /// ClientHello...ServerHello).
        public func clientHandshakeTrafficSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.handshakeSecret,
                label: "c hs traffic",
                transcriptHash: transcriptHash
            )
        }

        /// server_handshake_traffic_secret = Derive-Secret(Handshake Secret, "s hs traffic",
        /// ClientHello...ServerHello).
        public func serverHandshakeTrafficSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.handshakeSecret,
                label: "s hs traffic",
                transcriptHash: transcriptHash
            )
        }

        /// Moves to the Master Secret: HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0).
        public func masterStage() -> MasterStage {
            let salt = HKDFLabel.deriveSecret(
                self.hash,
                secret: self.handshakeSecret,
                label: "derived",
                transcriptHash: self.hash.emptyHash
            )
            let zeros = [UInt8](repeating: 0, count: self.hash.length)
            return MasterStage(hash: self.hash, masterSecret: self.hash.extract(salt: salt, inputKeyMaterial: zeros))
        }
    }

    /// The last stage: the Master Secret and everything derived from it.
    public struct MasterStage: Sendable {
        public let hash: TLSHashAlgorithm
        public let masterSecret: [UInt8]

        /// client_application_traffic_secret_0 = Derive-Secret(Master Secret, "c ap traffic",
        /// ClientHello...server Finished).
        public func clientApplicationTrafficSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.masterSecret,
                label: "c ap traffic",
                transcriptHash: transcriptHash
            )
        }

        /// server_application_traffic_secret_0 = Derive-Secret(Master Secret, "s ap traffic",
        /// ClientHello...server Finished).
        public func serverApplicationTrafficSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.masterSecret,
                label: "s ap traffic",
                transcriptHash: transcriptHash
            )
        }

        /// exporter_master_secret = Derive-Secret(Master Secret, "exp master", ClientHello...server Finished).
        public func exporterMasterSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.masterSecret,
                label: "exp master",
                transcriptHash: transcriptHash
            )
        }

        /// resumption_master_secret = Derive-Secret(Master Secret, "res master", ClientHello...client Finished).
        public func resumptionMasterSecret(transcriptHash: [UInt8]) -> [UInt8] {
            HKDFLabel.deriveSecret(
                self.hash,
                secret: self.masterSecret,
                label: "res master",
                transcriptHash: transcriptHash
            )
        }
    }
}
