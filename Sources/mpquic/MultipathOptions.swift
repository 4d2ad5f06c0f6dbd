import ArgumentParser
import QUIC
import QUICInterop
import QUICRelay
import QUICTransport

/// Multipath flags `mpquic server` and `mpquic client` share.
struct MultipathOptions: ParsableArguments {
    @Flag(help: "Offer Multipath QUIC (draft-ietf-quic-multipath-21); used when the peer offers it too.")
    var multipath = false

    @Option(help: ArgumentHelp("""
        How this side spreads the packets it sends over the paths: \
        \(SchedulerKind.validNames.joined(separator: "|")) (default minrtt). It applies to what this side sends: \
        a download is sent by the server, so the server's --scheduler splits it.
        """, valueName: "name"))
    var scheduler: String?

    @Option(name: .customLong("target-rate"), help: ArgumentHelp(
        "costaware: the rate to reach before using metered paths, e.g. 15mbit.", valueName: "rate"))
    var targetRate: String?

    @Option(name: .customLong("metered-budget"), help: ArgumentHelp(
        "costaware: the most bytes sent on metered paths in total, e.g. 5MB.", valueName: "bytes"))
    var meteredBudget: String?

    func validate() throws {
        _ = try self.multipathConfiguration()
    }

    /// The engine's multipath settings; nil without --multipath. A bad value becomes an error naming the fix.
    func multipathConfiguration() throws -> MultipathConfiguration? {
        guard self.multipath else {
            if self.scheduler != nil || self.targetRate != nil || self.meteredBudget != nil {
                throw ValidationError("--scheduler, --target-rate and --metered-budget need --multipath")
            }
            return nil
        }
        var configuration = MultipathConfiguration()
        if let name = self.scheduler {
            do {
                configuration.scheduler = try SchedulerKind(parsing: name)
            } catch {
                throw ValidationError("--scheduler: \(error)")
            }
        }
        if let text = self.targetRate {
            do {
                configuration.schedulerOptions.targetRate = try RelayUnits.bitsPerSecond(text, key: "target-rate") / 8
            } catch {
                throw ValidationError("--target-rate \(text): give a rate such as 15mbit, 800kbit or 1gbit")
            }
        }
        if let text = self.meteredBudget {
            guard let bytes = Self.parseBytes(text) else {
                throw ValidationError("--metered-budget \(text): give a size such as 5MB, 800k or 1G")
            }
            configuration.schedulerOptions.meteredBudget = bytes
        }
        return configuration
    }

    /// A size with an optional k/M/G/T suffix and an optional trailing "B" ("5MB", "5M", "5000000").
    static func parseBytes(_ text: String) -> UInt64? {
        let trimmed = text.hasSuffix("B") && text.count > 1 ? String(text.dropLast()) : text
        return Formatting.parseByteCount(trimmed)
    }
}

/// One `--local` of `mpquic client`: `HOST[:PORT][=LABEL[,backup][,metered]]`.
enum LocalPathArgument {
    static func parse(_ text: String, index: Int) throws -> LocalPathEndpoint {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        guard let address = NetworkAddress(parsing: addressText, defaultPort: 0) else {
            throw ValidationError("--local \(text): \(addressText) is not an IP address (such as 127.0.0.2 or "
                + "127.0.0.2:5000)")
        }
        var endpoint = LocalPathEndpoint(address: address, label: "path\(index)")
        guard parts.count == 2 else { return endpoint }
        let items = parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if let label = items.first, !label.isEmpty {
            endpoint.label = label
        }
        for item in items.dropFirst() {
            switch item {
            case "backup": endpoint.isBackup = true
            case "metered": endpoint.cost = .metered(costPerByte: 1)
            default:
                throw ValidationError("--local \(text): unknown flag \"\(item)\"; after the label only backup and "
                    + "metered may follow, e.g. --local 127.0.0.2=cellular,backup,metered")
            }
        }
        return endpoint
    }
}
