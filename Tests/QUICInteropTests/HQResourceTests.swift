import Foundation
import QUICInterop
import QUICTestSupport
import Testing

/// A scratch root with `hello.txt`, `sub/inner.bin`, a directory, and symbolic links in and out of the root.
struct ScratchRoot: ~Copyable {
    let base: String
    let root: String

    init() throws {
        self.base = NSTemporaryDirectory() + "/hq-root-\(UUID().uuidString)"
        self.root = self.base + "/www"
        let files = FileManager.default
        try files.createDirectory(atPath: self.root + "/sub", withIntermediateDirectories: true)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: self.root + "/hello.txt"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: self.root + "/sub/inner.bin"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: self.base + "/secret.txt"))
        try Data("spaced".utf8).write(to: URL(fileURLWithPath: self.root + "/a b.txt"))
        try files.createSymbolicLink(atPath: self.root + "/escape", withDestinationPath: self.base + "/secret.txt")
        try files.createSymbolicLink(atPath: self.root + "/updir", withDestinationPath: self.base)
        try files.createSymbolicLink(atPath: self.root + "/alias.txt", withDestinationPath: "hello.txt")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.base)
    }
}

@Suite("HQResourceResolver")
struct HQResourceTests {
    @Test("files under the root resolve with their size")
    func files() throws {
        let scratch = try ScratchRoot()
        let resolver = try HQResourceResolver(root: scratch.root)
        #expect(try resolver.resolve("/hello.txt").length == 6)
        #expect(try resolver.resolve("/sub/inner.bin").length == 3)
        #expect(try resolver.resolve("/a%20b.txt").length == 6)
        #expect(try resolver.resolve("//sub/./inner.bin?x=1").length == 3)
        #expect(try resolver.resolve("/alias.txt").length == 6)
    }

    @Test("hostile paths are refused", arguments: [
        "/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
    ])
    func traversal(path: String) throws {
        let scratch = try ScratchRoot()
        let resolver = try HQResourceResolver(root: scratch.root)
        #expect(throws: HQResourceError.forbidden(path)) { try resolver.resolve(path) }
    }

    @Test("symbolic links leading outside the root are refused")
    func symlinks() throws {
        let scratch = try ScratchRoot()
        let resolver = try HQResourceResolver(root: scratch.root)
        #expect(throws: HQResourceError.forbidden("/escape")) { try resolver.resolve("/escape") }
        #expect(throws: HQResourceError.forbidden("/updir/secret.txt")) { try resolver.resolve("/updir/secret.txt") }
    }

    @Test("directories, missing files and bad escapes")
    func refusals() throws {
        let scratch = try ScratchRoot()
        let resolver = try HQResourceResolver(root: scratch.root)
        #expect(throws: HQResourceError.notARegularFile("/sub")) { try resolver.resolve("/sub") }
        #expect(throws: HQResourceError.notARegularFile("/")) { try resolver.resolve("/") }
        #expect(throws: HQResourceError.notFound("/missing.txt")) { try resolver.resolve("/missing.txt") }
        for bad in ["/a%", "/a%2", "/a%zz", "/a%00b", "/%ff%fe"] {
            #expect(throws: HQResourceError.invalidEncoding(bad)) { try resolver.resolve(bad) }
        }
    }

    @Test("an unusable root is reported")
    func badRoot() throws {
        let scratch = try ScratchRoot()
        #expect(throws: HQResourceError.self) { try HQResourceResolver(root: scratch.root + "/hello.txt") }
        #expect(throws: HQResourceError.self) { try HQResourceResolver(root: scratch.root + "/none") }
    }

    @Test("/N is generated, up to 10^12, with or without a root")
    func generated() throws {
        let scratch = try ScratchRoot()
        for resolver in [try HQResourceResolver(root: nil), try HQResourceResolver(root: scratch.root)] {
            #expect(try resolver.resolve("/0") == .generated(length: 0))
            #expect(try resolver.resolve("/1000000") == .generated(length: 1_000_000))
            #expect(try resolver.resolve("/1000000000000") == .generated(length: 1_000_000_000_000))
            #expect(throws: HQResourceError.tooLarge("/1000000000001")) { try resolver.resolve("/1000000000001") }
            #expect(throws: HQResourceError.tooLarge("/99999999999999999999999")) {
                try resolver.resolve("/99999999999999999999999")
            }
            #expect(throws: HQResourceError.notFound("/12a")) { try resolver.resolve("/12a") }
            #expect(throws: HQResourceError.notFound("/-5")) { try resolver.resolve("/-5") }
        }
        #expect(throws: HQResourceError.notFound("/hello.txt")) {
            try HQResourceResolver(root: nil).resolve("/hello.txt")
        }
    }

    @Test("random paths never crash the resolver")
    func fuzz() throws {
        let scratch = try ScratchRoot()
        let resolver = try HQResourceResolver(root: scratch.root)
        let alphabet = Array("/.%2eEfF0a\\b?".utf8)
        var random = SplitMix64(seed: 77)
        for _ in 0..<2_000 {
            let bytes = (0..<random.int(0...12)).map { _ in alphabet[random.int(0...12)] }
            let path = String(decoding: bytes, as: UTF8.self)
            if case .file(let resolved, _) = try? resolver.resolve("/" + path) {
                #expect(resolved.hasPrefix(resolver.root ?? "?"))
            }
        }
    }
}
