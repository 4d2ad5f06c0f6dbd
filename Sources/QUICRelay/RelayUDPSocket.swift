import Glibc

/// A non-blocking UDP socket on a file descriptor, closed when the object goes away.
///
/// The kernel serializes calls on one descriptor, so a socket may be shared between threads; the relay
/// itself uses each socket on its own thread only.
public final class RelayUDPSocket: Sendable {
    public let descriptor: Int32

    /// Opens a socket of `address`'s family and binds it there (port 0 picks a free port).
    public init(bindingTo address: RelaySocketAddress, bufferSize: Int32 = 4 << 20) throws(RelayError) {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let descriptor = socket(address.family, type, 0)
        guard descriptor >= 0 else {
            throw .socket(operation: "socket", errno: errno)
        }
        var size = bufferSize
        // Larger buffers absorb bursts while the relay thread sleeps; the kernel caps them at rmem_max/wmem_max.
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var storage = address.storage
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw .socket(operation: "bind to \(address)", errno: code)
        }
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// The address the socket is bound to, with the port the kernel chose.
    public func localAddress() throws(RelayError) -> RelaySocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(self.descriptor, $0, &length) }
        }
        guard result == 0 else {
            throw .socket(operation: "getsockname", errno: errno)
        }
        return RelaySocketAddress(storage: storage, length: length)
    }

    /// Receives one datagram into `buffer` without blocking; `nil` when none is waiting.
    @inlinable
    public func receive(into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, source: RelaySocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(self.descriptor, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
            }
        }
        guard count >= 0 else {
            return nil
        }
        return (count, RelaySocketAddress(storage: storage, length: length))
    }

    /// Sends `bytes` to `destination`; false if the kernel refused (for example a full buffer).
    @inlinable
    public func send(_ bytes: UnsafeRawBufferPointer, to destination: RelaySocketAddress) -> Bool {
        var storage = destination.storage
        let sent = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(self.descriptor, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, destination.length)
            }
        }
        return sent == bytes.count
    }

    /// Sends an array of bytes to `destination`.
    public func send(_ bytes: [UInt8], to destination: RelaySocketAddress) -> Bool {
        bytes.withUnsafeBytes { self.send($0, to: destination) }
    }

    /// Waits up to `milliseconds` for a datagram and returns it with its source; for tools and tests.
    public func receive(timeoutMilliseconds: Int32) -> (bytes: [UInt8], source: RelaySocketAddress)? {
        var descriptors = [pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)]
        guard poll(&descriptors, 1, timeoutMilliseconds) > 0 else {
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let received = buffer.withUnsafeMutableBytes { self.receive(into: $0) }
        guard let received else {
            return nil
        }
        return (Array(buffer.prefix(received.count)), received.source)
    }
}
