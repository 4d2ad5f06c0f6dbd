#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a resource's bytes in chunks, so that a response of any size is sent without holding it in memory.
///
/// Single owner: one task reads one body. Call ``close()`` (or let it deinitialize) to release a file.
public final class HQBodyReader {
    /// The number of bytes the resource had when it was resolved.
    public let length: UInt64
    /// Bytes returned so far.
    public private(set) var offset: UInt64 = 0
    private let resource: HQResource
    private var descriptor: Int32 = -1

    /// - Throws: ``HQResourceError/readFailed(_:)`` when the file cannot be opened.
    public init(resource: HQResource) throws(HQResourceError) {
        self.resource = resource
        self.length = resource.length
        if case .file(let path, _) = resource {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw .readFailed("\(path): \(String(cString: strerror(errno)))")
            }
            self.descriptor = descriptor
        }
    }

    deinit {
        self.close()
    }

    /// The next chunk of at most `maxLength` bytes (at least 1), or nil once the whole body was returned.
    /// A file that shrank since it was resolved ends early; one that grew is cut at its resolved length.
    public func next(maxLength: Int) throws(HQResourceError) -> [UInt8]? {
        let remaining = self.length - self.offset
        guard remaining > 0 else { return nil }
        let count = Int(min(UInt64(max(1, maxLength)), remaining))
        switch self.resource {
        case .generated:
            let chunk = GeneratedBody.bytes(offset: self.offset, count: count)
            self.offset += UInt64(count)
            return chunk
        case .file(let path, _):
            var failure: Int32 = 0
            let chunk = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                var result = read(self.descriptor, buffer.baseAddress, count)
                while result < 0, errno == EINTR {
                    result = read(self.descriptor, buffer.baseAddress, count)
                }
                if result < 0 {
                    failure = errno
                    initialized = 0
                } else {
                    initialized = result
                }
            }
            guard failure == 0 else { throw .readFailed("\(path): \(String(cString: strerror(failure)))") }
            guard !chunk.isEmpty else {
                self.offset = self.length
                return nil
            }
            self.offset += UInt64(chunk.count)
            return chunk
        }
    }

    /// Releases the file, if any; later calls to ``next(maxLength:)`` on a file fail.
    public func close() {
        if self.descriptor >= 0 {
            closeDescriptor(self.descriptor)
            self.descriptor = -1
        }
    }
}

/// `close(2)` under a name the class's own `close()` does not shadow.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
