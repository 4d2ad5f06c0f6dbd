import Foundation
import QUICTLS

/// The self-signed certificate `mpquic server` uses when given no `--cert`: generated once (for localhost,
/// 127.0.0.1 and ::1), kept with its key in one file, and reused until a day before it expires. `mpquic client`
/// adds that certificate to its trust roots, so the two verify each other on one machine without `--insecure`
/// (the chain and the host name are still checked). Other clients can be given the file as their CA.
enum DevelopmentIdentity {
    /// `$MPQUIC_DEV_DIR`, else `$XDG_CACHE_HOME/mpquic`, else `~/.cache/mpquic`.
    static var directory: String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MPQUIC_DEV_DIR"], !explicit.isEmpty { return explicit }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty { return cache + "/mpquic" }
        return NSHomeDirectory() + "/.cache/mpquic"
    }

    /// The certificate followed by its PKCS#8 key, in PEM.
    static var path: String { Self.directory + "/development-identity.pem" }

    /// The stored identity, or a new one stored first. Concurrent first runs are safe: the file is replaced
    /// atomically and every server uses what the file holds afterwards.
    static func loadOrCreate(now: Date) throws -> CertificateIdentity {
        if let identity = Self.load(validAt: now.addingTimeInterval(24 * 3600)) { return identity }
        let identity = try DevelopmentCertificate.generate(now: now)
        let files = identity.pemFiles
        try FileManager.default.createDirectory(
            atPath: Self.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = Self.path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: Data((files.certificateChain + files.privateKey).utf8),
            attributes: [.posixPermissions: 0o600]) else {
            throw CertificateLoadingError(.fileNotReadable, "cannot write \(temporary)")
        }
        guard rename(temporary, Self.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CertificateLoadingError(.fileNotReadable, "cannot move \(temporary) to \(Self.path): \(reason)")
        }
        return Self.load(validAt: now) ?? identity
    }

    /// The stored identity when it exists and is valid at `date`.
    static func load(validAt date: Date) -> CertificateIdentity? {
        guard let identity = try? CertificateIdentity(certificateFile: Self.path, privateKeyFile: Self.path),
              let leaf = identity.chain.certificates.first,
              leaf.notValidBefore <= date, date < leaf.notValidAfter else { return nil }
        return identity
    }

    /// The stored certificate as a trust root, when there is one.
    static func trustRoots() -> TrustRoots? {
        try? TrustRoots(pemFile: Self.path)
    }
}
