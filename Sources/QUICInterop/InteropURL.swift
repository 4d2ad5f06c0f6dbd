import Foundation

/// A URL the client fetches: `https://HOST[:PORT]/path` (IPv6 in brackets, port 443 by default).
public struct InteropURL: Hashable, Sendable, CustomStringConvertible {
    public var authority: HostPort
    /// The path as it goes into the request, starting with "/" (a query is kept with it).
    public var path: String

    public var host: String { self.authority.host }
    public var port: Int { self.authority.port }

    public init(parsing text: String) throws(AddressParsingError) {
        let scheme = "https://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else {
            throw .unsupportedScheme(text)
        }
        let rest = text.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authorityText = rest[..<authorityEnd]
        guard !authorityText.contains("@") else { throw .userInfoNotAllowed(text) }
        guard !authorityText.isEmpty else { throw .emptyHost(text) }
        do {
            self.authority = try HostPort(parsing: String(authorityText), defaultPort: 443)
        } catch .invalidPort {
            throw .invalidPort(text)
        } catch {
            throw error
        }
        var path = String(rest[authorityEnd...].prefix { $0 != "#" })
        if path.isEmpty || path.hasPrefix("?") {
            path = "/" + path
        }
        guard path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f }) else {
            throw .invalidPath(text)
        }
        self.path = path
    }

    /// The file name a download is saved under: the last path component (percent-decoded, no query), or "index"
    /// for a path ending in "/"; never `.` or `..`.
    public var fileName: String {
        let path = self.path.prefix { $0 != "?" }
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        let decoded = (try? HQResourceResolver.percentDecode(last)) ?? last
        let safe = decoded.replacingOccurrences(of: "/", with: "_")
        return safe.isEmpty || safe == "." || safe == ".." ? "index" : safe
    }

    public var description: String {
        "https://\(self.authority)\(self.path)"
    }
}
