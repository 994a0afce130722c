import Foundation
import Testing
import Vigil

/// Digests are what prompts are pinned by and inputs recorded with: they must be the text
/// `sha256sum` prints.
@Suite struct FileDigestTests {
    @Test func matchesSha256sum() throws {
        let folder = try TestEnvironment.temporaryFolder()
        let file = folder.appendingPathComponent("data.bin")
        // Every byte value, and more than one read chunk (1 MiB).
        let bytes = (0..<(3 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        try Data(bytes).write(to: file)
        let reference = try TestEnvironment.run(program: "sha256sum", [file.path])
        let expected = String(reference.standardOutput.prefix(64))
        #expect(FileDigest.sha256(of: file) == expected)
        #expect(FileDigest.sha256(of: bytes) == expected)
        #expect(
            FileDigest.sha256(of: Data("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(FileDigest.sha256(of: folder.appendingPathComponent("missing")) == nil)
    }
}
