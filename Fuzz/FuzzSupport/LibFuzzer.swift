import CLibFuzzer
import Foundation

/// The entry point every fuzzer shares: libFuzzer's driver, or the writing of the target's seed corpus.
public enum LibFuzzer {
    /// libFuzzer's `LLVMFuzzerTestOneInput`.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs `testOneInput` under libFuzzer with the command-line arguments, which libFuzzer reads as its own flags.
    ///
    /// `--write-seeds DIRECTORY` instead writes `seeds()` (file name, contents) into DIRECTORY and exits: the seed
    /// corpora in `Fuzz/corpus/` are made this way (`Scripts/fuzz-corpus.sh`), by the engine itself.
    public static func main(
        argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, testOneInput: TestOneInput,
        seeds: () throws -> [(name: String, bytes: [UInt8])] = { [] }
    ) -> CInt {
        if argc == 3, let flag = argv[1], String(cString: flag) == "--write-seeds", let directory = argv[2] {
            return Self.writeSeeds(into: String(cString: directory), seeds: seeds)
        }
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&count, &arguments, testOneInput)
    }

    private static func writeSeeds(into directory: String, seeds: () throws -> [(name: String, bytes: [UInt8])])
        -> CInt
    {
        do {
            let folder = URL(fileURLWithPath: directory, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let made = try seeds()
            for (name, bytes) in made {
                try Data(bytes).write(to: folder.appendingPathComponent(name))
            }
            print("wrote \(made.count) seeds into \(directory)")
            return 0
        } catch {
            print("writing seeds into \(directory) failed: \(error)")
            return 1
        }
    }

    /// The number of inputs a fuzzer runs against one endpoint or connection pair before it builds a new one,
    /// from the environment's `FUZZ_REUSE` (`FUZZ_REUSE=1` makes every input independent: use it to reproduce
    /// or minimise a crash that depends on what earlier inputs left behind).
    public static func reuseLimit(default value: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment["FUZZ_REUSE"], let limit = Int(text), limit > 0 else {
            return value
        }
        return limit
    }
}
